"""The API for ending and transfer (D8): same services and policy as the pages."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from tandem.api.schemas import ERRORS, Input, OrganisationRef
from tandem.organisations import selectors as org_selectors
from tandem.relationships import ending, selectors
from tandem.relationships.models import EndReason, MentorshipStatus, ObjectiveStatus

router = Router(tags=["mentorships"])


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


class ObjectiveOutcomeOut(Schema):
    uuid: UUID
    what: str
    measure: str
    due_on: date
    status: ObjectiveStatus
    status_label: str


class ReflectionOut(Schema):
    name: str
    text: str
    at: datetime


class RequestRef(Schema):
    uuid: UUID
    organisation: OrganisationRef
    status: str


class ClosingReviewOut(Schema):
    uuid: UUID
    mentorship: UUID
    mentorship_status: MentorshipStatus
    reason: EndReason | None
    starts_on: date | None
    ends_on: date | None
    objectives: list[ObjectiveOutcomeOut]
    next_steps: str
    notes: str
    transferred_to: str | None = Field(None, description="The organisation the mentee moved to")
    reflections: dict[str, ReflectionOut] = Field(
        description="Keyed by party: mentee and mentor, each written by that person"
    )
    request: RequestRef | None = Field(
        None, description="The request opened to find a new mentor, if you can see it"
    )
    body: str = Field(description="The review in words")
    version: int


class Closing(Input):
    reason: EndReason = Field(description="Not 'transferred': use the transfer operation")
    ends_on: date | None = Field(None, description="Default today; not in the future")
    outcomes: dict[UUID, ObjectiveStatus] = Field(
        default_factory=dict,
        description="Final status of objectives by uuid; objectives not named keep theirs",
    )
    next_steps: str = Field(max_length=ending.MAX_TEXT, description="What the mentee does next")
    notes: str = Field("", max_length=ending.MAX_TEXT)
    rematch: bool = Field(False, description="Open a new request to find another mentor")


class Reflection(Input):
    text: str = Field(max_length=ending.MAX_TEXT)
    expected_version: int | None = Field(
        None, description="The review's version you read; a mismatch is refused"
    )


class Transfer(Input):
    to_organisation: UUID = Field(description="An organisation sharing a partnership")
    programme: UUID = Field(description="An open programme the receiving organisation runs")
    cohort: UUID | None = None
    note: str = Field("", max_length=ending.MAX_NOTE)


def _review_out(actor: Any, mentorship: Any) -> dict[str, Any]:
    mentorship.refresh_from_db()
    review = ending.closing_review(actor, mentorship)
    if review is None:
        raise Http404("No closing review found")
    figures = review.figures or {}
    request = ending.request_of(actor, review)
    return {
        "uuid": review.uuid,
        "mentorship": mentorship.uuid,
        "mentorship_status": mentorship.status,
        "reason": mentorship.end_reason or None,
        "starts_on": mentorship.starts_on,
        "ends_on": mentorship.ends_on,
        "objectives": figures.get("objectives") or [],
        "next_steps": figures.get("next_steps") or "",
        "notes": figures.get("notes") or "",
        "transferred_to": figures.get("transferred_to"),
        "reflections": figures.get("reflections") or {},
        "request": {
            "uuid": request.uuid,
            "organisation": request.organisation,
            "status": request.status,
        }
        if request is not None
        else None,
        "body": review.body,
        "version": review.version,
    }


@router.post("/mentorships/{uuid}/close", response={200: ClosingReviewOut, **ERRORS})
def close(request: HttpRequest, uuid: UUID, payload: Closing) -> Any:
    """The mentee's coordinator ends an active mentorship and writes its closing review."""
    actor = _actor(request)
    mentorship = selectors.access_mentorship(actor, uuid, for_write=True)
    ending.close(
        actor,
        mentorship,
        reason=payload.reason.value,
        ends_on=payload.ends_on,
        outcomes={str(k): v.value for k, v in payload.outcomes.items()},
        next_steps=payload.next_steps,
        notes=payload.notes,
        rematch=payload.rematch,
    )
    return _review_out(actor, mentorship)


@router.get("/mentorships/{uuid}/closing-review", response={200: ClosingReviewOut, **ERRORS})
def get_closing_review(request: HttpRequest, uuid: UUID) -> Any:
    """The closing review: the pair and the mentee organisation's programme staff."""
    actor = _actor(request)
    return _review_out(actor, selectors.access_mentorship(actor, uuid))


@router.post(
    "/mentorships/{uuid}/closing-review/reflection", response={200: ClosingReviewOut, **ERRORS}
)
def reflect(request: HttpRequest, uuid: UUID, payload: Reflection) -> Any:
    """The mentee or the mentor writes their own reflection."""
    actor = _actor(request)
    mentorship = selectors.access_mentorship(actor, uuid)
    review = ending.closing_review(actor, mentorship)
    if review is None:
        raise Http404("No closing review found")
    ending.reflect(actor, review, text=payload.text, expected_version=payload.expected_version)
    return _review_out(actor, mentorship)


@router.post("/mentorships/{uuid}/transfer", response={200: ClosingReviewOut, **ERRORS})
def transfer(request: HttpRequest, uuid: UUID, payload: Transfer) -> Any:
    """Move the mentee to another organisation of a shared partnership.

    Allowed to someone who coordinates both organisations, or administers a
    partnership they share. The mentorship ends ("transferred"); its records stay
    with it; a request at the receiving organisation waits for a mentor.
    """
    from tandem.programmes.models import Cohort, Programme

    actor = _actor(request)
    mentorship = selectors.access_mentorship(actor, uuid)
    if not ending.may_transfer_from(actor, mentorship):
        raise PermissionDenied("Only the mentee's coordinators move a mentee elsewhere")
    errors: dict[str, str] = {}
    to_organisation = (
        org_selectors.organisations(actor).filter(uuid=payload.to_organisation).first()
    )
    if to_organisation is None:
        errors["to_organisation"] = "No organisation with this id that you can see"
    elif to_organisation.pk != mentorship.organisation_id and ending.shared_partnerships(
        mentorship.organisation, to_organisation
    ):
        ending.check_may_transfer(actor, mentorship, to_organisation)
    programme = Programme.objects.visible_to(actor).filter(uuid=payload.programme).first()
    if programme is None:
        errors["programme"] = "No programme with this id that you can see"
    cohort = None
    if payload.cohort is not None:
        cohort = Cohort.objects.visible_to(actor).filter(uuid=payload.cohort).first()
        if cohort is None:
            errors["cohort"] = "No cohort with this id that you can see"
    if errors:
        raise ValidationError(errors)
    ending.transfer_mentee(
        actor, mentorship, to_organisation, programme, cohort=cohort, note=payload.note
    )
    return _review_out(actor, mentorship)
