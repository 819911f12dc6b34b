"""Mentorships through the API, under the same policy and services as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.relationships import services
from tandem.relationships.demo import create_active
from tandem.relationships.models import Mentorship, MentorshipStatus
from tests import factories as f
from tests.api.conftest import field_errors
from tests.relationships.conftest import mentor_profile


@pytest.fixture
def offer(cast, programme, mentor):
    return services.create_by_coordinator(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=mentor,
        organisation=cast.riverside,
        programme=programme,
    )


def status_of(mentorship):
    with system_access():
        return Mentorship.objects.get(pk=mentorship.pk).status


def test_list_shows_what_the_caller_may_see(cast, api_as, offer):
    body = api_as("mentor").get("/mentorships").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["uuid"] == str(offer.uuid)
    assert item["mentor"]["name"] == "Mina Patel" and item["status"] == "proposed"
    assert item["programme"]["name"] == "New staff induction"
    assert api_as("outsider_coordinator").get("/mentorships").json()["count"] == 0
    assert api_as("line_manager").get("/mentorships").json()["count"] == 1
    assert api_as(None).get("/mentorships").status_code == 401


def test_list_filters_by_status_and_organisation(cast, api_as, offer):
    coordinator = api_as("coordinator")
    assert coordinator.get("/mentorships", status="proposed").json()["count"] == 1
    assert coordinator.get("/mentorships", status="active").json()["count"] == 0
    riverside = coordinator.get("/mentorships", organisation=str(cast.riverside.uuid)).json()
    assert riverside["count"] == 1
    northgate = coordinator.get("/mentorships", organisation=str(cast.northgate.uuid)).json()
    assert northgate["count"] == 0
    bad = coordinator.get("/mentorships", status="lost")
    assert bad.status_code == 422 and "status" in field_errors(bad)
    too_many = coordinator.get("/mentorships", limit=500)
    assert too_many.status_code == 422 and "limit" in field_errors(too_many)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentor", 200),
        ("mentee", 200),
        ("coordinator", 200),
        ("tutor", 200),
        ("line_manager", 200),
        ("partner_coordinator", 404),
        ("partnership_admin", 404),
        ("outsider_coordinator", 404),
        ("anonymous", 401),
    ],
)
def test_one_mentorship_with_its_events(cast, api_as, offer, who, status):
    response = api_as(who).get(f"/mentorships/{offer.uuid}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert [e["code"] for e in body["events"]] == ["proposed"]
        assert body["respond_by"] is not None


def test_unknown_or_malformed_ids_are_404_or_422(cast, api_as):
    api = api_as("coordinator")
    assert api.get("/mentorships/00000000-0000-0000-0000-000000000000").status_code == 404
    assert api.get("/mentorships/not-a-uuid").status_code == 422


def test_coordinator_allocates_and_mentor_accepts(cast, api_as, programme, mentor):
    created = api_as("coordinator").post(
        f"/organisations/{cast.riverside.uuid}/mentorships",
        {
            "mentee": str(cast.mentee.uuid),
            "mentor": str(mentor.uuid),
            "programme": str(programme.uuid),
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "proposed" and body["source"] == "coordinator"
    uuid = body["uuid"]
    assert api_as("mentee").post(f"/mentorships/{uuid}/accept").status_code == 403
    accepted = api_as("mentor").post(f"/mentorships/{uuid}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "active"
    assert accepted.json()["starts_on"] == timezone.localdate().isoformat()
    again = api_as("mentor").post(f"/mentorships/{uuid}/accept")
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] is None


def test_allocation_problems_are_422_on_the_mentor_field(cast, api_as, programme):
    with system_access():
        f.MembershipFactory(person=cast.line_manager, organisation=cast.riverside, role=Role.MENTOR)
    mentor_profile(cast.line_manager, cast.riverside, consents_to_matching=False)
    response = api_as("coordinator").post(
        f"/organisations/{cast.riverside.uuid}/mentorships",
        {
            "mentee": str(cast.mentee.uuid),
            "mentor": str(cast.line_manager.uuid),
            "programme": str(programme.uuid),
        },
    )
    assert response.status_code == 422
    errors = field_errors(response)
    assert list(errors) == ["mentor"] and len(errors["mentor"]) == 2
    assert any("line-manages" in m for m in errors["mentor"])


def test_allocation_names_unknown_and_missing_fields(cast, api_as, programme, mentor):
    api = api_as("coordinator")
    url = f"/organisations/{cast.riverside.uuid}/mentorships"
    unknown = api.post(
        url,
        {
            "mentee": str(cast.outsider_mentee.uuid),
            "mentor": str(mentor.uuid),
            "programme": str(programme.uuid),
            "cohort": "00000000-0000-0000-0000-000000000000",
        },
    )
    assert unknown.status_code == 422
    assert set(field_errors(unknown)) == {"mentee", "cohort"}
    missing = api.post(url, {"mentee": str(cast.mentee.uuid)})
    assert set(field_errors(missing)) == {"mentor", "programme"}
    extra = api.post(
        url,
        {
            "mentee": str(cast.mentee.uuid),
            "mentor": str(mentor.uuid),
            "programme": str(programme.uuid),
            "status": "active",
        },
    )
    assert extra.status_code == 422 and "status" in field_errors(extra)


@pytest.mark.parametrize(
    ("who", "status"),
    [("tutor", 403), ("mentor", 403), ("partner_coordinator", 403), ("outsider_coordinator", 404)],
)
def test_only_coordinators_allocate(cast, api_as, programme, mentor, who, status):
    response = api_as(who).post(
        f"/organisations/{cast.riverside.uuid}/mentorships",
        {
            "mentee": str(cast.mentee.uuid),
            "mentor": str(mentor.uuid),
            "programme": str(programme.uuid),
        },
    )
    assert response.status_code == status


def test_mentor_declines_with_a_reason_only_staff_read(cast, api_as, offer, next_best):
    too_long = api_as("mentor").post(f"/mentorships/{offer.uuid}/decline", {"reason": "x" * 501})
    assert too_long.status_code == 422 and "reason" in field_errors(too_long)
    declined = api_as("mentor").post(f"/mentorships/{offer.uuid}/decline", {"reason": "No time"})
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    assert declined.json()["decline_reason"] == "No time"
    coordinator = api_as("coordinator").get(f"/mentorships/{offer.uuid}").json()
    assert coordinator["decline_reason"] == "No time"
    assert coordinator["events"][-1]["detail"]["reason"] == "No time"
    mentee = api_as("mentee").get(f"/mentorships/{offer.uuid}").json()
    assert mentee["decline_reason"] is None
    assert "reason" not in mentee["events"][-1]["detail"]
    assert len(next_best.calls) == 1


def test_withdraw_is_for_the_mentees_coordinators(cast, api_as, offer):
    assert api_as("tutor").post(f"/mentorships/{offer.uuid}/withdraw").status_code == 403
    assert api_as("outsider_coordinator").post(
        f"/mentorships/{offer.uuid}/withdraw"
    ).status_code == (404)
    response = api_as("coordinator").post(f"/mentorships/{offer.uuid}/withdraw")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert [e["code"] for e in response.json()["events"]] == ["proposed", "withdrawn"]


def test_end_checks_reason_and_date(cast, api_as, programme, mentor):
    start = timezone.localdate() - timedelta(days=40)
    active = create_active(cast.mentee, mentor, programme, cast.riverside, starts_on=start)
    url = f"/mentorships/{active.uuid}/end"
    coordinator = api_as("coordinator")
    assert api_as("tutor").post(url, {"reason": "completed"}).status_code == 403
    bad = coordinator.post(url, {"reason": "bored"})
    assert bad.status_code == 422 and "reason" in field_errors(bad)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    late = coordinator.post(url, {"reason": "completed", "ends_on": future})
    assert late.status_code == 422 and "ends_on" in field_errors(late)
    not_a_date = coordinator.post(url, {"reason": "completed", "ends_on": "31/02/2026"})
    assert not_a_date.status_code == 422 and "ends_on" in field_errors(not_a_date)
    assert status_of(active) == MentorshipStatus.ACTIVE
    ended = coordinator.post(url, {"reason": "completed"})
    assert ended.status_code == 200
    assert ended.json()["status"] == "ended" and ended.json()["end_reason"] == "completed"
    assert ended.json()["ends_on"] == timezone.localdate().isoformat()
