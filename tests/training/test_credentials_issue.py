"""Issuing badges and certificates as Open Badges 3.0 credentials (E3), and checking
them with openbadgeslib and, independently, with PyJWT and cryptography."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import jwt
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openbadgeslib import baking
from openbadgeslib.ob3 import OB3Signer, OB3VerificationError, OB3Verifier

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tandem.training import badge_image, certificate, credentials, keys
from tandem.training.models import Credential, IssuerKey


def fetch_through_client(client):
    """openbadgeslib's ``download``: fetch our public URLs through the test client."""

    def download(url: str) -> bytes:
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200, url
        return response.content

    return download


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def independent_check(client, token: str) -> dict:
    """Verify without openbadgeslib: the issuer profile's published JWK, an Ed25519
    signature over the JWS signing input, and the OB 3.0 shape of the payload.
    Raises on any failure."""
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    claims = jwt.decode(token, options={"verify_signature": False})
    profile = client.get(urlsplit(claims["iss"]).path)
    assert profile.status_code == 200
    published = profile.json()
    assert published["id"] == claims["iss"]
    jwks = [m["publicKeyJwk"] for m in published["verificationMethod"]]
    assert all("d" not in jwk for jwk in jwks)
    signing_input, _, signature = token.rpartition(".")
    for jwk in jwks:
        assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
        public = Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
        try:
            public.verify(b64url_decode(signature), signing_input.encode("ascii"))
        except InvalidSignature:
            continue
        # PyJWT agrees with the raw check.
        payload = jwt.decode(token, public, algorithms=["EdDSA"], options={"verify_aud": False})
        break
    else:
        raise InvalidSignature("no published key of the issuer signed this token")
    context = payload["@context"]
    assert "https://www.w3.org/ns/credentials/v2" in context
    assert any(c.startswith("https://purl.imsglobal.org/spec/ob/v3p0/context") for c in context)
    assert "OpenBadgeCredential" in payload["type"]
    assert payload["credentialSubject"]["achievement"]["name"]
    return payload


def tamper_payload(token: str, change) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(b64url_decode(payload))
    change(claims)
    raw = json.dumps(claims, separators=(",", ":")).encode("utf-8")
    return f"{header}.{b64url_encode(raw)}.{signature}"


def flip_signature_byte(token: str) -> str:
    header, payload, signature = token.split(".")
    raw = bytearray(b64url_decode(signature))
    raw[10] ^= 0x01
    return f"{header}.{payload}.{b64url_encode(bytes(raw))}"


def issuer_public_pem(credential: Credential) -> str:
    with system_access():
        return IssuerKey.objects.get(pk=credential.key_id).public_key_pem


# --- issuing -----------------------------------------------------------------------------


def test_badge_is_an_open_badges_credential(badge, course_world, cast):
    claims = jwt.decode(badge.token, options={"verify_signature": False})
    assert claims["jti"] == f"urn:uuid:{badge.uuid}"
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["issuer"]["name"] == "Riverside College"
    assert claims["iss"] == credentials.issuer_profile_url(cast.riverside)
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Badge"
    assert achievement["name"] == "Workbook 1"
    assert "Workbook 1" in achievement["criteria"]["narrative"]
    assert achievement["image"]["id"].endswith(f"/credentials/{badge.uuid}/image.png")
    status = claims["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusListIndex"] == str(badge.status_index)
    assert status["statusListCredential"] == credentials.status_list_url(cast.riverside)
    # The recipient's address only as a salted hash; the name as given.
    identifiers = claims["credentialSubject"]["identifier"]
    assert cast.mentor.email not in badge.token
    assert cast.mentor.email not in json.dumps(claims)
    hashed = [i for i in identifiers if i["identityType"] == "emailAddress"][0]
    assert hashed["hashed"] is True and hashed["identityHash"].startswith("sha256$")
    names = [i for i in identifiers if i["identityType"] == "name"]
    assert names[0]["identityHash"] == cast.mentor.full_name


def test_certificate_carries_the_accreditation(certificate_credential):
    claims = jwt.decode(certificate_credential.token, options={"verify_signature": False})
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert achievement["creditsAvailable"] == 10
    assert "Level 4" in achievement["description"]
    assert "University of Warwick" in achievement["description"]
    assert claims["credentialSubject"]["creditsEarned"] == 10


def test_issuing_twice_returns_the_same_credential(enrolment, course_world):
    module = course_world.modules[1]
    first = credentials.issue_badge(enrolment, module)
    second = credentials.issue_badge(enrolment, module)
    assert first.pk == second.pk and first.token == second.token
    cert = credentials.issue_certificate(enrolment)
    assert credentials.issue_certificate(enrolment).pk == cert.pk
    with system_access():
        assert Credential.objects.filter(enrolment=enrolment, module=module).count() == 1
        assert Credential.objects.filter(enrolment=enrolment, kind="certificate").count() == 1
        assert IssuerKey.objects.filter(organisation=enrolment.organisation).count() == 1


