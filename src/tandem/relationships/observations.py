"""Observations (D4): planned with a declared purpose, judged, answered, moved into the plan.

Either member of the pair may observe the other; a tutor of the mentee's
organisation may observe at the same time (a joint observation), and each
observer keeps their own judgement. The purpose is declared at planning time
and fixed once the observation has taken place. Grades are given only where
the programme lets mentor observations count towards assessment and the
purpose is summative.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format

from tandem.core import audit, policies
from tandem.core.notify import notify
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.organisations.models import Membership, Person
from tandem.programmes.models import ObservationPolicy
from tandem.relationships import plans
from tandem.relationships.models import (
    Judgement,
    MentorshipStatus,
    Objective,
    ObjectiveSource,
    Observation,
    ObservationPurpose,
    ObservationStatus,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.relationships.models import Mentorship

MENTOR_OBSERVES = "mentor_observes_mentee"
MENTEE_OBSERVES = "mentee_observes_mentor"
DIRECTIONS = (MENTOR_OBSERVES, MENTEE_OBSERVES)
# Moving a target into the plan: what a reader is offered unless they change it.
DEFAULT_MEASURE = "Seen in the next observed session"
DEFAULT_WEEKS = 6
# A form takes a moment to send: "now" allows for it when checking a planned time.
SLACK = timedelta(minutes=5)
MAX_TARGETS = 10

GRADE_NOT_SUMMATIVE = "Grades are not given on a {purpose} observation"
GRADE_FORMATIVE_ONLY = (
    "Grades are not given: this programme's mentor observations are formative only"
)
PURPOSE_FIXED = "The purpose cannot be changed once the observation has been recorded"


def default_due_on() -> date:
    """By when a target moved into the plan is due, unless the reader says otherwise."""
    return timezone.localdate() + timedelta(weeks=DEFAULT_WEEKS)


def grades_allowed(observation: Observation) -> bool:
    return (
        observation.purpose == ObservationPurpose.SUMMATIVE
        and observation.mentorship.programme.observation_policy == ObservationPolicy.MAY_ASSESS
    )


def grade_problem(observation: Observation) -> str | None:
    """Why a grade may not be given on this observation, or None when it may."""
    if observation.purpose != ObservationPurpose.SUMMATIVE:
        return GRADE_NOT_SUMMATIVE.format(purpose=observation.get_purpose_display().lower())
    if observation.mentorship.programme.observation_policy != ObservationPolicy.MAY_ASSESS:
        return GRADE_FORMATIVE_ONLY
    return None


def can_plan(actor: Actor, mentorship: Mentorship) -> bool:
    """The pair and the mentee organisation's coordinators (asked of an unsaved observation)."""
    return policies.can_change(actor, Observation(mentorship=mentorship))


def tutors_of(mentorship: Mentorship) -> Any:
    """People holding the tutor role in the mentee's organisation today (the joint observers).

    Read unscoped: the pair may invite one of their programme's tutors, whose
    name they see here whether or not they may read the organisation's people.
    """
    with system_access():
        ids = list(
            Membership.objects.current()
            .filter(organisation_id=mentorship.organisation_id, role=Role.TUTOR)
            .exclude(person_id__in=[mentorship.mentor_id, mentorship.mentee_id])
            .values_list("person_id", flat=True)
        )
        return Person.objects.filter(pk__in=ids).scoped().order_by("family_name", "given_name")


def _when(value: datetime) -> str:
    return date_format(timezone.localtime(value), "j F Y, H:i")


