"""Records for mentorship tests: a programme, approved mentor profiles, more mentees.

``tandem.matching.services.offer_next_best`` (asking the next best mentor after a
decline or a time-out) is replaced by ``next_best`` in the tests that reach it,
so these tests hold whatever the matching service decides.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from typing import Any

import pytest

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.mentors.models import MentorProfile, ProfileStatus, TrainingStatus
from tandem.programmes.models import Programme
from tests import factories as f
from tests.api.conftest import api_as  # noqa: F401  (the API client fixture)


def mentor_profile(person: Any, organisation: Any, **overrides: Any) -> MentorProfile:
    """An approved, consenting profile (capacity 2 unless told)."""
    values = {
        "capacity": 2,
        "status": ProfileStatus.APPROVED,
        "training_status": TrainingStatus.TRAINED,
        "consents_to_matching": True,
    } | overrides
    with system_access():
        profile, _ = MentorProfile.objects.update_or_create(
            person=person, defaults={"organisation": organisation, **values}
        )
    return profile


def new_person(organisation: Any, role: str, given: str, family: str) -> Any:
    with system_access():
        person = f.PersonFactory(given_name=given, family_name=family)
        f.MembershipFactory(person=person, organisation=organisation, role=role)
    return person


@pytest.fixture
def programme(cast: Any) -> Programme:
    with system_access():
        return Programme.objects.create(
            organisation=cast.riverside, name="New staff induction", purpose="induction"
        )


@pytest.fixture
def mentor(cast: Any) -> Any:
    """Cast's mentor, approved, room for two mentees."""
    mentor_profile(cast.mentor, cast.riverside)
    return cast.mentor


@pytest.fixture
def partner_mentor(cast: Any) -> Any:
    """A Northgate mentor who offers to mentor across the partnership: listed in its
    directory, where Northgate shares its mentors."""
    from tandem.organisations.models import PartnershipMember

    person = new_person(cast.northgate, Role.MENTOR, "Nadia", "Brook")
    mentor_profile(person, cast.northgate, willing_outside=True, listed_in_directory=True)
    with system_access():
        PartnershipMember.objects.filter(
            partnership=cast.north, organisation=cast.northgate
        ).update(in_directory=True)
    return person


@pytest.fixture
def more_mentees(cast: Any) -> list[Any]:
    return [
        new_person(cast.riverside, Role.MENTEE, given, "Lee")
        for given in ("Ana", "Ben", "Cai", "Dee")
    ]


@dataclass
class NextBest:
    """Stands in for offer_next_best: records its calls, answers ``result``."""

    result: Any = None
    calls: list[Any] = field(default_factory=list)
    error: Exception | None = None

    def __call__(self, actor: Any, mentorship: Any) -> Any:
        self.calls.append(mentorship)
        if self.error is not None:
            raise self.error
        return self.result


@pytest.fixture
def next_best(monkeypatch: pytest.MonkeyPatch) -> NextBest:
    stub = NextBest()
    try:
        import tandem.matching.services as module
    except ImportError:
        # The matching service is not there: a stand-in module, for this test only.
        module = types.ModuleType("tandem.matching.services")
        monkeypatch.setitem(sys.modules, "tandem.matching.services", module)
    monkeypatch.setattr(module, "offer_next_best", stub, raising=False)
    return stub


@pytest.fixture(autouse=True)
def _brokerage_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The brokerage email links to the brokerage page; stand in for it until it exists."""
    from django.urls import NoReverseMatch, reverse

    from tandem.mentors.models import BrokerageRequest

    try:
        reverse("mentors:brokerage_detail", kwargs={"uuid": "00000000-0000-0000-0000-000000000000"})
    except NoReverseMatch:
        monkeypatch.setattr(
            BrokerageRequest, "get_absolute_url", lambda self: f"/brokerage/{self.uuid}/"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, the Chromium test here joins the other browser tests on one worker."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.nodeid.startswith("tests/relationships/test_browser.py"):
            item.add_marker(pytest.mark.xdist_group("browser"))
