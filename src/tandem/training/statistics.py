"""Course statistics (E6): registrations, active learners, units completed, badges,
completions and completion rate, per course and per run, and units completed per unit.

Built for big courses: a fixed handful of aggregate queries (COUNT … GROUP BY), whatever
the number of runs, units or learners. Only figures leave this module, never learners.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from tandem.core.policies.training import course_staff_of
from tandem.core.tenancy import access_object, system_access
from tandem.training.models import (
    Answer,
    Course,
    Credential,
    CredentialKind,
    Enrolment,
    EnrolmentStatus,
    ModuleCompletion,
    Submission,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor

ACTIVE_DAYS = 30
ACTIVE_DEFINITION = (
    f"Active learners are registered learners still in progress (not completed or "
    f"withdrawn) who opened the course, saved an answer, submitted work or completed a "
    f"unit in the last {ACTIVE_DAYS} days."
)
RATE_DEFINITION = "Completion rate is completions divided by registrations."


def can_see_statistics(actor: Actor, course: Course) -> bool:
    """The course's staff, and administrators of a partnership the course's organisation is in."""
    if actor.is_superuser:
        return True
    return course.organisation_id in (course_staff_of(actor) | actor.administered_organisation_ids)


def access_course_statistics(actor: Actor, uuid: Any) -> Course:
    """404 when the course is not visible, 403 when it is but its figures are not the actor's."""
    course = access_object(actor, Course, uuid)
    if not can_see_statistics(actor, course):
        raise PermissionDenied(
            "Course statistics are for the course's staff and its partnership's administrators"
        )
    return course


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage to one decimal place; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The figures of one run, or of all runs together (``run`` None)."""

    run: Any = None
    registrations: int = 0
    active: int = 0
    units_completed: int = 0
    badges: int = 0
    completions: int = 0

    @property
    def completion_rate(self) -> Decimal | None:
        return rate(self.completions, self.registrations)

    def add(self, other: Figures) -> None:
        self.registrations += other.registrations
        self.active += other.active
        self.units_completed += other.units_completed
        self.badges += other.badges
        self.completions += other.completions


@dataclass
class UnitFigure:
    module: Any
    completed: int
    of_registrations: Decimal | None
    bar: int = 0  # length of the chart bar, 0–100 per cent of the largest


@dataclass
class CourseStatistics:
    course: Any
    runs: list[Figures]
    total: Figures
    focus: Figures | None
    units: list[UnitFigure] = field(default_factory=list)
    active_since: datetime | None = None

    @property
    def shown(self) -> Figures:
        """The figures the headline and the units chart are about."""
        return self.focus or self.total


def _active_filter(since: datetime) -> Q:
    recent_answer = Answer.objects.filter(enrolment=OuterRef("pk"), updated_at__gte=since)
    recent_submission = Submission.objects.filter(enrolment=OuterRef("pk"), submitted_at__gte=since)
    recent_completion = ModuleCompletion.objects.filter(
        enrolment=OuterRef("pk"), completed_at__gte=since
    )
    return Q(status=EnrolmentStatus.ACTIVE) & (
        Q(last_active_at__gte=since)
        | Q(Exists(recent_answer))
        | Q(Exists(recent_submission))
        | Q(Exists(recent_completion))
    )


def course_statistics(
    actor: Actor, course: Course, *, run_uuid: Any = None, now: datetime | None = None
) -> CourseStatistics:
    """The course's figures: five queries whatever its size. ``run_uuid`` focuses on one
    run (404 if it is not a run of this course)."""
    if not can_see_statistics(actor, course):
        raise PermissionDenied("Course statistics are for the course's staff")
    since = (now or timezone.now()) - timedelta(days=ACTIVE_DAYS)
    runs = list(course.runs.all())
    modules = list(course.modules.all())
    run_ids = [r.pk for r in runs]
    focus_run = None
    if run_uuid:
        focus_run = next((r for r in runs if str(r.uuid) == str(run_uuid)), None)
        if focus_run is None:
            raise Http404("No run of this course found")
    # Figures only, for an actor allowed to see the course's figures.
    with system_access():
        enrolments = (
            Enrolment.objects.filter(run_id__in=run_ids)
            .order_by()
            .values("run_id")
            .annotate(
                registrations=Count("id"),
                completions=Count("id", filter=Q(status=EnrolmentStatus.COMPLETED)),
                active=Count("id", filter=_active_filter(since)),
            )
        )
        per_run = {row["run_id"]: row for row in enrolments}
        # One row per run with a count per unit (grouping by run alone follows the run
        # index; grouping by run and unit would sort every completion).
        unit_counts: dict[int, dict[int, int]] = defaultdict(dict)
        if modules and run_ids:
            per_unit = {f"unit_{m.pk}": Count("pk", filter=Q(module_id=m.pk)) for m in modules}
            for row in (
                ModuleCompletion.objects.filter(enrolment__run_id__in=run_ids)
                .order_by()
                .values("enrolment__run_id")
                .annotate(**per_unit)
            ):
                unit_counts[row["enrolment__run_id"]] = {m.pk: row[f"unit_{m.pk}"] for m in modules}
        badges = {
            row["enrolment__run_id"]: row["n"]
            for row in Credential.objects.filter(
                enrolment__run_id__in=run_ids,
                kind=CredentialKind.BADGE,
                revoked_at__isnull=True,
            )
            .order_by()
            .values("enrolment__run_id")
            .annotate(n=Count("*"))
        }
    figures = []
    total = Figures()
    for run in runs:
        row = per_run.get(run.pk, {})
        f = Figures(
            run=run,
            registrations=row.get("registrations", 0),
            active=row.get("active", 0),
            completions=row.get("completions", 0),
            units_completed=sum(unit_counts[run.pk].values()),
            badges=badges.get(run.pk, 0),
        )
        figures.append(f)
        total.add(f)
    focus = next((f for f in figures if f.run is focus_run), None) if focus_run else None
    shown = focus or total
    counted_runs = [focus_run.pk] if focus_run else run_ids
    units = []
    for module in modules:
        completed = sum(unit_counts[r].get(module.pk, 0) for r in counted_runs)
        units.append(UnitFigure(module, completed, rate(completed, shown.registrations)))
    largest = max((u.completed for u in units), default=0)
    for u in units:
        u.bar = round(u.completed * 100 / largest) if largest else 0
    return CourseStatistics(
        course=course,
        runs=figures,
        total=total,
        focus=focus,
        units=units,
        active_since=since,
    )