@transaction.atomic
def plan_observation(
    actor: Actor,
    mentorship: Mentorship,
    *,
    direction: str,
    purpose: str,
    scheduled_for: datetime | None,
    session: str = "",
    duration_minutes: int | None = 60,
    joint_observer: Person | None = None,
) -> Observation:
    """Plan an observation; its purpose is declared now, before it happens."""
    if not can_plan(actor, mentorship):
        raise PermissionDenied(
            "Only the mentor, the mentee and their coordinators plan observations"
        )
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError(
            {"__all__": "This mentorship is not active, so observations cannot be planned"}
        )
    errors: dict[str, str] = {}
    if direction not in DIRECTIONS:
        errors["direction"] = "Choose who observes whom"
    if purpose not in ObservationPurpose.values:
        errors["purpose"] = "Choose the purpose of the observation"
    now = timezone.now()
    if scheduled_for is None:
        errors["scheduled_for"] = "Enter the date and time of the observation"
    elif scheduled_for < now - SLACK:
        errors["scheduled_for"] = (
            "The purpose is declared before an observation: "
            "choose a date and time that has not passed"
        )
    session = (session or "").strip()
    if len(session) > 300:
        errors["session"] = "The session must be 300 characters or fewer"
    if duration_minutes is None:
        duration_minutes = 60
    if not 1 <= int(duration_minutes) <= 600:
        errors["duration_minutes"] = "The duration must be between 1 and 600 minutes"
    if (
        joint_observer is not None
        and not tutors_of(mentorship).filter(pk=joint_observer.pk).exists()
    ):
        errors["joint_observer"] = f"Choose a tutor of {mentorship.organisation}"
    if errors:
        raise ValidationError(errors)
    if direction == MENTOR_OBSERVES:
        observer, observed = mentorship.mentor, mentorship.mentee
    else:
        observer, observed = mentorship.mentee, mentorship.mentor
    with system_access():
        observation = Observation.objects.create(
            mentorship=mentorship,
            observer=observer,
            observed=observed,
            joint_observer=joint_observer,
            purpose=purpose,
            purpose_declared_at=now,
            scheduled_for=scheduled_for,
            session=session,
            duration_minutes=duration_minutes,
        )
    audit.record(
        actor,
        "relationships.observation.planned",
        observation,
        organisation=mentorship.organisation_id,
        changes={
            "observer": str(observer),
            "observed": str(observed),
            "joint_observer": str(joint_observer) if joint_observer else None,
            "purpose": purpose,
            "scheduled_for": scheduled_for.isoformat(),
        },
    )
    told = [p for p in (observed, joint_observer, observer) if p and p.pk != actor.person_id]
    notify(
        told,
        "relationships/email/observation_planned.txt",
        {"observation": observation, "when": _when(scheduled_for)},
    )
    return observation


@transaction.atomic
def change_purpose(actor: Actor, observation: Observation, purpose: str) -> Observation:
    """Declare a different purpose, only while the observation is still ahead."""
    if not policies.can_change(actor, observation):
        raise PermissionDenied("You cannot change this observation")
    with system_access():
        locked = Observation.objects.select_for_update().get(pk=observation.pk)
    if locked.status != ObservationStatus.PLANNED:
        raise ValidationError({"purpose": PURPOSE_FIXED})
    if locked.scheduled_for <= timezone.now():
        raise ValidationError(
            {"purpose": "The observation has taken place, so its purpose stays as declared"}
        )
    if purpose not in ObservationPurpose.values:
        raise ValidationError({"purpose": "Choose the purpose of the observation"})
    if purpose == locked.purpose:
        return locked
    before = locked.purpose
    locked.purpose = purpose
    locked.purpose_declared_at = timezone.now()
    locked.version = F("version") + 1
    locked.save(update_fields=["purpose", "purpose_declared_at", "version"])
    locked.refresh_from_db()
    audit.record(
        actor,
        "relationships.observation.purpose_changed",
        locked,
        organisation=locked.mentorship.organisation_id,
        changes={"purpose": [before, purpose]},
    )
    return locked


def target_lines(targets: Any) -> list[str]:
    """Targets as sent: a list, or text with one target per line."""
    if isinstance(targets, str):
        targets = targets.splitlines()
    return [str(t).strip() for t in (targets or []) if str(t).strip()]


