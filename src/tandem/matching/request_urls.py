from django.urls import path

from tandem.matching import request_views as views

urlpatterns: list = [
    path("mentoring-requests/", views.your_requests, name="request_list"),
    path("mentoring-requests/new/", views.request_new, name="request_new"),
    path("mentoring-requests/approvals/", views.approvals, name="request_approvals"),
    path("mentoring-requests/<uuid:uuid>/", views.request_detail, name="request_detail"),
    path("mentoring-requests/<uuid:uuid>/edit/", views.request_edit, name="request_edit"),
    path(
        "mentoring-requests/<uuid:uuid>/withdraw/", views.request_withdraw, name="request_withdraw"
    ),
    path("mentoring-requests/<uuid:uuid>/choose/", views.request_choose, name="request_choose"),
    path(
        "mentoring-requests/<uuid:uuid>/own-mentor/",
        views.request_own_mentor,
        name="request_own_mentor",
    ),
    path("mentoring-requests/<uuid:uuid>/decision/", views.request_decide, name="request_decide"),
    path(
        "organisations/<uuid:uuid>/mentoring-requests/",
        views.organisation_requests,
        name="organisation_requests",
    ),
    path(
        "organisations/<uuid:uuid>/mentoring-requests/new/",
        views.organisation_request_new,
        name="organisation_request_new",
    ),
]
