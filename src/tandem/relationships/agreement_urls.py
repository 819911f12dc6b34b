"""Pages of the mentoring agreement, under its mentorship (namespace "relationships")."""

from django.urls import path

from tandem.relationships import agreement_views as views

urlpatterns = [
    path("mentorships/<uuid:uuid>/agreement/", views.agreement, name="agreement"),
    path(
        "mentorships/<uuid:uuid>/agreement/start/",
        views.agreement_start,
        name="agreement_start",
    ),
    path("mentorships/<uuid:uuid>/agreement/edit/", views.agreement_edit, name="agreement_edit"),
    path("mentorships/<uuid:uuid>/agreement/send/", views.agreement_send, name="agreement_send"),
    path(
        "mentorships/<uuid:uuid>/agreement/reopen/",
        views.agreement_reopen,
        name="agreement_reopen",
    ),
    path("mentorships/<uuid:uuid>/agreement/sign/", views.agreement_sign, name="agreement_sign"),
    path("mentorships/<uuid:uuid>/agreement/amend/", views.agreement_amend, name="agreement_amend"),
    path(
        "mentorships/<uuid:uuid>/agreement/versions/<int:number>/",
        views.agreement_version,
        name="agreement_version",
    ),
    path(
        "mentorships/<uuid:uuid>/agreement/versions/<int:number>/pdf/",
        views.agreement_pdf,
        name="agreement_pdf",
    ),
]
