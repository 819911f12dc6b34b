"""The API for the development plan and observations.

The same selectors, services and policy as the pages.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.api.schemas import ERRORS, Input, Page, PersonRef
from tandem.relationships import observations, plan_selectors, plans
from tandem.relationships.models import (
    ObjectiveSource,
    ObjectiveStatus,
    ObservationPurpose,
    ObservationStatus,
)
from tandem.relationships.selectors import access_mentorship

router = Router(tags=["development plans and observations"])


# --- shapes ---------------------------------------------------------------------------


class StandardOut(Schema):
    uuid: UUID
    code: str
    area: str
    text: str


class EvidenceOut(Schema):
    uuid: UUID
    description: str
    link: str
    added_by: PersonRef | None
    added_at: datetime


class ObjectiveOut(Schema):
    uuid: UUID
    what: str = Field(description="What will change")
    measure: str = Field(description="How it will be measured")
    due_on: date = Field(description="By when")
    review_on: date | None = Field(description="Next review")
    status: ObjectiveStatus
    overdue: bool = Field(description="Past its date and not achieved or dropped")
    source: ObjectiveSource
    observation: UUID | None = Field(description="The observation it came from, if any")
    standards: list[StandardOut]
    evidence: list[EvidenceOut]
    version: int = Field(description="Send it back with a change; a stale version is refused")

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return plans.is_overdue(obj)

    @staticmethod
    def resolve_observation(obj: Any) -> UUID | None:
        return obj.observation.uuid if obj.observation_id else None

    @staticmethod
    def resolve_standards(obj: Any) -> list[Any]:
        return list(obj.standards.all())

    @staticmethod
    def resolve_evidence(obj: Any) -> list[Any]:
        return list(obj.evidence.all())


class ObjectiveCreate(Input):
    what: str = Field("", max_length=500, description="What will change")
    measure: str = Field("", max_length=500, description="How it will be measured")
    due_on: date | None = Field(None, description="By when (required)")
    review_on: date | None = Field(None, description="On or before due_on")
    status: ObjectiveStatus = ObjectiveStatus.NOT_STARTED
    standards: list[str] = Field(
        default_factory=list, description="Codes from the plan's framework, like S4"
    )


class ObjectiveUpdate(Input):
    """Send the version you read and only the fields to change."""

    version: int = Field(description="The version you read")
    what: str = Field(None, max_length=500)
    measure: str = Field(None, max_length=500)
    due_on: date = Field(None)
    review_on: date | None = Field(None)
    status: ObjectiveStatus = Field(None)
    standards: list[str] = Field(None, description="Codes from the plan's framework")


class EvidenceCreate(Input):
    description: str = Field("", max_length=5000)
    link: str = Field("", max_length=200, description="A full web address, https://…")


class JudgementOut(Schema):
    uuid: UUID
    judge: PersonRef
    grade: int | None = Field(description="1 outstanding to 4 inadequate, where allowed")
    strengths: str
    areas_to_develop: str
    targets: list[dict[str, Any]] = Field(
        description='[{"text": …, "objective": uuid of the objective it became, or null}]'
    )
    recorded_at: datetime


class ObservationOut(Schema):
    uuid: UUID
    observer: PersonRef
    observed: PersonRef
    joint_observer: PersonRef | None
    purpose: ObservationPurpose
    purpose_declared_at: datetime
    scheduled_for: datetime
    duration_minutes: int
    session: str
    status: ObservationStatus
    response: str
    responded_at: datetime | None
    version: int


class ObservationDetailOut(ObservationOut):
    grades_allowed: bool
    judgements: list[JudgementOut]

    @staticmethod
    def resolve_grades_allowed(obj: Any) -> bool:
        return observations.grades_allowed(obj)

    @staticmethod
    def resolve_judgements(obj: Any) -> list[Any]:
        return obj.api_judgements


class ObservationCreate(Input):
    direction: str = Field(
        description=f"{observations.MENTOR_OBSERVES} or {observations.MENTEE_OBSERVES}"
    )
    purpose: ObservationPurpose
    scheduled_for: datetime | None = Field(None, description="When it takes place (required)")
    duration_minutes: int = Field(60, description="1 to 600")
    session: str = Field("", max_length=300)
    joint_observer: UUID | None = Field(None, description="A tutor of the mentee's organisation")


class JudgementCreate(Input):
    strengths: str = ""
    areas_to_develop: str = ""
    targets: list[str] = Field(default_factory=list, max_length=50)
    grade: int | None = Field(
        None, description="1-4; only on a summative observation where the programme allows"
    )


class TargetMove(Input):
    measure: str = Field(observations.DEFAULT_MEASURE, max_length=500)
    due_on: date | None = Field(None, description="Default six weeks from today")
    review_on: date | None = None


class ResponseCreate(Input):
    response: str = Field("", max_length=5000)


# --- helpers --------------------------------------------------------------------------


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _standards(framework: Any, codes: list[str]) -> list[Any]:
    wanted = list(dict.fromkeys(c.strip() for c in codes))
    found = {s.code: s for s in plan_selectors.standards_of(framework).filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise ValidationError(
            {"standards": f"Not standards of this plan's framework: {', '.join(missing)}"}
        )
    return [found[c] for c in wanted]


def _objective(actor: Any, uuid: Any) -> Any:
    """The objective as stored now, with its standards and evidence."""
    objective = plan_selectors.access_objective(actor, uuid)
    return plan_selectors.objectives(actor, objective.plan).get(uuid=uuid)


def _observation(actor: Any, observation: Any) -> Any:
    observation.refresh_from_db()
    observation.api_judgements = plan_selectors.judgements_of(actor, observation)
    return observation


# --- the plan -------------------------------------------------------------------------


@router.get(
    "/mentorships/{uuid}/plan/objectives",
    response={200: list[ObjectiveOut], **ERRORS},
    tags=["development plans"],
)
@paginate(Page)
def list_objectives(request: HttpRequest, uuid: UUID) -> Any:
    """The objectives of the mentorship's development plan, soonest due first."""
    actor = _actor(request)
    mentorship = access_mentorship(actor, uuid)
    return plan_selectors.objectives(actor, plan_selectors.readable_plan(actor, mentorship))


