"""The agreement API (D1): same selectors, services and policy as the pages."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from tandem.api.schemas import ERRORS, Input, PersonRef
from tandem.relationships import agreement_selectors as selectors
from tandem.relationships import agreements
from tandem.relationships.models import Agreement, Party, VersionStatus

router = Router(tags=["mentorships"])


class AgreementSignatureOut(Schema):
    party: Party
    person: PersonRef
    typed_name: str
    text_hash: str
    signed_at: datetime


class AgreementVersionSummaryOut(Schema):
    number: int
    status: VersionStatus
    change_summary: str
    created_by_name: str
    created_at: datetime
    text_hash: str


class AgreementObjectiveOut(Schema):
    what: str
    measure: str
    by: date | None


class AgreementMeetingsOut(Schema):
    frequency: str
    place: str
    mode: str


class AgreementVersionOut(AgreementVersionSummaryOut):
    text: str = Field(description="The exact words signed; its SHA-256 is text_hash")
    edit_version: int = Field(description="Send it back as edit_version when changing a draft")
    meetings: AgreementMeetingsOut
    extra_commitments: list[str]
    objectives: list[AgreementObjectiveOut]
    signatures: list[AgreementSignatureOut]
    waiting_for: list[Party] = Field(description="Parties who have not signed")


class AgreementOut(Schema):
    uuid: UUID
    mentorship: UUID
    current: AgreementVersionOut = Field(description="The newest version")
    in_force: int | None = Field(description="Number of the signed version that holds now")
    versions: list[AgreementVersionSummaryOut]


class AgreementObjectiveIn(Input):
    what: str = Field("", max_length=2000)
    measure: str = Field("", max_length=2000)
    by: date | None = Field(None, description="YYYY-MM-DD; today or later")


class AgreementMeetingsIn(Input):
    frequency: str = Field(None, max_length=2000)
    place: str = Field(None, max_length=2000)
    mode: str = Field(None, max_length=2000)


class AgreementDraftIn(Input):
    """Send only what changes; objectives, when sent, replace them all (three to ten)."""

    edit_version: int = Field(description="The draft's edit_version when you read it")
    meetings: AgreementMeetingsIn | None = None
    extra_commitments: list[str] | None = None
    objectives: list[AgreementObjectiveIn] | None = None


class AgreementSignIn(Input):
    typed_name: str = Field(max_length=200, description="Your full name as Tandem shows it")
    text_hash: str = Field(max_length=64, description="text_hash of the version you read")


class AgreementAmendIn(Input):
    change_summary: str = Field("", max_length=2000)


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _version_out(actor: Any, version: Any) -> dict[str, Any]:
    content = version.content
    signatures = list(selectors.signatures(actor, version))
    signed = {s.party for s in signatures}
    return {
        "number": version.number,
        "status": version.status,
        "change_summary": version.change_summary,
        "created_by_name": version.created_by_name,
        "created_at": version.created_at,
        "text_hash": version.text_hash,
        "text": version.text,
        "edit_version": version.edit_version,
        "meetings": {
            "frequency": content.get("meetings", {}).get("frequency", ""),
            "place": content.get("meetings", {}).get("place", ""),
            "mode": content.get("meetings", {}).get("mode", ""),
        },
        "extra_commitments": content.get("extra_commitments") or [],
        "objectives": content.get("objectives") or [],
        "signatures": signatures,
        "waiting_for": [p for p in agreements.PARTIES if p not in signed],
    }


def _agreement_out(actor: Any, agreement: Agreement) -> dict[str, Any]:
    history = list(selectors.versions(actor, agreement))
    force = next((v for v in reversed(history) if v.status == VersionStatus.SIGNED), None)
    return {
        "uuid": agreement.uuid,
        "mentorship": agreement.mentorship.uuid,
        "current": _version_out(actor, history[-1]),
        "in_force": force.number if force else None,
        "versions": history,
    }


def _found(actor: Any, uuid: UUID) -> tuple[Any, Agreement]:
    mentorship, agreement = selectors.access_agreement(actor, uuid)
    if agreement is None:
        raise Http404("No agreement found")
    return mentorship, agreement


def _current(actor: Any, uuid: UUID) -> Any:
    _, agreement = _found(actor, uuid)
    return selectors.versions(actor, agreement).last()


@router.get("/mentorships/{uuid}/agreement", response={200: AgreementOut, **ERRORS})
def get_agreement(request: HttpRequest, uuid: UUID) -> Any:
    """The mentorship's agreement: the newest version, its signatures, and every version."""
    actor = _actor(request)
    return _agreement_out(actor, _found(actor, uuid)[1])


