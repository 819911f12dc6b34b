"""Badges and certificates (E3, E5) as Open Badges 3.0 verifiable credentials.

A badge is issued when a learner completes a unit that awards one, a certificate
when they complete a course that awards one. Each is an OpenBadgeCredential
signed as a JWT (EdDSA) with the issuing organisation's key (training.keys),
carrying a Bitstring Status List entry: revoking a credential sets its bit in the
organisation's public revocation list. Issuing is idempotent.

Verification never trusts the key a token brings with it: the issuer named in the
token (our issuer profile URL) leads to the organisation and its own stored keys;
the signature is checked with openbadgeslib's OB3Verifier, the revocation list is
built in-process (no network) and the token must be one we stored.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import jwt
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.formats import date_format
from openbadgeslib.ob3 import (
    Achievement,
    IdentityObject,
    Issuer,
    OB3VerificationError,
    OB3Verifier,
    OpenBadgeCredential,
    build_status_list_credential,
    sign_status_list_credential,
    status_entry,
)
from openbadgeslib.ob3.status_list import DEFAULT_SIZE_BITS

from tandem.core import audit, policies
from tandem.core.notify import notify
from tandem.core.tenancy import system_access
from tandem.organisations.models import Organisation
from tandem.training import keys
from tandem.training.models import Credential, CredentialKind, IssuerKey

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.training.models import Course, Enrolment, Module

logger = logging.getLogger(__name__)

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
PURPOSE = "revocation"
# A pasted credential longer than this is not one of ours.
MAX_TOKEN_CHARS = 64 * 1024
STATUS_LIST_VALID_FOR = timedelta(days=1)
# A signed revocation list is reused for this long while its bits stay the same.
STATUS_LIST_REUSE_SECONDS = 3600
REVOKED_FLAG = "Credential status 'revocation' is set"

NOT_A_CREDENTIAL = "The text is not a credential"
NOT_OURS = "Not a credential issued by Tandem"


# --- public addresses ----------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def issuer_profile_url(organisation: Organisation) -> str:
    return _absolute(reverse("training:issuer_profile", kwargs={"uuid": organisation.uuid}))


def status_list_url(organisation: Organisation) -> str:
    return _absolute(reverse("training:status_list", kwargs={"uuid": organisation.uuid}))


def verification_url(credential: Credential) -> str:
    return _absolute(credential.get_verification_url())


def _our_route(url: Any, name: str) -> UUID | None:
    """The organisation uuid in one of our own public credential URLs, else None."""
    if not isinstance(url, str) or len(url) > 500:
        return None
    base = settings.SITE_URL.rstrip("/")
    if not url.startswith(base + "/"):
        return None
    path = urlsplit(url[len(base) :]).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace != "training" or match.url_name != name:
        return None
    value = match.kwargs.get("uuid")
    return value if isinstance(value, UUID) else None


# --- issuing -------------------------------------------------------------------------------


def issue_badge(
    enrolment: Enrolment,
    module: Module,
    *,
    issued_at: datetime | None = None,
    notify_learner: bool = True,
) -> Credential:
    """The learner's badge for a completed unit: issued once, returned thereafter.

    ``issued_at`` (default now) dates it, for example at the unit's completion; the
    learner is emailed about it unless ``notify_learner`` is False.
    """
    if module.course_id != enrolment.run.course_id:
        raise ValidationError({"module": "This unit is not part of the learner's course"})
    return _issue(enrolment, CredentialKind.BADGE, module, issued_at, notify_learner)


def issue_certificate(
    enrolment: Enrolment,
    *,
    issued_at: datetime | None = None,
    notify_learner: bool = True,
) -> Credential:
    """The learner's certificate for a completed course: issued once, returned thereafter.

    ``issued_at`` (default now) dates it; ``notify_learner`` False sends no email (the
    course-completed email already tells the learner about it).
    """
    return _issue(enrolment, CredentialKind.CERTIFICATE, None, issued_at, notify_learner)


def _existing(enrolment: Enrolment, kind: str, module: Module | None) -> Credential | None:
    with system_access():
        found = Credential.objects.filter(enrolment=enrolment, kind=kind)
        if kind == CredentialKind.BADGE:
            found = found.filter(module=module)
        return found.select_related("issuer", "course", "module", "recipient", "key").first()


def _next_status_index(organisation: Organisation) -> int:
    with system_access():
        # Serialise issuers of the same organisation where the database can
        # (PostgreSQL); the unique index on (issuer, status_index) and the retry in
        # _issue cover the rest.
        Organisation.objects.select_for_update(of=("self",)).filter(pk=organisation.pk).first()
        top = Credential.objects.filter(issuer=organisation).aggregate(m=Max("status_index"))["m"]
    return 0 if top is None else top + 1


def _issue(
    enrolment: Enrolment,
    kind: str,
    module: Module | None,
    issued_at: datetime | None = None,
    notify_learner: bool = True,
) -> Credential:
    found = _existing(enrolment, kind, module)
    if found is not None:
        found.created = False
        return found
    with system_access():
        course = enrolment.run.course
        organisation = course.organisation
        recipient = enrolment.person
    key = keys.current_key(organisation)
    for _attempt in range(8):
        try:
            with transaction.atomic():
                credential = Credential(
                    uuid=uuid4(),
                    kind=kind,
                    enrolment=enrolment,
                    module=module,
                    course=course,
                    recipient=recipient,
                    issuer=organisation,
                    key=key,
                    name=_credential_name(kind, course, module)[:300],
                    status_index=_next_status_index(organisation),
                    issued_at=(issued_at or timezone.now()).replace(microsecond=0),
                )
                credential.token = keys.signer(key).sign(build_credential(credential))
                credential.save(force_insert=True)
        except IntegrityError:
            # Either the same credential was issued at the same moment (return it)
            # or another credential took the status index (try the next one).
            found = _existing(enrolment, kind, module)
            if found is not None:
                found.created = False
                return found
            continue
        audit.record(
            None,
            "training.credential.issued",
            credential,
            organisation=organisation,
            changes={
                "kind": kind,
                "recipient": str(recipient),
                "status_index": credential.status_index,
            },
        )
        credential.created = True
        if notify_learner:
            tell_learner(credential)
        return credential
    raise RuntimeError("Could not find a free revocation-list index for the credential")


def tell_learner(credential: Credential) -> None:
    """Email the learner that the credential has been issued, with its address."""
    notify(
        [credential.recipient],
        "training/email/credential_issued.txt",
        {"credential": credential, "url": _absolute(credential.get_absolute_url())},
    )


def _credential_name(kind: str, course: Course, module: Module | None) -> str:
    if kind == CredentialKind.BADGE and module is not None:
        return f"{module.title}: {course.title}"
    return f"Certificate: {course.title}"


def _hours(value: Decimal | None) -> str:
    if value is None:
        return "0"
    return f"{value.normalize():f}"


def accreditation_text(course: Course) -> str:
    """The course's accreditation in words (E5), or "" when it has none."""
    parts = []
    if course.credits:
        parts.append(f"{_hours(course.credits)} credits")
    if course.level:
        parts.append(course.level)
    if course.validating_body:
        parts.append(f"validated by {course.validating_body}")
    return ", ".join(parts)