def test_a_race_to_issue_ends_with_one_credential(enrolment, course_world, monkeypatch):
    module = course_world.modules[2]
    existing = credentials.issue_badge(enrolment, module)
    real = credentials._existing
    calls = {"n": 0}

    def blind_once(*args, **kwargs):
        # The first look misses the row a concurrent request has just written.
        calls["n"] += 1
        return None if calls["n"] == 1 else real(*args, **kwargs)

    monkeypatch.setattr(credentials, "_existing", blind_once)
    again = credentials.issue_badge(enrolment, module)
    assert again.pk == existing.pk
    with system_access():
        assert Credential.objects.filter(enrolment=enrolment, module=module).count() == 1


def test_each_credential_has_its_own_status_index(enrolment, course_world):
    issued = [credentials.issue_badge(enrolment, m) for m in course_world.modules]
    indices = [c.status_index for c in issued]
    assert len(set(indices)) == len(indices)


def test_a_unit_of_another_course_is_refused(enrolment, cast):
    from tests.training.conftest import build_course

    other = build_course(cast.riverside, title="Coaching basics", units=1)
    with pytest.raises(ValidationError) as err:
        credentials.issue_badge(enrolment, other.modules[0])
    assert "module" in err.value.message_dict


def test_the_private_key_is_stored_encrypted(badge, client):
    with system_access():
        key = IssuerKey.objects.get(pk=badge.key_id)
    assert "PRIVATE KEY" not in key.private_key_encrypted
    assert b"PRIVATE KEY" in keys.private_key_pem(key)
    profile = client.get(f"/credentials/issuers/{badge.issuer.uuid}/").content.decode()
    assert key.private_key_encrypted not in profile
    assert '"d"' not in profile


# --- verifying: openbadgeslib and an independent check -----------------------------------


@pytest.mark.parametrize("which", ["badge", "certificate_credential"])
def test_issued_credentials_verify_both_ways(which, request, client):
    credential = request.getfixturevalue(which)
    verified = OB3Verifier(issuer_public_pem(credential)).verify(
        credential.token, check_status=True, download=fetch_through_client(client)
    )
    assert verified.id == f"urn:uuid:{credential.uuid}"
    payload = independent_check(client, credential.token)
    assert payload["jti"] == f"urn:uuid:{credential.uuid}"
    result = credentials.verify_token(credential.token)
    assert result.valid and result.problems == []
    assert result.credential.pk == credential.pk


def test_a_changed_byte_in_the_payload_fails_both_ways(badge, client):
    def rename(claims):
        claims["credentialSubject"]["achievement"]["name"] = "Workbook 9"

    forged = tamper_payload(badge.token, rename)
    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        OB3Verifier(issuer_public_pem(badge)).verify(
            forged, check_status=True, download=fetch_through_client(client)
        )
    with pytest.raises(InvalidSignature):
        independent_check(client, forged)
    result = credentials.verify_token(forged)
    assert not result.valid
    assert result.problems == [
        "The signature does not match \u2014 the credential has been changed or was not "
        "issued by Riverside College"
    ]


def test_a_changed_character_anywhere_is_never_valid(badge):
    header, payload, signature = badge.token.split(".")
    for i in range(0, len(payload), 37):
        changed = payload[:i] + ("A" if payload[i] != "A" else "B") + payload[i + 1 :]
        result = credentials.verify_token(f"{header}.{changed}.{signature}")
        assert not result.valid
        assert result.problems


def test_a_changed_byte_in_the_signature_fails_both_ways(badge, client):
    forged = flip_signature_byte(badge.token)
    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        OB3Verifier(issuer_public_pem(badge)).verify(forged)
    with pytest.raises(InvalidSignature):
        independent_check(client, forged)
    result = credentials.verify_token(forged)
    assert not result.valid
    assert "The signature does not match" in result.problems[0]


def test_a_token_signed_with_another_key_fails(badge, client):
    claims = jwt.decode(badge.token, options={"verify_signature": False})
    other = Ed25519PrivateKey.generate()
    pem = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # The forger even puts their own key in the header: it must not be trusted.
    forged = OB3Signer(pem, algorithm="EdDSA").sign_payload(claims)
    assert jwt.get_unverified_header(forged)["jwk"]
    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        OB3Verifier(issuer_public_pem(badge)).verify(forged)
    with pytest.raises(InvalidSignature):
        independent_check(client, forged)
    result = credentials.verify_token(forged)
    assert not result.valid
    assert "was not issued by Riverside College" in result.problems[0]


def test_a_credential_of_another_issuer_is_not_ours(badge):
    claims = jwt.decode(badge.token, options={"verify_signature": False})
    claims["iss"] = claims["issuer"]["id"] = "https://badges.example.org/issuer"
    other = Ed25519PrivateKey.generate()
    pem = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    token = OB3Signer(pem, algorithm="EdDSA").sign_payload(claims)
    result = credentials.verify_token(token)
    assert result.problems == ["Not a credential issued by Tandem"]


