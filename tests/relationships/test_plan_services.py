"""The development plan's services: SMART checks, concurrent edits, evidence, standards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tandem.relationships import plans
from tandem.relationships.models import (
    DevelopmentPlan,
    Evidence,
    Objective,
    ObjectiveStatus,
    Standard,
    StandardsFramework,
)
from tests.relationships.plan_fixtures import make_mentorship, mentorship  # noqa: F401

TODAY = timezone.localdate


def good(**overrides):
    return {
        "what": "Use questioning to check learning",
        "measure": "Seen in two observed sessions",
        "due_on": TODAY() + timedelta(weeks=6),
        "review_on": TODAY() + timedelta(weeks=3),
    } | overrides


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def count_objectives() -> int:
    with system_access():
        return Objective.objects.count()


def test_add_objective_makes_the_plan_with_the_first_framework(cast, mentorship):  # noqa: F811
    standard = Standard.objects.get(code="S4")
    objective = plans.add_objective(
        cast.actor("mentee"), mentorship, standards=[standard], **good()
    )
    with system_access():
        plan = DevelopmentPlan.objects.get(mentorship=mentorship)
    assert plan.framework == StandardsFramework.objects.order_by("name").first()
    assert objective.plan == plan and list(objective.standards.all()) == [standard]
    assert objective.status == ObjectiveStatus.NOT_STARTED and objective.version == 1
    with system_access():
        assert AuditEvent.objects.filter(code="relationships.objective.added").count() == 1


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("what", {"what": ""}, plans.WHAT_REQUIRED),
        ("what", {"what": "Questions"}, plans.WHAT_VAGUE),
        ("measure", {"measure": "  "}, plans.MEASURE_REQUIRED),
        ("measure", {"measure": "Observed"}, plans.MEASURE_VAGUE),
        ("due_on", {"due_on": None, "review_on": None}, plans.DUE_REQUIRED),
        ("due_on", {"due_on": TODAY() - timedelta(days=1), "review_on": None}, plans.DUE_PAST),
        (
            "review_on",
            {"review_on": TODAY() + timedelta(weeks=7)},
            plans.REVIEW_AFTER_DUE,
        ),
        ("what", {"what": "word " * 120}, "What will change must be 500 characters or fewer"),
    ],
)
def test_each_smart_check_names_its_field(cast, mentorship, field, overrides, message):  # noqa: F811
    with pytest.raises(ValidationError) as exc:
        plans.add_objective(cast.actor("mentor"), mentorship, **good(**overrides))
    assert errors_of(exc)[field] == [message]
    assert count_objectives() == 0


def test_an_objective_with_no_date_is_refused_with_a_clear_message(cast, mentorship):  # noqa: F811
    with pytest.raises(ValidationError) as exc:
        plans.add_objective(
            cast.actor("mentor"), mentorship, what="", measure="", due_on=None, review_on=None
        )
    assert errors_of(exc) == {
        "what": [plans.WHAT_REQUIRED],
        "measure": [plans.MEASURE_REQUIRED],
        "due_on": ["Enter the date by when it will be done"],
    }
    assert count_objectives() == 0


def test_standards_must_come_from_the_plans_framework(cast, mentorship):  # noqa: F811
    other = StandardsFramework.objects.create(code="zz-other", name="ZZ other framework")
    foreign = Standard.objects.create(framework=other, code="Z1", area="Z", text="Z")
    with pytest.raises(ValidationError) as exc:
        plans.add_objective(cast.actor("mentor"), mentorship, standards=[foreign], **good())
    assert list(errors_of(exc)) == ["standards"]


@pytest.mark.parametrize("name", ["tutor", "line_manager", "trainer", "partner_coordinator"])
def test_only_the_pair_and_coordinators_add_objectives(cast, mentorship, name):  # noqa: F811
    with pytest.raises(PermissionDenied):
        plans.add_objective(cast.actor(name), mentorship, **good())


def test_coordinator_adds_and_edits(cast, mentorship):  # noqa: F811
    objective = plans.add_objective(cast.actor("coordinator"), mentorship, **good())
    changed = plans.update_objective(
        cast.actor("coordinator"), objective, expected_version=1, status="in_progress"
    )
    assert changed.version == 2 and changed.status == "in_progress"


def test_a_second_editor_with_a_stale_version_is_told_and_nothing_is_overwritten(
    cast,
    mentorship,  # noqa: F811
):
    objective = plans.add_objective(cast.actor("mentor"), mentorship, **good())
    # Both open the objective at version 1.
    mentor_copy = Objective.objects.visible_to(cast.actor("mentor")).get(pk=objective.pk)
    mentee_copy = Objective.objects.visible_to(cast.actor("mentee")).get(pk=objective.pk)
    plans.update_objective(
        cast.actor("mentor"),
        mentor_copy,
        expected_version=mentor_copy.version,
        what="Use targeted questioning with every learner",
    )
    with pytest.raises(ValidationError) as exc:
        plans.update_objective(
            cast.actor("mentee"),
            mentee_copy,
            expected_version=mentee_copy.version,
            what="Something else entirely, from the mentee",
            measure="Counted by the mentee alone",
        )
    assert errors_of(exc) == {"__all__": [plans.STALE]}
    assert "Reload to see theirs" in plans.STALE
    with system_access():
        stored = Objective.objects.get(pk=objective.pk)
    assert stored.what == "Use targeted questioning with every learner"
    assert stored.measure == "Seen in two observed sessions"
    assert stored.version == 2


def test_editing_keeps_a_past_date_but_refuses_moving_to_one(cast, mentorship):  # noqa: F811
    objective = plans.add_objective(cast.actor("mentor"), mentorship, **good())
    with system_access():
        Objective.objects.filter(pk=objective.pk).update(
            due_on=TODAY() - timedelta(days=3), review_on=None
        )
        objective.refresh_from_db()
    # A status change on an overdue objective is fine.
    plans.set_status(cast.actor("mentor"), objective, "achieved", expected_version=1)
    with pytest.raises(ValidationError) as exc:
        plans.update_objective(
            cast.actor("mentor"),
            objective,
            expected_version=2,
            due_on=TODAY() - timedelta(days=10),
        )
    assert errors_of(exc)["due_on"] == [plans.DUE_PAST]


def test_review_date_not_after_due_date_on_edit(cast, mentorship):  # noqa: F811
    objective = plans.add_objective(cast.actor("mentor"), mentorship, **good())
    with pytest.raises(ValidationError) as exc:
        plans.update_objective(
            cast.actor("mentee"),
            objective,
            expected_version=1,
            review_on=objective.due_on + timedelta(days=1),
        )
    assert errors_of(exc) == {"review_on": [plans.REVIEW_AFTER_DUE]}


def test_unknown_status_is_refused(cast, mentorship):  # noqa: F811
    objective = plans.add_objective(cast.actor("mentor"), mentorship, **good())
    with pytest.raises(ValidationError) as exc:
        plans.set_status(cast.actor("mentor"), objective, "finished", expected_version=1)
    assert list(errors_of(exc)) == ["status"]


def test_evidence_with_and_without_a_link(cast, mentorship):  # noqa: F811
    objective = plans.add_objective(cast.actor("mentor"), mentorship, **good())
    plans.add_evidence(cast.actor("mentee"), objective, description="Lesson plan, week 3")
    plans.add_evidence(
        cast.actor("mentor"),
        objective,
        description="Observation notes",
        link="https://example.org/notes",
    )
    with system_access():
        assert Evidence.objects.filter(objective=objective).count() == 2
    with pytest.raises(ValidationError) as exc:
        plans.add_evidence(cast.actor("mentor"), objective, description="", link="not a link")
    assert set(errors_of(exc)) == {"description", "link"}
    with pytest.raises(PermissionDenied):
        plans.add_evidence(cast.actor("tutor"), objective, description="Tutors read only")


def test_overdue_means_past_due_and_still_open(cast, mentorship):  # noqa: F811
    objective = plans.add_objective(cast.actor("mentor"), mentorship, **good())
    later = objective.due_on + timedelta(days=1)
    assert plans.is_overdue(objective, later)
    objective.status = ObjectiveStatus.ACHIEVED
    assert not plans.is_overdue(objective, later)


def test_a_mentorship_that_is_not_active_takes_no_new_objectives(cast, mentorship):  # noqa: F811
    with system_access():
        mentorship.status = "ended"
        mentorship.save()
    with pytest.raises(ValidationError) as exc:
        plans.add_objective(cast.actor("mentor"), mentorship, **good())
    assert "not active" in exc.value.messages[0]


def test_demo_plan_is_idempotent(cast, mentorship):  # noqa: F811
    plans.demo_plan(mentorship)
    plans.demo_plan(mentorship)
    with system_access():
        assert Objective.objects.filter(plan__mentorship=mentorship).count() == 3