def judgement_problem(actor: Actor, observation: Observation) -> str | None:
    """Why the actor cannot record a judgement now (None when they can)."""
    if actor.person_id not in (observation.observer_id, observation.joint_observer_id):
        return "Only the observer and the joint observer record judgements on this observation"
    if observation.status == ObservationStatus.CANCELLED:
        return "This observation was cancelled"
    if observation.scheduled_for > timezone.now():
        return (
            f"This observation is planned for {_when(observation.scheduled_for)}. "
            "Record your judgement once it has taken place."
        )
    if observation.judgements.filter(judge_id=actor.person_id).exists():
        return "You have already recorded your judgement on this observation"
    return None


@transaction.atomic
def record_judgement(
    actor: Actor,
    observation: Observation,
    *,
    strengths: str,
    areas_to_develop: str,
    targets: Any = (),
    grade: int | None = None,
) -> Judgement:
    """One observer's judgement; the first one marks the observation recorded."""
    if actor.person_id not in (observation.observer_id, observation.joint_observer_id):
        raise PermissionDenied(
            "Only the observer and the joint observer record judgements on this observation"
        )
    with system_access():
        locked = Observation.objects.select_for_update().get(pk=observation.pk)
    problem = judgement_problem(actor, locked)
    if problem:
        raise ValidationError({"__all__": problem})
    strengths = (strengths or "").strip()
    areas_to_develop = (areas_to_develop or "").strip()
    lines = target_lines(targets)
    errors: dict[str, str] = {}
    if not strengths:
        errors["strengths"] = "Enter the strengths you saw"
    if not areas_to_develop:
        errors["areas_to_develop"] = "Enter the areas to develop"
    if len(lines) > MAX_TARGETS:
        errors["targets"] = f"Set at most {MAX_TARGETS} targets"
    elif any(len(line) > 500 for line in lines):
        errors["targets"] = "Each target must be 500 characters or fewer"
    if grade is not None and grade != "":
        refused = grade_problem(locked)
        if refused:
            errors["grade"] = refused
        else:
            try:
                grade = int(grade)
            except (TypeError, ValueError):
                grade = 0
            if not 1 <= grade <= 4:
                errors["grade"] = "Choose a grade from 1 (outstanding) to 4 (inadequate)"
    else:
        grade = None
    if errors:
        raise ValidationError(errors)
    with system_access():
        judgement = Judgement.objects.create(
            observation=locked,
            judge_id=actor.person_id,
            grade=grade,
            strengths=strengths,
            areas_to_develop=areas_to_develop,
            targets=[{"text": line, "objective": None} for line in lines],
        )
    locked.status = ObservationStatus.RECORDED
    locked.version = locked.version + 1
    locked.save(update_fields=["status", "version"])
    observation.status, observation.version = locked.status, locked.version
    audit.record(
        actor,
        "relationships.judgement.recorded",
        judgement,
        organisation=locked.mentorship.organisation_id,
        changes={"observation": str(locked.uuid), "grade": grade, "targets": len(lines)},
    )
    told = [p for p in (locked.observed,) if p.pk != actor.person_id]
    notify(
        told,
        "relationships/email/observation_recorded.txt",
        {"observation": locked, "judge": actor.person},
    )
    return judgement


def targets_of(observation: Observation) -> list[dict[str, Any]]:
    """Every judgement's targets as one numbered list: index, judge, text, objective uuid."""
    rows: list[dict[str, Any]] = []
    for judgement in observation.judgements.select_related("judge").order_by("recorded_at", "pk"):
        for position, target in enumerate(judgement.targets or []):
            rows.append(
                {
                    "index": len(rows),
                    "judgement": judgement,
                    "position": position,
                    "judge": judgement.judge,
                    "text": target.get("text", ""),
                    "objective": target.get("objective"),
                }
            )
    return rows


def can_move_targets(actor: Actor, observation: Observation) -> bool:
    """The pair, the coordinators and the joint observer (the tutor) move targets into the plan."""
    return policies.can_change(actor, observation)


