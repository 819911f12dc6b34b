"""Pages of the development plan and of observations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.relationships import plans
from tandem.relationships.models import Objective, Observation, Standard
from tests.relationships.plan_fixtures import (  # noqa: F401
    held_observation,
    make_mentorship,
    mentorship,
    recorded_observation,
)


def iso(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def add(cast, mentorship, **kw):  # noqa: F811
    values = {
        "what": "Use questioning to check learning",
        "measure": "Seen in two observed sessions",
        "due_on": timezone.localdate() + timedelta(weeks=6),
    } | kw
    return plans.add_objective(cast.actor("mentor"), mentorship, **values)


# --- the plan -------------------------------------------------------------------------


def test_plan_page_groups_objectives_and_flags_overdue(cast, login, mentorship):  # noqa: F811
    doing = add(cast, mentorship, status="in_progress", standards=[Standard.objects.get(code="S4")])
    late = add(cast, mentorship, what="Plan lessons that stretch the most able")
    with system_access():
        Objective.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    plans.add_evidence(
        cast.actor("mentee"), doing, description="Week 3 plan", link="https://example.org/p"
    )
    response = login(cast.mentee).get(reverse("relationships:plan", args=[mentorship.uuid]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1 and "Development plan" in html
    assert html.index("In progress (1)") < html.index("Not started (1)")
    assert "Overdue" in html and "1 objective is past its date." in html
    assert "<strong>S4</strong> Checks learning" in html
    assert "Week 3 plan" in html and "https://example.org/p" in html
    assert "Add an objective" in html and "Update status" in html


def test_empty_plan_says_what_to_do(cast, login, mentorship):  # noqa: F811
    html = login(cast.mentor).get(reverse("relationships:plan", args=[mentorship.uuid]))
    assert "There are no objectives yet." in html.content.decode()


def test_tutor_reads_the_plan_but_is_refused_changes(cast, login, mentorship):  # noqa: F811
    objective = add(cast, mentorship)
    client = login(cast.tutor)
    html = client.get(reverse("relationships:plan", args=[mentorship.uuid])).content.decode()
    assert objective.what in html
    assert "Add an objective" not in html and "Update status" not in html
    assert (
        client.get(reverse("relationships:objective_edit", args=[objective.uuid])).status_code
        == 403
    )
    assert (
        client.post(
            reverse("relationships:objective_new", args=[mentorship.uuid]),
            {"what": "x", "measure": "y", "due_on": iso(10)},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("relationships:evidence_new", args=[objective.uuid]), {"description": "x"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize("name", ["outsider_coordinator", "partner_coordinator", "line_manager"])
def test_plan_is_404_for_others(cast, login, mentorship, name):  # noqa: F811
    objective = add(cast, mentorship)
    client = login(getattr(cast, name))
    assert client.get(reverse("relationships:plan", args=[mentorship.uuid])).status_code == 404
    assert (
        client.get(reverse("relationships:objective_edit", args=[objective.uuid])).status_code
        == 404
    )


def test_add_objective_page(cast, login, mentorship):  # noqa: F811
    client = login(cast.mentee)
    url = reverse("relationships:objective_new", args=[mentorship.uuid])
    page = client.get(url).content.decode()
    assert "S4 Checks learning" in page  # standards to link, with their text
    response = client.post(url, {"what": "", "measure": "", "due_on": ""})
    html = response.content.decode()
    assert "<title>Error: Add an objective" in html
    assert 'href="#id_what"' in html and "Enter what will change" in html
    assert 'href="#id_measure"' in html and "Enter how it will be measured" in html
    assert 'href="#id_due_on"' in html and "Enter the date by when it will be done" in html
    response = client.post(
        url,
        {
            "what": "Use questioning to check learning",
            "measure": "Seen in two observed sessions",
            "due_on": iso(40),
            "review_on": iso(41),
        },
    )
    assert "The next review must be on or before" in response.content.decode()
    s4 = Standard.objects.get(code="S4")
    response = client.post(
        url,
        {
            "what": "Use questioning to check learning",
            "measure": "Seen in two observed sessions",
            "due_on": iso(40),
            "review_on": iso(20),
            "standards": [str(s4.uuid)],
        },
    )
    assert response.status_code == 302
    with system_access():
        objective = Objective.objects.get()
    assert list(objective.standards.all()) == [s4]


def test_two_editors_the_second_is_told_and_nothing_is_overwritten(
    cast,
    login,
    client,
    mentorship,  # noqa: F811
):
    from django.test import Client

    objective = add(cast, mentorship)
    url = reverse("relationships:objective_edit", args=[objective.uuid])
    mentor = login(cast.mentor)
    mentee = Client()
    mentee.force_login(cast.mentee.user)
    for c in (mentor, mentee):
        assert 'name="version" value="1"' in c.get(url).content.decode()
    form = {
        "what": objective.what,
        "measure": objective.measure,
        "due_on": objective.due_on.isoformat(),
        "status": "in_progress",
        "version": "1",
    }
    assert mentor.post(url, form).status_code == 302
    response = mentee.post(
        url, form | {"what": "The mentee's own wording of it", "status": "achieved"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in html
    assert "Someone else changed this objective since you opened it" in html
    with system_access():
        stored = Objective.objects.get(pk=objective.pk)
    assert (stored.what, stored.status, stored.version) == (objective.what, "in_progress", 2)


def test_status_and_evidence(cast, login, mentorship):  # noqa: F811
    objective = add(cast, mentorship)
    client = login(cast.coordinator)
    response = client.post(
        reverse("relationships:objective_status", args=[objective.uuid]),
        {f"o{objective.pk}-status": "achieved", f"o{objective.pk}-version": "1"},
        follow=True,
    )
    assert "is now achieved" in response.content.decode()
    stale = client.post(
        reverse("relationships:objective_status", args=[objective.uuid]),
        {f"o{objective.pk}-status": "dropped", f"o{objective.pk}-version": "1"},
        follow=True,
    )
    assert "Someone else changed this objective" in stale.content.decode()
    url = reverse("relationships:evidence_new", args=[objective.uuid])
    html = client.post(url, {"description": "", "link": "nope"}).content.decode()
    assert (
        "Enter what the evidence shows" in html and "Enter the link as a full web address" in html
    )
    assert client.post(url, {"description": "Learner work sample"}).status_code == 302
    with system_access():
        assert objective.evidence.count() == 1


# --- observations ---------------------------------------------------------------------


def test_observation_list_and_plan_form(cast, login, mentorship):  # noqa: F811
    client = login(cast.mentor)
    listing = client.get(reverse("relationships:observation_list", args=[mentorship.uuid]))
    assert "No observations yet." in listing.content.decode()
    url = reverse("relationships:observation_new", args=[mentorship.uuid])
    page = client.get(url).content.decode()
    assert "Tom Reyes observes Mina Patel" in page and "Tariq Hussain" in page
    html = client.post(url, {"direction": "", "purpose": "", "day": "", "at": ""}).content.decode()
    assert "<title>Error: Plan an observation" in html
    for message in (
        "Choose who observes whom",
        "Choose the purpose of the observation",
        "Enter the date of the observation",
        "Enter the start time",
    ):
        assert message in html
    past = client.post(
        url,
        {
            "direction": "mentor_observes_mentee",
            "purpose": "formative",
            "day": iso(-2),
            "at": "10:00",
            "duration_minutes": "60",
        },
    ).content.decode()
    assert 'href="#id_day"' in past and "declared before" in past
    response = client.post(
        url,
        {
            "direction": "mentor_observes_mentee",
            "purpose": "developmental",
            "day": iso(3),
            "at": "10:00",
            "duration_minutes": "60",
            "session": "Level 2 English",
            "joint_observer": str(cast.tutor.uuid),
        },
    )
    with system_access():
        observation = Observation.objects.get()
    assert response.status_code == 302 and response.url == observation.get_absolute_url()
    assert observation.joint_observer == cast.tutor
    detail = client.get(observation.get_absolute_url()).content.decode()
    assert "Record your judgement once it has taken place" in detail
    assert "Developmental observation of Tom Reyes" in detail


def test_joint_observation_page_shows_both_judgements_and_moves_a_target(cast, login, mentorship):  # noqa: F811
    observation = recorded_observation(mentorship, joint=cast.tutor, targets=["Ask open questions"])
    tutor = login(cast.tutor)
    page = tutor.get(observation.get_absolute_url()).content.decode()
    assert "Record your judgement" in page
    url = reverse("relationships:observation_judgement", args=[observation.uuid])
    assert "Grades are not given" in tutor.get(url).content.decode()
    html = tutor.post(url, {"strengths": "", "areas_to_develop": ""}).content.decode()
    assert "<title>Error: Record your judgement" in html and "Enter the strengths you saw" in html
    tutor.post(
        url,
        {
            "strengths": "Rapport",
            "areas_to_develop": "Stretch",
            "targets": "Plan for the most able",
        },
    )
    page = tutor.get(observation.get_absolute_url()).content.decode()
    assert "side by side" in page and "Rapport" in page and "Clear routines" in page
    assert page.count("Move into the development plan") == 2
    move = reverse("relationships:observation_move_target", args=[observation.uuid, 1])
    bad = tutor.post(move, {"t1-measure": "", "t1-due_on": ""}).content.decode()
    assert "<title>Error: Move a target" in bad and "Enter the date by when" in bad
    assert (
        tutor.post(move, {"t1-measure": "Seen next time", "t1-due_on": iso(42)}).status_code == 302
    )
    page = tutor.get(observation.get_absolute_url()).content.decode()
    assert "In the plan" in page and page.count("Move into the development plan") == 1
    again = tutor.post(move, {"t1-measure": "Seen next time", "t1-due_on": iso(42)}, follow=True)
    assert "already in the development plan" in again.content.decode()
    with system_access():
        assert Objective.objects.filter(observation=observation).count() == 1
    plan = tutor.get(reverse("relationships:plan", args=[mentorship.uuid])).content.decode()
    assert "Plan for the most able" in plan and "From an observation" in plan


def test_response_page(cast, login, mentorship):  # noqa: F811
    observation = recorded_observation(mentorship)
    url = reverse("relationships:observation_response", args=[observation.uuid])
    assert login(cast.mentor).get(url).status_code == 403
    client = login(cast.mentee)
    html = client.post(url, {"response": ""}).content.decode()
    assert "Enter your response" in html
    assert client.post(url, {"response": "I will try it."}).status_code == 302
    assert "I will try it." in client.get(observation.get_absolute_url()).content.decode()


def test_purpose_page_refused_after_recording(cast, login, mentorship):  # noqa: F811
    observation = recorded_observation(mentorship)
    url = reverse("relationships:observation_purpose", args=[observation.uuid])
    html = login(cast.mentor).post(url, {"purpose": "summative"}).content.decode()
    assert "cannot be changed once the observation has been recorded" in html


@pytest.mark.parametrize("name", ["outsider_coordinator", "partner_coordinator", "line_manager"])
def test_observation_is_404_for_others(cast, login, mentorship, name):  # noqa: F811
    observation = recorded_observation(mentorship)
    client = login(getattr(cast, name))
    assert client.get(observation.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("relationships:observation_list", args=[mentorship.uuid])).status_code
        == 404
    )


def test_tutor_not_joint_reads_but_cannot_move(cast, login, mentorship):  # noqa: F811
    observation = recorded_observation(mentorship)
    client = login(cast.tutor)
    page = client.get(observation.get_absolute_url()).content.decode()
    assert "Ask open questions" in page and "Move into the development plan" not in page
    move = reverse("relationships:observation_move_target", args=[observation.uuid, 0])
    assert client.post(move, {"t0-measure": "x y z", "t0-due_on": iso(10)}).status_code == 403
