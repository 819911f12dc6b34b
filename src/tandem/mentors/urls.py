from django.urls import path

from tandem.mentors import views

app_name = "mentors"

urlpatterns = [
    path("subjects/", views.subject_list, name="subject_list"),
    path("mentor-profile/", views.own_profile, name="own_profile"),
    path("mentor-profiles/", views.profiles, name="profiles"),
    path("mentor-profiles/<uuid:uuid>/", views.profile_detail, name="profile_detail"),
    path("mentor-profiles/<uuid:uuid>/edit/", views.profile_edit, name="profile_edit"),
    path("mentor-profiles/<uuid:uuid>/submit/", views.profile_submit, name="profile_submit"),
    path(
        "organisations/<uuid:uuid>/mentor-profiles/",
        views.organisation_profiles,
        name="organisation_profiles",
    ),
]

from tandem.mentors import directory_views  # noqa: E402

urlpatterns += [
    path("directory/", directory_views.directory_entry, name="directory"),
    path(
        "partnerships/<uuid:uuid>/directory/",
        directory_views.partnership_directory,
        name="partnership_directory",
    ),
    path(
        "partnerships/<uuid:uuid>/directory.csv",
        directory_views.directory_export,
        name="directory_export",
    ),
    path(
        "directory/mentors/<uuid:uuid>/",
        directory_views.directory_mentor,
        name="directory_mentor",
    ),
    path("brokerage/", directory_views.brokerage_list, name="brokerage_list"),
    path("brokerage/<uuid:uuid>/", directory_views.brokerage_detail, name="brokerage_detail"),
    path(
        "brokerage/<uuid:uuid>/withdraw/",
        directory_views.brokerage_withdraw,
        name="brokerage_withdraw",
    ),
    path(
        "organisations/<uuid:uuid>/directory-settings/",
        directory_views.directory_settings,
        name="directory_settings",
    ),
    path(
        "partnerships/<uuid:uuid>/credits/",
        directory_views.partnership_credits,
        name="partnership_credits",
    ),
]