def _criteria(credential: Credential) -> str:
    course = credential.course
    if credential.kind == CredentialKind.BADGE and credential.module is not None:
        module = credential.module
        return (
            f"Completed the {module.get_kind_display().lower()} \u201c{module.title}\u201d "
            f"({_hours(module.glh)} guided learning hours) of the course "
            f"\u201c{course.title}\u201d run by {credential.issuer.name}: every required "
            "activity done, reflective questions answered and any assessed work judged by a "
            "tutor as meeting the criteria."
        )
    if course.completion_rule == "minimum" and course.minimum_units:
        units = f"at least {course.minimum_units} of its units"
    else:
        units = "every unit"
    text = (
        f"Completed the course \u201c{course.title}\u201d ({_hours(course.glh)} guided learning "
        f"hours) run by {credential.issuer.name}: {units} completed"
    )
    if course.practice_hours_required:
        text += (
            f" and at least {_hours(course.practice_hours_required)} hours of mentoring "
            "practice recorded"
        )
    return text + "."


def _description(credential: Credential) -> str:
    course = credential.course
    if credential.kind == CredentialKind.BADGE and credential.module is not None:
        module = credential.module
        return module.summary.strip() or f"A unit of the course \u201c{course.title}\u201d."
    text = course.summary.strip() or f"The course \u201c{course.title}\u201d."
    accreditation = accreditation_text(course)
    if accreditation:
        text += f"{ACCREDITATION_MARK}{accreditation}."
    return text


