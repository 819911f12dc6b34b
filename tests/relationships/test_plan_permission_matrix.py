"""Who sees and changes the development plan, objectives, evidence, observations and
judgements (core/policies/content.py), as a matrix: every actor of the cast × a mentorship
run by their own organisation, a partner organisation, and one in another partnership.

Content is for the pair and the mentee organisation's coordinators and tutors; the pair
and the coordinators change it; a joint observer (a tutor) also changes their observation;
a judgement is changed by its judge alone. Line managers see none of it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core import policies
from tandem.core.actor import ANONYMOUS
from tandem.core.tenancy import system_access
from tandem.relationships import plans
from tandem.relationships.models import (
    DevelopmentPlan,
    Evidence,
    Judgement,
    Objective,
    Observation,
)
from tests.relationships.plan_fixtures import make_mentorship, recorded_observation

ACTORS = [
    "coordinator",
    "mentor",
    "mentee",
    "tutor",
    "line_manager",
    "trainer",
    "partner_coordinator",
    "partner_mentee",
    "outsider_coordinator",
    "outsider_mentee",
    "partnership_admin",
    "stranger",
    "anonymous",
]
WHERE = ["own", "partner", "other"]

SEE = {
    "own": {"coordinator", "mentor", "mentee", "tutor"},
    "partner": {"partner_coordinator", "partner_mentee"},
    "other": {"outsider_coordinator", "outsider_mentee"},
}
CHANGE_PLAN = {
    "own": {"coordinator", "mentor", "mentee"},
    "partner": {"partner_coordinator", "partner_mentee"},
    "other": {"outsider_coordinator", "outsider_mentee"},
}
# The own observation is joint with the cast's tutor.
CHANGE_OBSERVATION = {
    "own": CHANGE_PLAN["own"] | {"tutor"},
    "partner": CHANGE_PLAN["partner"],
    "other": CHANGE_PLAN["other"],
}
# The judgement is the observer's (each organisation's mentor); only the cast's is an actor.
CHANGE_JUDGEMENT = {"own": {"mentor"}, "partner": set(), "other": set()}


@pytest.fixture
def records(cast):
    made = {}
    for where in WHERE:
        mentorship = make_mentorship(cast, where)
        objective = plans.add_objective(
            cast.actor("coordinator") if where == "own" else _coordinator(cast, where),
            mentorship,
            what="Use questioning to check learning",
            measure="Seen in two observed sessions",
            due_on=timezone.localdate() + timedelta(weeks=6),
        )
        with system_access():
            evidence = Evidence.objects.create(objective=objective, description="Lesson plan")
        observation = recorded_observation(mentorship, joint=cast.tutor if where == "own" else None)
        with system_access():
            made[where] = {
                "mentorship": mentorship,
                "developmentplan": DevelopmentPlan.objects.get(mentorship=mentorship),
                "objective": objective,
                "evidence": evidence,
                "observation": observation,
                "judgement": Judgement.objects.get(observation=observation),
            }
    return made


def _coordinator(cast, where):
    return cast.actor({"partner": "partner_coordinator", "other": "outsider_coordinator"}[where])


def actor_of(cast, name):
    return ANONYMOUS if name == "anonymous" else cast.actor(name)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("where", WHERE)
def test_see_and_change(cast, records, who, where):
    actor = actor_of(cast, who)
    found = records[where]
    for label, change in (
        ("developmentplan", CHANGE_PLAN),
        ("objective", CHANGE_PLAN),
        ("evidence", CHANGE_PLAN),
        ("observation", CHANGE_OBSERVATION),
        ("judgement", CHANGE_JUDGEMENT),
    ):
        obj = found[label]
        assert policies.can_see(actor, obj) == (who in SEE[where]), (label, "see")
        assert policies.can_change(actor, obj) == (who in change[where]), (label, "change")


@pytest.mark.parametrize("who", [a for a in ACTORS if a != "anonymous"])
def test_lists_hold_exactly_what_the_policy_allows(cast, records, who):
    actor = cast.actor(who)
    for model, label in (
        (DevelopmentPlan, "developmentplan"),
        (Objective, "objective"),
        (Evidence, "evidence"),
        (Observation, "observation"),
        (Judgement, "judgement"),
    ):
        expected = {records[w][label].pk for w in WHERE if who in SEE[w]}
        assert set(model.objects.visible_to(actor).values_list("pk", flat=True)) == expected


def test_a_tutor_who_is_not_the_joint_observer_reads_but_does_not_change(cast, records):
    solo = recorded_observation(records["own"]["mentorship"])
    tutor = cast.actor("tutor")
    assert policies.can_see(tutor, solo) and not policies.can_change(tutor, solo)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("where", WHERE)
def test_pages_answer_as_the_policy_says(cast, client, records, who, where):
    found = records[where]
    if who != "anonymous":
        client.force_login(cast.people[who].user)
    plan = client.get(reverse("relationships:plan", args=[found["mentorship"].uuid]))
    edit = client.post(
        reverse("relationships:objective_edit", args=[found["objective"].uuid]), {"version": "x"}
    )
    observation = client.get(found["observation"].get_absolute_url())
    if who == "anonymous":
        assert {plan.status_code, edit.status_code, observation.status_code} == {302}
    elif who not in SEE[where]:
        assert (plan.status_code, edit.status_code, observation.status_code) == (404, 404, 404)
    elif who not in CHANGE_PLAN[where]:
        assert (plan.status_code, edit.status_code, observation.status_code) == (200, 403, 200)
    else:
        # Allowed: the bad input is named on the page and nothing changes.
        assert (plan.status_code, edit.status_code, observation.status_code) == (200, 200, 200)
        assert "<title>Error:" in edit.content.decode()
