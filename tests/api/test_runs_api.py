"""Matching runs through the API, under the same policy and services as the pages."""

from __future__ import annotations

import pytest

from tandem.core.tenancy import system_access
from tandem.matching.models import MatchRun, Proposal
from tandem.mentors.models import MentorProfile
from tandem.relationships.models import Mentorship
from tests.api.conftest import field_errors
from tests.matching.test_run_world import build_world, make_cohort


@pytest.fixture
def world(cast):
    return build_world(cast)


@pytest.fixture
def coordinator(api_as):
    return api_as("coordinator")


@pytest.fixture
def run(world, coordinator):
    response = coordinator.post(f"/cohorts/{world.cohort.uuid}/match-runs", {})
    assert response.status_code == 202, response.json()
    return response.json()


def proposal_of(run, given_name):
    with system_access():
        return Proposal.objects.get(run__uuid=run["uuid"], request__mentee__given_name=given_name)


def test_start_run_answers_202_with_the_run(world, run):
    assert run["status"] == "ready"
    assert run["progress"] == 100 and run["stage"] == "Done"
    assert (run["mentees"], run["mentors"], run["matched"]) == (4, 3, 3)
    assert run["cohort"] == {"uuid": str(world.cohort.uuid), "name": "Autumn 2026"}
    assert run["objective"] == "participation_first" and run["include_partners"] is True
    assert run["hard_to_match"] == [
        {
            "subject": "Upholstery and soft furnishing",
            "organisation": "Riverside College",
            "count": 1,
        }
    ]


def test_get_run_and_its_proposals(world, coordinator, run):
    got = coordinator.get(f"/match-runs/{run['uuid']}")
    assert got.status_code == 200 and got.json()["version"] == run["version"]
    listed = coordinator.get(f"/match-runs/{run['uuid']}/proposals", limit=2)
    body = listed.json()
    assert listed.status_code == 200 and body["count"] == 4 and len(body["items"]) == 2
    everything = coordinator.get(f"/match-runs/{run['uuid']}/proposals").json()["items"]
    by_name = {p["mentee"]["name"]: p for p in everything}
    ben = by_name["Ben Clark"]
    assert ben["mentor"]["name"] == "Omar Ahmed" and ben["rung_label"] == "exact subject"
    assert ben["why"][0].startswith("Subject fit:") and ben["subject"] == "Electrical installation"
    assert all("why" in a and "score" in a for a in ben["alternatives"])
    una = by_name["Una Hart"]
    assert una["mentor"] is None and "Upholstery" in una["unmatched_reason"]