@router.post(
    "/mentorships/{uuid}/plan/objectives",
    response={201: ObjectiveOut, **ERRORS},
    tags=["development plans"],
)
def add_objective(request: HttpRequest, uuid: UUID, payload: ObjectiveCreate) -> Any:
    """Add a SMART objective: what, how it is measured and by when are all required."""
    actor = _actor(request)
    mentorship = access_mentorship(actor, uuid)
    framework = plan_selectors.framework_of(plan_selectors.readable_plan(actor, mentorship))
    data = payload.dict()
    data["standards"] = _standards(framework, data["standards"])
    data["status"] = payload.status.value
    objective = plans.add_objective(actor, mentorship, **data)
    return Status(201, _objective(actor, objective.uuid))


@router.patch(
    "/objectives/{uuid}", response={200: ObjectiveOut, **ERRORS}, tags=["development plans"]
)
def change_objective(request: HttpRequest, uuid: UUID, payload: ObjectiveUpdate) -> Any:
    """Change an objective. A version older than the stored one is refused (422), unchanged."""
    actor = _actor(request)
    objective = plan_selectors.access_objective(actor, uuid, for_write=True)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    for required in ("what", "measure", "due_on", "status"):
        if required in data and data[required] is None:
            raise ValidationError({required: "This field cannot be empty"})
    if "status" in data:
        data["status"] = payload.status.value
    if "standards" in data:
        data["standards"] = _standards(objective.plan.framework, data["standards"] or [])
    plans.update_objective(actor, objective, expected_version=version, **data)
    return _objective(actor, uuid)