@transaction.atomic
def move_target(
    actor: Actor,
    observation: Observation,
    index: int,
    *,
    measure: str = DEFAULT_MEASURE,
    due_on: date | None = None,
    review_on: date | None = None,
    what: str | None = None,
) -> Objective:
    """One action: the target becomes an objective of the plan, and remembers it."""
    if not can_move_targets(actor, observation):
        raise PermissionDenied("You cannot move this observation's targets into the plan")
    with system_access():
        locked = Observation.objects.select_for_update().get(pk=observation.pk)
    rows = targets_of(locked)
    if not 0 <= index < len(rows):
        raise ValidationError({"target": "This observation has no such target"})
    row = rows[index]
    if row["objective"]:
        raise ValidationError({"__all__": "This target is already in the development plan"})
    mentorship = locked.mentorship
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError(
            {"__all__": "This mentorship is not active, so nothing can be added to its plan"}
        )
    plan = plans.ensure_plan(mentorship)
    objective = plans.create_objective(
        actor,
        plan,
        what=what if what is not None else row["text"],
        measure=measure,
        due_on=due_on,
        review_on=review_on,
        source=ObjectiveSource.OBSERVATION,
        observation=locked,
    )
    judgement = row["judgement"]
    targets = list(judgement.targets)
    targets[row["position"]] = {**targets[row["position"]], "objective": str(objective.uuid)}
    judgement.targets = targets
    judgement.save(update_fields=["targets"])
    audit.record(
        actor,
        "relationships.observation.target_moved",
        locked,
        organisation=mentorship.organisation_id,
        changes={"target": row["text"], "objective": str(objective.uuid)},
    )
    return objective


@transaction.atomic
def respond(actor: Actor, observation: Observation, text: str) -> Observation:
    """The observed person's response to the judgements."""
    if actor.person_id != observation.observed_id:
        raise PermissionDenied("Only the person observed can respond")
    with system_access():
        locked = Observation.objects.select_for_update().get(pk=observation.pk)
    if locked.status != ObservationStatus.RECORDED:
        raise ValidationError(
            {"response": "You can respond once a judgement on the observation has been recorded"}
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"response": "Enter your response"})
    if len(text) > 5000:
        raise ValidationError({"response": "Your response must be 5,000 characters or fewer"})
    changed = text != locked.response
    locked.response = text
    locked.responded_at = timezone.now()
    locked.version = locked.version + 1
    locked.save(update_fields=["response", "responded_at", "version"])
    if changed:
        audit.record(
            actor,
            "relationships.observation.responded",
            locked,
            organisation=locked.mentorship.organisation_id,
            changes={"response": "changed"},
        )
    return locked


# --- demonstration data ---------------------------------------------------------------


def demo_observations(mentorship: Mentorship, tutor: Person | None = None) -> list[Observation]:
    """A recorded observation with a target, and a planned joint one. Idempotent."""
    now = timezone.now()
    with system_access():
        done = Observation.objects.filter(
            mentorship=mentorship, session="Level 2 English: persuasive writing"
        ).first()
        if done is None:
            done = Observation.objects.create(
                mentorship=mentorship,
                observer=mentorship.mentor,
                observed=mentorship.mentee,
                purpose=ObservationPurpose.DEVELOPMENTAL,
                purpose_declared_at=now - timedelta(days=20),
                scheduled_for=now - timedelta(days=14),
                session="Level 2 English: persuasive writing",
                status=ObservationStatus.RECORDED,
            )
            Judgement.objects.create(
                observation=done,
                judge=mentorship.mentor,
                strengths="Warm, well-paced start; learners knew what they were aiming for.",
                areas_to_develop="Questions went mostly to the same few learners.",
                targets=[
                    {"text": "Use no-hands-up questioning in every session", "objective": None},
                    {
                        "text": "Check understanding before moving to independent work",
                        "objective": None,
                    },
                ],
            )
        planned = Observation.objects.filter(
            mentorship=mentorship, status=ObservationStatus.PLANNED
        ).first()
        if planned is None:
            planned = Observation.objects.create(
                mentorship=mentorship,
                observer=mentorship.mentor,
                observed=mentorship.mentee,
                joint_observer=tutor,
                purpose=ObservationPurpose.FORMATIVE,
                purpose_declared_at=now,
                scheduled_for=now + timedelta(days=10),
                session="Level 2 English: reading for meaning",
            )
    return [done, planned]
