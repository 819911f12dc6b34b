"""The partnership directory, brokerage and credits through the API, under the same rules:
no contact detail in any response before a brokerage request is accepted."""

from __future__ import annotations

import json

import pytest

from tandem.mentors import brokerage
from tandem.mentors.models import BrokerageRequest
from tests.api.conftest import field_errors
from tests.mentors.directory_setup import NADIA_EMAIL, NADIA_PHONE, build_directory


@pytest.fixture
def world(cast):
    from tests.conftest import ensure_subjects

    ensure_subjects()
    return build_directory(cast)


def directory_path(cast):
    return f"/partnerships/{cast.north.uuid}/directory"


def by_name(body):
    return {item["name"]: item for item in body["items"]}


def test_coordinator_lists_the_directory_without_contact_details(cast, world, api_as):
    response = api_as("coordinator").get(directory_path(cast))
    assert response.status_code == 200, response.json()
    items = by_name(response.json())
    assert set(items) == {"Mina Patel", "Nadia Brooks"}
    nadia = items["Nadia Brooks"]
    assert nadia["contact"] is None
    assert nadia["organisation"]["name"] == "Northgate Training"
    assert nadia["specialisms"][0]["name"] == "Plumbing"
    assert nadia["free_places"] == 2 and nadia["advanced_practitioner"] is True
    # Riverside's own mentor: its coordinator already holds her record.
    assert items["Mina Patel"]["contact"]["email"] == cast.mentor.email


