"""Reads of courses and what they are made of, already scoped by the policy.

Everything starts from ``visible_to(actor)``; one record by UUID goes through
``access_object`` (404 when absent or invisible, 403 when read-only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tandem.core.policies.training import course_builders_of, course_staff_of
from tandem.core.tenancy import access_object
from tandem.training.models import (
    Activity,
    ContentPage,
    Course,
    CourseRun,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    LiveSession,
    Module,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor

# Enrolments that take up a place on a run.
TAKES_A_PLACE = ~Q(enrolments__status=EnrolmentStatus.WITHDRAWN)


# --- words ------------------------------------------------------------------------------


def day(d: date) -> str:
    """A date in words, like 5 December 2026."""
    return f"{d.day} {d:%B %Y}"


# --- who may do what -------------------------------------------------------------------


def is_course_staff(actor: Actor, course: Course) -> bool:
    """Trainers, tutors and coordinators of the organisation that runs the course."""
    return actor.is_superuser or course.organisation_id in course_staff_of(actor)


def can_build_for(actor: Actor, organisation_id: int) -> bool:
    """Trainers and coordinators build (and change) their organisation's courses."""
    return actor.is_superuser or organisation_id in course_builders_of(actor)


def can_build(actor: Actor, course: Course) -> bool:
    return can_build_for(actor, course.organisation_id)


def builder_organisations(actor: Actor) -> list[Any]:
    """The organisations (as the actor's role entries) where the actor may build courses."""
    ids = course_builders_of(actor)
    return [o for o in actor.organisations if o.organisation_id in ids]


# --- lists ------------------------------------------------------------------------------


def courses(actor: Actor) -> QuerySet[Course]:
    """Every course the actor may see: published ones of their organisations and
    partnerships, and all (drafts too) of the organisations whose courses they run."""
    return Course.objects.visible_to(actor).select_related("organisation")


def courses_run_by(actor: Actor) -> QuerySet[Course]:
    """Courses of the organisations where the actor trains, tutors or coordinates."""
    return (
        courses(actor)
        .filter(organisation_id__in=course_staff_of(actor))
        .annotate(unit_count=Count("modules", distinct=True))
        .order_by("status", "title")
    )


def open_runs(actor: Actor, course: Course | None = None, day: date | None = None) -> QuerySet:
    """Runs open for enrolment on ``day`` (default today), with the places taken."""
    day = day or timezone.localdate()
    qs = CourseRun.objects.visible_to(actor).filter(
        enrolment_opens_on__lte=day,
    )
    qs = qs.filter(Q(enrolment_closes_on__isnull=True) | Q(enrolment_closes_on__gte=day))
    if course is not None:
        qs = qs.filter(course=course)
    return with_places(qs).order_by("starts_on", "name")


def with_places(qs: QuerySet[CourseRun]) -> QuerySet[CourseRun]:
    return qs.annotate(enrolled=Count("enrolments", filter=TAKES_A_PLACE, distinct=True))


def places_left(run: CourseRun) -> int | None:
    """Places still free on a run annotated by ``with_places`` (None: no limit)."""
    if run.places is None:
        return None
    return max(run.places - getattr(run, "enrolled", 0), 0)


def _own_by_run(actor: Actor) -> dict[int, Enrolment]:
    """The actor's own enrolments, by run id (the latest one of each run)."""
    from tandem.training.learning_selectors import enrolments_of_person

    if actor.person_id is None:
        return {}
    mine: dict[int, Enrolment] = {}
    for enrolment in enrolments_of_person(actor):
        mine.setdefault(enrolment.run_id, enrolment)
    return mine


@dataclass
class RunRow:
    run: CourseRun
    places_left: int | None
    enrolment: Enrolment | None

    @property
    def is_full(self) -> bool:
        return self.places_left == 0


@dataclass
class CatalogueRow:
    course: Course
    runs: list[RunRow] = field(default_factory=list)


