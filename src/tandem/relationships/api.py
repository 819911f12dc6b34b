"""The relationships API (same selectors, services and policy as the pages)."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.api.schemas import ERRORS, Input, OrganisationRef, Page, PersonRef
from tandem.organisations import selectors as org_selectors
from tandem.relationships import selectors, services
from tandem.relationships.models import EndReason, Mentorship, MentorshipStatus, Source

router = Router(tags=["mentorships"])


class ProgrammeRef(Schema):
    uuid: UUID
    name: str


class CohortRef(Schema):
    uuid: UUID
    name: str


class EventOut(Schema):
    code: str = Field(description="proposed, brokerage_accepted, accepted, declined, ...")
    actor_name: str
    at: datetime
    detail: dict[str, Any]


class MentorshipOut(Schema):
    uuid: UUID
    organisation: OrganisationRef = Field(description="The mentee's organisation, which runs it")
    mentor_organisation: OrganisationRef
    mentor: PersonRef
    mentee: PersonRef
    programme: ProgrammeRef
    cohort: CohortRef | None
    source: Source
    status: MentorshipStatus
    score: int | None = Field(description="0-100, when the pair came from matching")
    why: list[str] = Field(description="Why this match, in words")
    respond_by: datetime | None = Field(description="When a proposal expires unanswered")
    responded_at: datetime | None
    starts_on: date | None
    ends_on: date | None
    created_at: datetime
    version: int


class MentorshipDetailOut(MentorshipOut):
    end_reason: EndReason | None = Field(
        None, description="Only for the mentor and the programme's staff"
    )
    decline_reason: str | None = Field(
        None, description="Only for the mentor and the programme's staff"
    )
    events: list[EventOut]

    @staticmethod
    def resolve_end_reason(obj: Any) -> str | None:
        return (obj.end_reason or None) if obj.api_sees_reasons else None

    @staticmethod
    def resolve_decline_reason(obj: Any) -> str | None:
        return obj.decline_reason if obj.api_sees_reasons else None

    @staticmethod
    def resolve_events(obj: Any) -> list[dict[str, Any]]:
        events = []
        for event in obj.api_events:
            detail = dict(event.detail or {})
            if not obj.api_sees_reasons:
                detail.pop("reason", None)
            events.append(
                {
                    "code": event.code,
                    "actor_name": event.actor_name,
                    "at": event.at,
                    "detail": detail,
                }
            )
        return events


class MentorshipFilter(Schema):
    status: MentorshipStatus | None = None
    organisation: UUID | None = Field(
        None, description="Mentorships this organisation runs or gives a mentor to"
    )


class Allocation(Input):
    mentee: UUID = Field(description="A mentee of the organisation")
    mentor: UUID = Field(
        description="A mentor of the organisation, or of a partner organisation sharing mentors"
    )
    programme: UUID
    cohort: UUID | None = None


class Decline(Input):
    reason: str = Field("", max_length=500, description="Seen by the coordinators, not the mentee")


class Ending(Input):
    reason: EndReason
    ends_on: date | None = Field(None, description="Default today; not in the future")


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _detail(actor: Any, mentorship: Mentorship) -> Mentorship:
    mentorship.refresh_from_db()
    mentorship.api_events = list(selectors.events_of(actor, mentorship))  # type: ignore[attr-defined]
    mentorship.api_sees_reasons = selectors.sees_reasons(actor, mentorship)  # type: ignore[attr-defined]
    return mentorship


@router.get("/mentorships", response={200: list[MentorshipOut], **ERRORS})
@paginate(Page)
def list_mentorships(request: HttpRequest, filters: Query[MentorshipFilter]) -> Any:
    """Mentorships you may see: your own, and those of organisations you coordinate or tutor."""
    qs = selectors.mentorships(_actor(request))
    if filters.status:
        qs = qs.filter(status=filters.status.value)
    if filters.organisation:
        qs = qs.filter(
            Q(organisation__uuid=filters.organisation)
            | Q(mentor_organisation__uuid=filters.organisation)
        )
    return qs.order_by("-created_at", "pk")


@router.get("/mentorships/{uuid}", response={200: MentorshipDetailOut, **ERRORS})
def get_mentorship(request: HttpRequest, uuid: UUID) -> Any:
    """One mentorship with its event log."""
    actor = _actor(request)
    return _detail(actor, selectors.access_mentorship(actor, uuid))


def _choose(qs: Any, uuid: UUID | None, field: str, message: str) -> Any:
    if uuid is None:
        return None
    found = qs.filter(uuid=uuid).first()
    if found is None:
        raise ValidationError({field: message})
    return found


@router.post("/organisations/{uuid}/mentorships", response={201: MentorshipDetailOut, **ERRORS})
def allocate(request: HttpRequest, uuid: UUID, payload: Allocation) -> Any:
    """A coordinator allocates a mentor; the mentor (or first their coordinator) is asked.

    Every hard constraint the pair breaks is listed in `errors` on the field `mentor`.
    """
    actor = _actor(request)
    organisation = org_selectors.access_organisation(actor, uuid)
    if not services.can_allocate(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators allocate mentors")
    mentors, _ = selectors.allocatable_mentors(actor, organisation)
    errors: dict[str, str] = {}
    chosen: dict[str, Any] = {}
    for field, qs, message in (
        (
            "mentee",
            selectors.allocatable_mentees(actor, organisation),
            f"No mentee with this id at {organisation}",
        ),
        (
            "mentor",
            mentors,
            f"No mentor with this id at {organisation} or a partner organisation sharing mentors",
        ),
        (
            "programme",
            selectors.programmes_for(actor, organisation),
            f"No open programme with this id at {organisation}",
        ),
        (
            "cohort",
            selectors.cohorts_for(actor, organisation),
            f"No cohort with this id at {organisation}",
        ),
    ):
        try:
            chosen[field] = _choose(qs, getattr(payload, field), field, message)
        except ValidationError as exc:
            errors.update({k: v[0].message for k, v in exc.error_dict.items()})
    if errors:
        raise ValidationError(errors)
    mentorship = services.create_by_coordinator(actor, organisation=organisation, **chosen)
    return Status(201, _detail(actor, mentorship))


@router.post("/mentorships/{uuid}/accept", response={200: MentorshipDetailOut, **ERRORS})
def accept(request: HttpRequest, uuid: UUID) -> Any:
    """The proposed mentor agrees; the mentorship starts today."""
    actor = _actor(request)
    mentorship = selectors.access_mentorship(actor, uuid)
    return _detail(actor, services.accept(actor, mentorship))


@router.post("/mentorships/{uuid}/decline", response={200: MentorshipDetailOut, **ERRORS})
def decline(request: HttpRequest, uuid: UUID, payload: Decline) -> Any:
    """The proposed mentor says no; the next best allowed mentor is asked."""
    actor = _actor(request)
    mentorship = selectors.access_mentorship(actor, uuid)
    services.decline(actor, mentorship, payload.reason)
    return _detail(actor, mentorship)


@router.post("/mentorships/{uuid}/withdraw", response={200: MentorshipDetailOut, **ERRORS})
def withdraw(request: HttpRequest, uuid: UUID) -> Any:
    """The mentee's coordinator takes back a proposal that has not started."""
    actor = _actor(request)
    mentorship = selectors.access_mentorship(actor, uuid, for_write=True)
    services.withdraw(actor, mentorship)
    return _detail(actor, mentorship)


@router.post("/mentorships/{uuid}/end", response={200: MentorshipDetailOut, **ERRORS})
def end(request: HttpRequest, uuid: UUID, payload: Ending) -> Any:
    """The mentee's coordinator ends an active mentorship."""
    actor = _actor(request)
    mentorship = selectors.access_mentorship(actor, uuid, for_write=True)
    services.end(actor, mentorship, reason=payload.reason.value, ends_on=payload.ends_on)
    return _detail(actor, mentorship)
