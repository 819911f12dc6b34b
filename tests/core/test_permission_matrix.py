"""The tenancy and confidentiality rules as a matrix.

Every actor in the cast × every record type × (own organisation, partner
organisation in the same partnership, organisation in another partnership)
× (see, change). Then the same matrix through every page that shows or
edits one record, which must answer 200 / 403 / 404 (or send the anonymous
visitor to sign in) exactly as the policy says.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.api.models import ApiToken
from tandem.core import audit, policies
from tandem.core.actor import ANONYMOUS
from tandem.core.models import AuditEvent
from tandem.core.tenancy import access_object, system_access
from tandem.mentors.models import MentorProfile
from tandem.organisations.models import (
    LineManagement,
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    Person,
    Site,
)
from tests import factories as f

ACTORS = [
    "coordinator",
    "mentor",
    "mentee",
    "tutor",
    "line_manager",
    "trainer",
    "partner_coordinator",
    "outsider_coordinator",
    "partnership_admin",
    "stranger",
    "anonymous",
]


@pytest.fixture
def world(cast):
    """Records of every type in each of the three organisations."""
    with system_access():
        rec = {}
        for key, org, mentee in (
            ("own", cast.riverside, cast.mentee),
            ("partner", cast.northgate, cast.partner_mentee),
            ("other", cast.eastfield, cast.outsider_mentee),
        ):
            rec[("organisation", key)] = org
            rec[("person", key)] = mentee
            rec[("membership", key)] = Membership.objects.get(person=mentee, organisation=org)
            rec[("site", key)] = f.SiteFactory(organisation=org, name=f"{org.name} main site")
            if key == "own":
                rec[("linemanagement", key)] = LineManagement.objects.get(report=mentee)
            else:
                boss = f.PersonFactory()
                f.MembershipFactory(person=boss, organisation=org, role="line_manager")
                rec[("linemanagement", key)] = f.LineManagementFactory(
                    organisation=org, manager=boss, report=mentee
                )
            rec[("auditevent", key)] = audit.record(None, "test.event", mentee, organisation=org)
            mentor = cast.mentor if key == "own" else f.PersonFactory()
            if key != "own":
                f.MembershipFactory(person=mentor, organisation=org, role="mentor")
            rec[("mentorprofile", key)] = MentorProfile.objects.create(
                person=mentor, organisation=org
            )
        rec[("partnership", "own")] = cast.north
        rec[("partnership", "other")] = cast.south
        rec[("partnershipmember", "own")] = PartnershipMember.objects.get(
            partnership=cast.north, organisation=cast.riverside
        )
        rec[("partnershipmember", "other")] = PartnershipMember.objects.get(
            partnership=cast.south, organisation=cast.eastfield
        )
        rec[("apitoken", "own")] = ApiToken.objects.create(
            person=cast.mentee, name="mine", token_hash="x" * 64, hint="abcd"
        )
    return rec


# (record type, where) → actors who SEE it; everyone else must not.
SEE = {
    ("organisation", "own"): {
        "coordinator",
        "mentor",
        "mentee",
        "tutor",
        "line_manager",
        "trainer",
        "partner_coordinator",
        "partnership_admin",
    },
    ("organisation", "partner"): {
        "coordinator",
        "mentor",
        "mentee",
        "tutor",
        "line_manager",
        "trainer",
        "partner_coordinator",
        "partnership_admin",
    },
    ("organisation", "other"): {"outsider_coordinator"},
    # the mentee's person record: themself, who reads the staff list, their manager
    ("person", "own"): {
        "coordinator",
        "mentee",
        "tutor",
        "line_manager",
        "trainer",
        "partnership_admin",
    },
    ("person", "partner"): {"partner_coordinator", "partnership_admin"},
    ("person", "other"): {"outsider_coordinator"},
    ("membership", "own"): {
        "coordinator",
        "mentee",
        "tutor",
        "line_manager",
        "trainer",
        "partnership_admin",
    },
    ("membership", "partner"): {"partner_coordinator", "partnership_admin"},
    ("membership", "other"): {"outsider_coordinator"},
    ("site", "own"): {
        "coordinator",
        "mentor",
        "mentee",
        "tutor",
        "line_manager",
        "trainer",
        "partnership_admin",
    },
    ("site", "partner"): {"partner_coordinator", "partnership_admin"},
    ("site", "other"): {"outsider_coordinator"},
    ("linemanagement", "own"): {
        "coordinator",
        "mentee",
        "tutor",
        "line_manager",
        "trainer",
        "partnership_admin",
    },
    ("linemanagement", "partner"): {"partner_coordinator", "partnership_admin"},
    ("linemanagement", "other"): {"outsider_coordinator"},
    ("auditevent", "own"): {"coordinator", "partnership_admin"},
    ("auditevent", "partner"): {"partner_coordinator", "partnership_admin"},
    ("auditevent", "other"): {"outsider_coordinator"},
    ("partnership", "own"): {
        "coordinator",
        "mentor",
        "mentee",
        "tutor",
        "line_manager",
        "trainer",
        "partner_coordinator",
        "partnership_admin",
    },
    ("partnership", "other"): {"outsider_coordinator"},
    ("partnershipmember", "own"): {
        "coordinator",
        "mentor",
        "mentee",
        "tutor",
        "line_manager",
        "trainer",
        "partner_coordinator",
        "partnership_admin",
    },
    ("partnershipmember", "other"): {"outsider_coordinator"},
    ("apitoken", "own"): {"mentee"},
    ("mentorprofile", "own"): {"mentor", "coordinator", "tutor", "trainer", "partnership_admin"},
    ("mentorprofile", "partner"): {"partner_coordinator", "partnership_admin"},
    ("mentorprofile", "other"): {"outsider_coordinator"},
}

# (record type, where) → actors who may CHANGE it.
CHANGE = {
    ("organisation", "own"): {"coordinator", "partnership_admin"},
    ("organisation", "partner"): {"partner_coordinator", "partnership_admin"},
    ("organisation", "other"): {"outsider_coordinator"},
    ("person", "own"): {"coordinator", "mentee"},
    ("person", "partner"): {"partner_coordinator"},
    ("person", "other"): {"outsider_coordinator"},
    ("membership", "own"): {"coordinator"},
    ("membership", "partner"): {"partner_coordinator"},
    ("membership", "other"): {"outsider_coordinator"},
    ("site", "own"): {"coordinator", "partnership_admin"},
    ("site", "partner"): {"partner_coordinator", "partnership_admin"},
    ("site", "other"): {"outsider_coordinator"},
    ("linemanagement", "own"): {"coordinator"},
    ("linemanagement", "partner"): {"partner_coordinator"},
    ("linemanagement", "other"): {"outsider_coordinator"},
    ("auditevent", "own"): set(),
    ("auditevent", "partner"): set(),
    ("auditevent", "other"): set(),
    ("partnership", "own"): {"partnership_admin"},
    ("partnership", "other"): set(),
    ("partnershipmember", "own"): {"partnership_admin"},
    ("partnershipmember", "other"): set(),
    ("apitoken", "own"): {"mentee"},
    ("mentorprofile", "own"): {"mentor", "coordinator"},
    ("mentorprofile", "partner"): {"partner_coordinator"},
    ("mentorprofile", "other"): {"outsider_coordinator"},
}

MODELS = {
    "organisation": Organisation,
    "person": Person,
    "membership": Membership,
    "site": Site,
    "linemanagement": LineManagement,
    "auditevent": AuditEvent,
    "partnership": Partnership,
    "partnershipmember": PartnershipMember,
    "apitoken": ApiToken,
    "mentorprofile": MentorProfile,
}


def actor_for(cast, name):
    return ANONYMOUS if name == "anonymous" else cast.actor(name)


def test_every_record_type_has_a_rule():
    for model in MODELS.values():
        assert model._meta.label_lower in policies.RULES
        assert model._meta.label_lower in policies.LEVELS


def test_matrix_covers_every_record_type_and_place():
    assert set(SEE) == set(CHANGE)
    assert {kind for kind, _ in SEE} == set(MODELS)


@pytest.mark.parametrize("actor_name", ACTORS)
def test_see_and_change_matrix(cast, world, actor_name):
    actor = actor_for(cast, actor_name)
    problems = []
    for (kind, where), seers in SEE.items():
        obj = world[(kind, where)]
        model = MODELS[kind]
        seen = model.objects.visible_to(actor).filter(pk=obj.pk).exists()
        if seen != (actor_name in seers):
            problems.append(f"see {kind}/{where}: got {seen}")
        may_change = policies.can_change(actor, obj)
        expected_change = actor_name in CHANGE[(kind, where)]
        if may_change != expected_change:
            problems.append(f"change {kind}/{where}: got {may_change}")
        # access_object: 404 when invisible, 403 when visible but read-only.
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        try:
            access_object(actor, model, obj.uuid, for_write=True)
            outcome = "ok"
        except Http404:
            outcome = "404"
        except PermissionDenied:
            outcome = "403"
        want = "ok" if expected_change else ("403" if actor_name in seers else "404")
        if expected_change and actor_name not in seers:
            problems.append(f"{kind}/{where}: may change what it cannot see")
        if outcome != want:
            problems.append(f"access {kind}/{where}: got {outcome}, want {want}")
    assert not problems, f"{actor_name}: " + "; ".join(problems)


def test_superuser_sees_everything(cast, world):
    from tandem.core.actor import build_actor

    admin_user = f.UserFactory(
        username="root@example.org", email="root@example.org", is_superuser=True
    )
    actor = build_actor(admin_user)
    for obj in world.values():
        assert type(obj).objects.visible_to(actor).filter(pk=obj.pk).exists()
        assert policies.can_change(actor, obj)


# --- the same rules through every page that takes a record --------------------------------


def pages(world, cast):
    """(url, kind, where, needs_write)"""
    own, partner, other = (world[("organisation", k)] for k in ("own", "partner", "other"))
    out = []
    for where, org in (("own", own), ("partner", partner), ("other", other)):
        person = world[("person", where)]
        out += [
            (
                reverse("organisations:organisation_detail", args=[org.uuid]),
                "organisation",
                where,
                False,
            ),
            (
                reverse("organisations:organisation_edit", args=[org.uuid]),
                "organisation",
                where,
                True,
            ),
            (reverse("organisations:person_detail", args=[person.uuid]), "person", where, False),
            (reverse("organisations:person_edit", args=[person.uuid]), "person", where, True),
            (
                reverse("organisations:site_edit", args=[org.uuid, world[("site", where)].uuid]),
                "site",
                where,
                True,
            ),
        ]
        profile = world[("mentorprofile", where)]
        out += [
            (reverse("mentors:profile_detail", args=[profile.uuid]), "mentorprofile", where, False),
            (reverse("mentors:profile_edit", args=[profile.uuid]), "mentorprofile", where, True),
        ]
    for where in ("own", "other"):
        p = world[("partnership", where)]
        out += [
            (
                reverse("organisations:partnership_detail", args=[p.uuid]),
                "partnership",
                where,
                False,
            ),
            (reverse("organisations:partnership_edit", args=[p.uuid]), "partnership", where, True),
        ]
    return out


@pytest.mark.parametrize("actor_name", ACTORS)
def test_page_matrix(cast, world, client, actor_name):
    if actor_name != "anonymous":
        client.force_login(cast.people[actor_name].user)
    problems = []
    for url, kind, where, needs_write in pages(world, cast):
        response = client.get(url)
        if actor_name == "anonymous":
            want = 302
        elif needs_write:
            if actor_name in CHANGE[(kind, where)]:
                want = 200
            elif actor_name in SEE[(kind, where)]:
                want = 403
            else:
                want = 404
        else:
            want = 200 if actor_name in SEE[(kind, where)] else 404
        if response.status_code != want:
            problems.append(f"{url} ({kind}/{where}): {response.status_code}, want {want}")
    assert not problems, f"{actor_name}: " + "; ".join(problems)


PEOPLE_READERS = {"coordinator", "tutor", "trainer", "partnership_admin"}
PEOPLE_MANAGERS = {"coordinator"}


@pytest.mark.parametrize("actor_name", [a for a in ACTORS if a != "anonymous"])
def test_people_pages_of_own_organisation(cast, client, actor_name):
    client.force_login(cast.people[actor_name].user)
    org = cast.riverside
    listing = client.get(reverse("organisations:organisation_people", args=[org.uuid]))
    new_person = client.get(reverse("organisations:person_new", args=[org.uuid]))
    if actor_name in PEOPLE_READERS:
        assert listing.status_code == 200
    elif actor_name in SEE[("organisation", "own")]:
        assert listing.status_code == 403
    else:
        assert listing.status_code == 404
    if actor_name in PEOPLE_MANAGERS:
        assert new_person.status_code == 200
    elif actor_name in SEE[("organisation", "own")]:
        assert new_person.status_code == 403
    else:
        assert new_person.status_code == 404


def test_partner_organisation_people_are_not_shared(cast, client):
    """Partners see each other's organisation, not each other's staff list."""
    client.force_login(cast.coordinator.user)
    response = client.get(reverse("organisations:organisation_people", args=[cast.northgate.uuid]))
    assert response.status_code == 403
    assert cast.partner_mentee.email.encode() not in response.content


def test_invalid_uuid_is_a_friendly_404(cast, client):
    client.force_login(cast.coordinator.user)
    response = client.get("/people/not-a-uuid/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