def build_credential(credential: Credential) -> OpenBadgeCredential:
    """The OpenBadgeCredential for a (not yet signed) Credential row."""
    organisation = credential.issuer
    course = credential.course
    is_badge = credential.kind == CredentialKind.BADGE
    subject_of = credential.module if is_badge else course
    recipient = credential.recipient
    achievement = Achievement(
        id=f"urn:uuid:{subject_of.uuid}",
        name=(credential.module.title if is_badge else course.title),
        description=_description(credential),
        criteria_narrative=_criteria(credential),
        image_url=_absolute(reverse("training:credential_image", kwargs={"uuid": credential.uuid})),
        achievement_type="Badge" if is_badge else "Certificate",
        credits_available=(
            float(course.credits) if not is_badge and course.credits is not None else None
        ),
        tags=[t for t in ("mentoring", course.level) if t],
    )
    issuer = Issuer(
        id=issuer_profile_url(organisation),
        name=organisation.name,
        url=organisation.website or settings.SITE_URL,
    )
    identifiers = [
        # The recipient's address, hashed with a salt: a verifier who knows it can
        # check it; nobody else learns it.
        IdentityObject.create(recipient.email.strip().lower(), salt=secrets.token_hex(8)),
        # The name, as shown on the certificate and the verification page.
        IdentityObject(identity_hash=recipient.full_name, identity_type="name", hashed=False),
    ]
    return OpenBadgeCredential(
        id=f"urn:uuid:{credential.uuid}",
        issuer=issuer,
        recipient_id=None,
        achievement=achievement,
        name=credential.name,
        issuance_date=credential.issued_at,
        credential_status=[
            status_entry(status_list_url(organisation), PURPOSE, credential.status_index)
        ],
        credits_earned=achievement.credits_available,
        identifiers=identifiers,
    )


# --- revoking ------------------------------------------------------------------------------


def revoke(actor: Actor, credential: Credential, reason: str) -> Credential:
    """Revoke a credential with a reason shown on its verification page."""
    if not policies.can_change(actor, credential):
        raise PermissionDenied(
            "Only the trainers and coordinators of the organisation that issued this "
            "credential can revoke it"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "reason": "Enter why you are revoking the credential; it is shown to anyone "
                "who checks it"
            }
        )
    if len(reason) > 1000:
        raise ValidationError({"reason": "The reason must be 1,000 characters or fewer"})
    with transaction.atomic(), system_access():
        locked = (
            Credential.objects.select_for_update(of=("self",))
            .select_related("issuer", "recipient", "course", "module")
            .get(pk=credential.pk)
        )
        if locked.revoked_at is not None:
            raise ValidationError(
                {
                    "reason": f"This credential was already revoked on "
                    f"{date_format(timezone.localtime(locked.revoked_at), 'j F Y')}: "
                    f"{locked.revoked_reason}"
                }
            )
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason
        locked.revoked_by = getattr(actor, "person", None)
        locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        audit.record(
            actor,
            "training.credential.revoked",
            locked,
            organisation=locked.issuer,
            changes={"reason": reason, "status_index": locked.status_index},
        )
        notify(
            [locked.recipient],
            "training/email/credential_revoked.txt",
            {"credential": locked, "url": verification_url(locked)},
        )
    return locked


