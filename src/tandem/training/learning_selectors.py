"""Reads of learning (E2): where a learner is in a course, their practice hours and
the assessment queue. Records come through ``visible_to(actor)``; the state of an
enrolment is computed from the enrolment itself (already fetched visibly).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from tandem.core.policies.training import course_staff_of
from tandem.core.tenancy import access_object, system_access
from tandem.training.models import (
    Activity,
    ActivityKind,
    Answer,
    Enrolment,
    EnrolmentMode,
    EnrolmentStatus,
    Module,
    ModuleCompletion,
    Outcome,
    PracticeEntry,
    ReleaseMode,
    Submission,
)
from tandem.training.selectors import is_course_staff

if TYPE_CHECKING:
    from tandem.core.actor import Actor

OPEN = "open"
COMPLETED = "completed"
NEEDS_PREVIOUS = "needs_previous"
LOCKED = "locked_until"
HOURS = Decimal("0.01")


# --- records ---------------------------------------------------------------------------


def enrolments_of_person(actor: Actor) -> QuerySet[Enrolment]:
    """The actor's own enrolments, latest first."""
    return (
        Enrolment.objects.visible_to(actor)
        .filter(person_id=actor.person_id)
        .select_related("run__course__organisation")
        .order_by("-enrolled_at")
    )


def access_enrolment(actor: Actor, uuid: Any, *, for_write: bool = False) -> Enrolment:
    return access_object(actor, Enrolment, uuid, for_write=for_write)


def is_learner(actor: Actor, enrolment: Enrolment) -> bool:
    return actor.person_id is not None and actor.person_id == enrolment.person_id


def sees_work(actor: Actor, enrolment: Enrolment) -> bool:
    """Answers and submissions: the learner and the course's staff (not line managers, not
    the learner's own coordinators unless they also teach the course)."""
    return is_learner(actor, enrolment) or is_course_staff(actor, enrolment.run.course)


def access_learning(actor: Actor, uuid: Any) -> Enrolment:
    """An enrolment whose work the actor may read; 404 for everyone else."""
    enrolment = access_enrolment(actor, uuid)
    if not sees_work(actor, enrolment):
        raise Http404("No enrolment found")
    return enrolment


