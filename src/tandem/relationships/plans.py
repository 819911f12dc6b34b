"""The development plan (D2): SMART objectives, standards, status, evidence and reviews.

The pair and the coordinators of the mentee's organisation change the plan;
the organisation's tutors read it (core/policies/content.py). Every objective
carries a version: an edit made from a stale copy is refused and nothing is
overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tandem.core import audit, policies
from tandem.core.tenancy import system_access
from tandem.relationships.models import (
    DevelopmentPlan,
    Evidence,
    MentorshipStatus,
    Objective,
    ObjectiveSource,
    ObjectiveStatus,
    Standard,
    StandardsFramework,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.relationships.models import Mentorship, Observation

# The SMART checks, in words a reader acts on.
WHAT_REQUIRED = "Enter what will change"
WHAT_VAGUE = (
    "Describe what will change in a few words, for example ‘Use questioning to check learning’"
)
MEASURE_REQUIRED = "Enter how it will be measured"
MEASURE_VAGUE = (
    "Describe how it will be measured in a few words, for example ‘Seen in two observed sessions’"
)
DUE_REQUIRED = "Enter the date by when it will be done"
DUE_PAST = "The date by when cannot be in the past"
REVIEW_AFTER_DUE = "The next review must be on or before the date by when it will be done"
TOO_LONG = "{label} must be 500 characters or fewer"
STALE = (
    "Someone else changed this objective since you opened it; your changes were not saved. "
    "Reload to see theirs."
)
EDITABLE_FIELDS = ("what", "measure", "due_on", "review_on", "status", "standards")


def default_framework() -> StandardsFramework | None:
    """The first shipped framework (public reference data)."""
    return StandardsFramework.objects.order_by("name", "pk").first()


def can_edit_plan(actor: Actor, mentorship: Mentorship) -> bool:
    """The pair and the mentee organisation's coordinators (an unsaved plan asks the policy)."""
    return policies.can_change(actor, DevelopmentPlan(mentorship=mentorship))


def ensure_plan(mentorship: Mentorship) -> DevelopmentPlan:
    """The mentorship's plan, made on first use with the default framework.

    Callers have already decided the actor may change the mentorship's plan.
    """
    with system_access():
        plan, _ = DevelopmentPlan.objects.get_or_create(
            mentorship=mentorship, defaults={"framework": default_framework()}
        )
    return plan


def _words(text: str) -> int:
    return len([w for w in text.split() if any(c.isalnum() for c in w)])


def check_objective(
    *,
    what: str,
    measure: str,
    due_on: date | None,
    review_on: date | None,
    due_changed: bool = True,
    what_as_written: bool = False,
    measure_as_written: bool = False,
) -> dict[str, str]:
    """SMART checks: names what, how it is measured and by when; a review before the end.

    ``what_as_written`` / ``measure_as_written``: words taken as they are (an
    observer's target, or text an edit leaves unchanged) — still required.
    """
    errors: dict[str, str] = {}
    what = (what or "").strip()
    measure = (measure or "").strip()
    if not what:
        errors["what"] = WHAT_REQUIRED
    elif len(what) > 500:
        errors["what"] = TOO_LONG.format(label="What will change")
    elif _words(what) < 3 and not what_as_written:
        errors["what"] = WHAT_VAGUE
    if not measure:
        errors["measure"] = MEASURE_REQUIRED
    elif len(measure) > 500:
        errors["measure"] = TOO_LONG.format(label="How it will be measured")
    elif _words(measure) < 3 and not measure_as_written:
        errors["measure"] = MEASURE_VAGUE
    if due_on is None:
        errors["due_on"] = DUE_REQUIRED
    elif due_changed and due_on < timezone.localdate():
        errors["due_on"] = DUE_PAST
    if review_on is not None and due_on is not None and review_on > due_on:
        errors["review_on"] = REVIEW_AFTER_DUE
    return errors


def _check_standards(plan: DevelopmentPlan, standards: Iterable[Standard]) -> list[Standard]:
    chosen = list(standards)
    if plan.framework_id is None:
        if chosen:
            raise ValidationError({"standards": "This plan is not linked to a standards framework"})
        return chosen
    wrong = [s for s in chosen if s.framework_id != plan.framework_id]
    if wrong:
        raise ValidationError({"standards": f"Choose standards from {plan.framework}"})
    return chosen


