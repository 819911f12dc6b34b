from django.urls import path

from tandem.relationships import ending_views as views

urlpatterns: list = [
    path("mentorships/<uuid:uuid>/close/", views.close, name="mentorship_close"),
    path(
        "mentorships/<uuid:uuid>/close/ask/",
        views.propose_ending,
        name="mentorship_propose_ending",
    ),
    path(
        "mentorships/<uuid:uuid>/close/reflection/",
        views.reflection,
        name="mentorship_reflection",
    ),
    path("mentorships/<uuid:uuid>/transfer/", views.transfer, name="mentorship_transfer"),
]
