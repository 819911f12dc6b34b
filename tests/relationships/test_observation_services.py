"""Observations: purpose declared in advance, grades only where allowed, joint judgements,
targets moved into the plan once, the observed person's response."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.relationships import observations
from tandem.relationships.models import (
    Judgement,
    Objective,
    ObjectiveSource,
    Observation,
    ObservationPurpose,
    ObservationStatus,
)
from tests.relationships.plan_fixtures import (  # noqa: F401
    assessing,
    held_observation,
    mentorship,
    recorded_observation,
)


def soon(days: int = 3):
    return timezone.now() + timedelta(days=days)


def judge(actor, observation, **kw):
    values = {"strengths": "Clear routines", "areas_to_develop": "Pace", "targets": ""} | kw
    return observations.record_judgement(actor, observation, **values)


def test_plan_in_both_directions_and_tell_the_observed_and_joint_observer(cast, mentorship):  # noqa: F811
    first = observations.plan_observation(
        cast.actor("mentor"),
        mentorship,
        direction=observations.MENTOR_OBSERVES,
        purpose=ObservationPurpose.DEVELOPMENTAL,
        scheduled_for=soon(),
        session="Level 2 English",
        joint_observer=cast.tutor,
    )
    assert (first.observer, first.observed, first.joint_observer) == (
        cast.mentor,
        cast.mentee,
        cast.tutor,
    )
    assert first.purpose_declared_at <= timezone.now() < first.scheduled_for
    assert first.status == ObservationStatus.PLANNED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.mentee.email, cast.tutor.email])
    assert "Developmental" in mail.outbox[0].body
    mail.outbox.clear()
    second = observations.plan_observation(
        cast.actor("mentee"),
        mentorship,
        direction=observations.MENTEE_OBSERVES,
        purpose=ObservationPurpose.FORMATIVE,
        scheduled_for=soon(5),
    )
    assert (second.observer, second.observed) == (cast.mentee, cast.mentor)
    assert [m.to[0] for m in mail.outbox] == [cast.mentor.email]


def test_planning_checks_each_field(cast, mentorship):  # noqa: F811
    with pytest.raises(ValidationError) as exc:
        observations.plan_observation(
            cast.actor("mentor"),
            mentorship,
            direction="sideways",
            purpose="inspection",
            scheduled_for=None,
            duration_minutes=900,
            joint_observer=cast.line_manager,
        )
    assert set(exc.value.message_dict) == {
        "direction",
        "purpose",
        "scheduled_for",
        "duration_minutes",
        "joint_observer",
    }
    assert exc.value.message_dict["joint_observer"] == ["Choose a tutor of Riverside College"]
    with pytest.raises(ValidationError) as exc:
        observations.plan_observation(
            cast.actor("mentor"),
            mentorship,
            direction=observations.MENTOR_OBSERVES,
            purpose="formative",
            scheduled_for=timezone.now() - timedelta(days=1),
        )
    assert "declared before" in exc.value.message_dict["scheduled_for"][0]
    with system_access():
        assert Observation.objects.count() == 0


@pytest.mark.parametrize("name", ["tutor", "line_manager", "partner_coordinator", "stranger"])
def test_only_the_pair_and_coordinators_plan(cast, mentorship, name):  # noqa: F811
    with pytest.raises(PermissionDenied):
        observations.plan_observation(
            cast.actor(name),
            mentorship,
            direction=observations.MENTOR_OBSERVES,
            purpose="formative",
            scheduled_for=soon(),
        )


def test_a_future_observation_cannot_be_recorded_yet(cast, mentorship):  # noqa: F811
    observation = observations.plan_observation(
        cast.actor("coordinator"),
        mentorship,
        direction=observations.MENTOR_OBSERVES,
        purpose="formative",
        scheduled_for=soon(),
    )
    with pytest.raises(ValidationError) as exc:
        judge(cast.actor("mentor"), observation)
    assert "Record your judgement once it has taken place" in exc.value.messages[0]


def test_grade_on_a_developmental_observation_is_refused(cast, assessing):  # noqa: F811
    observation = held_observation(assessing, purpose=ObservationPurpose.DEVELOPMENTAL)
    with pytest.raises(ValidationError) as exc:
        judge(cast.actor("mentor"), observation, grade=2)
    assert exc.value.message_dict == {
        "grade": ["Grades are not given on a developmental observation"]
    }
    with system_access():
        assert Judgement.objects.count() == 0
        observation.refresh_from_db()
    assert observation.status == ObservationStatus.PLANNED


def test_grade_on_a_formative_only_programme_is_refused(cast, mentorship):  # noqa: F811
    observation = held_observation(mentorship, purpose=ObservationPurpose.SUMMATIVE)
    with pytest.raises(ValidationError) as exc:
        judge(cast.actor("mentor"), observation, grade=2)
    assert exc.value.message_dict == {
        "grade": ["Grades are not given: this programme's mentor observations are formative only"]
    }


def test_grade_allowed_on_summative_where_the_programme_may_assess(cast, assessing):  # noqa: F811
    observation = held_observation(assessing, purpose=ObservationPurpose.SUMMATIVE)
    assert observations.grades_allowed(observation)
    with pytest.raises(ValidationError) as exc:
        judge(cast.actor("mentor"), observation, grade=7)
    assert list(exc.value.message_dict) == ["grade"]
    judgement = judge(cast.actor("mentor"), observation, grade=2)
    assert judgement.grade == 2


def test_purpose_is_fixed_once_recorded(cast, mentorship):  # noqa: F811
    planned = observations.plan_observation(
        cast.actor("mentor"),
        mentorship,
        direction=observations.MENTOR_OBSERVES,
        purpose="formative",
        scheduled_for=soon(),
    )
    changed = observations.change_purpose(cast.actor("mentee"), planned, "developmental")
    assert changed.purpose == "developmental"
    observation = held_observation(mentorship)
    judge(cast.actor("mentor"), observation)
    observation.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        observations.change_purpose(cast.actor("mentor"), observation, "summative")
    assert exc.value.message_dict == {"purpose": [observations.PURPOSE_FIXED]}
    with system_access():
        assert Observation.objects.get(pk=observation.pk).purpose == "formative"


def test_joint_observation_keeps_both_judgements(cast, mentorship):  # noqa: F811
    observation = held_observation(mentorship, joint=cast.tutor)
    judge(cast.actor("mentor"), observation, strengths="Mentor saw routines", targets="A\nB")
    judge(
        cast.actor("tutor"),
        observation,
        strengths="Tutor saw good rapport",
        targets=["Plan for the most able"],
    )
    with system_access():
        judgements = list(observation.judgements.order_by("recorded_at", "pk"))
    assert [(j.judge, j.strengths) for j in judgements] == [
        (cast.mentor, "Mentor saw routines"),
        (cast.tutor, "Tutor saw good rapport"),
    ]
    assert [t["text"] for t in observations.targets_of(observation)] == [
        "A",
        "B",
        "Plan for the most able",
    ]
    # Each judge records once; nobody else records one.
    with pytest.raises(ValidationError):
        judge(cast.actor("tutor"), observation)
    with pytest.raises(PermissionDenied):
        judge(cast.actor("mentee"), observation)
    with pytest.raises(PermissionDenied):
        judge(cast.actor("coordinator"), observation)


def test_judgement_needs_strengths_and_areas(cast, mentorship):  # noqa: F811
    observation = held_observation(mentorship)
    with pytest.raises(ValidationError) as exc:
        judge(cast.actor("mentor"), observation, strengths=" ", areas_to_develop="")
    assert set(exc.value.message_dict) == {"strengths", "areas_to_develop"}


def test_moving_a_target_creates_one_objective_and_only_once(cast, mentorship):  # noqa: F811
    observation = recorded_observation(mentorship, joint=cast.tutor)
    due = timezone.localdate() + timedelta(weeks=6)
    objective = observations.move_target(
        cast.actor("tutor"), observation, 1, measure="Seen in the next observation", due_on=due
    )
    assert objective.what == "Check learning before moving on"
    assert objective.source == ObjectiveSource.OBSERVATION
    assert objective.observation == observation and objective.due_on == due
    with system_access():
        judgement = observation.judgements.get()
    assert judgement.targets[1]["objective"] == str(objective.uuid)
    assert judgement.targets[0]["objective"] is None
    with pytest.raises(ValidationError) as exc:
        observations.move_target(cast.actor("mentor"), observation, 1, due_on=due)
    assert exc.value.messages == ["This target is already in the development plan"]
    with pytest.raises(ValidationError):
        observations.move_target(cast.actor("mentor"), observation, 5, due_on=due)
    with system_access():
        assert Objective.objects.filter(observation=observation).count() == 1


def test_moving_a_target_checks_smart_and_who(cast, mentorship):  # noqa: F811
    observation = recorded_observation(mentorship)
    with pytest.raises(ValidationError) as exc:
        observations.move_target(cast.actor("mentor"), observation, 0, measure="", due_on=None)
    assert set(exc.value.message_dict) == {"measure", "due_on"}
    # A tutor who is not the joint observer reads the observation but does not move targets.
    with pytest.raises(PermissionDenied):
        observations.move_target(
            cast.actor("tutor"), observation, 0, due_on=observations.default_due_on()
        )
    with system_access():
        assert Objective.objects.count() == 0
        assert observation.judgements.get().targets[0]["objective"] is None


def test_response_only_by_the_observed_person_once_recorded(cast, mentorship):  # noqa: F811
    observation = held_observation(mentorship, joint=cast.tutor)
    with pytest.raises(ValidationError) as exc:
        observations.respond(cast.actor("mentee"), observation, "Thanks")
    assert list(exc.value.message_dict) == ["response"]
    judge(cast.actor("mentor"), observation)
    for name in ("mentor", "tutor", "coordinator"):
        with pytest.raises(PermissionDenied):
            observations.respond(cast.actor(name), observation, "Not mine to answer")
    with pytest.raises(ValidationError):
        observations.respond(cast.actor("mentee"), observation, "   ")
    answered = observations.respond(cast.actor("mentee"), observation, "I will try it.")
    assert answered.response == "I will try it." and answered.responded_at is not None


def test_mentee_observing_the_mentor_records_their_judgement(cast, mentorship):  # noqa: F811
    observation = held_observation(mentorship, mentee_observes=True)
    judge(cast.actor("mentee"), observation)
    answered = observations.respond(cast.actor("mentor"), observation, "Useful, thank you")
    assert answered.response == "Useful, thank you"


def test_demo_observations_are_idempotent(cast, mentorship):  # noqa: F811
    observations.demo_observations(mentorship, cast.tutor)
    observations.demo_observations(mentorship, cast.tutor)
    with system_access():
        assert Observation.objects.filter(mentorship=mentorship).count() == 2


def test_a_moved_short_target_keeps_its_words_and_its_status_can_change(cast, mentorship):  # noqa: F811
    from tandem.relationships import plans

    observation = recorded_observation(mentorship, targets=["Stretch all"])
    objective = observations.move_target(
        cast.actor("mentor"), observation, 0, due_on=observations.default_due_on()
    )
    assert objective.what == "Stretch all"
    changed = plans.set_status(cast.actor("mentee"), objective, "in_progress", expected_version=1)
    assert changed.status == "in_progress"