# --- the revocation list -------------------------------------------------------------------

_lists: dict[tuple[str, str, int, str], tuple[float, str]] = {}
_lists_lock = threading.Lock()


def status_list_token(organisation: Organisation, key: IssuerKey | None = None) -> str:
    """The organisation's signed BitstringStatusListCredential (a compact JWT), signed
    with its current key.

    Valid for a day; rebuilt at once whenever a bit changes, since the set of
    revoked indices is read from the database on every call.
    """
    if key is None:
        key = keys.current_key(organisation)
    with system_access():
        issued = Credential.objects.filter(issuer=organisation)
        top = issued.aggregate(m=Max("status_index"))["m"] or 0
        revoked = list(
            issued.filter(revoked_at__isnull=False)
            .order_by("status_index")
            .values_list("status_index", flat=True)
        )
    size = max(DEFAULT_SIZE_BITS, math.ceil((top + 1) / DEFAULT_SIZE_BITS) * DEFAULT_SIZE_BITS)
    digest = hashlib.sha256(",".join(map(str, revoked)).encode()).hexdigest()
    cache_key = (str(organisation.uuid), str(key.uuid), size, digest + settings.SITE_URL)
    now = time.monotonic()
    cached = _lists.get(cache_key)
    if cached is not None and now - cached[0] < STATUS_LIST_REUSE_SECONDS:
        return cached[1]
    moment = timezone.now().replace(microsecond=0)
    document = build_status_list_credential(
        issuer_profile_url(organisation),
        status_list_url(organisation),
        PURPOSE,
        revoked,
        size_bits=size,
        issued=moment,
        valid_until=moment + STATUS_LIST_VALID_FOR,
    )
    token = sign_status_list_credential(document, keys.private_key_pem(key), key.algorithm)
    with _lists_lock:
        if len(_lists) > 256:
            _lists.clear()
        _lists[cache_key] = (now, token)
    return token


def _download_for(organisation: Organisation, key: IssuerKey) -> Any:
    """``download`` for checking one issuer's credentials, with its records at hand."""
    own = status_list_url(organisation)

    def fetch(url: str) -> bytes:
        if url == own:
            return status_list_token(organisation, key).encode("ascii")
        return download(url)

    return fetch


def download(url: str) -> bytes:
    """Fetch one of our own revocation lists, built in-process; nothing else is fetched."""
    uuid = _our_route(url, "status_list")
    if uuid is None:
        raise OB3VerificationError("only Tandem's own revocation lists are consulted")
    with system_access():
        organisation = Organisation.objects.filter(uuid=uuid).first()
    if organisation is None or not keys.keys_of(organisation):
        raise OB3VerificationError("no such revocation list")
    return status_list_token(organisation).encode("ascii")


# --- verifying -----------------------------------------------------------------------------


@dataclass
class Verification:
    """The outcome of checking a credential, in words a visitor understands."""

    valid: bool
    problems: list[str] = field(default_factory=list)
    credential: Credential | None = None
    claims: dict[str, Any] = field(default_factory=dict)
    issuer: Organisation | None = None
    key: IssuerKey | None = None
    algorithm: str = ""

    @property
    def revoked(self) -> bool:
        return self.credential is not None and self.credential.is_revoked


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except (jwt.exceptions.PyJWTError, ValueError, TypeError, RecursionError, UnicodeError):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return header, claims


def _revoked_problem(credential: Credential) -> str:
    when = date_format(timezone.localtime(credential.revoked_at), "j F Y")
    return f"Revoked on {when}: {credential.revoked_reason}"


