"""The API for matching runs (same selectors, services and policy as the pages)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from tandem.api.schemas import ERRORS, Input, OrganisationRef, Page, PersonRef
from tandem.matching import run_selectors as selectors
from tandem.matching import services
from tandem.matching.engine.model import Rung
from tandem.matching.models import Objective, RunStatus
from tandem.organisations import selectors as org_selectors
from tandem.relationships.models import MentorshipStatus

router = Router(tags=["matching"])


class CohortRef(Schema):
    uuid: UUID
    name: str


class HardToMatchEntry(Schema):
    subject: str
    organisation: str
    count: int


class RunOut(Schema):
    uuid: UUID
    cohort: CohortRef
    organisation: OrganisationRef
    objective: Objective
    include_partners: bool
    status: RunStatus
    progress: int = Field(description="0 to 100")
    stage: str
    error: str = Field(description="Why the run failed, for a person to read")
    mentees: int
    mentors: int
    matched: int
    total_score: int
    hard_to_match: list[HardToMatchEntry]
    weights: dict[str, float]
    created_at: datetime
    finished_at: datetime | None
    published_at: datetime | None
    version: int = Field(description="Send it back to change, publish or discard")


class AlternativeOut(Schema):
    mentor: UUID
    name: str
    organisation: str
    score: int
    rung: int
    rung_label: str
    why: list[str]


class ProposalOut(Schema):
    uuid: UUID
    request: UUID
    mentee: PersonRef
    subject: str
    mentor: PersonRef | None
    mentor_organisation: OrganisationRef | None
    score: int | None
    rung: int | None
    rung_label: str | None
    parts: dict[str, float]
    why: list[str] = Field(description="Why this match: each weighted part and the rung")
    alternatives: list[AlternativeOut] = Field(description="Other allowed mentors, best first")
    unmatched_reason: str
    edited_by: PersonRef | None

    @staticmethod
    def resolve_request(obj: Any) -> UUID:
        return obj.request.uuid

    @staticmethod
    def resolve_mentee(obj: Any) -> Any:
        return obj.request.mentee

    @staticmethod
    def resolve_subject(obj: Any) -> str:
        return obj.request.subject.name

    @staticmethod
    def resolve_rung_label(obj: Any) -> str | None:
        return Rung(obj.rung).label if obj.rung else None


class MentorshipRef(Schema):
    uuid: UUID
    mentee: PersonRef
    mentor: PersonRef
    status: MentorshipStatus


class PublishedOut(Schema):
    run: RunOut
    mentorships: list[MentorshipRef]


class HardToMatchRowOut(Schema):
    subject: str
    organisation: str
    unmatched_in_runs: int = Field(description="Left unmatched in each cohort's latest run")
    without_candidate: int = Field(description="Waiting now with no allowed mentor at all")


class HardToMatchOut(Schema):
    organisation: OrganisationRef
    open_requests: int
    runs: list[UUID]
    rows: list[HardToMatchRowOut]


class StartRun(Input):
    objective: Objective = Objective.PARTICIPATION_FIRST
    include_partners: bool = True


class ProposalUpdate(Input):
    mentor: UUID | None = Field(
        ..., description="The new mentor's person id (one of the alternatives), or null"
    )
    run_version: int = Field(description="The run's version you read")


class VersionIn(Input):
    version: int = Field(description="The run's version you read")


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


@router.post("/cohorts/{uuid}/match-runs", response={202: RunOut, **ERRORS})
def start_run(request: HttpRequest, uuid: UUID, payload: StartRun) -> Any:
    """Match the cohort's waiting mentees in the background; poll the run for progress."""
    actor = _actor(request)
    cohort = selectors.access_cohort(actor, uuid, for_write=True)
    run = services.start_run(
        actor,
        cohort,
        objective=payload.objective.value,
        include_partners=payload.include_partners,
    )
    return Status(202, run)


@router.get("/match-runs/{uuid}", response={200: RunOut, **ERRORS})
def get_run(request: HttpRequest, uuid: UUID) -> Any:
    """Status, progress, stage and counts of one run (the coordinators of its organisation)."""
    return selectors.access_run(_actor(request), uuid)


@router.get("/match-runs/{uuid}/proposals", response={200: list[ProposalOut], **ERRORS})
@paginate(Page)
def list_proposals(request: HttpRequest, uuid: UUID) -> Any:
    """One proposal per mentee: the proposed mentor with why, the alternatives, or why none."""
    actor = _actor(request)
    run = selectors.access_run(actor, uuid)
    return selectors.proposals_of(actor, run)


@router.patch("/proposals/{uuid}", response={200: ProposalOut, **ERRORS})
def change_proposal(request: HttpRequest, uuid: UUID, payload: ProposalUpdate) -> Any:
    """Give the mentee another mentor (every hard constraint is checked), or none."""
    actor = _actor(request)
    proposal = selectors.access_proposal(actor, uuid, for_write=True)
    mentor = None
    if payload.mentor is not None:
        mentor = selectors.offered_mentor(proposal.run, payload.mentor)
        if mentor is None:
            raise ValidationError(
                {
                    "mentor": "No mentor with this id can be proposed in this run's organisation "
                    "or its partnership directory"
                }
            )
    services.edit_proposal(actor, proposal, mentor, expected_version=payload.run_version)
    return selectors.proposals_of(actor, proposal.run).get(pk=proposal.pk)


@router.post("/match-runs/{uuid}/publish", response={200: PublishedOut, **ERRORS})
def publish_run(request: HttpRequest, uuid: UUID, payload: VersionIn) -> Any:
    """Propose every matched pair to its mentor, all or nothing."""
    actor = _actor(request)
    run = selectors.access_run(actor, uuid, for_write=True)
    created = services.publish(actor, run, expected_version=payload.version)
    run.refresh_from_db()
    return {"run": run, "mentorships": created}


@router.post("/match-runs/{uuid}/discard", response={200: RunOut, **ERRORS})
def discard_run(request: HttpRequest, uuid: UUID) -> Any:
    """Set the run aside; nothing of it is published."""
    actor = _actor(request)
    run = selectors.access_run(actor, uuid, for_write=True)
    return services.discard_run(actor, run)


@router.get("/organisations/{uuid}/hard-to-match", response={200: HardToMatchOut, **ERRORS})
def hard_to_match(request: HttpRequest, uuid: UUID) -> Any:
    """Hard-to-match mentees by subject and organisation (the organisation's coordinators)."""
    actor = _actor(request)
    organisation = org_selectors.access_organisation(actor, uuid)
    if not (actor.is_superuser or organisation.pk in actor.coordinator_of):
        raise PermissionDenied(f"Only coordinators of {organisation} see its hard-to-match report")
    report = services.hard_to_match_report(actor, organisation)
    return {
        "organisation": organisation,
        "open_requests": report.open_requests,
        "runs": [r.uuid for r in report.runs],
        "rows": report.rows,
    }
