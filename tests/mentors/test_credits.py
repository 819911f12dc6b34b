"""The mentoring-credit ledger (C5): credits change hands when a brokered mentor
accepts a mentee; balances per organisation in each partnership."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.core import policies
from tandem.core.tenancy import system_access
from tandem.mentors import brokerage, directory
from tandem.mentors.models import CreditEntry
from tandem.relationships import services as relationships
from tandem.relationships.models import Mentorship
from tests.mentors.directory_setup import build_directory


@pytest.fixture
def world(cast):
    return build_directory(cast)


@pytest.fixture
def placed(cast, world):
    """Riverside asks Northgate for Nadia for Tom; Northgate agrees; Nadia accepts."""
    item = brokerage.request_brokerage(
        cast.actor("coordinator"),
        profile=world.nadia_profile,
        organisation=cast.riverside,
        partnership=cast.north,
        message="For Tom",
        request=world.request,
    )
    brokerage.decide_brokerage(cast.actor("partner_coordinator"), item, accepted=True)
    with system_access():
        mentorship = Mentorship.objects.get(pk=item.mentorship_id)
    relationships.accept(_actor(world.nadia), mentorship)
    return item


def _actor(person):
    from tandem.core.actor import build_actor

    return build_actor(person.user)


def balances(cast, name="partnership_admin"):
    return {
        b.organisation.name: (b.earned, b.spent, b.balance)
        for b in directory.credit_balances(cast.actor(name), cast.north)
    }


def test_no_credits_before_anything_is_placed(cast, world):
    assert balances(cast) == {
        "Kirkby Learning": (0, 0, 0),
        "Northgate Training": (0, 0, 0),
        "Riverside College": (0, 0, 0),
    }


def test_a_talk_only_request_earns_nothing(cast, world):
    item = brokerage.request_brokerage(
        cast.actor("coordinator"),
        profile=world.nadia_profile,
        organisation=cast.riverside,
        partnership=cast.north,
        message="Could we talk?",
    )
    brokerage.decide_brokerage(cast.actor("partner_coordinator"), item, accepted=True)
    with system_access():
        assert not CreditEntry.objects.exists()


def test_accepting_a_brokered_mentee_moves_credits(cast, placed):
    assert balances(cast) == {
        "Kirkby Learning": (0, 0, 0),
        "Northgate Training": (1, 0, 1),
        "Riverside College": (0, 1, -1),
    }
    with system_access():
        entries = list(CreditEntry.objects.filter(brokerage=placed).order_by("amount"))
    assert [(e.organisation.name, e.amount) for e in entries] == [
        ("Riverside College", -1),
        ("Northgate Training", 1),
    ]
    assert sum(e.amount for e in entries) == 0
    assert "Nadia Brooks" in entries[0].description


def test_the_ledger_is_append_only(cast, placed):
    with system_access():
        entry = CreditEntry.objects.first()
    for name in ("coordinator", "partner_coordinator", "partnership_admin"):
        assert not policies.can_change(cast.actor(name), entry)


CREDIT_READERS = {"coordinator", "partner_coordinator", "partnership_admin"}


@pytest.mark.parametrize(
    "name",
    [
        "coordinator",
        "partner_coordinator",
        "partnership_admin",
        "tutor",
        "mentor",
        "mentee",
        "partner_tutor",
        "outsider_coordinator",
        "stranger",
    ],
)
def test_credits_page_by_role(cast, placed, client, name):
    client.force_login(cast.people[name].user)
    response = client.get(reverse("mentors:partnership_credits", args=[cast.north.uuid]))
    if name in CREDIT_READERS:
        assert response.status_code == 200
        body = response.content.decode()
        assert "Northgate Training" in body and "+1" in body and "-1" in body
    elif name == "outsider_coordinator" or name == "stranger":
        assert response.status_code == 404
    else:
        assert response.status_code == 403


def test_credits_page_empty_state(cast, world, login):
    response = login(cast.coordinator).get(
        reverse("mentors:partnership_credits", args=[cast.north.uuid])
    )
    assert b"No credits have changed hands yet" in response.content
    assert b"Riverside College" in response.content  # every member has a balance row


def test_another_partnerships_ledger_is_separate(cast, placed):
    assert {
        b.balance for b in directory.credit_balances(cast.actor("outsider_coordinator"), cast.south)
    } == {0}
