"""The meetings API: same services and policy as the pages; errors named by field."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tandem.relationships import meetings
from tests.relationships.conftest import api_as  # noqa: F401  (fixture)
from tests.relationships.meeting_fixtures import (  # noqa: F401  (fixtures)
    TOPICS,
    induction,
    meeting,
    pair,
    past,
)


def body(**overrides):
    return {
        "starts_at": past(3).isoformat(),
        "duration_hours": 1,
        "duration_minutes": 30,
        "mode": "phone",
        "topics": "Planning",
        "actions": [
            {
                "description": "Book an observation",
                "owner": "mentor",
                "due_on": timezone.localdate().isoformat(),
            }
        ],
    } | overrides


def test_log_list_get_confirm(cast, pair, api_as):  # noqa: F811
    mentor, mentee = api_as("mentor"), api_as("mentee")
    response = mentor.post(f"/mentorships/{pair.uuid}/meetings", body())
    assert response.status_code == 201, response.content
    m = response.json()
    assert m["duration_minutes"] == 90 and m["status"] == "held"
    assert m["actions"][0]["owner_role"] == "mentor"
    assert m["mentor_confirmed_at"] and not m["mentee_confirmed_at"] and not m["confirmed"]
    listed = api_as("tutor").get(f"/mentorships/{pair.uuid}/meetings").json()
    assert listed["count"] == 1 and listed["items"][0]["uuid"] == m["uuid"]
    confirmed = mentee.post(f"/meetings/{m['uuid']}/confirm").json()
    assert confirmed["confirmed"] is True
    assert api_as("coordinator").post(f"/meetings/{m['uuid']}/confirm").status_code == 403
    assert api_as("line_manager").get(f"/meetings/{m['uuid']}").status_code == 404
    assert api_as("line_manager").get(f"/mentorships/{pair.uuid}/meetings").status_code == 404
    assert api_as("stranger").get(f"/meetings/{m['uuid']}").status_code == 404


def test_bad_input_named(cast, pair, api_as):  # noqa: F811
    api = api_as("mentor")
    url = f"/mentorships/{pair.uuid}/meetings"
    future = (timezone.now() + timedelta(days=1)).isoformat()
    cases = [
        (body(starts_at=future), "starts_at", meetings.FUTURE_HELD),
        (body(duration_hours=20, duration_minutes=0), "duration_minutes", meetings.DURATION),
        (body(duration_hours=0, duration_minutes=-10), "duration_minutes", meetings.DURATION),
        (
            body(actions=[{"description": "Read", "owner": None, "due_on": None}]),
            "actions.0.owner",
            "Choose who owns this action: the mentor or the mentee",
        ),
        (
            body(next_meeting_at=past(50).isoformat()),
            "next_meeting_at",
            meetings.NEXT_BEFORE,
        ),
    ]
    for payload, field, message in cases:
        response = api.post(url, payload)
        assert response.status_code == 422, field
        assert {"field": field, "message": message} in response.json()["errors"], response.json()
    assert api.get(url).json()["count"] == 0


def test_patch_with_version(cast, meeting, api_as):  # noqa: F811
    api = api_as("mentee")
    response = api.patch(f"/meetings/{meeting.uuid}", {"version": 1, "duration_minutes": 40})
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = api_as("mentor").patch(f"/meetings/{meeting.uuid}", {"version": 1, "mode": "email"})
    assert stale.status_code == 422
    assert stale.json()["errors"] == [{"field": None, "message": meetings.STALE}]
    assert api_as("tutor").patch(f"/meetings/{meeting.uuid}", {"version": 2}).status_code == 403
    got = api_as("coordinator").get(f"/meetings/{meeting.uuid}").json()
    assert got["duration_minutes"] == 40 and got["mode"] == "face_to_face"


def test_private_notes_api(cast, meeting, api_as):  # noqa: F811
    url = f"/meetings/{meeting.uuid}/private-notes"
    assert api_as("mentor").post(url, {"text": ""}).status_code == 422
    created = api_as("mentor").post(url, {"text": "Only us"})
    assert created.status_code == 201 and created.json()["author"]["name"] == "Mina Patel"
    assert api_as("mentee").get(url).json()["items"][0]["text"] == "Only us"
    for name in ("coordinator", "tutor", "line_manager", "partnership_admin", "stranger"):
        assert api_as(name).get(url).status_code == 404, name