@router.post("/mentorships/{uuid}/agreement", response={201: AgreementOut, **ERRORS})
def start_agreement(request: HttpRequest, uuid: UUID) -> Any:
    """Draft version 1 from the programme (the pair or a coordinator of the mentee's side)."""
    actor = _actor(request)
    mentorship, _ = selectors.access_agreement(actor, uuid)
    agreement = agreements.start_agreement(actor, mentorship)
    return Status(201, _agreement_out(actor, agreement))


@router.patch("/mentorships/{uuid}/agreement/draft", response={200: AgreementOut, **ERRORS})
def edit_draft(request: HttpRequest, uuid: UUID, payload: AgreementDraftIn) -> Any:
    """Change the draft. A stale edit_version is refused and nothing is saved.

    Objective problems name the field, e.g. `objectives.1.measure`:
    "Objective 2: say how it will be measured".
    """
    actor = _actor(request)
    version = _current(actor, uuid)
    agreements.edit_draft(
        actor,
        version,
        expected_version=payload.edit_version,
        meetings=payload.meetings.model_dump(exclude_none=True) if payload.meetings else None,
        extra_commitments=payload.extra_commitments,
        objectives=[o.model_dump() for o in payload.objectives]
        if payload.objectives is not None
        else None,
    )
    return _agreement_out(actor, version.agreement)


@router.post("/mentorships/{uuid}/agreement/send", response={200: AgreementOut, **ERRORS})
def send_agreement(request: HttpRequest, uuid: UUID) -> Any:
    """Freeze the draft's text and ask the three parties to sign it."""
    actor = _actor(request)
    version = _current(actor, uuid)
    agreements.send_for_signature(actor, version)
    return _agreement_out(actor, version.agreement)


@router.post("/mentorships/{uuid}/agreement/sign", response={200: AgreementOut, **ERRORS})
def sign_agreement(request: HttpRequest, uuid: UUID, payload: AgreementSignIn) -> Any:
    """Sign the version waiting for signatures, for your party.

    If the text changed since you read it (text_hash differs) the signature is
    refused on the field `text_hash` and nothing is stored.
    """
    actor = _actor(request)
    version = _current(actor, uuid)
    agreements.sign(actor, version, typed_name=payload.typed_name, text_hash=payload.text_hash)
    return _agreement_out(actor, version.agreement)


@router.post("/mentorships/{uuid}/agreement/amend", response={201: AgreementOut, **ERRORS})
def amend_agreement(request: HttpRequest, uuid: UUID, payload: AgreementAmendIn) -> Any:
    """A new draft copied from the signed version, which stays in force until it is signed."""
    actor = _actor(request)
    _, agreement = _found(actor, uuid)
    agreements.amend(actor, agreement, change_summary=payload.change_summary)
    return Status(201, _agreement_out(actor, agreement))


@router.post("/mentorships/{uuid}/agreement/reopen", response={200: AgreementOut, **ERRORS})
def reopen_agreement(request: HttpRequest, uuid: UUID) -> Any:
    """Take back the version waiting for signatures to change it (see the page for how)."""
    actor = _actor(request)
    version = _current(actor, uuid)
    agreements.reopen(actor, version)
    return _agreement_out(actor, version.agreement)


@router.get(
    "/mentorships/{uuid}/agreement/versions/{number}", response={200: AgreementVersionOut, **ERRORS}
)
def get_version(request: HttpRequest, uuid: UUID, number: int) -> Any:
    """One version with its exact text and signatures."""
    actor = _actor(request)
    _, agreement = _found(actor, uuid)
    return _version_out(actor, selectors.access_version(actor, agreement, number))