@pytest.mark.parametrize(
    "garbage",
    ["", "hello", "a.b.c", "eyJ.eyJ.sig", "x" * 100_000, "..", None, 42, '{"a": 1}'],
)
def test_garbage_is_not_a_credential(garbage, db):
    result = credentials.verify_token(garbage)
    assert not result.valid
    assert result.problems == ["The text is not a credential"]


# --- revoking --------------------------------------------------------------------------


def test_revoking_sets_the_bit_and_the_reason(badge, cast, client):
    credentials.revoke(cast.actor("trainer"), badge, "Awarded to the wrong learner")
    badge.refresh_from_db()
    assert badge.is_revoked and badge.revoked_by_id == cast.trainer.pk
    with pytest.raises(OB3VerificationError, match="revocation"):
        OB3Verifier(issuer_public_pem(badge)).verify(
            badge.token, check_status=True, download=fetch_through_client(client)
        )
    # The signature itself still checks out: only the status changed.
    independent_check(client, badge.token)
    result = credentials.verify_token(badge.token)
    assert not result.valid
    today = timezone.localdate().strftime("%-d %B %Y")
    assert result.problems == [f"Revoked on {today}: Awarded to the wrong learner"]
    with system_access():
        assert AuditEvent.objects.filter(
            code="training.credential.revoked", object_uuid=badge.uuid
        ).exists()


def test_revoking_needs_a_reason_and_happens_once(badge, cast):
    trainer = cast.actor("trainer")
    with pytest.raises(ValidationError) as err:
        credentials.revoke(trainer, badge, "   ")
    assert "reason" in err.value.message_dict
    badge.refresh_from_db()
    assert not badge.is_revoked
    credentials.revoke(trainer, badge, "Issued in error")
    with pytest.raises(ValidationError) as err:
        credentials.revoke(trainer, badge, "Again")
    assert "already revoked" in err.value.message_dict["reason"][0]
    badge.refresh_from_db()
    assert badge.revoked_reason == "Issued in error"


@pytest.mark.parametrize("who", ["mentor", "mentee", "tutor", "outsider_coordinator"])
def test_only_course_builders_revoke(badge, cast, who):
    with pytest.raises(PermissionDenied):
        credentials.revoke(cast.actor(who), badge, "No")
    badge.refresh_from_db()
    assert not badge.is_revoked


def test_other_credentials_stay_valid_after_a_revocation(enrolment, course_world, cast):
    first = credentials.issue_badge(enrolment, course_world.modules[0])
    second = credentials.issue_badge(enrolment, course_world.modules[1])
    credentials.revoke(cast.actor("coordinator"), first, "Duplicate")
    assert not credentials.verify_token(first.token).valid
    assert credentials.verify_token(second.token).valid


# --- the baked image and the PDF -----------------------------------------------------------


def test_the_baked_png_carries_a_token_that_verifies(badge, client):
    png = badge_image.baked_image(badge)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    token = baking.extract_png(png, keyword=baking.ITXT_KEYWORD_OB3)
    assert token == badge.token
    OB3Verifier(issuer_public_pem(badge)).verify(
        token, check_status=True, download=fetch_through_client(client)
    )
    assert credentials.verify_token(token).valid


def test_the_badge_image_is_400_square(badge, certificate_credential):
    from io import BytesIO

    from PIL import Image

    for credential in (badge, certificate_credential):
        image = Image.open(BytesIO(badge_image.credential_image(credential)))
        assert image.size == (400, 400)
    long_title = badge_image.draw_badge("An unusually long unit title " * 6, "Riverside College")
    assert Image.open(BytesIO(long_title)).size == (400, 400)


def test_the_certificate_pdf_states_the_accreditation(certificate_credential, course_world):
    html = certificate.certificate_html(certificate_credential)
    for text in (
        "Mina Patel",
        "Mentoring in schools and colleges",
        "10 credits",
        "Level 4",
        "University of Warwick",
        "Riverside College",
        f"urn:uuid:{certificate_credential.uuid}",
        f"/credentials/{certificate_credential.uuid}/",
    ):
        assert text in html, text
    pdf = certificate.certificate_pdf(certificate_credential)
    assert pdf.startswith(b"%PDF-")


# --- regressions -----------------------------------------------------------------------


def test_a_credential_can_be_dated_when_it_was_earned(enrolment, course_world):
    earned = timezone.now().replace(microsecond=0) - timezone.timedelta(days=30)
    badge = credentials.issue_badge(enrolment, course_world.modules[0], issued_at=earned)
    assert badge.issued_at == earned
    claims = credentials.claims_of(badge)
    assert credentials.statement_of(claims).valid_from == earned
    assert credentials.verify_token(badge.token).valid
    again = credentials.issue_badge(enrolment, course_world.modules[0])
    assert again.pk == badge.pk and again.issued_at == earned


def test_revoking_a_badge_locks_only_the_credential(badge, cast):
    """The badge's unit is a nullable join: PostgreSQL refused to lock it (a 500)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        revoked = credentials.revoke(cast.actor("trainer"), badge, "Awarded by mistake")
    assert revoked.is_revoked
    if connection.features.has_select_for_update:
        locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
        assert locks and all("FOR UPDATE OF" in sql for sql in locks)
