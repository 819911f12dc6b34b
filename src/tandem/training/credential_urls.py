"""Pages of badges and certificates (E3): the learner's and staff's pages, and the
public verification pages, issuer profiles and revocation lists."""

from django.urls import path

from tandem.training import credential_views as views

urlpatterns: list = [
    path("training/credentials/", views.your_credentials, name="your_credentials"),
    path("training/credentials/<uuid:uuid>/", views.credential_detail, name="credential_detail"),
    path("training/credentials/<uuid:uuid>/badge.png", views.badge_image, name="badge_image"),
    path(
        "training/credentials/<uuid:uuid>/credential.jwt",
        views.credential_token,
        name="credential_token",
    ),
    path(
        "training/credentials/<uuid:uuid>/credential.json",
        views.credential_json,
        name="credential_json",
    ),
    path(
        "training/credentials/<uuid:uuid>/certificate.pdf",
        views.certificate_pdf,
        name="certificate_pdf",
    ),
    path(
        "training/credentials/<uuid:uuid>/revoke/",
        views.credential_revoke,
        name="credential_revoke",
    ),
    # Public: no sign-in.
    path("credentials/verify/", views.verify, name="verify"),
    path("credentials/<uuid:uuid>/", views.verify_credential, name="verify_credential"),
    path("credentials/<uuid:uuid>/image.png", views.credential_image, name="credential_image"),
    path("credentials/issuers/<uuid:uuid>/", views.issuer_profile, name="issuer_profile"),
    path(
        "credentials/issuers/<uuid:uuid>/revocation-list",
        views.status_list,
        name="status_list",
    ),
]