def test_change_a_proposal_and_the_refusals(world, coordinator, run):
    ben = proposal_of(run, "Ben")
    alt = ben.alternatives[0]
    changed = coordinator.patch(
        f"/proposals/{ben.uuid}", {"mentor": alt["mentor"], "run_version": run["version"]}
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["mentor"]["uuid"] == alt["mentor"]
    assert changed.json()["edited_by"]["name"] == "Cora Coleman"
    stale = coordinator.patch(
        f"/proposals/{ben.uuid}", {"mentor": None, "run_version": run["version"]}
    )
    assert stale.status_code == 422
    assert "Someone else changed" in field_errors(stale)[None][0]
    version = coordinator.get(f"/match-runs/{run['uuid']}").json()["version"]
    tom = proposal_of(run, "Tom")
    lena = world.mentors["Lena"]
    refused = coordinator.patch(
        f"/proposals/{tom.uuid}", {"mentor": str(lena.uuid), "run_version": version}
    )
    assert refused.status_code == 422
    assert "line-manages Tom Reyes" in field_errors(refused)["mentor"][0]
    stranger = coordinator.patch(
        f"/proposals/{tom.uuid}",
        {"mentor": str(world.cast.outsider_mentee.uuid), "run_version": version},
    )
    assert stranger.status_code == 422
    assert "Outsider" not in str(stranger.json())
    left = coordinator.patch(f"/proposals/{tom.uuid}", {"mentor": None, "run_version": version})
    assert left.status_code == 200 and left.json()["unmatched_reason"].startswith("Left unmatched")
    bad = coordinator.patch(f"/proposals/{tom.uuid}", {"mentor": "nope", "run_version": version})
    assert bad.status_code == 422 and "mentor" in field_errors(bad)
    missing = coordinator.patch(f"/proposals/{tom.uuid}", {"run_version": version})
    assert missing.status_code == 422 and "mentor" in field_errors(missing)


def test_publish_all_or_nothing_then_twice_refused(world, coordinator, run):
    ben = proposal_of(run, "Ben")
    with system_access():
        MentorProfile.objects.filter(person=ben.mentor).update(consents_to_matching=False)
    refused = coordinator.post(f"/match-runs/{run['uuid']}/publish", {"version": run["version"]})
    assert refused.status_code == 422
    assert any("Ben Clark" in m for m in field_errors(refused)[None])
    with system_access():
        assert not Mentorship.objects.exists()
        MentorProfile.objects.filter(person=ben.mentor).update(consents_to_matching=True)
    published = coordinator.post(f"/match-runs/{run['uuid']}/publish", {"version": run["version"]})
    assert published.status_code == 200, published.json()
    body = published.json()
    assert body["run"]["status"] == "published" and len(body["mentorships"]) == 3
    assert {m["status"] for m in body["mentorships"]} == {"proposed"}
    again = coordinator.post(
        f"/match-runs/{run['uuid']}/publish", {"version": body["run"]["version"]}
    )
    assert again.status_code == 422 and "already been published" in str(again.json())


def test_discard(world, coordinator, run):
    response = coordinator.post(f"/match-runs/{run['uuid']}/discard")
    assert response.status_code == 200 and response.json()["status"] == "discarded"


def test_bad_input_and_empty_cohort(cast, world, coordinator):
    bad = coordinator.post(f"/cohorts/{world.cohort.uuid}/match-runs", {"objective": "fastest"})
    assert bad.status_code == 422 and "objective" in field_errors(bad)
    extra = coordinator.post(f"/cohorts/{world.cohort.uuid}/match-runs", {"colour": "red"})
    assert extra.status_code == 422 and "colour" in field_errors(extra)
    _, empty = make_cohort(cast.riverside, name="Spring 2027")
    response = coordinator.post(f"/cohorts/{empty.uuid}/match-runs", {})
    assert response.status_code == 422
    assert "No mentee in Spring 2027" in field_errors(response)["cohort"][0]
    with system_access():
        assert not MatchRun.objects.filter(cohort=empty).exists()


def test_hard_to_match_report(cast, world, coordinator, run):
    response = coordinator.get(f"/organisations/{cast.riverside.uuid}/hard-to-match")
    assert response.status_code == 200
    body = response.json()
    assert body["runs"] == [run["uuid"]] and body["open_requests"] == 4
    assert body["rows"][0] == {
        "subject": "Upholstery and soft furnishing",
        "organisation": "Riverside College",
        "unmatched_in_runs": 1,
        "without_candidate": 1,
    }


def test_unauthenticated_forbidden_and_not_found(cast, world, api_as, run):
    anonymous = api_as(None)
    assert anonymous.get(f"/match-runs/{run['uuid']}").status_code == 401
    assert anonymous.post(f"/cohorts/{world.cohort.uuid}/match-runs", {}).status_code == 401
    tutor = api_as("tutor")
    # The tutor sees the cohort but may not match it; runs are the coordinators'.
    assert tutor.post(f"/cohorts/{world.cohort.uuid}/match-runs", {}).status_code == 403
    assert tutor.get(f"/match-runs/{run['uuid']}").status_code == 404
    assert tutor.get(f"/organisations/{cast.riverside.uuid}/hard-to-match").status_code == 403
    outsider = api_as("outsider_coordinator")
    assert outsider.post(f"/cohorts/{world.cohort.uuid}/match-runs", {}).status_code == 404
    assert outsider.get(f"/match-runs/{run['uuid']}").status_code == 404
    assert outsider.get(f"/match-runs/{run['uuid']}/proposals").status_code == 404
    ben = proposal_of(run, "Ben")
    assert (
        outsider.patch(f"/proposals/{ben.uuid}", {"mentor": None, "run_version": 1}).status_code
        == 404
    )
    assert outsider.post(f"/match-runs/{run['uuid']}/publish", {"version": 1}).status_code == 404
    assert outsider.post(f"/match-runs/{run['uuid']}/discard").status_code == 404
    assert outsider.get(f"/organisations/{cast.riverside.uuid}/hard-to-match").status_code == 404
    assert api_as("coordinator").get("/match-runs/not-a-uuid").status_code == 422
