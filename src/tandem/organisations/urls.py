from django.urls import path

from tandem.organisations import views

app_name = "organisations"

urlpatterns = [
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/<uuid:uuid>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<uuid:uuid>/edit/", views.partnership_edit, name="partnership_edit"),
    path(
        "partnerships/<uuid:uuid>/organisations/new/",
        views.partnership_new_organisation,
        name="partnership_new_organisation",
    ),
    path(
        "partnerships/<uuid:uuid>/members/add/",
        views.partnership_add_member,
        name="partnership_add_member",
    ),
    path(
        "partnerships/<uuid:uuid>/members/<uuid:member_uuid>/remove/",
        views.partnership_remove_member,
        name="partnership_remove_member",
    ),
    path(
        "partnerships/<uuid:uuid>/administrators/new/",
        views.partnership_appoint_admin,
        name="partnership_appoint_admin",
    ),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<uuid:uuid>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<uuid:uuid>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<uuid:uuid>/sites/new/", views.site_edit, name="site_new"),
    path(
        "organisations/<uuid:uuid>/sites/<uuid:site_uuid>/edit/", views.site_edit, name="site_edit"
    ),
    path(
        "organisations/<uuid:uuid>/people/", views.organisation_people, name="organisation_people"
    ),
    path("organisations/<uuid:uuid>/people/new/", views.person_new, name="person_new"),
    path(
        "organisations/<uuid:uuid>/people/<uuid:person_uuid>/roles/new/",
        views.person_grant_role,
        name="person_grant_role",
    ),
    path(
        "organisations/<uuid:uuid>/people/<uuid:person_uuid>/line-manager/",
        views.person_line_manager,
        name="person_line_manager",
    ),
    path("people/", views.people, name="people"),
    path("people/<uuid:uuid>/", views.person_detail, name="person_detail"),
    path("people/<uuid:uuid>/edit/", views.person_edit, name="person_edit"),
    path("memberships/<uuid:uuid>/end/", views.membership_end, name="membership_end"),
]

from tandem.organisations import import_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_start, name="import_start"),
    path("import/template.csv", import_views.import_template, name="import_template"),
    path("import/check/<slug:token>/", import_views.import_preview, name="import_preview"),
    path("import/check/<slug:token>/apply/", import_views.import_apply, name="import_apply"),
    path("import/batches/<uuid:uuid>/", import_views.import_batch, name="import_batch"),
]
