"""The API for closing a mentorship and transferring a mentee."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.programmes.models import Programme
from tandem.relationships.models import MentorshipStatus
from tests import factories as f
from tests.api.conftest import field_errors
from tests.relationships.test_ending import (  # noqa: F401  (fixtures)
    active,
    both,
    northgate_programme,
    objectives,
)


def test_close_through_the_api(cast, api_as, active):  # noqa: F811
    first = objectives(active)[0]
    response = api_as("coordinator").post(
        f"/mentorships/{active.uuid}/close",
        {
            "reason": "broke_down",
            "outcomes": {str(first.uuid): "dropped"},
            "next_steps": "A new mentor from the engineering team.",
            "rematch": True,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["mentorship_status"] == "ended"
    assert body["reason"] == "broke_down"
    assert {o["uuid"]: o["status"] for o in body["objectives"]}[str(first.uuid)] == "dropped"
    assert body["request"]["organisation"]["name"] == "Riverside College"
    mentee = api_as("mentee")
    reflected = mentee.post(
        f"/mentorships/{active.uuid}/closing-review/reflection",
        {"text": "It did not work, but I learned a lot.", "expected_version": body["version"]},
    )
    assert reflected.status_code == 200
    assert reflected.json()["reflections"]["mentee"]["text"].startswith("It did not work")
    stale = mentee.post(
        f"/mentorships/{active.uuid}/closing-review/reflection",
        {"text": "Again", "expected_version": body["version"]},
    )
    assert stale.status_code == 422
    assert (
        api_as("line_manager").get(f"/mentorships/{active.uuid}/closing-review").status_code == 404
    )


def test_close_api_refuses_bad_dates_and_strangers(cast, api_as, active):  # noqa: F811
    api = api_as("coordinator")
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = api.post(
        f"/mentorships/{active.uuid}/close",
        {"reason": "completed", "ends_on": future, "next_steps": "Next."},
    )
    assert response.status_code == 422
    assert "ends_on" in field_errors(response)
    before = (active.starts_on - timedelta(days=1)).isoformat()
    response = api.post(
        f"/mentorships/{active.uuid}/close",
        {"reason": "completed", "ends_on": before, "next_steps": "Next."},
    )
    assert response.status_code == 422
    assert api.post(f"/mentorships/{active.uuid}/close", {"reason": "done"}).status_code == 422
    ok = {"reason": "completed", "next_steps": "Next."}
    assert api_as("tutor").post(f"/mentorships/{active.uuid}/close", ok).status_code == 403
    assert (
        api_as("outsider_coordinator").post(f"/mentorships/{active.uuid}/close", ok).status_code
        == 404
    )
    active.refresh_from_db()
    assert active.status == MentorshipStatus.ACTIVE


def test_transfer_through_the_api(cast, api_as, active, both, northgate_programme):  # noqa: F811
    payload = {
        "to_organisation": str(cast.northgate.uuid),
        "programme": str(northgate_programme.uuid),
    }
    assert (
        api_as("coordinator").post(f"/mentorships/{active.uuid}/transfer", payload).status_code
        == 403
    )
    assert api_as("tutor").post(f"/mentorships/{active.uuid}/transfer", payload).status_code == 403
    response = api_as("both").post(f"/mentorships/{active.uuid}/transfer", payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reason"] == "transferred"
    assert body["transferred_to"] == "Northgate Training"
    assert body["request"]["organisation"]["name"] == "Northgate Training"
    # The receiving coordinator sees neither the old mentorship nor its review.
    receiving = api_as("partner_coordinator")
    assert receiving.get(f"/mentorships/{active.uuid}/closing-review").status_code == 404
    assert receiving.get(f"/mentorships/{active.uuid}").status_code == 404
    assert api_as("mentee").get(f"/mentorships/{active.uuid}/closing-review").status_code == 200


def test_transfer_api_refuses_bad_destinations(cast, api_as, active, both, programme):  # noqa: F811
    api = api_as("both")
    same = api.post(
        f"/mentorships/{active.uuid}/transfer",
        {"to_organisation": str(cast.riverside.uuid), "programme": str(programme.uuid)},
    )
    assert same.status_code == 422
    assert "already at" in field_errors(same)["to_organisation"][0]
    with system_access():
        f.MembershipFactory(person=both, organisation=cast.eastfield, role=Role.COORDINATOR)
        elsewhere = Programme.objects.create(
            organisation=cast.eastfield, name="Tutor induction", purpose="induction"
        )
    outside = api.post(
        f"/mentorships/{active.uuid}/transfer",
        {"to_organisation": str(cast.eastfield.uuid), "programme": str(elsewhere.uuid)},
    )
    assert outside.status_code == 422
    assert "not in a partnership" in field_errors(outside)["to_organisation"][0]
    unknown = api.post(
        f"/mentorships/{active.uuid}/transfer",
        {
            "to_organisation": "00000000-0000-0000-0000-000000000000",
            "programme": str(programme.uuid),
        },
    )
    assert unknown.status_code == 422
    active.refresh_from_db()
    assert active.status == MentorshipStatus.ACTIVE
