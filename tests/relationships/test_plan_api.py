"""The API of the development plan and observations, under the same policy as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.relationships.models import Objective, Observation
from tests.api.conftest import field_errors
from tests.relationships.conftest import api_as  # noqa: F401
from tests.relationships.plan_fixtures import (  # noqa: F401
    assessing,
    held_observation,
    mentorship,
    recorded_observation,
)


def iso(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


GOOD = {
    "what": "Use questioning to check learning",
    "measure": "Seen in two observed sessions",
    "standards": ["S4", "V1"],
}


def test_add_list_and_change_objectives(cast, api_as, mentorship):  # noqa: F811
    mentee = api_as("mentee")
    url = f"/mentorships/{mentorship.uuid}/plan/objectives"
    response = mentee.post(url, GOOD | {"due_on": iso(40), "review_on": iso(20)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert [s["code"] for s in body["standards"]] == ["V1", "S4"]  # in framework order
    assert body["version"] == 1 and body["overdue"] is False and body["source"] == "plan"
    listing = api_as("tutor").get(url)
    assert listing.status_code == 200 and listing.json()["count"] == 1
    patch = mentee.patch(f"/objectives/{body['uuid']}", {"version": 1, "status": "in_progress"})
    assert patch.status_code == 200 and patch.json()["version"] == 2
    stale = api_as("mentor").patch(
        f"/objectives/{body['uuid']}", {"version": 1, "what": "Overwrite the mentee"}
    )
    assert stale.status_code == 422
    assert "Someone else changed this objective" in field_errors(stale)[None][0]
    with system_access():
        assert Objective.objects.get().what == GOOD["what"]


def test_objective_with_no_date_and_other_bad_input(cast, api_as, mentorship):  # noqa: F811
    url = f"/mentorships/{mentorship.uuid}/plan/objectives"
    response = api_as("mentor").post(url, {"what": "", "measure": ""})
    assert response.status_code == 422
    assert field_errors(response) == {
        "what": ["Enter what will change"],
        "measure": ["Enter how it will be measured"],
        "due_on": ["Enter the date by when it will be done"],
    }
    response = api_as("mentor").post(url, GOOD | {"due_on": iso(5), "standards": ["Q9"]})
    assert field_errors(response) == {"standards": ["Not standards of this plan's framework: Q9"]}
    response = api_as("mentor").post(url, GOOD | {"due_on": "soon"})
    assert list(field_errors(response)) == ["due_on"]
    with system_access():
        assert Objective.objects.count() == 0


def test_evidence(cast, api_as, mentorship):  # noqa: F811
    created = api_as("mentor").post(
        f"/mentorships/{mentorship.uuid}/plan/objectives", GOOD | {"due_on": iso(30)}
    )
    url = f"/objectives/{created.json()['uuid']}/evidence"
    response = api_as("mentee").post(url, {"description": "Lesson plan", "link": "https://x.org/a"})
    assert response.status_code == 201
    assert response.json()["evidence"][0]["added_by"]["name"] == "Tom Reyes"
    assert api_as("tutor").post(url, {"description": "Tutors read only"}).status_code == 403
    assert api_as("line_manager").post(url, {"description": "x"}).status_code == 404


@pytest.mark.parametrize("name", ["line_manager", "outsider_coordinator", "stranger"])
def test_others_get_404(cast, api_as, mentorship, name):  # noqa: F811
    client = api_as(name)
    assert client.get(f"/mentorships/{mentorship.uuid}/plan/objectives").status_code == 404
    assert client.get(f"/mentorships/{mentorship.uuid}/observations").status_code == 404
    observation = recorded_observation(mentorship)
    assert client.get(f"/observations/{observation.uuid}").status_code == 404


def test_plan_observation_and_read_it(cast, api_as, mentorship):  # noqa: F811
    url = f"/mentorships/{mentorship.uuid}/observations"
    when = (timezone.now() + timedelta(days=3)).isoformat()
    response = api_as("mentee").post(
        url,
        {
            "direction": "mentee_observes_mentor",
            "purpose": "developmental",
            "scheduled_for": when,
            "joint_observer": str(cast.tutor.uuid),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["observer"]["name"] == "Tom Reyes" and body["observed"]["name"] == "Mina Patel"
    assert body["joint_observer"]["name"] == "Tariq Hussain" and body["judgements"] == []
    bad = api_as("mentee").post(
        url,
        {
            "direction": "x",
            "purpose": "formative",
            "joint_observer": str(cast.coordinator.uuid),
        },
    )
    assert bad.status_code == 422
    assert list(field_errors(bad)) == ["joint_observer"]
    bad = api_as("mentee").post(url, {"direction": "x", "purpose": "formative"})
    assert set(field_errors(bad)) == {"direction", "scheduled_for"}
    listing = api_as("coordinator").get(url)
    assert listing.json()["count"] == 1
    assert api_as("tutor").post(url, {"direction": "x", "purpose": "formative"}).status_code == 403


def test_judgements_grades_targets_and_response(cast, api_as, assessing):  # noqa: F811
    observation = held_observation(assessing, purpose="developmental", joint=cast.tutor)
    url = f"/observations/{observation.uuid}/judgements"
    refused = api_as("mentor").post(
        url, {"strengths": "Routines", "areas_to_develop": "Pace", "grade": 2}
    )
    assert field_errors(refused) == {
        "grade": ["Grades are not given on a developmental observation"]
    }
    mentor = api_as("mentor").post(
        url, {"strengths": "Routines", "areas_to_develop": "Pace", "targets": ["Ask more"]}
    )
    assert mentor.status_code == 201
    tutor = api_as("tutor").post(
        url, {"strengths": "Rapport", "areas_to_develop": "Stretch", "targets": ["Stretch all"]}
    )
    body = tutor.json()
    assert [j["judge"]["name"] for j in body["judgements"]] == ["Mina Patel", "Tariq Hussain"]
    assert body["status"] == "recorded" and body["grades_allowed"] is False
    assert (
        api_as("mentee").post(url, {"strengths": "x", "areas_to_develop": "y"}).status_code == 403
    )

    move = api_as("tutor").post(f"/observations/{observation.uuid}/targets/1/move", {})
    assert move.status_code == 201, move.content
    moved = move.json()
    assert moved["what"] == "Stretch all" and moved["source"] == "observation"
    assert moved["observation"] == str(observation.uuid)
    assert moved["due_on"] == iso(42)
    again = api_as("mentor").post(f"/observations/{observation.uuid}/targets/1/move", {})
    assert again.status_code == 422
    assert field_errors(again) == {None: ["This target is already in the development plan"]}
    detail = api_as("mentee").get(f"/observations/{observation.uuid}").json()
    assert detail["judgements"][1]["targets"][0]["objective"] == moved["uuid"]

    respond = f"/observations/{observation.uuid}/response"
    assert api_as("mentor").post(respond, {"response": "Not mine"}).status_code == 403
    answered = api_as("mentee").post(respond, {"response": "Thank you"})
    assert answered.status_code == 200 and answered.json()["response"] == "Thank you"


def test_summative_grade_where_the_programme_may_assess(cast, api_as, assessing):  # noqa: F811
    observation = held_observation(assessing, purpose="summative")
    response = api_as("mentor").post(
        f"/observations/{observation.uuid}/judgements",
        {"strengths": "Routines", "areas_to_develop": "Pace", "grade": 2},
    )
    assert response.status_code == 201
    assert response.json()["judgements"][0]["grade"] == 2
    assert response.json()["grades_allowed"] is True


def test_future_observation_cannot_be_recorded(cast, api_as, mentorship):  # noqa: F811
    with system_access():
        observation = held_observation(mentorship)
        Observation.objects.filter(pk=observation.pk).update(
            scheduled_for=timezone.now() + timedelta(days=2)
        )
    response = api_as("mentor").post(
        f"/observations/{observation.uuid}/judgements",
        {"strengths": "Routines", "areas_to_develop": "Pace"},
    )
    assert response.status_code == 422
    assert "once it has taken place" in field_errors(response)[None][0]


def test_openapi_lists_the_plan_and_observation_operations(db):
    from django.test import Client

    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path, methods in {
        "/api/v1/mentorships/{uuid}/plan/objectives": {"get", "post"},
        "/api/v1/objectives/{uuid}": {"patch"},
        "/api/v1/objectives/{uuid}/evidence": {"post"},
        "/api/v1/mentorships/{uuid}/observations": {"get", "post"},
        "/api/v1/observations/{uuid}": {"get"},
        "/api/v1/observations/{uuid}/judgements": {"post"},
        "/api/v1/observations/{uuid}/targets/{index}/move": {"post"},
        "/api/v1/observations/{uuid}/response": {"post"},
    }.items():
        assert methods <= set(paths[path]), path
