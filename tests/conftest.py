"""The shared cast: named people in every role in two organisations of one
partnership, plus an outsider organisation in another partnership.

    North Partnership: Riverside College (home), Northgate Training (partner)
    South Partnership: Eastfield Adult Learning (outsider)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tandem.core.actor import build_actor
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tests import factories as f


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.3 s a user; tests check behaviour, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _email_at_once(settings):
    """Notifications wait for the commit, which a test's wrapping transaction never
    makes; send them at once so tests see ``mail.outbox`` (tests of the commit
    behaviour set ``TANDEM_EMAIL_ON_COMMIT`` back to True)."""
    settings.TANDEM_EMAIL_ON_COMMIT = False


@dataclass
class Cast:
    north: Any
    south: Any
    riverside: Any
    northgate: Any
    eastfield: Any
    people: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.people[name]
        except KeyError:
            raise AttributeError(name) from None

    def actor(self, name: str) -> Any:
        person = self.people[name]
        return build_actor(person.user)


ROLES_AT_HOME = {
    "coordinator": Role.COORDINATOR,
    "mentor": Role.MENTOR,
    "mentee": Role.MENTEE,
    "tutor": Role.TUTOR,
    "line_manager": Role.LINE_MANAGER,
    "trainer": Role.TRAINER,
}


def ensure_subjects() -> None:
    """The taxonomy comes from a data migration, which a transactional test's flush removes."""
    from tandem.mentors.models import Sector, Subject
    from tandem.mentors.taxonomy import load_taxonomy

    if not Subject.objects.exists():
        load_taxonomy(Sector, Subject)


def build_cast() -> Cast:
    ensure_subjects()
    with system_access():
        north = f.PartnershipFactory(name="North Partnership")
        south = f.PartnershipFactory(name="South Partnership")
        riverside = f.OrganisationFactory(name="Riverside College")
        northgate = f.OrganisationFactory(name="Northgate Training", kind="work_based_learning")
        eastfield = f.OrganisationFactory(name="Eastfield Adult Learning", kind="adult_community")
        f.PartnershipMemberFactory(partnership=north, organisation=riverside)
        f.PartnershipMemberFactory(partnership=north, organisation=northgate)
        f.PartnershipMemberFactory(partnership=south, organisation=eastfield)
        cast = Cast(north, south, riverside, northgate, eastfield)
        names = {
            "coordinator": ("Cora", "Coleman"),
            "mentor": ("Mina", "Patel"),
            "mentee": ("Tom", "Reyes"),
            "tutor": ("Tariq", "Hussain"),
            "line_manager": ("Lena", "Morgan"),
            "trainer": ("Trudy", "Evans"),
        }
        for key, role in ROLES_AT_HOME.items():
            given, family = names[key]
            p = f.person_with_account(f"{key}@riverside.example", given, family)
            f.MembershipFactory(person=p, organisation=riverside, role=role)
            cast.people[key] = p
        # The line manager manages the mentee.
        f.LineManagementFactory(
            organisation=riverside, manager=cast.line_manager, report=cast.mentee
        )
        # A colleague in the partner organisation and in the outsider.
        for key, org in (("partner_coordinator", northgate), ("outsider_coordinator", eastfield)):
            p = f.person_with_account(
                f"{key}@example.org", key.split("_")[0].title(), "Coordinator"
            )
            f.MembershipFactory(person=p, organisation=org, role=Role.COORDINATOR)
            cast.people[key] = p
        for key, org in (("partner_mentee", northgate), ("outsider_mentee", eastfield)):
            p = f.person_with_account(f"{key}@example.org", key.split("_")[0].title(), "Mentee")
            f.MembershipFactory(person=p, organisation=org, role=Role.MENTEE)
            cast.people[key] = p
        admin = f.person_with_account("admin@north.example", "Priya", "Shah")
        f.PartnershipRoleFactory(partnership=north, person=admin)
        cast.people["partnership_admin"] = admin
        stranger = f.person_with_account("stranger@example.org", "Sam", "Stranger")
        cast.people["stranger"] = stranger
    return cast


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture
def login(client):
    """Sign a cast member in on the Django test client."""

    def _login(person: Any) -> Any:
        client.force_login(person.user)
        return client

    return _login
