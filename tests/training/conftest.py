"""Training fixtures: a five-workbook mentor-training course of Riverside College,
with a rolling run that is open now, activities of every kind and a live session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.training.models import (
    Activity,
    ActivityKind,
    ContentPage,
    Course,
    CourseRun,
    CourseStatus,
    Enrolment,
    LiveSession,
    Module,
    UnitKind,
)


@dataclass
class CourseWorld:
    course: Any
    run: Any
    modules: list[Any] = field(default_factory=list)
    # per module: the reflective question; the last module also has an assignment and
    # the programme-design project
    reflections: list[Any] = field(default_factory=list)
    assignment: Any = None
    project: Any = None
    session: Any = None


def build_course(
    organisation: Any,
    *,
    title: str = "Mentoring in schools and colleges",
    units: int = 5,
    status: str = CourseStatus.PUBLISHED,
    shared: bool = False,
    practice_hours: str = "0",
    with_assessed: bool = True,
    created_by: Any = None,
) -> CourseWorld:
    today = timezone.localdate()
    with system_access():
        course = Course.objects.create(
            organisation=organisation,
            title=title,
            summary="Five workbooks for mentors, a badge for each and a certificate for all five.",
            description_html="<p>Study at your own pace.</p>",
            status=status,
            glh=Decimal("40"),
            practice_hours_required=Decimal(practice_hours),
            is_mentor_training=True,
            shared_with_partnerships=shared,
            credits=Decimal("10"),
            level="Level 4",
            validating_body="University of Warwick",
            created_by=created_by,
        )
        run = CourseRun.objects.create(
            course=course,
            name="Autumn run",
            enrolment_opens_on=today - timedelta(days=30),
            enrolment_closes_on=today + timedelta(days=60),
            starts_on=today - timedelta(days=30),
        )
        world = CourseWorld(course=course, run=run)
        for i in range(1, units + 1):
            module = Module.objects.create(
                course=course,
                position=i,
                kind=UnitKind.WORKBOOK,
                title=f"Workbook {i}",
                summary=f"What workbook {i} covers.",
                glh=Decimal("8"),
            )
            ContentPage.objects.create(
                module=module,
                position=1,
                title=f"Reading for workbook {i}",
                body_html="<p>Read.</p>",
            )
            world.reflections.append(
                Activity.objects.create(
                    module=module,
                    position=1,
                    kind=ActivityKind.REFLECTION,
                    title=f"Reflection {i}",
                    prompt="What did you notice in your last mentoring conversation?",
                )
            )
            world.modules.append(module)
        if with_assessed:
            last = world.modules[-1]
            world.assignment = Activity.objects.create(
                module=last,
                position=2,
                kind=ActivityKind.ASSIGNMENT,
                title="Assignment 1: theories of mentoring",
                prompt="Choose and write about an aspect of the theories that underpin mentoring.",
                word_guide=1000,
            )
            world.project = Activity.objects.create(
                module=last,
                position=3,
                kind=ActivityKind.PROJECT,
                title="Design a mentoring programme",
                prompt="Make the case for a mentoring programme in your organisation.",
            )
        world.session = LiveSession.objects.create(
            run=run,
            module=world.modules[0],
            title="Welcome webinar",
            starts_at=timezone.now() + timedelta(days=3),
            joining_url="https://meet.example.org/welcome",
        )
    return world


@pytest.fixture
def course_world(cast) -> CourseWorld:
    return build_course(cast.riverside, created_by=cast.trainer)


# --- a learner on the course, and the credentials they earn (the credential tests) -----


@pytest.fixture
def enrolment(cast, course_world):
    """The mentor on the course, created directly (enrolment rules are tested elsewhere)."""
    with system_access():
        return Enrolment.objects.create(
            run=course_world.run,
            person=cast.mentor,
            organisation=cast.riverside,
            enrolled_at=timezone.now(),
        )


@pytest.fixture
def badge(enrolment, course_world):
    from tandem.training import credentials

    return credentials.issue_badge(enrolment, course_world.modules[0])


@pytest.fixture
def certificate_credential(enrolment):
    from tandem.training import credentials

    return credentials.issue_certificate(enrolment)