def _require_active(mentorship: Mentorship) -> None:
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError(
            {"__all__": "This mentorship is not active, so nothing can be added to its plan"}
        )


def create_objective(
    actor: Actor,
    plan: DevelopmentPlan,
    *,
    what: str,
    measure: str,
    due_on: date | None,
    review_on: date | None = None,
    standards: Iterable[Standard] = (),
    status: str = ObjectiveStatus.NOT_STARTED,
    source: str = ObjectiveSource.PLAN,
    observation: Observation | None = None,
) -> Objective:
    """Check and store an objective; the caller has checked permission and holds a transaction."""
    errors = check_objective(
        what=what,
        measure=measure,
        due_on=due_on,
        review_on=review_on,
        what_as_written=source == ObjectiveSource.OBSERVATION,
    )
    if status not in ObjectiveStatus.values:
        errors["status"] = "Choose a status from the list"
    if errors:
        raise ValidationError(errors)
    chosen = _check_standards(plan, standards)
    with system_access():
        objective = Objective.objects.create(
            plan=plan,
            what=what.strip(),
            measure=measure.strip(),
            due_on=due_on,
            review_on=review_on,
            status=status,
            source=source,
            observation=observation,
        )
        DevelopmentPlan.objects.filter(pk=plan.pk).update(version=F("version") + 1)
    objective.standards.set(chosen)
    audit.record(
        actor,
        "relationships.objective.added",
        objective,
        organisation=plan.mentorship.organisation_id,
        changes={
            "what": objective.what,
            "measure": objective.measure,
            "due_on": str(due_on),
            "source": source,
            "standards": [s.code for s in chosen],
        },
    )
    return objective


@transaction.atomic
def add_objective(
    actor: Actor,
    mentorship: Mentorship,
    *,
    what: str,
    measure: str,
    due_on: date | None,
    review_on: date | None = None,
    standards: Iterable[Standard] = (),
    status: str = ObjectiveStatus.NOT_STARTED,
) -> Objective:
    """Add an objective to the mentorship's plan (made on first use)."""
    if not can_edit_plan(actor, mentorship):
        raise PermissionDenied("Only the mentor, the mentee and their coordinators change the plan")
    _require_active(mentorship)
    plan = ensure_plan(mentorship)
    return create_objective(
        actor,
        plan,
        what=what,
        measure=measure,
        due_on=due_on,
        review_on=review_on,
        standards=standards,
        status=status,
    )


@transaction.atomic
def update_objective(
    actor: Actor, objective: Objective, *, expected_version: int, **changes: Any
) -> Objective:
    """Change an objective read at ``expected_version``; a stale version changes nothing."""
    if not policies.can_change(actor, objective):
        raise PermissionDenied("Only the mentor, the mentee and their coordinators change the plan")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown objective fields: {', '.join(sorted(unknown))}")
    with system_access():
        locked = Objective.objects.select_for_update().get(pk=objective.pk)
    if locked.version != expected_version:
        raise ValidationError({"__all__": STALE})
    before = {
        "what": locked.what,
        "measure": locked.measure,
        "due_on": locked.due_on,
        "review_on": locked.review_on,
        "status": locked.status,
    }
    after = {**before, **{k: v for k, v in changes.items() if k != "standards"}}
    if isinstance(after["what"], str):
        after["what"] = after["what"].strip()
    if isinstance(after["measure"], str):
        after["measure"] = after["measure"].strip()
    errors = check_objective(
        what=after["what"],
        measure=after["measure"],
        due_on=after["due_on"],
        review_on=after["review_on"],
        due_changed=after["due_on"] != before["due_on"],
        what_as_written=after["what"] == before["what"],
        measure_as_written=after["measure"] == before["measure"],
    )
    if after["status"] not in ObjectiveStatus.values:
        errors["status"] = "Choose a status from the list"
    if errors:
        raise ValidationError(errors)
    diff = {k: [str(before[k]), str(after[k])] for k in before if before[k] != after[k]}
    old_codes = sorted(s.code for s in locked.standards.all())
    chosen = None
    if "standards" in changes:
        chosen = _check_standards(locked.plan, changes["standards"])
        new_codes = sorted(s.code for s in chosen)
        if new_codes != old_codes:
            diff["standards"] = [old_codes, new_codes]
    if not diff:
        return locked
    for name, value in after.items():
        setattr(locked, name, value)
    locked.version = expected_version + 1
    locked.save()
    if chosen is not None:
        locked.standards.set(chosen)
    audit.record(
        actor,
        "relationships.objective.changed",
        locked,
        organisation=locked.plan.mentorship.organisation_id,
        changes=diff,
    )
    return locked