def module_of(enrolment: Enrolment, uuid: Any) -> Module:
    """A unit of the enrolment's course (404 when it belongs to another course)."""
    try:
        return enrolment.run.course.modules.get(uuid=uuid)
    except (Module.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No unit found") from exc
    except Exception as exc:  # a malformed UUID
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise Http404("No unit found") from exc
        raise


def modules_of(enrolment: Enrolment) -> list[Module]:
    return list(enrolment.run.course.modules.order_by("position", "pk"))


def activities_of(module: Module) -> list[Activity]:
    return list(module.activities.order_by("position", "pk"))


def activity_of(enrolment: Enrolment, uuid: Any) -> Activity:
    """An activity of any unit of the enrolment's course (404 when it is not one).

    The enrolment was fetched visibly, so its course's activities may be read.
    """
    try:
        with system_access():
            return Activity.objects.select_related("module").get(
                uuid=uuid, module__course_id=enrolment.run.course_id
            )
    except (Activity.DoesNotExist, ValueError, TypeError, DjangoValidationError) as exc:
        raise Http404("No activity found") from exc


def answers_of(actor: Actor, enrolment: Enrolment) -> dict[int, Answer]:
    """The learner's reflective answers by activity id."""
    return {a.activity_id: a for a in Answer.objects.visible_to(actor).filter(enrolment=enrolment)}


def submissions_of(
    actor: Actor, enrolment: Enrolment, activity: Activity | None = None
) -> QuerySet[Submission]:
    qs = Submission.objects.visible_to(actor).filter(enrolment=enrolment)
    if activity is not None:
        qs = qs.filter(activity=activity)
    return qs.select_related("activity", "assessed_by").order_by("activity_id", "-attempt")


def access_submission(actor: Actor, uuid: Any, *, for_write: bool = False) -> Submission:
    return access_object(actor, Submission, uuid, for_write=for_write)


def access_practice_entry(actor: Actor, uuid: Any, *, for_write: bool = False) -> PracticeEntry:
    return access_object(actor, PracticeEntry, uuid, for_write=for_write)


def completions_of(enrolment: Enrolment) -> dict[int, ModuleCompletion]:
    return {c.module_id: c for c in enrolment.completions.all()}


# --- where a learner is ----------------------------------------------------------------


def opens_on(enrolment: Enrolment, module: Module) -> date | None:
    """When the unit opens for this learner (None: open from the start).

    On a cohort course nothing opens before the cohort starts: a unit opens on the run's
    start date plus its ``release_after_days`` (scheduled release), or on the start date
    (all at once). On a rolling course a scheduled unit opens that many days after the
    learner enrolled; with 0 days, or released all at once, it is open at once.
    """
    course = enrolment.run.course
    scheduled = course.release_mode == ReleaseMode.SCHEDULED
    if course.enrolment_mode == EnrolmentMode.COHORT:
        days = module.release_after_days if scheduled else 0
        return enrolment.run.starts_on + timedelta(days=days or 0)
    if not scheduled or not module.release_after_days:
        return None
    return timezone.localdate(enrolment.enrolled_at) + timedelta(days=module.release_after_days)


def previous_module(enrolment: Enrolment, module: Module) -> Module | None:
    before = None
    for m in modules_of(enrolment):
        if m.pk == module.pk:
            return before
        before = m
    return None


def module_state(
    enrolment: Enrolment,
    module: Module,
    today: date | None = None,
    *,
    completed: set[int] | None = None,
) -> str:
    """ "completed", "locked_until:<YYYY-MM-DD>", "needs_previous" or "open"."""
    done = completed if completed is not None else set(completions_of(enrolment))
    if module.pk in done:
        return COMPLETED
    today = today or timezone.localdate()
    opening = opens_on(enrolment, module)
    if opening is not None and today < opening:
        return f"{LOCKED}:{opening.isoformat()}"
    if module.requires_previous:
        before = previous_module(enrolment, module)
        if before is not None and before.pk not in done:
            return NEEDS_PREVIOUS
    return OPEN


def learner_may_open(actor: Actor, module: Module, today: date | None = None) -> bool:
    """Has the actor an active or completed enrolment on the unit's course on which the
    unit is open (or completed)? Learners read a unit's pages and files only then."""
    if actor.person_id is None:
        return False
    enrolments = enrolments_of_person(actor).filter(
        run__course_id=module.course_id,
        status__in=(EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED),
    )
    return any(module_state(e, module, today) in (OPEN, COMPLETED) for e in enrolments)


def state_opens_on(state: str) -> date | None:
    if state.startswith(LOCKED + ":"):
        return date.fromisoformat(state.split(":", 1)[1])
    return None


@dataclass
class UnitRow:
    module: Module
    state: str
    opens_on: date | None
    previous: Module | None
    completion: ModuleCompletion | None

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    @property
    def is_completed(self) -> bool:
        return self.state == COMPLETED

    @property
    def needs_previous(self) -> bool:
        return self.state == NEEDS_PREVIOUS

    @property
    def is_locked(self) -> bool:
        return self.opens_on is not None

    @property
    def can_enter(self) -> bool:
        return self.state in (OPEN, COMPLETED)


def unit_rows(enrolment: Enrolment, today: date | None = None) -> list[UnitRow]:
    """Every unit of the course with its state for this learner."""
    modules = modules_of(enrolment)
    completions = completions_of(enrolment)
    done = set(completions)
    rows, before = [], None
    for m in modules:
        state = module_state(enrolment, m, today, completed=done)
        rows.append(
            UnitRow(
                module=m,
                state=state,
                opens_on=state_opens_on(state),
                previous=before,
                completion=completions.get(m.pk),
            )
        )
        before = m
    return rows


# --- practice hours --------------------------------------------------------------------


@dataclass
class PracticeRow:
    on: date
    hours: Decimal
    kind: str  # "meeting", "observation" or "entry"
    description: str
    entry: PracticeEntry | None = None

    @property
    def automatic(self) -> bool:
        return self.entry is None


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(HOURS)


def _since(enrolment: Enrolment) -> date:
    return timezone.localdate(enrolment.enrolled_at)


def _automatic_rows(enrolment: Enrolment) -> list[PracticeRow]:
    """The learner's own mentoring record since they enrolled: meetings held as the
    mentor and observations recorded as the observer. Only the date and the length leave
    this function (the learner's mentoring is not otherwise shown to the course's staff)."""
    from tandem.relationships.models import (
        Meeting,
        MeetingStatus,
        Observation,
        ObservationStatus,
    )

    since = _since(enrolment)
    start = timezone.make_aware(datetime.combine(since, time.min))
    rows: list[PracticeRow] = []
    with system_access():
        for starts_at, minutes in Meeting.objects.filter(
            mentorship__mentor_id=enrolment.person_id,
            status=MeetingStatus.HELD,
            starts_at__gte=start,
            starts_at__lte=timezone.now(),
        ).values_list("starts_at", "duration_minutes"):
            rows.append(
                PracticeRow(
                    timezone.localdate(starts_at), _hours(minutes), "meeting", "Mentoring meeting"
                )
            )
        for when, minutes in Observation.objects.filter(
            observer_id=enrolment.person_id,
            status=ObservationStatus.RECORDED,
            scheduled_for__gte=start,
        ).values_list("scheduled_for", "duration_minutes"):
            rows.append(
                PracticeRow(timezone.localdate(when), _hours(minutes), "observation", "Observation")
            )
    return rows


def practice_rows(enrolment: Enrolment) -> list[PracticeRow]:
    """Automatic rows and entries made by hand, latest first."""
    rows = _automatic_rows(enrolment)
    for e in enrolment.practice_entries.all():
        rows.append(PracticeRow(e.on, Decimal(e.hours).quantize(HOURS), "entry", e.description, e))
    rows.sort(key=lambda r: (r.on, r.kind), reverse=True)
    return rows


def practice_hours(enrolment: Enrolment) -> Decimal:
    """Hours of mentoring practice counted for the course since the learner enrolled."""
    automatic = sum((r.hours for r in _automatic_rows(enrolment)), Decimal(0))
    manual = enrolment.practice_entries.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    return (automatic + Decimal(manual)).quantize(HOURS)


# --- progress --------------------------------------------------------------------------


def units_needed(enrolment: Enrolment, total: int | None = None) -> int:
    """How many units complete the course under its completion rule."""
    course = enrolment.run.course
    total = len(modules_of(enrolment)) if total is None else total
    if course.completion_rule == "minimum" and course.minimum_units:
        return min(course.minimum_units, total)
    return total


def progress(enrolment: Enrolment, *, hours: Decimal | None = None) -> dict[str, Any]:
    """Units and hours done against what completes the course."""
    course = enrolment.run.course
    modules = modules_of(enrolment)
    done = set(completions_of(enrolment))
    completed = [m for m in modules if m.pk in done]
    needed = units_needed(enrolment, len(modules))
    hours = practice_hours(enrolment) if hours is None else hours
    required = Decimal(course.practice_hours_required).quantize(HOURS)
    units_met = len(completed) >= needed and needed > 0
    hours_met = hours >= required
    return {
        "units_total": len(modules),
        "units_completed": len(completed),
        "units_needed": needed,
        "glh_total": sum((m.glh for m in modules), Decimal(0)),
        "glh_completed": sum((m.glh for m in completed), Decimal(0)),
        "practice_hours": hours,
        "practice_hours_required": required,
        "units_met": units_met,
        "hours_met": hours_met,
        "requirements_met": units_met and hours_met,
        "percent": int(100 * len(completed) / len(modules)) if modules else 0,
        "status": enrolment.status,
        "completed": enrolment.status == EnrolmentStatus.COMPLETED,
    }


# --- assessment ------------------------------------------------------------------------


def assessment_queue(actor: Actor) -> QuerySet[Submission]:
    """Submissions awaiting assessment on courses the actor teaches (their own excepted),
    oldest first."""
    return (
        Submission.objects.visible_to(actor)
        .filter(
            outcome="",
            enrolment__run__course__organisation_id__in=course_staff_of(actor),
        )
        .exclude(enrolment__person_id=actor.person_id)
        .select_related("activity__module", "enrolment__person", "enrolment__run__course")
        .order_by("submitted_at", "pk")
    )


def can_assess(actor: Actor, submission: Submission) -> bool:
    return (
        not submission.outcome
        and submission.enrolment.person_id != actor.person_id
        and is_course_staff(actor, submission.enrolment.run.course)
    )


def latest_attempts(actor: Actor, enrolment: Enrolment) -> dict[int, Submission]:
    """The latest attempt at each assessed activity, by activity id."""
    out: dict[int, Submission] = {}
    for s in submissions_of(actor, enrolment):
        out.setdefault(s.activity_id, s)
    return out


def met_activity_ids(enrolment: Enrolment) -> set[int]:
    """Assessed activities with an attempt assessed as met (read for the rules)."""
    return set(
        enrolment.submissions.filter(outcome=Outcome.MET).values_list("activity_id", flat=True)
    )


def answered_activity_ids(enrolment: Enrolment) -> set[int]:
    return {
        a.activity_id
        for a in enrolment.answers.select_related("activity")
        if (a.text or "").strip() and a.activity.kind == ActivityKind.REFLECTION
    }
