"""The pages and API of badges and certificates: who sees and revokes what, the public
verification pages, the issuer profile and revocation list (E3)."""

from __future__ import annotations

import jwt
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.training import badge_image, credentials
from tandem.training.models import Credential

from .test_credentials_issue import flip_signature_byte


def text(response) -> str:
    return response.content.decode()


# --- the learner's and staff's pages -------------------------------------------------------


def test_the_learner_sees_their_credentials(badge, certificate_credential, login):
    client = login(badge.recipient)
    page = client.get("/training/credentials/")
    assert page.status_code == 200
    assert "Workbook 1" in text(page) and "Mentoring in schools and colleges" in text(page)
    detail = client.get(f"/training/credentials/{certificate_credential.uuid}/")
    assert detail.status_code == 200
    body = text(detail)
    assert "Valid" in body and "University of Warwick" in body
    assert f"/credentials/{certificate_credential.uuid}/" in body
    assert "Revoke the" not in body  # the learner cannot revoke


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentor", 200),  # the recipient
        ("trainer", 200),  # course staff
        ("tutor", 200),
        ("coordinator", 200),  # the learner's coordinator (and course builder)
        ("mentee", 404),
        ("line_manager", 404),
        ("partner_coordinator", 404),
        ("outsider_coordinator", 404),
        ("stranger", 404),
    ],
)
def test_who_sees_a_credential(badge, cast, login, who, status):
    client = login(getattr(cast, who))
    assert client.get(f"/training/credentials/{badge.uuid}/").status_code == status
    assert client.get(f"/training/credentials/{badge.uuid}/badge.png").status_code == status


def test_downloads(badge, certificate_credential, login):
    client = login(badge.recipient)
    png = client.get(f"/training/credentials/{badge.uuid}/badge.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png["Content-Disposition"].startswith("attachment;")
    assert badge_image.extract(png.content) == badge.token
    token = client.get(f"/training/credentials/{badge.uuid}/credential.jwt")
    assert token.content.decode() == badge.token
    as_json = client.get(f"/training/credentials/{badge.uuid}/credential.json").json()
    assert as_json["id"] == f"urn:uuid:{badge.uuid}"
    pdf = client.get(f"/training/credentials/{certificate_credential.uuid}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"].startswith("attachment;")
    # A badge has no PDF certificate.
    assert client.get(f"/training/credentials/{badge.uuid}/certificate.pdf").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(badge, client):
    response = client.get(f"/training/credentials/{badge.uuid}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- revoking on the page --------------------------------------------------------------


def test_a_trainer_revokes_with_a_reason(badge, cast, login, client):
    staff = login(cast.trainer)
    page = staff.get(f"/training/credentials/{badge.uuid}/")
    assert "Revoke the badge" in text(page)
    empty = staff.post(f"/training/credentials/{badge.uuid}/revoke/", {"reason": " "})
    assert empty.status_code == 200
    assert "Enter why you are revoking the credential" in text(empty)
    badge.refresh_from_db()
    assert not badge.is_revoked
    done = staff.post(
        f"/training/credentials/{badge.uuid}/revoke/", {"reason": "Completed by someone else"}
    )
    assert done.status_code == 302
    badge.refresh_from_db()
    assert badge.revoked_reason == "Completed by someone else"
    again = staff.post(f"/training/credentials/{badge.uuid}/revoke/", {"reason": "Twice"})
    assert again.status_code == 200 and "already revoked" in text(again)

    client.logout()
    public = client.get(f"/credentials/{badge.uuid}/")
    assert public.status_code == 200
    body = text(public)
    today = timezone.localdate().strftime("%-d %B %Y")
    assert f"Revoked on {today}: Completed by someone else" in body
    assert "Not valid" in body
    assert "Verified" not in body


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentor", 403),  # the learner: sees it, may not revoke
        ("tutor", 403),  # course staff, but not a course builder
        ("mentee", 404),
        ("partner_coordinator", 404),
        ("outsider_coordinator", 404),
    ],
)
def test_who_may_not_revoke(badge, cast, login, who, status):
    client = login(getattr(cast, who))
    response = client.post(f"/training/credentials/{badge.uuid}/revoke/", {"reason": "No"})
    assert response.status_code == status
    badge.refresh_from_db()
    assert not badge.is_revoked


