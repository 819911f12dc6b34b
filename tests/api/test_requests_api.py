"""Mentoring requests through the API, under the same services and policy as the pages."""

from __future__ import annotations

import pytest

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching import requests as services
from tandem.mentors.models import MentorProfile, Subject
from tandem.relationships.models import Mentorship, MentorshipStatus
from tests import factories as f
from tests.api.conftest import field_errors
from tests.matching.test_request_world import NEEDS, ask, build_world, make_cohort, subject


@pytest.fixture
def world(cast):
    return build_world(cast)


def new_request(world, **extra):
    return {
        "programme": str(world.programme.uuid),
        "cohort": str(world.cohort.uuid),
        "subject": str(subject("Plumbing").uuid),
        "development_needs": NEEDS,
        "modes": ["face_to_face"],
    } | extra


def test_mentee_asks_chooses_and_the_coordinator_approves(cast, world, api_as):
    mentee = api_as("mentee")
    created = mentee.post("/mentoring-requests", new_request(world))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "open" and body["status_label"] == "Waiting for a mentor"
    assert body["mentee"]["name"] == "Tom Reyes"
    assert body["organisation"]["name"] == "Riverside College"
    assert body["programme"]["name"] == "Initial teacher training (in-service)"
    assert body["cohort"]["name"] == "2026 intake"
    assert body["subject"] == {
        "uuid": str(subject("Plumbing").uuid),
        "name": "Plumbing",
        "sector": "Construction, planning and the built environment",
    }
    uuid = body["uuid"]
    assert [r["uuid"] for r in mentee.get("/mentoring-requests").json()["items"]] == [uuid]

    shortlist = mentee.get(f"/mentoring-requests/{uuid}/shortlist")
    assert shortlist.status_code == 200
    rows = shortlist.json()
    assert {r["mentor"]["name"] for r in rows} == {"Mina Patel", "Omar Ahmed"}
    assert all(r["why"] and r["score"] >= 0 and r["specialisms"] for r in rows)
    assert "@" not in str(rows)  # names, not contact details
    mina = next(r for r in rows if r["mentor"]["name"] == "Mina Patel")

    chosen = mentee.post(
        f"/mentoring-requests/{uuid}/choice",
        {"mentor": mina["mentor"]["uuid"], "version": body["version"]},
    )
    assert chosen.status_code == 200, chosen.json()
    assert chosen.json()["status"] == "awaiting_approval"
    assert chosen.json()["chosen_mentor"]["name"] == "Mina Patel"
    assert chosen.json()["route"] == "shortlist"

    coordinator = api_as("coordinator")
    decided = coordinator.post(
        f"/mentoring-requests/{uuid}/decision",
        {"approve": True, "version": chosen.json()["version"]},
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "matched"
    with system_access():
        assert Mentorship.objects.get(request__uuid=uuid).status == MentorshipStatus.PROPOSED


def test_self_identified_mentor_goes_to_the_course_leader(cast, world, api_as):
    request = ask(world)
    mentee = api_as("mentee")
    named = mentee.post(
        f"/mentoring-requests/{request.uuid}/own-mentor", {"email": cast.mentor.email}
    )
    assert named.status_code == 200 and named.json()["route"] == "self_identified"
    tutor = api_as("tutor")
    assert tutor.get("/mentoring-requests", status="awaiting_approval").json()["count"] == 1
    decided = tutor.post(
        f"/mentoring-requests/{request.uuid}/decision",
        {"approve": False, "note": "Choose someone who teaches plumbing"},
    )
    assert decided.status_code == 200
    assert decided.json()["status"] == "open" and decided.json()["chosen_mentor"] is None
    assert decided.json()["decision_note"] == "Choose someone who teaches plumbing"


def test_coordinator_records_a_request_for_a_mentee(cast, world, api_as):
    coordinator = api_as("coordinator")
    created = coordinator.post(
        "/mentoring-requests",
        new_request(world, mentee=str(cast.mentee.uuid), organisation=str(cast.riverside.uuid)),
    )
    assert created.status_code == 201, created.json()
    assert created.json()["mentee"]["name"] == "Tom Reyes"
    tutor_try = api_as("tutor").post(
        "/mentoring-requests", new_request(world, mentee=str(cast.mentee.uuid))
    )
    assert tutor_try.status_code == 403


def test_unauthenticated_is_401(cast, world, api_as):
    request = ask(world)
    anonymous = api_as(None)
    assert anonymous.get("/mentoring-requests").status_code == 401
    assert anonymous.post("/mentoring-requests", new_request(world)).status_code == 401
    assert anonymous.get(f"/mentoring-requests/{request.uuid}/shortlist").status_code == 401


def test_visible_but_not_yours_to_change_is_403(cast, world, api_as):
    request = ask(world)
    tutor = api_as("tutor")
    assert tutor.get(f"/mentoring-requests/{request.uuid}").status_code == 200
    assert (
        tutor.patch(f"/mentoring-requests/{request.uuid}", {"version": 1, "availability": "x"})
    ).status_code == 403
    assert tutor.post(f"/mentoring-requests/{request.uuid}/withdraw", {}).status_code == 403
    chose = api_as("coordinator").post(
        f"/mentoring-requests/{request.uuid}/choice", {"mentor": str(cast.mentor.uuid)}
    )
    assert chose.status_code == 403
    services.choose_from_shortlist(cast.actor("mentee"), request, cast.mentor)
    own = api_as("mentee").post(f"/mentoring-requests/{request.uuid}/decision", {"approve": True})
    assert own.status_code == 403
    assert (
        tutor.post(f"/mentoring-requests/{request.uuid}/decision", {"approve": True}).status_code
        == 403
    )


def test_another_organisation_is_404(cast, world, api_as):
    request = ask(world)
    outsider = api_as("outsider_coordinator")
    for path in ("", "/shortlist"):
        assert outsider.get(f"/mentoring-requests/{request.uuid}{path}").status_code == 404
    assert (
        outsider.post(f"/mentoring-requests/{request.uuid}/decision", {"approve": True}).status_code
        == 404
    )
    missing = api_as("coordinator").get("/mentoring-requests/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and missing.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"development_needs": "help"}, "development_needs", "at least 10 characters"),
        ({"subject": "00000000-0000-0000-0000-000000000000"}, "subject", "No subject"),
        ({"programme": "00000000-0000-0000-0000-000000000000"}, "programme", "No programme"),
        ({"modes": ["carrier_pigeon"]}, "modes.0", ""),
        ({"colour": "blue"}, "colour", "not accepted"),
    ],
)
def test_bad_fields_are_named(cast, world, api_as, change, field, words):
    response = api_as("mentee").post("/mentoring-requests", new_request(world, **change))
    assert response.status_code == 422
    errors = field_errors(response)
    assert field in errors and words in " ".join(errors[field])