def set_status(
    actor: Actor, objective: Objective, status: str, *, expected_version: int
) -> Objective:
    return update_objective(actor, objective, expected_version=expected_version, status=status)


def link_problem(link: str) -> str | None:
    """What is wrong with an evidence link, or None (an empty link is fine)."""
    if not link:
        return None
    if len(link) > 200:
        return "The link must be 200 characters or fewer"
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        return "Enter the link as a full web address, like https://example.org/file"
    return None


@transaction.atomic
def add_evidence(
    actor: Actor, objective: Objective, *, description: str, link: str = ""
) -> Evidence:
    """Record evidence towards an objective: what shows progress, and where to find it."""
    if not policies.can_change(actor, objective):
        raise PermissionDenied("Only the mentor, the mentee and their coordinators change the plan")
    description = (description or "").strip()
    link = (link or "").strip()
    errors: dict[str, str] = {}
    if not description:
        errors["description"] = "Enter what the evidence shows"
    elif len(description) > 5000:
        errors["description"] = "The evidence must be 5,000 characters or fewer"
    problem = link_problem(link)
    if problem:
        errors["link"] = problem
    if errors:
        raise ValidationError(errors)
    with system_access():
        evidence = Evidence.objects.create(
            objective=objective, description=description, link=link, added_by=actor.person
        )
    audit.record(
        actor,
        "relationships.evidence.added",
        evidence,
        organisation=objective.plan.mentorship.organisation_id,
        changes={"objective": str(objective.uuid), "link": link},
    )
    return evidence


def is_overdue(objective: Objective, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return objective.due_on < today and objective.status in (
        ObjectiveStatus.NOT_STARTED,
        ObjectiveStatus.IN_PROGRESS,
    )


# --- demonstration data ---------------------------------------------------------------


def demo_plan(mentorship: Mentorship) -> DevelopmentPlan:
    """Three objectives (one overdue, one with evidence) on an active mentorship. Idempotent."""
    plan = ensure_plan(mentorship)
    today = timezone.localdate()
    rows = [
        (
            "Use questioning to check learning in every session",
            "Seen in two observed sessions and in learners' work",
            today + timedelta(weeks=8),
            today + timedelta(weeks=4),
            ObjectiveStatus.IN_PROGRESS,
            ["S4"],
        ),
        (
            "Plan lessons that stretch the most able learners",
            "Lesson plans show extension tasks for three weeks running",
            today - timedelta(days=10),
            None,
            ObjectiveStatus.NOT_STARTED,
            ["S1", "V3"],
        ),
        (
            "Give written feedback learners act on",
            "Learners' next pieces of work respond to the feedback",
            today + timedelta(weeks=12),
            today + timedelta(weeks=6),
            ObjectiveStatus.ACHIEVED,
            [],
        ),
    ]
    with system_access():
        for what, measure, due_on, review_on, status, codes in rows:
            objective, created = Objective.objects.get_or_create(
                plan=plan,
                what=what,
                defaults={
                    "measure": measure,
                    "due_on": due_on,
                    "review_on": review_on,
                    "status": status,
                },
            )
            if created and plan.framework_id:
                objective.standards.set(
                    Standard.objects.filter(framework_id=plan.framework_id, code__in=codes)
                )
            if created and status == ObjectiveStatus.ACHIEVED:
                Evidence.objects.create(
                    objective=objective,
                    description="Six learners redrafted their essays using the feedback.",
                    added_by=mentorship.mentee,
                )
    return plan
