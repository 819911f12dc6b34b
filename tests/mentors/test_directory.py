"""The partnership directory (C2): who is listed, who may browse, search and filters,
the CSV export, and — above all — that no contact detail is shown before a
brokerage request is accepted."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tandem.core.tenancy import system_access
from tandem.mentors import brokerage, directory
from tandem.mentors.directory import DirectoryFilters
from tandem.mentors.models import Mode, Sector, TrainingStatus
from tandem.organisations.models import PartnershipMember
from tests.mentors.directory_setup import NADIA_EMAIL, NADIA_PHONE, build_directory


@pytest.fixture
def world(cast):
    return build_directory(cast)


def names(qs):
    return sorted(p.person.full_name for p in qs)


# --- who is listed ---------------------------------------------------------------------


def test_only_opted_in_approved_willing_mentors_of_sharing_organisations_are_listed(cast, world):
    listed = names(directory.directory(cast.actor("coordinator"), cast.north))
    assert listed == ["Mina Patel", "Nadia Brooks"]
    for reason, profile in world.hidden.items():
        assert profile.person.full_name not in listed, reason


def test_an_organisation_that_stops_sharing_disappears(cast, world):
    brokerage.set_directory_opt_ins(
        cast.actor("partner_coordinator"), cast.northgate, shared_in=set()
    )
    assert names(directory.directory(cast.actor("coordinator"), cast.north)) == ["Mina Patel"]
    with system_access():
        member = PartnershipMember.objects.get(partnership=cast.north, organisation=cast.northgate)
    assert member.in_directory is False


def test_only_the_organisations_coordinators_change_its_opt_in(cast, world):
    for name in ("coordinator", "partnership_admin", "partner_tutor", "outsider_coordinator"):
        with pytest.raises(PermissionDenied):
            brokerage.set_directory_opt_ins(cast.actor(name), cast.northgate, shared_in=set())


def test_a_mentor_opts_in_on_their_profile(cast, world, login):
    client = login(cast.mentor)
    profile = world.mina_profile
    url = reverse("mentors:profile_edit", args=[profile.uuid])
    page = client.get(url)
    assert b"List me in the partnership directory" in page.content
    data = {
        "specialisms": [s.pk for s in profile.specialisms.all()],
        "training_status": profile.training_status,
        "years_teaching": 3,
        "years_mentoring": 1,
        "capacity": 2,
        "willing_outside": "on",
        "consents_to_matching": "on",
        "version": profile.version,
        # listed_in_directory left unticked: the mentor leaves the directory
        "subject_learning_coach": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert names(directory.directory(cast.actor("partner_coordinator"), cast.north)) == [
        "Nadia Brooks"
    ]


# --- who may browse ------------------------------------------------------------------------


BROWSERS = {"coordinator", "tutor", "partner_coordinator", "partner_tutor", "partnership_admin"}
MEMBERS_NOT_BROWSING = {"mentor", "mentee", "line_manager", "trainer"}


@pytest.mark.parametrize(
    "name",
    sorted(BROWSERS | MEMBERS_NOT_BROWSING | {"outsider_coordinator", "stranger", "anonymous"}),
)
def test_directory_page_answers_by_role(cast, world, client, name):
    if name != "anonymous":
        client.force_login(cast.people[name].user)
    response = client.get(reverse("mentors:partnership_directory", args=[cast.north.uuid]))
    if name == "anonymous":
        assert response.status_code == 302
    elif name in BROWSERS:
        assert response.status_code == 200
        assert b"Nadia Brooks" in response.content
    elif name in MEMBERS_NOT_BROWSING:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def test_another_partnerships_coordinator_never_sees_the_mentor(cast, world, login):
    client = login(cast.outsider_coordinator)
    for url in (
        reverse("mentors:partnership_directory", args=[cast.north.uuid]),
        reverse("mentors:directory_export", args=[cast.north.uuid]),
        reverse("mentors:directory_mentor", args=[world.nadia_profile.uuid]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Nadia" not in response.content
    # and their own partnership's directory does not list North's mentors
    own = client.get(reverse("mentors:partnership_directory", args=[cast.south.uuid]))
    assert b"Esther Okoro" in own.content and b"Nadia" not in own.content


def test_directory_entry_picks_the_only_partnership_or_lists_them(cast, world, login):
    client = login(cast.coordinator)
    response = client.get(reverse("mentors:directory"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mentors:partnership_directory", args=[cast.north.uuid])
    mentee = login(cast.mentee).get(reverse("mentors:directory"))
    assert mentee.status_code == 200
    assert b"ask your programme coordinator" in mentee.content


def test_unlisted_mentor_card_is_not_found(cast, world, login):
    client = login(cast.coordinator)
    for profile in world.hidden.values():
        response = client.get(reverse("mentors:directory_mentor", args=[profile.uuid]))
        assert response.status_code == 404


# --- search and filters -------------------------------------------------------------------


def test_search_and_every_filter(cast, world):
    actor = cast.actor("coordinator")

    def found(**kw):
        return names(directory.directory(actor, cast.north, DirectoryFilters(**kw)))

    assert found(q="nadia") == ["Nadia Brooks"]
    assert found(q="plumb") == ["Nadia Brooks"]
    assert found(q="construction") == ["Nadia Brooks"]  # the sector of plumbing
    assert found(q="mathematics") == ["Mina Patel"]
    assert found(subject=world.plumbing) == ["Nadia Brooks"]
    assert found(sector=Sector.objects.get(subjects=world.plumbing)) == ["Nadia Brooks"]
    assert found(organisation=cast.riverside) == ["Mina Patel"]
    assert found(mode=Mode.FACE_TO_FACE) == ["Nadia Brooks"]
    assert found(mode=Mode.PHONE) == []
    assert found(region="west yorkshire") == ["Nadia Brooks"]
    assert found(practitioner="advanced_practitioner") == ["Nadia Brooks"]
    assert found(practitioner="subject_learning_coach") == ["Mina Patel"]
    assert found(training_status=TrainingStatus.TRAINED) == ["Mina Patel", "Nadia Brooks"]
    assert found(training_status=TrainingStatus.IN_TRAINING) == []
    assert found(free_capacity=True) == ["Mina Patel", "Nadia Brooks"]


def test_a_full_mentor_has_no_free_place(cast, world):
    from tandem.relationships.models import Mentorship

    with system_access():
        world.nadia_profile.capacity = 1
        world.nadia_profile.save()
        Mentorship.objects.create(
            organisation=cast.northgate,
            mentor_organisation=cast.northgate,
            mentor=world.nadia,
            mentee=cast.partner_mentee,
            programme=world.programme,
            status="active",
        )
    actor = cast.actor("coordinator")
    assert names(directory.directory(actor, cast.north, DirectoryFilters(free_capacity=True))) == [
        "Mina Patel"
    ]
    nadia = directory.directory(actor, cast.north).get(pk=world.nadia_profile.pk)
    assert nadia.free_places == 0 and nadia.held == 1


def test_filters_on_the_page_and_a_bad_filter_is_named(cast, world, login):
    client = login(cast.coordinator)
    url = reverse("mentors:partnership_directory", args=[cast.north.uuid])
    response = client.get(url, {"subject": str(world.plumbing.uuid), "free_capacity": "on"})
    assert b"Nadia Brooks" in response.content and b"Mina Patel" not in response.content
    bad = client.get(url, {"mode": "telepathy"})
    assert bad.status_code == 200
    assert b"There is a problem" in bad.content and b"Way of meeting" in bad.content
    empty = client.get(url, {"q": "zzzz"})
    assert b"No listed mentor matches these filters" in empty.content


def test_empty_directory_says_what_to_do(cast, login):
    client = login(cast.coordinator)
    response = client.get(reverse("mentors:partnership_directory", args=[cast.north.uuid]))
    assert b"No organisation shares its mentors in this directory yet" in response.content
    assert reverse("mentors:directory_settings", args=[cast.riverside.uuid]).encode() in (
        response.content
    )


# --- the export --------------------------------------------------------------------------


def test_export_is_the_filtered_directory_without_contact_details(cast, world, login):
    # Even for the mentor's own coordinator, who may see the details elsewhere.
    for person in (cast.coordinator, cast.partner_coordinator, cast.partnership_admin):
        client = login(person)
        response = client.get(
            reverse("mentors:directory_export", args=[cast.north.uuid]), {"q": "plumb"}
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        body = response.content.decode()
        rows = list(csv.reader(io.StringIO(body)))
        assert rows[0][0] == "Mentor" and [r[0] for r in rows[1:]] == ["Nadia Brooks"]
        assert NADIA_EMAIL not in body and NADIA_PHONE not in body
        assert "@" not in body


def test_export_cells_cannot_run_as_formulas(cast, world, login):
    with system_access():
        world.nadia_profile.availability = '=HYPERLINK("x")'
        world.nadia_profile.save()
    body = (
        login(cast.coordinator)
        .get(reverse("mentors:directory_export", args=[cast.north.uuid]))
        .content.decode()
    )
    assert "'=HYPERLINK" in body


# --- contact details: never before acceptance ------------------------------------------------

# Everyone who might reach a page about Nadia, except Nadia and Northgate's staff.
NOT_ENTITLED = [
    "coordinator",
    "tutor",
    "mentor",
    "mentee",
    "line_manager",
    "trainer",
    "outsider_coordinator",
    "partnership_admin",
    "partner_mentee",
    "stranger",
    "anonymous",
]


def directory_pages(cast, world, item=None):
    urls = [
        reverse("mentors:directory"),
        reverse("mentors:partnership_directory", args=[cast.north.uuid]),
        reverse("mentors:partnership_directory", args=[cast.north.uuid]) + "?q=nadia",
        reverse("mentors:directory_export", args=[cast.north.uuid]),
        reverse("mentors:directory_mentor", args=[world.nadia_profile.uuid]),
        reverse("mentors:brokerage_list"),
        reverse("mentors:partnership_credits", args=[cast.north.uuid]),
    ]
    if item is not None:
        urls.append(reverse("mentors:brokerage_detail", args=[item.uuid]))
    return urls


def assert_no_contact(client, urls, who):
    for url in urls:
        response = client.get(url)
        body = response.content
        assert NADIA_EMAIL.encode() not in body, f"{who} saw the email on {url}"
        assert NADIA_PHONE.encode() not in body, f"{who} saw the phone on {url}"


def pending_request(cast, world):
    return brokerage.request_brokerage(
        cast.actor("coordinator"),
        profile=world.nadia_profile,
        organisation=cast.riverside,
        partnership=cast.north,
        message="Could Nadia advise our new plumbing lecturer?",
    )


@pytest.mark.parametrize("name", NOT_ENTITLED)
def test_no_page_shows_contact_details_before_acceptance(cast, world, client, name):
    item = pending_request(cast, world)
    if name != "anonymous":
        client.force_login(cast.people[name].user)
    assert_no_contact(client, directory_pages(cast, world, item), name)


@pytest.mark.parametrize("name", ["coordinator", "partnership_admin", "outsider_coordinator"])
def test_declined_or_withdrawn_requests_never_reveal(cast, world, client, name):
    declined = pending_request(cast, world)
    brokerage.decide_brokerage(cast.actor("partner_coordinator"), declined, accepted=False)
    withdrawn = pending_request(cast, world)
    brokerage.withdraw_brokerage(cast.actor("coordinator"), withdrawn)
    client.force_login(cast.people[name].user)
    urls = directory_pages(cast, world, declined) + [
        reverse("mentors:brokerage_detail", args=[withdrawn.uuid]),
        reverse("organisations:person_detail", args=[world.nadia.uuid]),
    ]
    if name == "partnership_admin":
        urls.pop()  # administrators read member organisations' people by design
    assert_no_contact(client, urls, name)


def test_the_mentor_and_their_organisations_staff_see_the_details(cast, world, login):
    for person in (cast.partner_coordinator, world.partner_tutor):
        card = login(person).get(
            reverse("mentors:directory_mentor", args=[world.nadia_profile.uuid])
        )
        assert NADIA_EMAIL.encode() in card.content and NADIA_PHONE.encode() in card.content
    item = pending_request(cast, world)
    # The mentor sees requests about her, and her own details on them.
    own = login(world.nadia).get(reverse("mentors:brokerage_detail", args=[item.uuid]))
    assert own.status_code == 200 and NADIA_PHONE.encode() in own.content


def test_after_acceptance_the_requesting_coordinator_sees_them_everywhere(cast, world, login):
    item = pending_request(cast, world)
    brokerage.decide_brokerage(
        cast.actor("partner_coordinator"), item, accepted=True, note="Happy to help"
    )
    client = login(cast.coordinator)
    card = client.get(reverse("mentors:directory_mentor", args=[world.nadia_profile.uuid]))
    assert NADIA_EMAIL.encode() in card.content and NADIA_PHONE.encode() in card.content
    listing = client.get(reverse("mentors:partnership_directory", args=[cast.north.uuid]))
    assert NADIA_EMAIL.encode() in listing.content
    detail = client.get(reverse("mentors:brokerage_detail", args=[item.uuid]))
    assert NADIA_EMAIL.encode() in detail.content and NADIA_PHONE.encode() in detail.content
    person = client.get(reverse("organisations:person_detail", args=[world.nadia.uuid]))
    assert person.status_code == 200
    assert NADIA_EMAIL.encode() in person.content and NADIA_PHONE.encode() in person.content
    # The export stays without contact details, even now.
    export = client.get(reverse("mentors:directory_export", args=[cast.north.uuid]))
    assert NADIA_EMAIL.encode() not in export.content
    # Nobody else gains anything from Riverside's acceptance.
    for name in ("tutor", "mentor", "partnership_admin", "outsider_coordinator", "mentee"):
        other = login(cast.people[name])
        urls = directory_pages(cast, world, item)
        assert_no_contact(other, urls, name)


# --- the demonstration data ------------------------------------------------------------------


def test_demo_directory_is_idempotent_and_shows_the_story(db):
    from tandem.core.actor import build_actor
    from tandem.mentors.directory_demo import seed_directory
    from tandem.mentors.models import BrokerageRequest, CreditEntry
    from tandem.organisations import demo
    from tandem.organisations.models import Partnership, Person

    assert seed_directory() is False  # nothing to build on yet
    demo.seed()
    assert seed_directory() is True
    assert seed_directory() is False
    with system_access():
        pennine = Partnership.objects.get(name=demo.MARKER_PARTNERSHIP)
        helen = Person.objects.get(email="coordinator@riverside.example")
        assert BrokerageRequest.objects.count() == 2
        assert CreditEntry.objects.count() == 2
    actor = build_actor(helen.user)
    listed = names(directory.directory(actor, pennine))
    assert "Imran Akhtar" in listed and "Kwame Asante" in listed
    assert not any(n in listed for n in ("Fatima Rahman", "Gwen Roberts"))  # Kirkdale
    imran = next(p for p in directory.directory(actor, pennine) if p.person.given_name == "Imran")
    assert directory.contact_visible(actor, imran)
    assert directory.waiting_count(actor) == 1
    balances = {b.organisation.name: b.balance for b in directory.credit_balances(actor, pennine)}
    assert balances["Northgate Training"] == 1 and balances["Riverside College"] == -1
