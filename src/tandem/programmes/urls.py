from django.urls import path

from tandem.programmes import views

app_name = "programmes"

urlpatterns = [
    path("programmes/", views.programmes, name="programmes"),
    path(
        "organisations/<uuid:uuid>/programmes/",
        views.organisation_programmes,
        name="organisation_programmes",
    ),
    path("organisations/<uuid:uuid>/programmes/new/", views.programme_new, name="programme_new"),
    path(
        "partnerships/<uuid:uuid>/programmes/",
        views.partnership_programmes,
        name="partnership_programmes",
    ),
    path(
        "partnerships/<uuid:uuid>/programmes/new/",
        views.partnership_programme_new,
        name="partnership_programme_new",
    ),
    path("programmes/<uuid:uuid>/", views.programme_detail, name="programme_detail"),
    path("programmes/<uuid:uuid>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<uuid:uuid>/close/", views.programme_close, name="programme_close"),
    path("programmes/<uuid:uuid>/reopen/", views.programme_reopen, name="programme_reopen"),
    path("programmes/<uuid:uuid>/cohorts/new/", views.cohort_new, name="cohort_new"),
    path("cohorts/<uuid:uuid>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<uuid:uuid>/edit/", views.cohort_edit, name="cohort_edit"),
    path(
        "organisations/<uuid:uuid>/calendars/",
        views.organisation_calendars,
        name="organisation_calendars",
    ),
    path("organisations/<uuid:uuid>/calendars/new/", views.calendar_new, name="calendar_new"),
    path("calendars/<uuid:uuid>/", views.calendar_detail, name="calendar_detail"),
    path(
        "calendars/<uuid:uuid>/periods/<uuid:period_uuid>/edit/",
        views.period_edit,
        name="period_edit",
    ),
]
