from django.urls import path

from tandem.relationships import (
    agreement_urls,
    compliance_urls,
    ending_urls,
    meeting_urls,
    plan_urls,
    views,
)

app_name = "relationships"

urlpatterns = [
    path("mentorships/", views.your_mentoring, name="your_mentoring"),
    path("organisation-mentorships/", views.staff_mentorships, name="staff_mentorships"),
    path("mentorships/<uuid:uuid>/", views.mentorship_detail, name="mentorship_detail"),
    path("mentorships/<uuid:uuid>/accept/", views.mentorship_accept, name="mentorship_accept"),
    path("mentorships/<uuid:uuid>/decline/", views.mentorship_decline, name="mentorship_decline"),
    path(
        "mentorships/<uuid:uuid>/withdraw/", views.mentorship_withdraw, name="mentorship_withdraw"
    ),
    path("mentorships/<uuid:uuid>/end/", views.mentorship_end, name="mentorship_end"),
    path(
        "organisations/<uuid:uuid>/mentorships/",
        views.organisation_mentorships,
        name="organisation_mentorships",
    ),
    path("organisations/<uuid:uuid>/mentorships/new/", views.allocate, name="allocate"),
]
urlpatterns += (
    agreement_urls.urlpatterns
    + plan_urls.urlpatterns
    + meeting_urls.urlpatterns
    + compliance_urls.urlpatterns
    + ending_urls.urlpatterns
)