def test_missing_needs_retired_subject_and_wrong_cohort(cast, world, api_as):
    mentee = api_as("mentee")
    body = new_request(world)
    del body["development_needs"]
    assert "development_needs" in field_errors(mentee.post("/mentoring-requests", body))
    retired = Subject.objects.get(name="Upholstery and soft furnishing")
    retired.is_active = False
    retired.save()
    response = mentee.post("/mentoring-requests", new_request(world, subject=str(retired.uuid)))
    assert field_errors(response)["subject"] == [
        "Upholstery and soft furnishing is no longer offered; choose another subject."
    ]
    other = make_cohort(world.induction, cast.riverside, "Induction 2026")
    response = mentee.post("/mentoring-requests", new_request(world, cohort=str(other.uuid)))
    assert "is not a cohort of" in field_errors(response)["cohort"][0]


def test_second_request_stale_version_and_bad_choices(cast, world, api_as):
    request = ask(world)
    mentee = api_as("mentee")
    second = mentee.post("/mentoring-requests", new_request(world))
    assert second.status_code == 422
    assert "You already have a request" in field_errors(second)["programme"][0]
    stale = mentee.patch(
        f"/mentoring-requests/{request.uuid}", {"version": 99, "availability": "x"}
    )
    assert stale.status_code == 422 and "Someone else changed" in str(stale.json())
    not_listed = mentee.post(
        f"/mentoring-requests/{request.uuid}/choice", {"mentor": str(cast.line_manager.uuid)}
    )
    assert "line-manages Tom Reyes" in field_errors(not_listed)["mentor"][0]
    stranger = mentee.post(
        f"/mentoring-requests/{request.uuid}/choice", {"mentor": str(cast.stranger.uuid)}
    )
    assert field_errors(stranger)["mentor"] == ["This mentor is not on your shortlist."]
    unknown = mentee.post(
        f"/mentoring-requests/{request.uuid}/own-mentor", {"email": "nobody@example.org"}
    )
    assert field_errors(unknown)["email"] == [
        "We can't propose this person as your mentor. Check the email address, "
        "or ask your coordinator."
    ]
    manager = mentee.post(
        f"/mentoring-requests/{request.uuid}/own-mentor", {"email": cast.line_manager.email}
    )
    assert field_errors(manager)["email"] == ["Your line manager can't be your mentor."]