@router.post(
    "/objectives/{uuid}/evidence",
    response={201: ObjectiveOut, **ERRORS},
    tags=["development plans"],
)
def add_evidence(request: HttpRequest, uuid: UUID, payload: EvidenceCreate) -> Any:
    """Record evidence towards an objective; answers the objective with all its evidence."""
    actor = _actor(request)
    objective = plan_selectors.access_objective(actor, uuid, for_write=True)
    plans.add_evidence(actor, objective, description=payload.description, link=payload.link)
    return Status(201, _objective(actor, uuid))


# --- observations ---------------------------------------------------------------------


@router.get(
    "/mentorships/{uuid}/observations",
    response={200: list[ObservationOut], **ERRORS},
    tags=["observations"],
)
@paginate(Page)
def list_observations(request: HttpRequest, uuid: UUID) -> Any:
    """The mentorship's observations, latest first."""
    actor = _actor(request)
    mentorship = access_mentorship(actor, uuid)
    plan_selectors.readable_plan(actor, mentorship)
    return plan_selectors.observations_of(actor, mentorship)


@router.post(
    "/mentorships/{uuid}/observations",
    response={201: ObservationDetailOut, **ERRORS},
    tags=["observations"],
)
def plan_observation(request: HttpRequest, uuid: UUID, payload: ObservationCreate) -> Any:
    """Plan an observation and declare its purpose; the observed person and any joint
    observer are told by email."""
    actor = _actor(request)
    mentorship = access_mentorship(actor, uuid)
    plan_selectors.readable_plan(actor, mentorship)
    joint = None
    if payload.joint_observer is not None:
        joint = observations.tutors_of(mentorship).filter(uuid=payload.joint_observer).first()
        if joint is None:
            raise ValidationError(
                {"joint_observer": f"Choose a tutor of {mentorship.organisation}"}
            )
    observation = observations.plan_observation(
        actor,
        mentorship,
        direction=payload.direction,
        purpose=payload.purpose.value,
        scheduled_for=payload.scheduled_for,
        session=payload.session,
        duration_minutes=payload.duration_minutes,
        joint_observer=joint,
    )
    return Status(201, _observation(actor, observation))


@router.get(
    "/observations/{uuid}", response={200: ObservationDetailOut, **ERRORS}, tags=["observations"]
)
def get_observation(request: HttpRequest, uuid: UUID) -> Any:
    """One observation with every judgement (both, side by side, for a joint observation)."""
    actor = _actor(request)
    return _observation(actor, plan_selectors.access_observation(actor, uuid))


@router.post(
    "/observations/{uuid}/judgements",
    response={201: ObservationDetailOut, **ERRORS},
    tags=["observations"],
)
def record_judgement(request: HttpRequest, uuid: UUID, payload: JudgementCreate) -> Any:
    """The observer or the joint observer records their own judgement, once it has taken place."""
    actor = _actor(request)
    observation = plan_selectors.access_observation(actor, uuid)
    observations.record_judgement(actor, observation, **payload.dict())
    return Status(201, _observation(actor, observation))


@router.post(
    "/observations/{uuid}/targets/{index}/move",
    response={201: ObjectiveOut, **ERRORS},
    tags=["observations"],
)
def move_target(
    request: HttpRequest, uuid: UUID, index: int, payload: TargetMove | None = None
) -> Any:
    """Make a target an objective of the development plan (targets are numbered from 0 across
    the judgements, in the order they were recorded). A target moves once."""
    actor = _actor(request)
    observation = plan_selectors.access_observation(actor, uuid, for_write=True)
    payload = payload or TargetMove()
    objective = observations.move_target(
        actor,
        observation,
        index,
        measure=payload.measure,
        due_on=payload.due_on or observations.default_due_on(),
        review_on=payload.review_on,
    )
    return Status(201, _objective(actor, objective.uuid))


@router.post(
    "/observations/{uuid}/response",
    response={200: ObservationDetailOut, **ERRORS},
    tags=["observations"],
)
def respond(request: HttpRequest, uuid: UUID, payload: ResponseCreate) -> Any:
    """The observed person's response, once a judgement has been recorded."""
    actor = _actor(request)
    observation = plan_selectors.access_observation(actor, uuid)
    observations.respond(actor, observation, payload.response)
    return _observation(actor, observation)
