"""A completed mentor-training course is what lets a mentor be proposed for a programme
that requires trained mentors: the matching rule reads the status the course sets."""

from __future__ import annotations

from tandem.core.tenancy import system_access
from tandem.programmes.models import Programme
from tandem.relationships.services import pair_problems
from tandem.training import learning
from tests.relationships.conftest import mentor_profile
from tests.training.conftest import build_course

NEEDS_TRAINING = "needs a mentor who has completed mentor training"


def test_completing_mentor_training_clears_the_matching_rule(cast):
    mentor_profile(cast.mentor, cast.riverside, training_status="not_started")
    with system_access():
        programme = Programme.objects.create(
            organisation=cast.riverside,
            name="Initial teacher training",
            purpose="itt_in_service",
            requires_trained_mentor=True,
        )

    def problems():
        return pair_problems(
            mentee=cast.mentee, mentor=cast.mentor, organisation=cast.riverside,
            programme=programme,
        )  # fmt: skip

    assert any(NEEDS_TRAINING in p for p in problems())
    world = build_course(cast.riverside, units=2, with_assessed=False)
    actor = cast.actor("mentor")
    enrolment = learning.enrol(actor, world.run)
    for reflection, module in zip(world.reflections, world.modules, strict=True):
        assert any(NEEDS_TRAINING in p for p in problems())  # in training is not trained
        learning.save_answer(actor, enrolment, reflection, "I listened more than I spoke.")
        learning.complete_module(actor, enrolment, module)
    assert not any(NEEDS_TRAINING in p for p in problems())
