"""The API for meetings (D3) and time (D7): the same selectors, services and policy as the pages.

Private notes answer 404 to everyone outside the pair, as if they did not exist.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.api.schemas import ERRORS, Input, OrganisationRef, Page, PersonRef
from tandem.organisations import selectors as org_selectors
from tandem.relationships import meeting_selectors as sel
from tandem.relationships import meetings, time_records
from tandem.relationships.models import MeetingMode, MeetingStatus, TimeKind
from tandem.relationships.selectors import access_mentorship

router = Router(tags=["meetings"])


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


# --- schemas ---------------------------------------------------------------------------


class ActionOut(Schema):
    uuid: UUID
    description: str
    owner: PersonRef
    owner_role: str = Field(description="mentor or mentee")
    due_on: date
    done_on: date | None

    @staticmethod
    def resolve_owner_role(obj: Any) -> str:
        return "mentor" if obj.owner_id == obj.meeting.mentorship.mentor_id else "mentee"


class MentorshipRef(Schema):
    uuid: UUID
    mentor: PersonRef
    mentee: PersonRef


class MeetingOut(Schema):
    uuid: UUID
    mentorship: MentorshipRef
    status: MeetingStatus
    starts_at: datetime
    duration_minutes: int
    mode: MeetingMode
    location: str
    topics: str
    next_meeting_at: datetime | None
    recorded_by: PersonRef | None
    mentor_confirmed_at: datetime | None
    mentee_confirmed_at: datetime | None
    confirmed: bool = Field(description="Both the mentor and the mentee confirmed it")
    actions: list[ActionOut]
    version: int
    created_at: datetime

    @staticmethod
    def resolve_confirmed(obj: Any) -> bool:
        return obj.is_confirmed

    @staticmethod
    def resolve_actions(obj: Any) -> list[Any]:
        return list(obj.actions.all().select_related("owner", "meeting__mentorship"))


class ActionIn(Input):
    uuid: UUID | None = Field(None, description="An existing action to keep (PATCH)")
    description: str = Field("", max_length=500)
    owner: str | None = Field(None, description="mentor or mentee")
    due_on: date | None = None


class MeetingIn(Input):
    status: MeetingStatus = Field(
        MeetingStatus.HELD, description="held (logged after it happened) or planned"
    )
    starts_at: datetime = Field(
        description="Date and start time; a held meeting is not in the future"
    )
    duration_hours: int = Field(0, ge=0, le=24, description="Added to duration_minutes")
    duration_minutes: int = Field(
        0, description="Total between 1 minute and 10 hours (with duration_hours)"
    )
    mode: MeetingMode = MeetingMode.FACE_TO_FACE
    location: str = Field("", max_length=200)
    topics: str = Field("", max_length=5000)
    actions: list[ActionIn] = Field(default_factory=list, max_length=30)
    next_meeting_at: datetime | None = Field(
        None, description="Plans the next meeting, which is created as planned"
    )


class MeetingPatch(Input):
    """Send `version` (as read) and only the fields to change."""

    version: int
    status: MeetingStatus = Field(None)
    starts_at: datetime = Field(None)
    duration_minutes: int = Field(None)
    mode: MeetingMode = Field(None)
    location: str = Field(None, max_length=200)
    topics: str = Field(None, max_length=5000)
    next_meeting_at: datetime | None = Field(None)
    actions: list[ActionIn] | None = Field(None, description="Replaces the actions when sent")


class PrivateNoteOut(Schema):
    uuid: UUID
    author: PersonRef
    text: str
    created_at: datetime


class PrivateNoteIn(Input):
    text: str = Field(max_length=5000)


class TimeEntryOut(Schema):
    uuid: UUID
    person: PersonRef
    kind: TimeKind
    on: date
    minutes: int
    note: str


class TimeEntryIn(Input):
    kind: TimeKind = Field(description="preparation, supervision, training or other")
    on: date = Field(description="Not in the future")
    minutes: int = Field(description="1 minute to 24 hours")
    note: str = Field("", max_length=300)


class YearOut(Schema):
    starts_on: date
    ends_on: date
    label: str


class TimeOut(Schema):
    year: YearOut
    meetings: int
    meeting_minutes: int
    observations: int
    observation_minutes: int
    manual_minutes: int = Field(description="Entered by hand, not counting supervision")
    total_minutes: int
    allocation_hours: int
    remaining_minutes: int
    remission_hours: int
    payment_per_placement_pence: int
    payment_due_pence: int = Field(description="Due in the year the placement started")
    supervision_minutes: int = Field(description="The mentor's supervision, all mentorships")
    supervision_hours: int = Field(description="The programme's supervision per mentor per year")
    entries: list[TimeEntryOut]


class OrganisationTimeRow(Schema):
    mentorship: MentorshipRef
    programme: str
    meeting_minutes: int
    observation_minutes: int
    manual_minutes: int
    total_minutes: int
    allocation_minutes: int
    remaining_minutes: int
    supervision_minutes: int
    remission_hours: int
    payment_due_pence: int


class OrganisationTimeOut(Schema):
    organisation: OrganisationRef
    year: YearOut
    rows: list[OrganisationTimeRow]


class YearQuery(Schema):
    on: date | None = Field(None, description="Any day of the year wanted (default today)")


# --- meetings --------------------------------------------------------------------------


def _content_mentorship(actor: Any, uuid: UUID) -> Any:
    mentorship = access_mentorship(actor, uuid)
    if not sel.sees_meetings(actor, mentorship):
        raise Http404("No mentorship found")
    return mentorship


def _rows(actions: list[ActionIn] | None) -> list[dict[str, Any]] | None:
    if actions is None:
        return None
    return [a.model_dump() for a in actions]


@router.get("/mentorships/{uuid}/meetings", response={200: list[MeetingOut], **ERRORS})
@paginate(Page)
def list_meetings(request: HttpRequest, uuid: UUID) -> Any:
    """The mentorship's meetings, latest first: for the pair and the mentee's coordinators
    and tutors (line managers see time, not meetings)."""
    actor = _actor(request)
    mentorship = _content_mentorship(actor, uuid)
    return sel.meetings_of(actor, mentorship).order_by("-starts_at", "pk")


@router.post("/mentorships/{uuid}/meetings", response={201: MeetingOut, **ERRORS})
def create_meeting(request: HttpRequest, uuid: UUID, payload: MeetingIn) -> Any:
    """Log a held meeting or plan one. The pair get a calendar invitation."""
    actor = _actor(request)
    mentorship = _content_mentorship(actor, uuid)
    meeting = meetings.log_meeting(
        actor,
        mentorship,
        status=payload.status.value,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_hours * 60 + payload.duration_minutes,
        mode=payload.mode.value,
        location=payload.location,
        topics=payload.topics,
        actions=_rows(payload.actions),
        next_meeting_at=payload.next_meeting_at,
    )
    return Status(201, meeting)


@router.get("/meetings/{uuid}", response={200: MeetingOut, **ERRORS})
def get_meeting(request: HttpRequest, uuid: UUID) -> Any:
    return sel.access_meeting(_actor(request), uuid)


@router.patch("/meetings/{uuid}", response={200: MeetingOut, **ERRORS})
def update_meeting(request: HttpRequest, uuid: UUID, payload: MeetingPatch) -> Any:
    """A stale `version` is refused (422) and nothing is overwritten."""
    actor = _actor(request)
    meeting = sel.access_meeting(actor, uuid, for_write=True)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    actions = data.pop("actions", None)
    fields = {k: getattr(v, "value", v) for k, v in data.items()}
    return meetings.update_meeting(
        actor, meeting, expected_version=version, actions=actions, **fields
    )


@router.post("/meetings/{uuid}/confirm", response={200: MeetingOut, **ERRORS})
def confirm_meeting(request: HttpRequest, uuid: UUID) -> Any:
    """The other half of the pair confirms the record."""
    actor = _actor(request)
    meeting = sel.access_meeting(actor, uuid)
    return meetings.confirm_meeting(actor, meeting)


def _pair_meeting(actor: Any, uuid: UUID) -> Any:
    meeting = sel.access_meeting(actor, uuid)
    if not meetings.is_pair(actor, meeting.mentorship):
        raise Http404("No private notes found")
    return meeting


@router.get("/meetings/{uuid}/private-notes", response={200: list[PrivateNoteOut], **ERRORS})
@paginate(Page)
def list_private_notes(request: HttpRequest, uuid: UUID) -> Any:
    """Only the mentor and the mentee: everyone else gets 404."""
    actor = _actor(request)
    return sel.private_notes_of(actor, _pair_meeting(actor, uuid)).order_by("created_at", "pk")


@router.post("/meetings/{uuid}/private-notes", response={201: PrivateNoteOut, **ERRORS})
def add_private_note(request: HttpRequest, uuid: UUID, payload: PrivateNoteIn) -> Any:
    actor = _actor(request)
    meeting = _pair_meeting(actor, uuid)
    return Status(201, meetings.add_private_note(actor, meeting, payload.text))


# --- time ------------------------------------------------------------------------------


def _time_out(actor: Any, mentorship: Any, on: date | None) -> dict[str, Any]:
    year = sel.academic_year(mentorship, on or timezone.localdate())
    s = sel.time_summary(actor, mentorship, year)
    return {
        "year": year,
        "meetings": s.meetings,
        "meeting_minutes": s.meeting_minutes,
        "observations": s.observations,
        "observation_minutes": s.observation_minutes,
        "manual_minutes": s.manual_minutes,
        "total_minutes": s.total_minutes,
        "allocation_hours": s.allocation_hours,
        "remaining_minutes": s.remaining_minutes,
        "remission_hours": s.remission_hours,
        "payment_per_placement_pence": s.payment_pence,
        "payment_due_pence": s.payment_due_pence,
        "supervision_minutes": s.supervision_minutes,
        "supervision_hours": s.supervision_hours,
        "entries": list(sel.time_entries_of(actor, mentorship, year)),
    }


@router.get("/mentorships/{uuid}/time", response={200: TimeOut, **ERRORS}, tags=["time"])
def get_time(request: HttpRequest, uuid: UUID, query: Query[YearQuery]) -> Any:
    """Hours in the academic year (the cohort's calendar, else September to August)."""
    actor = _actor(request)
    return _time_out(actor, sel.access_time(actor, uuid), query.on)


@router.post("/mentorships/{uuid}/time", response={201: TimeEntryOut, **ERRORS}, tags=["time"])
def add_time(request: HttpRequest, uuid: UUID, payload: TimeEntryIn) -> Any:
    """Time entered by hand; meetings and observations count on their own."""
    actor = _actor(request)
    mentorship = sel.access_time(actor, uuid)
    if not time_records.can_add_time(actor, mentorship):
        raise PermissionDenied("Only the mentor, the mentee and their coordinators record time")
    entry = time_records.add_time_entry(
        actor,
        mentorship,
        kind=payload.kind.value,
        on=payload.on,
        minutes=payload.minutes,
        note=payload.note,
    )
    return Status(201, entry)


@router.get(
    "/organisations/{uuid}/time", response={200: OrganisationTimeOut, **ERRORS}, tags=["time"]
)
def organisation_time(request: HttpRequest, uuid: UUID, query: Query[YearQuery]) -> Any:
    """Each mentorship the organisation runs: hours against allocation, payment due.
    The organisation's coordinators only."""
    actor = _actor(request)
    organisation = org_selectors.access_organisation(actor, uuid)
    if not sel.can_see_organisation_time(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators see its time summary")
    year = sel.default_year(query.on or timezone.localdate())
    rows = sel.organisation_time(actor, organisation, year)
    for r in rows:
        r["programme"] = str(r["mentorship"].programme)
    return {"organisation": organisation, "year": year, "rows": rows}