# --- public pages ----------------------------------------------------------------------


def test_the_verification_page_needs_no_sign_in(certificate_credential, client):
    response = client.get(f"/credentials/{certificate_credential.uuid}/")
    assert response.status_code == 200
    body = text(response)
    assert "Verified" in body
    assert "Mina Patel" in body
    assert "Mentoring in schools and colleges" in body
    assert "Riverside College" in body
    assert "University of Warwick" in body and "Level 4" in body
    assert "Technical details" in body and "EdDSA" in body
    # Only what the credential states: no email address.
    assert certificate_credential.recipient.email not in body


def test_an_unknown_credential_is_a_404(client, db):
    response = client.get("/credentials/6f1c7a52-62c9-4a3f-9d1e-2f0c6f1b1a11/")
    assert response.status_code == 404


def test_the_achievement_image_is_public(badge, client):
    response = client.get(f"/credentials/{badge.uuid}/image.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert badge_image.extract(response.content) is None  # not baked


def test_the_issuer_profile_publishes_the_public_key(badge, client, cast):
    response = client.get(f"/credentials/issuers/{cast.riverside.uuid}/")
    assert response.status_code == 200
    profile = response.json()
    assert profile["id"] == credentials.issuer_profile_url(cast.riverside)
    assert profile["name"] == "Riverside College" and profile["type"] == ["Profile"]
    assert profile["url"]
    jwk = profile["verificationMethod"][0]["publicKeyJwk"]
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and "d" not in jwk
    # An organisation that never issued has no issuer profile.
    assert client.get(f"/credentials/issuers/{cast.eastfield.uuid}/").status_code == 404


def test_the_revocation_list_is_a_signed_status_list(badge, client, cast):
    response = client.get(f"/credentials/issuers/{cast.riverside.uuid}/revocation-list")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    claims = jwt.decode(response.content.decode(), options={"verify_signature": False})
    assert "BitstringStatusListCredential" in claims["type"]
    assert claims["credentialSubject"]["statusPurpose"] == "revocation"
    valid_until = claims["validUntil"]
    assert valid_until > timezone.now().isoformat()[:10]


def test_the_verify_form_checks_a_pasted_credential(badge, client):
    page = client.get("/credentials/verify/")
    assert page.status_code == 200
    ok = client.post("/credentials/verify/", {"token": badge.token})
    assert ok.status_code == 200 and "Verified" in text(ok) and "Mina Patel" in text(ok)
    # Line breaks from an email are ignored.
    wrapped = "\n".join(badge.token[i : i + 60] for i in range(0, len(badge.token), 60))
    assert "Verified" in text(client.post("/credentials/verify/", {"token": wrapped}))


def test_the_verify_form_reports_a_tampered_credential(badge, client):
    response = client.post("/credentials/verify/", {"token": flip_signature_byte(badge.token)})
    assert response.status_code == 200
    body = text(response)
    assert "Not valid" in body
    assert "The signature does not match" in body
    assert "Verified" not in body


@pytest.mark.parametrize(
    "garbage",
    [
        "hello",
        "eyJhbGciOiJFZERTQSJ9.e30.AAAA",
        "<script>alert(1)</script>",
        "a.b.c",
        "\u00e9.\u00e9.x",
    ],
)
def test_garbage_on_the_verify_form_is_a_clear_message(garbage, client, db):
    response = client.post("/credentials/verify/", {"token": garbage})
    assert response.status_code == 200
    assert "The text is not a credential" in text(response)
    assert "<script>alert(1)</script>" not in text(response)


def test_control_characters_are_a_field_error(client, db):
    response = client.post("/credentials/verify/", {"token": "\x00\x01"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]


def test_an_empty_verify_form_names_the_field(client, db):
    response = client.post("/credentials/verify/", {})
    assert response.status_code == 200
    assert "Paste the credential, or upload a badge image" in text(response)


def test_uploading_a_baked_badge(badge, client):
    png = badge_image.baked_image(badge)
    upload = SimpleUploadedFile("badge.png", png, content_type="image/png")
    response = client.post("/credentials/verify/", {"file": upload})
    assert response.status_code == 200 and "Verified" in text(response)


def test_uploading_the_wrong_file(badge, client):
    not_png = SimpleUploadedFile("badge.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client.post("/credentials/verify/", {"file": not_png})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    pdf = SimpleUploadedFile("badge.pdf", b"%PDF-1.4 a document", content_type="application/pdf")
    response = client.post("/credentials/verify/", {"file": pdf})
    assert "not a PNG image" in response.context["form"].errors["file"][0]
    plain = SimpleUploadedFile(
        "plain.png", badge_image.draw_badge("Plain", "Riverside College"), content_type="image/png"
    )
    response = client.post("/credentials/verify/", {"file": plain})
    assert response.context["form"].errors["file"] == ["This image has no credential baked into it"]
    huge = SimpleUploadedFile("huge.png", b"\x89PNG\r\n\x1a\n" + b"0" * (3 * 1024 * 1024))
    response = client.post("/credentials/verify/", {"file": huge})
    assert "at most 2 MB" in response.context["form"].errors["file"][0]


def test_a_corrupt_png_is_not_a_500(client, db):
    broken = SimpleUploadedFile("badge.png", b"\x89PNG\r\n\x1a\n" + b"\xff" * 200)
    response = client.post("/credentials/verify/", {"file": broken})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


# --- API -------------------------------------------------------------------------------


def test_api_lists_and_reads_credentials(badge, certificate_credential, login, cast):
    client = login(cast.mentor)
    listed = client.get("/api/v1/credentials?mine=true").json()
    assert listed["count"] == 2
    one = client.get(f"/api/v1/credentials/{badge.uuid}").json()
    assert one["token"] == badge.token and one["unit_title"] == "Workbook 1"
    other = login(cast.outsider_coordinator)
    assert other.get(f"/api/v1/credentials/{badge.uuid}").status_code == 404
    assert other.get("/api/v1/credentials").json()["count"] == 0


def test_api_revoke(badge, login, cast):
    learner = login(cast.mentor)
    denied = learner.post(
        f"/api/v1/credentials/{badge.uuid}/revoke", {"reason": "x"}, content_type="application/json"
    )
    assert denied.status_code == 403
    staff = login(cast.trainer)
    missing = staff.post(
        f"/api/v1/credentials/{badge.uuid}/revoke", {"reason": ""}, content_type="application/json"
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    done = staff.post(
        f"/api/v1/credentials/{badge.uuid}/revoke",
        {"reason": "Issued in error"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["revoked_reason"] == "Issued in error"


def test_api_verify_needs_no_authentication(badge, client):
    ok = client.post(
        "/api/v1/credentials/verify", {"token": badge.token}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["valid"] is True and ok.json()["credential"]["uuid"] == str(badge.uuid)
    bad = client.post(
        "/api/v1/credentials/verify",
        {"token": flip_signature_byte(badge.token)},
        content_type="application/json",
    )
    assert bad.status_code == 200 and bad.json()["valid"] is False
    assert "signature does not match" in bad.json()["problems"][0]
    garbage = client.post(
        "/api/v1/credentials/verify", {"token": "nonsense"}, content_type="application/json"
    )
    assert garbage.json()["problems"] == ["The text is not a credential"]
    with system_access():
        assert Credential.objects.count() == 1


# --- regressions -----------------------------------------------------------------------


def _world(credential):
    """The course world of a credential (its course and units), for the helper above."""

    class World:
        course = credential.course
        modules = list(credential.course.modules.order_by("position"))

    return World


def _change_records_after_issue(cast, course_world):
    """Today's records differ from what the credential certified."""
    from tandem.organisations.models import Person
    from tandem.training.models import Course, Module

    with system_access():
        Course.objects.filter(pk=course_world.course.pk).update(
            title="Renamed course", glh=99, validating_body="Some Other Body", credits=1
        )
        Module.objects.filter(pk=course_world.modules[0].pk).update(title="Renamed unit")
        Person.objects.filter(pk=cast.mentor.pk).update(given_name="Changed", family_name="Name")


def test_the_verification_page_shows_what_the_credential_states(
    certificate_credential, badge, cast, client
):
    _change_records_after_issue(cast, _world(certificate_credential))
    body = text(client.get(f"/credentials/{certificate_credential.uuid}/"))
    assert "Verified" in body
    assert "Mina Patel" in body and "Changed Name" not in body
    assert "Mentoring in schools and colleges" in body and "Renamed course" not in body
    assert "40 guided learning hours" in body and "99 guided" not in body
    assert "University of Warwick" in body and "Some Other Body" not in body
    assert "Credits" in body
    badge_body = text(client.get(f"/credentials/{badge.uuid}/"))
    assert "Workbook 1" in badge_body and "Renamed unit" not in badge_body


def test_the_credential_page_shows_what_the_credential_states(certificate_credential, cast, login):
    _change_records_after_issue(cast, _world(certificate_credential))
    body = text(login(cast.mentor).get(f"/training/credentials/{certificate_credential.uuid}/"))
    assert "Mentoring in schools and colleges" in body and "Renamed course" not in body
    assert "Awarded to" in body and "Mina Patel" in body
    assert "University of Warwick" in body and "Some Other Body" not in body


def test_the_certificate_states_what_was_certified(certificate_credential, cast):
    from tandem.training import certificate

    _change_records_after_issue(cast, _world(certificate_credential))
    html = certificate.certificate_html(certificate_credential)
    assert "Mina Patel" in html and "Changed Name" not in html
    assert "Mentoring in schools and colleges" in html and "Renamed course" not in html
    assert "40 guided learning hours" in html
    assert "University of Warwick" in html and "Some Other Body" not in html


def test_a_revocation_list_failure_is_logged_not_shown(
    certificate_credential, client, monkeypatch, caplog
):
    from openbadgeslib.ob3 import OB3VerificationError

    def broken(*args, **kwargs):
        raise OB3VerificationError("internal detail: connection to 10.0.0.5 refused")

    monkeypatch.setattr(credentials.OB3Verifier, "check_status", broken)
    with caplog.at_level("WARNING", logger="tandem.training.credentials"):
        body = text(client.get(f"/credentials/{certificate_credential.uuid}/"))
    assert "10.0.0.5" not in body and "internal detail" not in body
    assert "could not be checked just now" in body
    assert any("10.0.0.5" in r.getMessage() for r in caplog.records)


def test_the_issuer_profile_names_each_key_once(badge, client, cast, login):
    profile = client.get(f"/credentials/issuers/{cast.riverside.uuid}/").json()
    method = profile["verificationMethod"][0]
    assert method["id"] == method["publicKeyJwk"]["kid"]
    assert method["id"].startswith(profile["id"] + "#")
    body = text(client.get(f"/credentials/{badge.uuid}/"))
    assert method["id"] in body


def test_credential_emails_are_plain_text(cast, course_world, enrolment, certificate_credential):
    from django.core import mail

    from tandem.training.models import Course

    with system_access():
        Course.objects.filter(pk=course_world.course.pk).update(title="Mentors & coaches")
        enrolment.run.course.refresh_from_db()
    mail.outbox.clear()
    badge = credentials.issue_badge(enrolment, course_world.modules[0])
    assert "Mentors & coaches" in mail.outbox[-1].body and "&amp;" not in mail.outbox[-1].body
    credentials.revoke(cast.actor("trainer"), badge, "Issued to the wrong person's record")
    revoked = mail.outbox[-1]
    assert "wrong person's record" in revoked.body and "&#x27;" not in revoked.body
