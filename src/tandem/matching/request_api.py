"""The API for mentoring requests (same selectors, services and policy as the pages)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.api.schemas import ERRORS, Input, OrganisationRef, Page, PersonRef
from tandem.matching import request_selectors as selectors
from tandem.matching import requests as services
from tandem.matching.models import MentoringRequest, RequestStatus, Route
from tandem.matching.requests import NEEDS_MAX
from tandem.mentors.models import Mode, Subject
from tandem.organisations import selectors as org_selectors
from tandem.programmes.models import Cohort, Programme

router = Router(tags=["mentoring requests"])


class ProgrammeRef(Schema):
    uuid: UUID
    name: str


class CohortRef(Schema):
    uuid: UUID
    name: str


class SubjectRef(Schema):
    uuid: UUID
    name: str
    sector: str

    @staticmethod
    def resolve_sector(obj: Any) -> str:
        return obj.sector.name


class MentoringRequestOut(Schema):
    uuid: UUID
    organisation: OrganisationRef
    mentee: PersonRef
    programme: ProgrammeRef
    cohort: CohortRef | None
    subject: SubjectRef
    development_needs: str
    modes: list[Mode]
    availability: str
    preferences: str
    route: Route
    status: RequestStatus
    status_label: str = Field(description="The status in words")
    chosen_mentor: PersonRef | None = Field(
        description="The mentor the mentee chose or found, while it waits for approval"
    )
    decision_note: str
    decided_at: datetime | None
    created_at: datetime
    version: int = Field(description="Send it back with a change; a stale version is refused")

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return obj.get_status_display()


class RequestFilter(Schema):
    status: RequestStatus | None = None
    organisation: UUID | None = None
    programme: UUID | None = None
    cohort: UUID | None = None
    subject: UUID | None = None


class RequestCreate(Input):
    mentee: UUID | None = Field(
        None, description="The mentee (a coordinator asking for them); yourself if left out"
    )
    organisation: UUID | None = Field(
        None, description="Where the mentee is a mentee; worked out from the programme if left out"
    )
    programme: UUID
    cohort: UUID | None = None
    subject: UUID
    development_needs: str = Field(max_length=NEEDS_MAX)
    modes: list[Mode] = Field(default_factory=list)
    availability: str = Field("", max_length=300)
    preferences: str = Field("", max_length=NEEDS_MAX)


class RequestUpdate(Input):
    version: int = Field(description="The version you read")
    cohort: UUID | None = Field(None)
    subject: UUID = Field(None)
    development_needs: str = Field(None, max_length=NEEDS_MAX)
    modes: list[Mode] = Field(None)
    availability: str = Field(None, max_length=300)
    preferences: str = Field(None, max_length=NEEDS_MAX)


class VersionIn(Input):
    version: int | None = Field(None, description="The version you read, to refuse stale changes")


class ChoiceIn(VersionIn):
    mentor: UUID = Field(description="A mentor from the request's shortlist (their person id)")


class OwnMentorIn(VersionIn):
    email: str = Field(max_length=254, description="The mentor's email address")


class DecisionIn(VersionIn):
    approve: bool
    note: str = Field("", max_length=500, description="Needed when not approving")


class MentorRef(Schema):
    uuid: UUID
    name: str


class ShortlistOut(Schema):
    mentor: MentorRef
    organisation: str
    specialisms: list[str]
    score: int
    rung: str
    why: list[str]


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _programme(actor: Any, uuid: UUID) -> Programme:
    programme = Programme.objects.visible_to(actor).filter(uuid=uuid).first()
    if programme is None:
        raise ValidationError({"programme": "No programme with this id"})
    return programme


def _cohort(actor: Any, uuid: UUID | None) -> Cohort | None:
    if uuid is None:
        return None
    cohort = Cohort.objects.visible_to(actor).filter(uuid=uuid).first()
    if cohort is None:
        raise ValidationError({"cohort": "No cohort with this id"})
    return cohort


def _subject(uuid: UUID) -> Subject:
    subject = Subject.objects.filter(uuid=uuid).first()
    if subject is None:
        raise ValidationError({"subject": "No subject with this id"})
    return subject


@router.get("/mentoring-requests", response={200: list[MentoringRequestOut], **ERRORS})
@paginate(Page)
def list_requests(request: HttpRequest, filters: Query[RequestFilter]) -> Any:
    """Requests you may see: your own; as a coordinator or course leader, your organisation's."""
    qs = selectors.requests(_actor(request))
    if filters.status:
        qs = qs.filter(status=filters.status.value)
    for name in ("organisation", "programme", "cohort", "subject"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{f"{name}__uuid": value})
    return qs.order_by("-created_at", "-pk")