def verify_token(token: Any) -> Verification:
    """Check a presented credential: our issuer, our key, unchanged, not revoked, on record."""
    if not isinstance(token, str):
        return Verification(valid=False, problems=[NOT_A_CREDENTIAL])
    token = "".join(token.split())
    if not token or len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        return Verification(valid=False, problems=[NOT_A_CREDENTIAL])
    decoded = _unverified(token)
    if decoded is None:
        return Verification(valid=False, problems=[NOT_A_CREDENTIAL])
    header, claims = decoded
    types = claims.get("type")
    if "@context" not in claims or not (
        isinstance(types, list)
        and ("OpenBadgeCredential" in types or "AchievementCredential" in types)
    ):
        return Verification(valid=False, problems=[NOT_A_CREDENTIAL], claims=claims)

    organisation_uuid = _our_route(claims.get("iss"), "issuer_profile")
    if organisation_uuid is None:
        return Verification(valid=False, problems=[NOT_OURS], claims=claims)
    with system_access():
        organisation = Organisation.objects.filter(uuid=organisation_uuid).first()
    candidates = keys.keys_of(organisation) if organisation is not None else []
    if organisation is None or not candidates:
        return Verification(valid=False, problems=[NOT_OURS], claims=claims)

    result = Verification(valid=False, claims=claims, issuer=organisation)
    # The key named in the header is tried first, but only among the issuer's own keys.
    candidates.sort(key=lambda k: not keys.jwk_matches(k, header.get("jwk")))
    parsed: OpenBadgeCredential | None = None
    for key in candidates:
        try:
            parsed = OB3Verifier(key.public_key_pem).verify(token, check_status=False)
        except OB3VerificationError as exc:
            if str(exc) == "Invalid signature" or "Algorithm" in str(exc):
                continue
            result.problems.append(
                f"The credential is not in the form {organisation.name} issues: {exc}"
            )
            return result
        result.key = key
        result.algorithm = key.algorithm
        break
    if parsed is None:
        result.problems.append(
            "The signature does not match \u2014 the credential has been changed or was not "
            f"issued by {organisation.name}"
        )
        return result

    credential_uuid = _credential_uuid(claims.get("jti"))
    with system_access():
        credential = (
            Credential.objects.select_related("issuer", "recipient", "course", "module", "key")
            .filter(uuid=credential_uuid, issuer=organisation)
            .first()
            if credential_uuid is not None
            else None
        )
    if credential is None or credential.token != token:
        result.problems.append(
            f"{organisation.name} has no record of issuing this credential in Tandem"
        )
        return result
    result.credential = credential

    # The revocation list, checked with the issuer's current key (which signs it).
    current = next((k for k in candidates if k.retired_at is None), None)
    try:
        if current is None:
            current = keys.current_key(organisation)
        OB3Verifier(current.public_key_pem).check_status(
            parsed, verify_list=True, download=_download_for(organisation, current)
        )
    except OB3VerificationError as exc:
        if REVOKED_FLAG in str(exc) and credential.is_revoked:
            result.problems.append(_revoked_problem(credential))
        elif REVOKED_FLAG in str(exc):
            result.problems.append(f"Revoked by {organisation.name}")
        else:
            logger.warning("Revocation list of %s could not be checked: %s", organisation.pk, exc)
            result.problems.append(
                f"Whether {organisation.name} has revoked this credential could not be checked "
                "just now. Try again later."
            )
        return result
    if credential.is_revoked:
        # The list and the record agree by construction; the record wins if not.
        result.problems.append(_revoked_problem(credential))
        return result
    result.valid = True
    return result


def _credential_uuid(jti: Any) -> UUID | None:
    if not isinstance(jti, str) or not jti.startswith("urn:uuid:"):
        return None
    try:
        return UUID(jti[len("urn:uuid:") :])
    except ValueError:
        return None


def claims_of(credential: Credential) -> dict[str, Any]:
    """What a stored credential states (its signed payload, decoded)."""
    decoded = _unverified(credential.token)
    return decoded[1] if decoded else {}