def test_approval_refused_when_the_mentor_withdrew_consent(cast, world, api_as):
    request = ask(world)
    services.choose_from_shortlist(cast.actor("mentee"), request, cast.mentor)
    with system_access():
        MentorProfile.objects.filter(person=cast.mentor).update(consents_to_matching=False)
    response = api_as("coordinator").post(
        f"/mentoring-requests/{request.uuid}/decision", {"approve": True}
    )
    assert response.status_code == 422
    (message,) = field_errors(response)[None]
    assert "Mina Patel has asked not to be given new mentees." in message
    got = api_as("coordinator").get(f"/mentoring-requests/{request.uuid}").json()
    assert got["status"] == "awaiting_approval" and got["chosen_mentor"]["name"] == "Mina Patel"


def test_patch_and_withdraw(cast, world, api_as):
    request = ask(world)
    mentee = api_as("mentee")
    patched = mentee.patch(
        f"/mentoring-requests/{request.uuid}",
        {"version": request.version, "modes": ["online"], "cohort": None},
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["modes"] == ["online"] and patched.json()["cohort"] is None
    bad = mentee.patch(
        f"/mentoring-requests/{request.uuid}",
        {"version": patched.json()["version"], "development_needs": ""},
    )
    assert "development_needs" in field_errors(bad)
    withdrawn = mentee.post(f"/mentoring-requests/{request.uuid}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = mentee.post(f"/mentoring-requests/{request.uuid}/withdraw", {"version": 1})
    assert again.status_code == 422
    assert mentee.get(f"/mentoring-requests/{request.uuid}/shortlist").json() == []


def test_list_filters_and_pagination(cast, world, api_as):
    with system_access():
        people = []
        for n in range(3):
            person = f.PersonFactory(given_name=f"Ann{n}", family_name="Lee")
            f.MembershipFactory(person=person, organisation=cast.riverside, role=Role.MENTEE)
            people.append(person)
    for person in people:
        ask(world, mentee=person, actor="coordinator", organisation=cast.riverside)
    ask(world, programme=world.induction, cohort=None)
    coordinator = api_as("coordinator")
    everything = coordinator.get("/mentoring-requests").json()
    assert everything["count"] == 4
    page = coordinator.get("/mentoring-requests", limit=2, offset=2).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    by_programme = coordinator.get("/mentoring-requests", programme=str(world.induction.uuid))
    assert [r["mentee"]["name"] for r in by_programme.json()["items"]] == ["Tom Reyes"]
    by_cohort = coordinator.get("/mentoring-requests", cohort=str(world.cohort.uuid)).json()
    assert by_cohort["count"] == 3
    assert coordinator.get("/mentoring-requests", status="withdrawn").json()["count"] == 0
    assert coordinator.get("/mentoring-requests", status="bogus").status_code == 422
    assert coordinator.get("/mentoring-requests", limit=500).status_code == 422
    assert api_as("partner_coordinator").get("/mentoring-requests").json()["count"] == 0


def test_openapi_describes_the_request_endpoints(cast, client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/mentoring-requests",
        "/api/v1/mentoring-requests/{uuid}",
        "/api/v1/mentoring-requests/{uuid}/withdraw",
        "/api/v1/mentoring-requests/{uuid}/shortlist",
        "/api/v1/mentoring-requests/{uuid}/choice",
        "/api/v1/mentoring-requests/{uuid}/own-mentor",
        "/api/v1/mentoring-requests/{uuid}/decision",
    ):
        assert path in paths, path
