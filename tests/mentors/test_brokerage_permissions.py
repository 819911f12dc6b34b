"""The permission matrix for brokerage requests and credit entries.

Every actor × record (Riverside's outgoing and incoming requests, a request in
another partnership; a ledger line of Riverside, of its partner, of another
partnership) × (see, change, decide, withdraw), then the same through the
page and the API for each record.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from tandem.api import services as api_services
from tandem.core import policies
from tandem.core.actor import ANONYMOUS, build_actor
from tandem.core.roles import Confidentiality
from tandem.core.tenancy import access_object, system_access
from tandem.mentors import directory
from tandem.mentors.models import BrokerageRequest, CreditEntry
from tandem.organisations.models import PartnershipMember
from tests import factories as f
from tests.mentors.directory_setup import build_directory, listed_profile, mentor_at

ACTORS = [
    "coordinator",
    "mentor",
    "mentee",
    "tutor",
    "line_manager",
    "trainer",
    "partner_coordinator",
    "partner_tutor",
    "listed_mentor",
    "outsider_coordinator",
    "partnership_admin",
    "stranger",
    "anonymous",
]


@pytest.fixture
def world(cast):
    d = build_directory(cast)
    with system_access():
        cast.people["listed_mentor"] = d.nadia
        westfield = f.OrganisationFactory(name="Westfield Skills")
        f.PartnershipMemberFactory(
            partnership=cast.south, organisation=westfield, in_directory=True
        )
        west_mentor = mentor_at(westfield, "Wes", "Field")
        west_profile = listed_profile(west_mentor, westfield)
        rec = {
            ("brokeragerequest", "outgoing"): BrokerageRequest.objects.create(
                partnership=cast.north,
                requesting_organisation=cast.riverside,
                mentor_organisation=cast.northgate,
                mentor_profile=d.nadia_profile,
                message="Riverside asks for Nadia",
            ),
            ("brokeragerequest", "incoming"): BrokerageRequest.objects.create(
                partnership=cast.north,
                requesting_organisation=cast.northgate,
                mentor_organisation=cast.riverside,
                mentor_profile=d.mina_profile,
                message="Northgate asks for Mina",
            ),
            ("brokeragerequest", "other"): BrokerageRequest.objects.create(
                partnership=cast.south,
                requesting_organisation=cast.eastfield,
                mentor_organisation=westfield,
                mentor_profile=west_profile,
                message="Eastfield asks for Wes",
            ),
        }
        for where, org, partnership, amount in (
            ("own", cast.riverside, cast.north, -1),
            ("partner", cast.northgate, cast.north, 1),
            ("other", cast.eastfield, cast.south, -1),
        ):
            rec[("creditentry", where)] = CreditEntry.objects.create(
                partnership=partnership,
                organisation=org,
                amount=amount,
                description=f"{org} ledger line",
            )
        assert PartnershipMember.objects.filter(in_directory=True).count() >= 3
    return rec


SEE = {
    ("brokeragerequest", "outgoing"): {
        "coordinator",
        "partner_coordinator",
        "partnership_admin",
        "listed_mentor",
    },
    ("brokeragerequest", "incoming"): {
        "coordinator",
        "partner_coordinator",
        "partnership_admin",
        "mentor",
    },
    ("brokeragerequest", "other"): {"outsider_coordinator"},
    ("creditentry", "own"): {"coordinator", "partner_coordinator", "partnership_admin"},
    ("creditentry", "partner"): {"coordinator", "partner_coordinator", "partnership_admin"},
    ("creditentry", "other"): {"outsider_coordinator"},
}

CHANGE = {
    ("brokeragerequest", "outgoing"): {"coordinator", "partner_coordinator"},
    ("brokeragerequest", "incoming"): {"coordinator", "partner_coordinator"},
    ("brokeragerequest", "other"): {"outsider_coordinator"},
    ("creditentry", "own"): set(),
    ("creditentry", "partner"): set(),
    ("creditentry", "other"): set(),
}

# Who may decide (the mentor's organisation) and withdraw (the asking organisation).
DECIDE = {
    "outgoing": {"partner_coordinator"},
    "incoming": {"coordinator"},
    "other": set(),  # Westfield has no coordinator in the cast
}
WITHDRAW = {
    "outgoing": {"coordinator"},
    "incoming": {"partner_coordinator"},
    "other": {"outsider_coordinator"},
}

MODELS = {"brokeragerequest": BrokerageRequest, "creditentry": CreditEntry}


def actor_for(cast, name):
    return ANONYMOUS if name == "anonymous" else cast.actor(name)


def test_each_record_type_has_a_rule_and_a_level():
    for model in MODELS.values():
        label = model._meta.label_lower
        assert label in policies.RULES
        assert policies.LEVELS[label] == Confidentiality.PARTNERSHIP


def test_matrix_covers_every_record(world):
    assert set(SEE) == set(CHANGE) == set(world)


@pytest.mark.parametrize("actor_name", ACTORS)
def test_see_change_decide_withdraw_matrix(cast, world, actor_name):
    actor = actor_for(cast, actor_name)
    problems = []
    for (kind, where), obj in world.items():
        model = MODELS[kind]
        seers, changers = SEE[(kind, where)], CHANGE[(kind, where)]
        seen = model.objects.visible_to(actor).filter(pk=obj.pk).exists()
        if seen != (actor_name in seers):
            problems.append(f"see {kind}/{where}: got {seen}")
        if policies.can_change(actor, obj) != (actor_name in changers):
            problems.append(f"change {kind}/{where}")
        try:
            access_object(actor, model, obj.uuid, for_write=True)
            outcome = "ok"
        except Http404:
            outcome = "404"
        except PermissionDenied:
            outcome = "403"
        want = "ok" if actor_name in changers else ("403" if actor_name in seers else "404")
        if outcome != want:
            problems.append(f"access {kind}/{where}: got {outcome}, want {want}")
        if kind == "brokeragerequest":
            if directory.can_decide(actor, obj) != (actor_name in DECIDE[where]):
                problems.append(f"decide {where}")
            if directory.can_withdraw(actor, obj) != (actor_name in WITHDRAW[where]):
                problems.append(f"withdraw {where}")
            if (actor_name in DECIDE[where] or actor_name in WITHDRAW[where]) and (
                actor_name not in seers
            ):
                problems.append(f"{where}: may act on what it cannot see")
    assert not problems, f"{actor_name}: " + "; ".join(problems)


def test_superuser_sees_everything(cast, world):
    admin = f.UserFactory(username="root@example.org", email="root@example.org", is_superuser=True)
    actor = build_actor(admin)
    for obj in world.values():
        assert type(obj).objects.visible_to(actor).filter(pk=obj.pk).exists()


@pytest.mark.parametrize("actor_name", ACTORS)
def test_brokerage_page_and_api_matrix(cast, world, client, actor_name):
    if actor_name != "anonymous":
        client.force_login(cast.people[actor_name].user)
        _, token = api_services.create_token(cast.actor(actor_name), name="matrix")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    else:
        headers = {}
    from django.test import Client

    api = Client()
    problems = []
    for (kind, where), obj in world.items():
        if kind != "brokeragerequest":
            continue
        visible = actor_name in SEE[(kind, where)]
        page = client.get(reverse("mentors:brokerage_detail", args=[obj.uuid]))
        want = 302 if actor_name == "anonymous" else (200 if visible else 404)
        if page.status_code != want:
            problems.append(f"page {where}: {page.status_code}, want {want}")
        answer = api.get(f"/api/v1/brokerage-requests/{obj.uuid}", **headers)
        want = 401 if actor_name == "anonymous" else (200 if visible else 404)
        if answer.status_code != want:
            problems.append(f"api {where}: {answer.status_code}, want {want}")
        if visible and actor_name != "anonymous":
            decide = client.post(
                reverse("mentors:brokerage_detail", args=[obj.uuid]), {"decision": "declined"}
            )
            want_decide = 302 if actor_name in DECIDE[where] else 403
            if decide.status_code != want_decide:
                problems.append(f"decide page {where}: {decide.status_code}, want {want_decide}")
    assert not problems, f"{actor_name}: " + "; ".join(problems)


def test_list_endpoints_show_only_visible_records(cast, world):
    from django.test import Client

    for name in ("coordinator", "partnership_admin", "outsider_coordinator", "mentor", "tutor"):
        _, token = api_services.create_token(cast.actor(name), name="list")
        body = (
            Client().get("/api/v1/brokerage-requests", HTTP_AUTHORIZATION=f"Bearer {token}").json()
        )
        got = {item["uuid"] for item in body["items"]}
        want = {
            str(obj.uuid)
            for (kind, where), obj in world.items()
            if kind == "brokeragerequest" and name in SEE[(kind, where)]
        }
        assert got == want, name