ACCREDITATION_MARK = " Accreditation: "


@dataclass
class Statement:
    """What a signed credential states, read from its claims (not from today's records)."""

    name: str = ""
    achievement_name: str = ""
    achievement_type: str = ""
    description: str = ""
    summary: str = ""
    accreditation: str = ""
    criteria: str = ""
    credits: Decimal | None = None
    issuer_name: str = ""
    recipient_name: str = ""
    valid_from: datetime | None = None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def statement_of(claims: Any) -> Statement:
    """The facts a credential's claims state, tolerant of anything malformed."""
    if not isinstance(claims, dict):
        return Statement()
    subject = claims.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    criteria = achievement.get("criteria")
    issuer = claims.get("issuer")
    identifiers = subject.get("identifier")
    recipient = ""
    if isinstance(identifiers, list):
        recipient = next(
            (
                _text(i.get("identityHash"))
                for i in identifiers
                if isinstance(i, dict) and i.get("identityType") == "name" and not i.get("hashed")
            ),
            "",
        )
    credits = achievement.get("creditsAvailable")
    description = _text(achievement.get("description"))
    summary, accreditation = description, ""
    if ACCREDITATION_MARK in description and description.endswith("."):
        summary, accreditation = description.rsplit(ACCREDITATION_MARK, 1)
        accreditation = accreditation[:-1]
    valid_from = None
    if isinstance(claims.get("validFrom"), str):
        try:
            valid_from = datetime.fromisoformat(claims["validFrom"])
        except ValueError:
            valid_from = None
    return Statement(
        name=_text(claims.get("name")),
        achievement_name=_text(achievement.get("name")),
        achievement_type=_text(achievement.get("achievementType")),
        description=description,
        summary=summary.strip(),
        accreditation=accreditation.strip(),
        criteria=_text(criteria.get("narrative")) if isinstance(criteria, dict) else "",
        credits=(
            Decimal(str(credits))
            if isinstance(credits, int | float) and not isinstance(credits, bool)
            else None
        ),
        issuer_name=_text(issuer.get("name")) if isinstance(issuer, dict) else "",
        recipient_name=recipient,
        valid_from=valid_from,
    )


def statement_of_credential(credential: Credential) -> Statement:
    """What a stored credential states (its signed payload)."""
    return statement_of(claims_of(credential))


def verify_credential(credential: Credential) -> Verification:
    """Check a stored credential live (the public verification page)."""
    return verify_token(credential.token)


# --- the public facts of a credential ------------------------------------------------------


def public_credential(uuid: Any) -> Credential | None:
    """A credential for its public verification page, by uuid (None when unknown).

    The page shows only what the credential itself states (recipient's name,
    achievement, issuer, dates, accreditation) and its status.
    """
    try:
        value = UUID(str(uuid))
    except ValueError:
        return None
    with system_access():
        return (
            Credential.objects.select_related("issuer", "recipient", "course", "module", "key")
            .filter(uuid=value)
            .first()
        )


def issuer_profile(organisation: Organisation) -> dict[str, Any]:
    """The organisation's public Open Badges issuer Profile with its public keys."""
    profile_id = issuer_profile_url(organisation)
    methods = []
    for key in keys.keys_of(organisation):
        jwk = keys.public_jwk(key)
        method = {
            "id": keys.key_id(key),
            "type": "JsonWebKey",
            "controller": profile_id,
            "publicKeyJwk": jwk,
            "created": key.created_at.isoformat(),
        }
        if key.retired_at is not None:
            method["revoked"] = key.retired_at.isoformat()
        methods.append(method)
    return {
        "@context": [VC2_CONTEXT, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": profile_id,
        "type": ["Profile"],
        "name": organisation.name,
        "url": organisation.website or settings.SITE_URL,
        "verificationMethod": methods,
        "revocationList": status_list_url(organisation),
    }
