"""Reads of development plans and observations, scoped by core/policies/content.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from tandem.core.tenancy import access_object
from tandem.relationships import observations as observation_services
from tandem.relationships.models import (
    DevelopmentPlan,
    Evidence,
    Judgement,
    Objective,
    ObjectiveStatus,
    Observation,
    Standard,
)
from tandem.relationships.plans import default_framework, ensure_plan, is_overdue

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.relationships.models import Mentorship

# The order a plan shows its objectives in.
STATUS_ORDER = [
    ObjectiveStatus.IN_PROGRESS,
    ObjectiveStatus.NOT_STARTED,
    ObjectiveStatus.ACHIEVED,
    ObjectiveStatus.DROPPED,
]


def plan_of(actor: Actor, mentorship: Mentorship) -> DevelopmentPlan | None:
    return (
        DevelopmentPlan.objects.visible_to(actor)
        .filter(mentorship=mentorship)
        .select_related("framework")
        .first()
    )


def readable_plan(actor: Actor, mentorship: Mentorship) -> DevelopmentPlan:
    """The plan, if the actor may read the mentorship's content; else 404.

    Seeing a mentorship is not seeing what happens in it (a line manager sees
    the one, not the other): the plan's own rule decides, so it is made on
    first use.
    """
    ensure_plan(mentorship)
    plan = plan_of(actor, mentorship)
    if plan is None:
        raise Http404("No development plan found")
    return plan


def framework_of(plan: DevelopmentPlan | None) -> Any:
    """The plan's framework; a plan not made yet will use the default one."""
    if plan is not None:
        return plan.framework
    return default_framework()


def standards_of(framework: Any) -> QuerySet[Standard]:
    if framework is None:
        return Standard.objects.none()
    return Standard.objects.filter(framework=framework).order_by("position", "pk")


def objectives(actor: Actor, plan: DevelopmentPlan | None) -> QuerySet[Objective]:
    if plan is None:
        return Objective.objects.visible_to(actor).none()
    return (
        Objective.objects.visible_to(actor)
        .filter(plan=plan)
        .select_related("observation")
        .prefetch_related(
            Prefetch("standards", queryset=Standard.objects.order_by("position", "pk")),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.visible_to(actor)
                .select_related("added_by")
                .order_by("added_at", "pk"),
            ),
        )
        .order_by("due_on", "pk")
    )


def grouped_objectives(actor: Actor, plan: DevelopmentPlan | None) -> list[dict[str, Any]]:
    """Objectives by status (in progress first), each flagged when overdue."""
    today = timezone.localdate()
    rows = list(objectives(actor, plan))
    for objective in rows:
        objective.overdue = is_overdue(objective, today)  # type: ignore[attr-defined]
    return [
        {
            "status": status.value,
            "label": status.label,
            "objectives": [o for o in rows if o.status == status],
        }
        for status in STATUS_ORDER
        if any(o.status == status for o in rows)
    ]


def overdue_count(groups: list[dict[str, Any]]) -> int:
    return sum(1 for g in groups for o in g["objectives"] if o.overdue)


def access_objective(actor: Actor, uuid: Any, *, for_write: bool = False) -> Objective:
    return access_object(actor, Objective, uuid, for_write=for_write)


# --- observations ---------------------------------------------------------------------


def observations_of(actor: Actor, mentorship: Mentorship) -> QuerySet[Observation]:
    return (
        Observation.objects.visible_to(actor)
        .filter(mentorship=mentorship)
        .select_related("observer", "observed", "joint_observer")
        .order_by("-scheduled_for", "-pk")
    )


def access_observation(actor: Actor, uuid: Any, *, for_write: bool = False) -> Observation:
    return access_object(actor, Observation, uuid, for_write=for_write)


def judgements_of(actor: Actor, observation: Observation) -> list[Judgement]:
    return list(
        Judgement.objects.visible_to(actor)
        .filter(observation=observation)
        .select_related("judge")
        .order_by("recorded_at", "pk")
    )


def targets_of(actor: Actor, observation: Observation) -> list[dict[str, Any]]:
    """The observation's targets, numbered across judgements, with the objectives they became."""
    rows = observation_services.targets_of(observation)
    moved = [r["objective"] for r in rows if r["objective"]]
    found = {
        str(o.uuid): o
        for o in Objective.objects.visible_to(actor).filter(uuid__in=moved).select_related("plan")
    }
    for row in rows:
        row["objective_record"] = found.get(row["objective"]) if row["objective"] else None
    return rows
