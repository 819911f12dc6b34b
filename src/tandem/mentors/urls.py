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
