"""Demonstration data (seed_demo) and the national-scale generator (seed_scale)."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from tandem.core.models import AuditEvent
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.organisations import demo
from tandem.organisations.models import (
    LineManagement,
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    PartnershipRole,
    Person,
    Site,
)

pytestmark = pytest.mark.django_db

COUNTED = (
    Partnership,
    Organisation,
    PartnershipMember,
    Site,
    Person,
    Membership,
    LineManagement,
    PartnershipRole,
    AuditEvent,
)


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    with system_access():
        counts = {m._meta.label: m.objects.count() for m in COUNTED}
    counts["users"] = get_user_model().objects.count()
    counts["email addresses"] = EmailAddress.objects.count()
    return counts


def test_seed_demo_builds_a_realistic_cast():
    output = seed_demo()

    with system_access():
        assert Partnership.objects.count() >= 2
        assert Organisation.objects.count() >= 6
        assert Organisation.objects.values("kind").distinct().count() >= 6
        held = set(Membership.objects.current().values_list("role", flat=True))
        assert held == set(Role.values)
        assert PartnershipRole.objects.count() >= 2
        assert Person.objects.count() >= 60
        assert Site.objects.count() >= 7
        # One organisation belongs to both partnerships.
        assert (
            PartnershipMember.objects.values("organisation")
            .annotate(n=Count("partnership"))
            .filter(n__gte=2)
            .exists()
        )
        # Several roles for some people.
        assert (
            Membership.objects.current()
            .values("person")
            .annotate(n=Count("id"))
            .filter(n__gte=2)
            .exists()
        )
        # Line management, including a mentor who line-manages a mentee.
        assert LineManagement.objects.current().count() >= 40
        mentors = Membership.objects.current().filter(role=Role.MENTOR).values("person")
        mentees = Membership.objects.current().filter(role=Role.MENTEE).values("person")
        assert (
            LineManagement.objects.current()
            .filter(manager__in=mentors, report__in=mentees)
            .exists()
        )
        # Dated periods: a role that has ended.
        assert Membership.objects.exclude(ends_on=None).exists()
        # Demo sign-ins work straight away: no two-factor requirement anywhere.
        assert not Organisation.objects.filter(require_mfa_for_staff=True).exists()
        assert not Partnership.objects.filter(require_mfa_for_admins=True).exists()
        assert AuditEvent.objects.filter(code="demo.seeded").count() == 1
    admin = get_user_model().objects.get(username=demo.SUPERUSER_EMAIL)
    assert admin.is_superuser and admin.is_staff
    for sign_in in demo.sign_ins():
        assert sign_in.email in output
    assert demo.DEMO_PASSWORD in output
    assert demo.DEMO_URL in output


EXPECTED_HOME = {
    "coordinator@riverside.example": "/home/coordinator/",
    "mentor@riverside.example": "/home/mentor/",
    "mentee@riverside.example": "/home/mentee/",
    "tutor@riverside.example": "/home/tutor/",
    "line-manager@riverside.example": "/home/line-manager/",
    "trainer@riverside.example": "/home/trainer/",
    "admin@pennine.example": "/home/partnership/",
}


def test_each_demo_sign_in_logs_in_with_the_shared_password(client):
    seed_demo()
    sign_ins = demo.sign_ins()
    assert {s.email for s in sign_ins} >= set(EXPECTED_HOME)
    for sign_in in sign_ins:
        response = client.post(
            "/accounts/login/", {"login": sign_in.email, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302, sign_in.email
        assert response["Location"] == "/", sign_in.email
        home = client.get("/")
        if sign_in.email in EXPECTED_HOME:
            assert home.status_code == 302
            assert home["Location"] == EXPECTED_HOME[sign_in.email]
            assert client.get(home["Location"]).status_code == 200, sign_in.email
        else:  # the platform administrator holds no organisation role
            assert home.status_code == 200
        client.logout()


def test_a_wrong_password_does_not_log_in(client):
    seed_demo()
    response = client.post(
        "/accounts/login/", {"login": "coordinator@riverside.example", "password": "wrong-one"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_seed_demo_twice_changes_nothing():
    seed_demo()
    before = row_counts()
    output = seed_demo()
    assert row_counts() == before
    assert "already present" in output
    assert "coordinator@riverside.example" in output  # the sign-ins are shown again


# --- seed_scale -------------------------------------------------------------------


def seed_scale(**options) -> str:
    out = StringIO()
    args = {"partnerships": 2, "organisations": 5, "people": 200, "seed": 7, **options}
    call_command("seed_scale", stdout=out, **args)
    return out.getvalue()


def scale_fingerprint() -> str:
    with system_access():
        rows = sorted(
            f"{m.person.email}|{m.person.uuid}|{m.person.given_name} {m.person.family_name}|"
            f"{m.organisation.name}|{m.role}|{m.starts_on}|{m.ends_on}"
            for m in Membership.objects.filter(
                person__email__endswith="@scale.example"
            ).select_related("person", "organisation")
        )
        rows += sorted(
            f"{lm.manager.email}>{lm.report.email}"
            for lm in LineManagement.objects.select_related("manager", "report")
        )
        rows += sorted(
            f"{pm.partnership.name}|{pm.organisation.name}"
            for pm in PartnershipMember.objects.select_related("partnership", "organisation")
        )
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def test_seed_scale_creates_the_numbers_asked_for():
    output = seed_scale()

    with system_access():
        assert Partnership.objects.filter(name__startswith="Scale ").count() == 2
        orgs = Organisation.objects.filter(name__startswith="Scale ")
        assert orgs.count() == 5
        people = Person.objects.filter(email__endswith="@scale.example")
        assert people.count() == 200
        # Everyone holds a current role in one organisation.
        current = Membership.objects.current()
        assert current.values("person").distinct().count() == 200
        for org in orgs:
            in_partnerships = PartnershipMember.objects.filter(organisation=org).count()
            assert 1 <= in_partnerships <= 2
            roles = set(current.filter(organisation=org).values_list("role", flat=True))
            assert {Role.COORDINATOR, Role.LINE_MANAGER, Role.MENTEE, Role.MENTOR} <= roles
            # A shallow tree: one head, everyone else has exactly one manager.
            links = LineManagement.objects.filter(organisation=org)
            org_people = current.filter(organisation=org).values("person").distinct().count()
            assert links.count() == org_people - 1
            assert links.values("report").distinct().count() == org_people - 1
            heads = set(links.values_list("manager", flat=True)) - set(
                links.values_list("report", flat=True)
            )
            assert len(heads) == 1
        assert set(current.values_list("role", flat=True)) >= {
            Role.MENTEE,
            Role.MENTOR,
            Role.COORDINATOR,
            Role.LINE_MANAGER,
        }
        assert PartnershipRole.objects.count() >= 2
    assert "Person" in output and "200" in output
    assert "seed_scale wrote" in output


def test_seed_scale_is_deterministic_for_a_seed():
    seed_scale(seed=7)
    first = scale_fingerprint()
    seed_scale(seed=7, flush_scale=True)
    assert scale_fingerprint() == first
    seed_scale(seed=8, flush_scale=True)
    assert scale_fingerprint() != first


def test_seed_scale_refuses_to_run_over_existing_scale_data():
    seed_scale()
    with pytest.raises(CommandError, match="--flush-scale"):
        seed_scale()


def test_flushing_scale_data_leaves_other_data_alone():
    seed_demo()
    before = row_counts()
    seed_scale()
    seed_scale(people=300, flush_scale=True)
    with system_access():
        assert Person.objects.filter(email__endswith="@scale.example").count() == 300
        scale_people = Person.objects.filter(email__endswith="@scale.example")
        scale_orgs = Organisation.objects.filter(name__startswith="Scale ")
        remaining = {
            "organisations.Person": Person.objects.exclude(id__in=scale_people).count(),
            "organisations.Organisation": Organisation.objects.exclude(id__in=scale_orgs).count(),
            "organisations.Partnership": Partnership.objects.exclude(
                name__startswith="Scale "
            ).count(),
            "organisations.Membership": Membership.objects.exclude(person__in=scale_people).count(),
            "organisations.LineManagement": LineManagement.objects.exclude(
                report__in=scale_people
            ).count(),
            "organisations.Site": Site.objects.exclude(organisation__in=scale_orgs).count(),
        }
    assert remaining == {label: before[label] for label in remaining}
    assert row_counts()["users"] == before["users"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"people": 10}, "at least 3 per organisation"),
        ({"organisations": 0}, "at least 1"),
        ({"partnerships": 6}, "at least --partnerships"),
    ],
)
def test_seed_scale_explains_impossible_numbers(options, message):
    with pytest.raises(CommandError, match=message):
        seed_scale(**options)
    with system_access():
        assert not Person.objects.exists()


def test_demo_mentors_have_profiles_in_every_state(db):
    from tandem.mentors.models import MentorProfile, ProfileStatus

    call_command("seed_demo", stdout=StringIO())
    with system_access():
        statuses = set(MentorProfile.objects.values_list("status", flat=True))
        amara = MentorProfile.objects.get(person__email="mentor@riverside.example")
        assert amara.status == ProfileStatus.APPROVED and amara.specialisms.count() == 2
    assert {
        ProfileStatus.APPROVED,
        ProfileStatus.SUBMITTED,
        ProfileStatus.CHANGES_REQUESTED,
    } <= statuses