def test_filters_and_bad_filters_name_the_field(cast, world, api_as):
    api = api_as("coordinator")
    found = api.get(directory_path(cast), subject=str(world.plumbing.uuid), free_capacity=True)
    assert [i["name"] for i in found.json()["items"]] == ["Nadia Brooks"]
    by_org = api.get(directory_path(cast), organisation=str(cast.riverside.uuid))
    assert [i["name"] for i in by_org.json()["items"]] == ["Mina Patel"]
    assert [i["name"] for i in api.get(directory_path(cast), q="construction").json()["items"]] == [
        "Nadia Brooks"
    ]
    bad = api.get(directory_path(cast), mode="telepathy")
    assert bad.status_code == 422 and "mode" in field_errors(bad)
    unknown = api.get(directory_path(cast), subject="00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 422 and "subject" in field_errors(unknown)
    foreign = api.get(directory_path(cast), organisation=str(cast.eastfield.uuid))
    assert foreign.status_code == 422 and "organisation" in field_errors(foreign)
    too_many = api.get(directory_path(cast), limit=500)
    assert too_many.status_code == 422 and "limit" in field_errors(too_many)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("tutor", 200),
        ("partnership_admin", 200),
        ("partner_coordinator", 200),
        ("mentor", 403),
        ("mentee", 403),
        ("outsider_coordinator", 404),
        ("stranger", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_list_the_directory(cast, world, api_as, name, status):
    assert api_as(name).get(directory_path(cast)).status_code == status


NOT_ENTITLED = [
    "coordinator",
    "tutor",
    "mentor",
    "mentee",
    "line_manager",
    "trainer",
    "outsider_coordinator",
    "partnership_admin",
    "stranger",
]


def api_paths(cast, world, item):
    return [
        directory_path(cast),
        directory_path(cast) + "?q=nadia",
        "/brokerage-requests",
        f"/brokerage-requests/{item.uuid}",
        f"/mentor-profiles/{world.nadia_profile.uuid}",
        f"/partnerships/{cast.north.uuid}/credits",
    ]


def assert_no_contact(api, paths, who):
    for path in paths:
        response = api.get(path)
        text = json.dumps(response.json())
        assert NADIA_EMAIL not in text and NADIA_PHONE not in text, f"{who}: {path}"


@pytest.mark.parametrize("name", NOT_ENTITLED)
def test_no_response_carries_contact_details_before_acceptance(cast, world, api_as, name):
    item = brokerage.request_brokerage(
        cast.actor("coordinator"),
        profile=world.nadia_profile,
        organisation=cast.riverside,
        partnership=cast.north,
        message="Please",
    )
    api = api_as(name)
    paths = api_paths(cast, world, item)
    if name != "partnership_admin":  # administrators read member organisations' people
        paths.append(f"/people/{world.nadia.uuid}")
    assert_no_contact(api, paths, name)


def test_request_decide_and_reveal_through_the_api(cast, world, api_as):
    asker = api_as("coordinator")
    missing = asker.post("/brokerage-requests", {"mentor_profile": str(world.nadia_profile.uuid)})
    assert missing.status_code == 422 and "message" in field_errors(missing)
    extra = asker.post(
        "/brokerage-requests",
        {"mentor_profile": str(world.nadia_profile.uuid), "message": "x", "credits": 5},
    )
    assert extra.status_code == 422 and "credits" in field_errors(extra)
    created = asker.post(
        "/brokerage-requests",
        {"mentor_profile": str(world.nadia_profile.uuid), "message": "Could we talk?"},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "pending" and body["mentor_contact"] is None
    assert body["mentor"]["name"] == "Nadia Brooks" and body["request"] is None
    uuid = body["uuid"]

    assert (
        asker.post(f"/brokerage-requests/{uuid}/decision", {"decision": "accepted"}).status_code
        == 403
    )
    assert (
        api_as("outsider_coordinator")
        .post(f"/brokerage-requests/{uuid}/decision", {"decision": "accepted"})
        .status_code
        == 404
    )
    decider = api_as("partner_coordinator")
    inbox = decider.get("/brokerage-requests", box="incoming", status="pending").json()
    assert [i["uuid"] for i in inbox["items"]] == [uuid]
    bad = decider.post(f"/brokerage-requests/{uuid}/decision", {"decision": "maybe"})
    assert bad.status_code == 422 and "decision" in field_errors(bad)
    decided = decider.post(
        f"/brokerage-requests/{uuid}/decision", {"decision": "accepted", "note": "Yes"}
    )
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    again = decider.post(f"/brokerage-requests/{uuid}/decision", {"decision": "declined"})
    assert again.status_code == 422 and "already been decided" in json.dumps(again.json())

    seen = asker.get(f"/brokerage-requests/{uuid}").json()
    assert seen["mentor_contact"] == {"email": NADIA_EMAIL, "phone": NADIA_PHONE}
    listed = by_name(asker.get(directory_path(cast)).json())
    assert listed["Nadia Brooks"]["contact"]["email"] == NADIA_EMAIL
    person = asker.get(f"/people/{world.nadia.uuid}")
    assert person.status_code == 200 and person.json()["phone"] == NADIA_PHONE
    # Still nobody else.
    for name in ("tutor", "partnership_admin", "outsider_coordinator"):
        api = api_as(name)
        paths = [directory_path(cast), f"/brokerage-requests/{uuid}", "/brokerage-requests"]
        assert_no_contact(api, paths, name)


def test_declined_and_withdrawn_never_reveal_through_the_api(cast, world, api_as):
    asker = api_as("coordinator")
    first = asker.post(
        "/brokerage-requests",
        {"mentor_profile": str(world.nadia_profile.uuid), "message": "One"},
    ).json()["uuid"]
    api_as("partner_coordinator").post(
        f"/brokerage-requests/{first}/decision", {"decision": "declined"}
    )
    second = asker.post(
        "/brokerage-requests",
        {"mentor_profile": str(world.nadia_profile.uuid), "message": "Two"},
    ).json()["uuid"]
    assert (
        api_as("partner_coordinator").post(f"/brokerage-requests/{second}/withdraw").status_code
        == 403
    )
    withdrawn = asker.post(f"/brokerage-requests/{second}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert_no_contact(
        asker,
        [
            directory_path(cast),
            f"/brokerage-requests/{first}",
            f"/brokerage-requests/{second}",
            f"/people/{world.nadia.uuid}",
        ],
        "coordinator",
    )


def test_request_for_a_mentee_through_the_api(cast, world, api_as):
    asker = api_as("coordinator")
    wrong = asker.post(
        "/brokerage-requests",
        {
            "mentor_profile": str(world.nadia_profile.uuid),
            "request": "00000000-0000-0000-0000-000000000000",
        },
    )
    assert wrong.status_code == 422 and "request" in field_errors(wrong)
    created = asker.post(
        "/brokerage-requests",
        {"mentor_profile": str(world.nadia_profile.uuid), "request": str(world.request.uuid)},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["request"]["mentee"]["name"] == "Tom Reyes" and body["mentorship"] is not None


def test_unlisted_or_foreign_mentors_cannot_be_requested(cast, world, api_as):
    asker = api_as("coordinator")
    for profile in [*world.hidden.values(), world.esther_profile]:
        response = asker.post(
            "/brokerage-requests", {"mentor_profile": str(profile.uuid), "message": "x"}
        )
        assert response.status_code == 404
    own = asker.post(
        "/brokerage-requests", {"mentor_profile": str(world.mina_profile.uuid), "message": "x"}
    )
    assert own.status_code == 403
    assert not BrokerageRequest._base_manager.exists()


def test_credits_through_the_api(cast, world, api_as):
    path = f"/partnerships/{cast.north.uuid}/credits"
    body = api_as("partnership_admin").get(path).json()
    assert body["count"] == 0 and body["entries"] == []
    assert {b["organisation"]["name"]: b["balance"] for b in body["balances"]} == {
        "Kirkby Learning": 0,
        "Northgate Training": 0,
        "Riverside College": 0,
    }
    assert api_as("tutor").get(path).status_code == 403
    assert api_as("outsider_coordinator").get(path).status_code == 404
    assert api_as("coordinator").get(path, limit=0).status_code == 422


def test_directory_settings_through_the_api(cast, world, api_as):
    path = f"/organisations/{cast.riverside.uuid}/directory-settings"
    api = api_as("coordinator")
    assert api.get(path).json() == [
        {
            "partnership": {"uuid": str(cast.north.uuid), "name": "North Partnership"},
            "in_directory": True,
        }
    ]
    off = api.put(path, {"shared_in": []})
    assert off.status_code == 200 and off.json()[0]["in_directory"] is False
    bad = api.put(path, {"shared_in": [str(cast.south.uuid)]})
    assert bad.status_code == 422 and "shared_in" in field_errors(bad)
    assert api_as("tutor").put(path, {"shared_in": []}).status_code == 403
    assert api_as("outsider_coordinator").get(path).status_code == 404
