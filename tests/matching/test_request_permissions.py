"""Who sees and changes a mentoring request: every cast actor × own / partner / other
organisation × see / change, through the policy, ``access_request``, the pages and the API.

A request is seen by its mentee and the programme staff (coordinators and course
leaders) of the mentee's organisation; it is changed by the mentee and the coordinators.
Partnership administrators, line managers and mentors do not see it.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from tandem.core import policies
from tandem.core.actor import ANONYMOUS
from tandem.core.tenancy import access_object, system_access
from tandem.matching.models import MentoringRequest
from tests.api.conftest import ApiClient
from tests.matching.test_request_world import NEEDS, build_world, subject

ACTORS = [
    "coordinator",
    "mentor",
    "mentee",
    "tutor",
    "line_manager",
    "trainer",
    "partner_coordinator",
    "outsider_coordinator",
    "partner_mentee",
    "outsider_mentee",
    "partnership_admin",
    "stranger",
    "anonymous",
]

SEE = {
    "own": {"coordinator", "tutor", "mentee"},
    "partner": {"partner_coordinator", "partner_mentee"},
    "other": {"outsider_coordinator", "outsider_mentee"},
}
CHANGE = {
    "own": {"coordinator", "mentee"},
    "partner": {"partner_coordinator", "partner_mentee"},
    "other": {"outsider_coordinator", "outsider_mentee"},
}


@pytest.fixture
def requests_by_place(cast):
    world = build_world(cast)
    with system_access():
        out = {}
        for where, org, mentee, programme in (
            ("own", cast.riverside, cast.mentee, world.programme),
            ("partner", cast.northgate, cast.partner_mentee, world.partner_programme),
            ("other", cast.eastfield, cast.outsider_mentee, world.other_programme),
        ):
            out[where] = MentoringRequest.objects.create(
                organisation=org,
                mentee=mentee,
                programme=programme,
                subject=subject("Plumbing"),
                development_needs=NEEDS,
            )
    return out


def api_for(cast, name):
    from django.test import Client

    from tandem.api import services

    if name == "anonymous":
        return ApiClient(Client())
    _, raw = services.create_token(cast.actor(name), name=f"{name} test token")
    return ApiClient(Client(), raw)


def actor_for(cast, name):
    return ANONYMOUS if name == "anonymous" else cast.actor(name)


def test_mentoring_requests_have_a_rule():
    assert "matching.mentoringrequest" in policies.RULES


@pytest.mark.parametrize("actor_name", ACTORS)
def test_see_and_change_matrix(cast, requests_by_place, actor_name):
    actor = actor_for(cast, actor_name)
    problems = []
    for where, obj in requests_by_place.items():
        seen = MentoringRequest.objects.visible_to(actor).filter(pk=obj.pk).exists()
        if seen != (actor_name in SEE[where]):
            problems.append(f"see {where}: got {seen}")
        may_change = policies.can_change(actor, obj)
        if may_change != (actor_name in CHANGE[where]):
            problems.append(f"change {where}: got {may_change}")
        try:
            access_object(actor, MentoringRequest, obj.uuid, for_write=True)
            outcome = "ok"
        except Http404:
            outcome = "404"
        except PermissionDenied:
            outcome = "403"
        want = (
            "ok" if actor_name in CHANGE[where] else ("403" if actor_name in SEE[where] else "404")
        )
        if outcome != want:
            problems.append(f"access {where}: got {outcome}, want {want}")
    assert not problems, f"{actor_name}: " + "; ".join(problems)


@pytest.mark.parametrize("actor_name", ACTORS)
def test_page_matrix(cast, requests_by_place, client, actor_name):
    if actor_name != "anonymous":
        client.force_login(cast.people[actor_name].user)
    problems = []
    for where, obj in requests_by_place.items():
        for name, needs_write in (
            ("matching:request_detail", False),
            ("matching:request_edit", True),
            ("matching:request_withdraw", True),
        ):
            response = client.get(reverse(name, args=[obj.uuid]))
            if actor_name == "anonymous":
                want = 302
            elif actor_name in (CHANGE[where] if needs_write else SEE[where]):
                want = 200
            elif actor_name in SEE[where]:
                want = 403
            else:
                want = 404
            if response.status_code != want:
                problems.append(f"{name} {where}: {response.status_code}, want {want}")
    assert not problems, f"{actor_name}: " + "; ".join(problems)


@pytest.mark.parametrize("actor_name", ACTORS)
def test_api_matrix(cast, requests_by_place, actor_name):
    api = api_for(cast, actor_name)
    problems = []
    for where, obj in requests_by_place.items():
        got = api.get(f"/mentoring-requests/{obj.uuid}").status_code
        want = 401 if actor_name == "anonymous" else (200 if actor_name in SEE[where] else 404)
        if got != want:
            problems.append(f"GET {where}: {got}, want {want}")
        patched = api.patch(
            f"/mentoring-requests/{obj.uuid}", {"version": obj.version, "availability": "Fridays"}
        ).status_code
        if actor_name == "anonymous":
            want = 401
        elif actor_name in CHANGE[where]:
            want = 200
        else:
            want = 403 if actor_name in SEE[where] else 404
        if patched != want:
            problems.append(f"PATCH {where}: {patched}, want {want}")
    listed = api.get("/mentoring-requests", limit=100)
    if actor_name == "anonymous":
        assert listed.status_code == 401
    else:
        uuids = {item["uuid"] for item in listed.json()["items"]}
        expected = {str(o.uuid) for w, o in requests_by_place.items() if actor_name in SEE[w]}
        if uuids != expected:
            problems.append(f"list: {sorted(uuids)}")
    assert not problems, f"{actor_name}: " + "; ".join(problems)