@router.post("/mentoring-requests", response={201: MentoringRequestOut, **ERRORS})
def create_request(request: HttpRequest, payload: RequestCreate) -> Any:
    """Ask for a mentor (as the mentee), or record a request for a mentee (as a coordinator)."""
    actor = _actor(request)
    if payload.mentee is None:
        if actor.person is None:
            raise PermissionDenied("Only mentees ask for a mentor")
        mentee = actor.person
    else:
        mentee = org_selectors.people(actor).filter(uuid=payload.mentee).first()
        if mentee is None:
            raise ValidationError({"mentee": "No person with this id"})
    organisation = None
    if payload.organisation is not None:
        organisation = org_selectors.organisations(actor).filter(uuid=payload.organisation).first()
        if organisation is None:
            raise ValidationError({"organisation": "No organisation with this id"})
    created = services.create_request(
        actor,
        mentee=mentee,
        organisation=organisation,
        programme=_programme(actor, payload.programme),
        cohort=_cohort(actor, payload.cohort),
        subject=_subject(payload.subject),
        development_needs=payload.development_needs,
        modes=[m.value for m in payload.modes],
        availability=payload.availability,
        preferences=payload.preferences,
    )
    return Status(201, created)


@router.get("/mentoring-requests/{uuid}", response={200: MentoringRequestOut, **ERRORS})
def get_request(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.access_request(_actor(request), uuid)


@router.patch("/mentoring-requests/{uuid}", response={200: MentoringRequestOut, **ERRORS})
def update_request(request: HttpRequest, uuid: UUID, payload: RequestUpdate) -> Any:
    """The mentee or a coordinator, while the request waits for a mentor. Send the version."""
    actor = _actor(request)
    req = selectors.access_request(actor, uuid, for_write=True)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    if "cohort" in data:
        data["cohort"] = _cohort(actor, data["cohort"])
    if "subject" in data:
        if data["subject"] is None:
            raise ValidationError({"subject": "Choose the subject you teach or want help with"})
        data["subject"] = _subject(data["subject"])
    if "modes" in data:
        data["modes"] = [getattr(m, "value", m) for m in data["modes"] or []]
    for name in ("development_needs", "availability", "preferences"):
        if name in data and data[name] is None:
            data[name] = ""
    return services.update_request(actor, req, expected_version=version, **data)


@router.post("/mentoring-requests/{uuid}/withdraw", response={200: MentoringRequestOut, **ERRORS})
def withdraw_request(request: HttpRequest, uuid: UUID, payload: VersionIn | None = None) -> Any:
    """No mentor is looked for any more; a proposal not yet started is withdrawn with it."""
    actor = _actor(request)
    req = selectors.access_request(actor, uuid, for_write=True)
    version = payload.version if payload is not None else None
    return services.withdraw_request(actor, req, expected_version=version)


@router.get("/mentoring-requests/{uuid}/shortlist", response={200: list[ShortlistOut], **ERRORS})
def get_shortlist(request: HttpRequest, uuid: UUID) -> Any:
    """The best allowed mentors for the request now, best first, with why (names, not contacts)."""
    req = selectors.access_request(_actor(request), uuid)
    if req.status != RequestStatus.OPEN:
        return []
    return [
        {
            "mentor": {"uuid": row.mentor_uuid, "name": row.name},
            "organisation": row.organisation,
            "specialisms": row.specialisms,
            "score": row.score,
            "rung": row.rung_label,
            "why": row.why,
        }
        for row in selectors.shortlist(req)
    ]


@router.post("/mentoring-requests/{uuid}/choice", response={200: MentoringRequestOut, **ERRORS})
def choose(request: HttpRequest, uuid: UUID, payload: ChoiceIn) -> Any:
    """The mentee chooses a mentor from the shortlist; a coordinator then approves."""
    actor = _actor(request)
    req = selectors.access_request(actor, uuid)
    mentor = selectors.offered_mentor(req, payload.mentor)
    if mentor is None:
        raise ValidationError({"mentor": "This mentor is not on your shortlist."})
    return services.choose_from_shortlist(actor, req, mentor, expected_version=payload.version)


@router.post("/mentoring-requests/{uuid}/own-mentor", response={200: MentoringRequestOut, **ERRORS})
def own_mentor(request: HttpRequest, uuid: UUID, payload: OwnMentorIn) -> Any:
    """The mentee names a mentor they found; the course leader then approves."""
    actor = _actor(request)
    req = selectors.access_request(actor, uuid)
    return services.identify_own_mentor(actor, req, payload.email, expected_version=payload.version)


@router.post("/mentoring-requests/{uuid}/decision", response={200: MentoringRequestOut, **ERRORS})
def decision(request: HttpRequest, uuid: UUID, payload: DecisionIn) -> Any:
    """Approve the chosen mentor (they are asked) or not (with a note for the mentee)."""
    actor = _actor(request)
    req: MentoringRequest = selectors.access_request(actor, uuid)
    return services.decide(
        actor, req, approve=payload.approve, note=payload.note, expected_version=payload.version
    )
