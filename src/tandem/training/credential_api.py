"""The API of badges and certificates (E3): the same policy and services as the pages.

Listing and reading go through the policy (404 when invisible); revoking is for
the trainers and coordinators of the issuing organisation (403 otherwise).
Checking a credential is open to anyone, as the public verification page is.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from tandem.api.schemas import ERRORS, Input, OrganisationRef, Page
from tandem.core.tenancy import access_object
from tandem.training import credentials
from tandem.training.models import Credential

router = Router(tags=["training"])


# --- shapes ----------------------------------------------------------------------------------


class CredentialOut(Schema):
    uuid: UUID
    kind: str = Field(description="badge or certificate")
    name: str
    recipient: str
    course: UUID
    course_title: str
    unit: UUID | None = Field(None, description="The unit of a badge")
    unit_title: str | None = None
    issuer: OrganisationRef
    issued_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: str = ""
    verification_url: str = Field(description="The public page that checks it, live")

    @staticmethod
    def resolve_recipient(obj: Any) -> str:
        return obj.recipient.full_name

    @staticmethod
    def resolve_course(obj: Any) -> UUID:
        return obj.course.uuid

    @staticmethod
    def resolve_course_title(obj: Any) -> str:
        return obj.course.title

    @staticmethod
    def resolve_unit(obj: Any) -> UUID | None:
        return obj.module.uuid if obj.module_id else None

    @staticmethod
    def resolve_unit_title(obj: Any) -> str | None:
        return obj.module.title if obj.module_id else None

    @staticmethod
    def resolve_verification_url(obj: Any) -> str:
        return credentials.verification_url(obj)


class CredentialDetailOut(CredentialOut):
    token: str = Field(description="The signed Open Badges 3.0 credential (compact JWT)")


class RevokeIn(Input):
    reason: str = Field(description="Why; shown to anyone who checks the credential")


class VerifyIn(Input):
    token: str = Field(description="A compact JWT Open Badges 3.0 credential")


class VerificationOut(Schema):
    valid: bool
    problems: list[str] = Field(description="Why it is not valid, in plain words")
    credential: CredentialOut | None = None
    claims: dict[str, Any] = Field(description="What the credential states (unverified if invalid)")


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _access(request: HttpRequest, uuid: UUID, *, for_write: bool = False) -> Credential:
    credential = access_object(_actor(request), Credential, uuid, for_write=for_write)
    return credential


# --- operations ------------------------------------------------------------------------------


@router.get("/credentials", response={200: list[CredentialOut], **ERRORS})
@paginate(Page)
def list_credentials(request: HttpRequest, mine: bool = False) -> Any:
    """Badges and certificates you may see: your own, those of courses you run or teach,
    and those of learners you coordinate. ``mine=true`` for your own only."""
    actor = _actor(request)
    found = Credential.objects.visible_to(actor).select_related(
        "recipient", "course", "module", "issuer"
    )
    if mine:
        found = found.filter(recipient_id=actor.person_id)
    return found.order_by("-issued_at", "-pk")


@router.post(
    "/credentials/verify",
    response={200: VerificationOut, **ERRORS},
    auth=None,
    summary="Check a credential (no authentication needed)",
)
def verify_credential(request: HttpRequest, payload: VerifyIn) -> Any:
    """Check a presented credential: issued in Tandem, unchanged, not revoked."""
    result = credentials.verify_token(payload.token)
    return {
        "valid": result.valid,
        "problems": result.problems,
        "credential": result.credential,
        "claims": result.claims,
    }


@router.get("/credentials/{uuid}", response={200: CredentialDetailOut, **ERRORS})
def get_credential(request: HttpRequest, uuid: UUID) -> Any:
    return _access(request, uuid)


@router.post("/credentials/{uuid}/revoke", response={200: CredentialDetailOut, **ERRORS})
def revoke_credential(request: HttpRequest, uuid: UUID, payload: RevokeIn) -> Any:
    """Revoke with a reason (the issuing organisation's trainers and coordinators)."""
    actor = _actor(request)
    return credentials.revoke(actor, _access(request, uuid, for_write=True), payload.reason)