def catalogue(actor: Actor, day: date | None = None) -> list[CatalogueRow]:
    """Published courses the actor can see with at least one run open for enrolment,
    or a run the actor is already on."""
    day = day or timezone.localdate()
    mine = _own_by_run(actor)
    runs = (
        open_runs(actor, day=day)
        .filter(course__status=CourseStatus.PUBLISHED)
        .select_related("course", "course__organisation")
    )
    rows: dict[int, CatalogueRow] = {}
    for run in runs:
        row = rows.setdefault(run.course_id, CatalogueRow(course=run.course))
        row.runs.append(RunRow(run, places_left(run), mine.get(run.pk)))
    return sorted(rows.values(), key=lambda r: r.course.title.lower())


def run_rows(actor: Actor, course: Course) -> list[RunRow]:
    """Every run of a course with places left and the actor's own enrolment."""
    mine = _own_by_run(actor)
    return [
        RunRow(run, places_left(run), mine.get(run.pk))
        for run in with_places(runs_of(actor, course))
    ]


def runs_of(actor: Actor, course: Course) -> QuerySet[CourseRun]:
    return CourseRun.objects.visible_to(actor).filter(course=course).order_by("starts_on", "name")


def units_of(actor: Actor, course: Course) -> QuerySet[Module]:
    return (
        Module.objects.visible_to(actor)
        .filter(course=course)
        .annotate(
            page_count=Count("pages", distinct=True),
            activity_count=Count("activities", distinct=True),
        )
        .order_by("position", "pk")
    )


def pages_of(actor: Actor, module: Module) -> QuerySet[ContentPage]:
    return ContentPage.objects.visible_to(actor).filter(module=module).order_by("position", "pk")


def activities_of(actor: Actor, module: Module) -> QuerySet[Activity]:
    return Activity.objects.visible_to(actor).filter(module=module).order_by("position", "pk")


def sessions_of_run(actor: Actor, run: CourseRun) -> QuerySet[LiveSession]:
    return (
        LiveSession.objects.visible_to(actor)
        .filter(run=run)
        .select_related("module")
        .order_by("starts_at")
    )


def sessions_of_course(actor: Actor, course: Course) -> QuerySet[LiveSession]:
    return (
        LiveSession.objects.visible_to(actor)
        .filter(run__course=course)
        .select_related("run", "module")
        .order_by("starts_at")
    )


def sees_session_links(actor: Actor, run: CourseRun) -> bool:
    """Joining links and recordings of a run's live sessions: for the course's staff and
    the run's own learners (active or completed), not for everyone who sees the course."""
    if is_course_staff(actor, run.course):
        return True
    if actor.person_id is None:
        return False
    return (
        Enrolment.objects.visible_to(actor)
        .filter(
            run=run,
            person_id=actor.person_id,
            status__in=(EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED),
        )
        .exists()
    )


def enrolled_count(actor: Actor, run: CourseRun) -> int:
    """Learners on the run (not withdrawn) that the actor may see."""
    return (
        Enrolment.objects.visible_to(actor)
        .filter(run=run)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .count()
    )


def enrolments_of_run(actor: Actor, run: CourseRun) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.visible_to(actor)
        .filter(run=run)
        .select_related("person", "organisation")
        .order_by("person__family_name", "person__given_name")
    )


# --- one record by UUID -------------------------------------------------------------------


def access_course(actor: Actor, uuid: Any, *, for_write: bool = False) -> Course:
    return access_object(actor, Course, uuid, for_write=for_write)


def access_run(actor: Actor, uuid: Any, *, for_write: bool = False) -> CourseRun:
    return access_object(actor, CourseRun, uuid, for_write=for_write)


def access_module(actor: Actor, uuid: Any, *, for_write: bool = False) -> Module:
    return access_object(actor, Module, uuid, for_write=for_write)


def access_page(actor: Actor, uuid: Any, *, for_write: bool = False) -> ContentPage:
    return access_object(actor, ContentPage, uuid, for_write=for_write)


def access_activity(actor: Actor, uuid: Any, *, for_write: bool = False) -> Activity:
    return access_object(actor, Activity, uuid, for_write=for_write)


def access_session(actor: Actor, uuid: Any, *, for_write: bool = False) -> LiveSession:
    return access_object(actor, LiveSession, uuid, for_write=for_write)
