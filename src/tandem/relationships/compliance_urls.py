from django.urls import path

from tandem.relationships import compliance_views as views

urlpatterns: list = [
    path("compliance/", views.staff_compliance, name="staff_compliance"),
    path(
        "organisations/<uuid:uuid>/compliance/",
        views.organisation_compliance,
        name="organisation_compliance",
    ),
    path(
        "mentorships/<uuid:uuid>/compliance/",
        views.mentorship_compliance,
        name="mentorship_compliance",
    ),
    path(
        "partnerships/<uuid:uuid>/compliance/",
        views.partnership_compliance,
        name="partnership_compliance",
    ),
    path("mentorships/<uuid:uuid>/reports/", views.mentorship_reports, name="mentorship_reports"),
    path("reports/received/", views.received_reports, name="received_reports"),
    path("reports/<uuid:uuid>/", views.report_detail, name="report_detail"),
]
