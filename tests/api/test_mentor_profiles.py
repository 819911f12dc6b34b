"""Mentor profiles and the subject list through the API, under the same policy."""

import pytest

from tandem.mentors import services
from tandem.mentors.models import ProfileStatus, Subject
from tests.api.conftest import field_errors


@pytest.fixture
def profile(cast):
    return services.start_profile(cast.actor("mentor"), cast.riverside)


def test_subjects_are_listed_and_searchable(cast, api_as):
    api = api_as("mentee")
    everything = api.get("/subjects", limit=100).json()
    assert everything["count"] == Subject.objects.filter(is_active=True).count()
    found = api.get("/subjects", q="uphol").json()["items"]
    assert [s["name"] for s in found] == ["Upholstery and soft furnishing"]
    assert api_as(None).get("/subjects").status_code == 401


def test_mentor_edits_sends_and_coordinator_approves(cast, api_as, profile):
    mentor = api_as("mentor")
    plumbing = Subject.objects.get(name="Plumbing")
    response = mentor.patch(
        f"/mentor-profiles/{profile.uuid}",
        {
            "version": profile.version,
            "specialisms": [str(plumbing.uuid)],
            "capacity": 2,
            "modes": ["online"],
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["capacity"] == 2 and body["specialisms"][0]["name"] == "Plumbing"
    assert mentor.post(f"/mentor-profiles/{profile.uuid}/submit").json()["status"] == "submitted"
    assert (
        mentor.post(f"/mentor-profiles/{profile.uuid}/review", {"decision": "approved"}).status_code
        == 403
    )
    coordinator = api_as("coordinator")
    reviewed = coordinator.post(f"/mentor-profiles/{profile.uuid}/review", {"decision": "approved"})
    assert reviewed.json()["status"] == ProfileStatus.APPROVED
    listed = coordinator.get(
        f"/organisations/{cast.riverside.uuid}/mentor-profiles", status="approved"
    ).json()
    assert [p["person"]["name"] for p in listed["items"]] == ["Mina Patel"]


def test_stale_version_and_bad_fields_are_refused_by_name(cast, api_as, profile):
    mentor = api_as("mentor")
    stale = mentor.patch(f"/mentor-profiles/{profile.uuid}", {"version": 99, "capacity": 2})
    assert stale.status_code == 422
    assert "Someone else saved this profile" in stale.json()["detail"] + str(stale.json())
    too_many = mentor.patch(
        f"/mentor-profiles/{profile.uuid}", {"version": profile.version, "capacity": 50}
    )
    assert too_many.status_code == 422 and "capacity" in field_errors(too_many)
    unknown = mentor.patch(
        f"/mentor-profiles/{profile.uuid}",
        {"version": profile.version, "specialisms": ["00000000-0000-0000-0000-000000000000"]},
    )
    assert unknown.status_code == 422 and "specialisms" in field_errors(unknown)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentor", 200),
        ("coordinator", 200),
        ("tutor", 200),
        ("mentee", 404),
        ("partner_coordinator", 404),
        ("outsider_coordinator", 404),
        ("anonymous", 401),
    ],
)
def test_who_sees_a_profile(cast, api_as, profile, who, status):
    assert api_as(who).get(f"/mentor-profiles/{profile.uuid}").status_code == status


def test_read_only_staff_cannot_change_a_profile(cast, api_as, profile):
    response = api_as("tutor").patch(
        f"/mentor-profiles/{profile.uuid}", {"version": profile.version, "capacity": 3}
    )
    assert response.status_code == 403
