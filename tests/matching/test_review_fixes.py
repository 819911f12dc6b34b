"""Naming one's own mentor reveals nobody; the next best offer is Tandem's own;
a decision arriving after another coordinator's is answered plainly."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.core.tenancy import system_access
from tandem.matching import requests as services
from tandem.matching.models import MentoringRequest, RequestStatus, Route
from tandem.mentors.models import BrokerageRequest, MentorProfile
from tandem.organisations.models import PartnershipMember
from tandem.relationships import services as relationships
from tandem.relationships.models import MentorshipEvent, MentorshipStatus, Source
from tests import factories as f
from tests.api.conftest import ApiClient
from tests.mentors.directory_setup import build_directory

NEUTRAL = (
    "We can't propose this person as your mentor. Check the email address, or ask your coordinator."
)


@pytest.fixture
def world(cast):
    return build_directory(cast)


@pytest.fixture
def api_as(cast):
    """``api_as("coordinator")``: an API client with a fresh token of that cast member."""
    from django.test import Client

    from tandem.api import services as api_services

    def make(name: str) -> ApiClient:
        _, raw = api_services.create_token(cast.actor(name), name=f"{name} test token")
        return ApiClient(Client(), raw)

    return make


def email_errors(exc: pytest.ExceptionInfo) -> list[str]:
    return [m for e in exc.value.error_dict["email"] for m in e.messages]


def stored(request: MentoringRequest) -> MentoringRequest:
    with system_access():
        return MentoringRequest.objects.select_related("chosen_mentor").get(pk=request.pk)


def name(world, reason: str) -> str:
    with system_access():
        return world.hidden[reason].person.email


# --- 1. the mentee names their own mentor -------------------------------------------------


def test_people_who_cannot_be_proposed_get_one_neutral_message(cast, world):
    with system_access():
        esther = world.esther_profile.person.email
    emails = {
        "nobody in Tandem": "nobody@example.org",
        "another partnership's mentor": esther,
        "a coordinator elsewhere": cast.outsider_coordinator.email,
        "a colleague who is not a mentor": cast.trainer.email,
        "a mentor not approved": name(world, "not approved"),
        "a partner mentor not listed": name(world, "not listed"),
        "a partner mentor not willing outside": name(world, "not willing outside"),
        "a mentor not offered for matching": name(world, "not offered for matching"),
        "a mentor of an organisation not sharing": name(world, "organisation not sharing"),
    }
    for case, email in emails.items():
        with pytest.raises(ValidationError) as exc:
            services.identify_own_mentor(cast.actor("mentee"), world.request, email)
        assert email_errors(exc) == [NEUTRAL], case
    assert stored(world.request).status == RequestStatus.OPEN
    assert stored(world.request).chosen_mentor is None


def test_a_full_mentor_is_not_described_to_the_mentee(cast, world):
    with system_access():
        MentorProfile.objects.filter(pk=world.mina_profile.pk).update(capacity=0)
    with pytest.raises(ValidationError) as exc:
        services.identify_own_mentor(cast.actor("mentee"), world.request, cast.mentor.email)
    assert email_errors(exc) == [NEUTRAL]


def test_the_line_manager_is_named_as_such_in_neutral_words(cast, world):
    with pytest.raises(ValidationError) as exc:
        services.identify_own_mentor(cast.actor("mentee"), world.request, cast.line_manager.email)
    assert email_errors(exc) == ["Your line manager can't be your mentor."]
    with pytest.raises(ValidationError) as exc:
        services.identify_own_mentor(cast.actor("mentee"), world.request, cast.mentee.email)
    assert email_errors(exc) == ["You can't be your own mentor. Enter your mentor's email address."]


def test_a_home_mentor_and_a_listed_partner_mentor_can_be_named(cast, world):
    named = services.identify_own_mentor(
        cast.actor("mentee"), world.request, cast.mentor.email.upper()
    )
    assert named.route == Route.SELF_IDENTIFIED and named.chosen_mentor == cast.mentor
    services.decide(cast.actor("tutor"), named, approve=False, note="Choose someone else")
    named = services.identify_own_mentor(cast.actor("mentee"), world.request, world.nadia.email)
    assert named.chosen_mentor == world.nadia


def test_the_page_shows_only_the_neutral_message(cast, world, login):
    client = login(cast.mentee)
    url = reverse("matching:request_own_mentor", args=[world.request.uuid])
    with system_access():
        esther = world.esther_profile.person
    response = client.post(url, {"email": esther.email, "version": world.request.version})
    page = response.content.decode()
    assert response.status_code == 200
    assert NEUTRAL.replace("'", "&#x27;") in page
    assert "Eastfield" not in page and "Okoro" not in page


def test_the_api_shows_only_the_neutral_message(cast, world, api_as):
    response = api_as("mentee").post(
        f"/mentoring-requests/{world.request.uuid}/own-mentor",
        {"email": cast.outsider_coordinator.email},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert NEUTRAL in body
    assert "Outsider" not in body and "Eastfield" not in body


def test_staff_still_see_the_reasons_when_they_approve(cast, world):
    named = services.identify_own_mentor(cast.actor("mentee"), world.request, world.nadia.email)
    with system_access():
        PartnershipMember.objects.filter(organisation=cast.northgate).update(in_directory=False)
    with pytest.raises(ValidationError) as exc:
        services.decide(cast.actor("tutor"), named, approve=True)
    assert (
        "Nadia Brooks is not offered to other organisations in the partnership directory."
        in exc.value.messages[0]
    )


# --- 4. the next best offer is Tandem's ---------------------------------------------------


def test_next_best_brokerage_is_not_requested_by_the_mentor_who_declined(cast, world):
    with system_access():
        MentorProfile.objects.filter(pk=world.mina_profile.pk).update(capacity=3)
    first = relationships.propose(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=cast.mentor,
        organisation=cast.riverside,
        programme=world.programme,
        source=Source.COORDINATOR,
        request=world.request,
    )
    nxt = relationships.decline(cast.actor("mentor"), first, "busy")
    assert nxt is not None and nxt.mentor == world.nadia
    assert nxt.status == MentorshipStatus.AWAITING_BROKERAGE
    with system_access():
        brokerage = BrokerageRequest.objects.get(mentorship=nxt)
        proposed = MentorshipEvent.objects.get(mentorship=nxt, code="proposed")
    assert brokerage.requested_by is None
    assert proposed.actor_name == "system"  # shown as "Tandem"
    assert "Tom Reyes" not in brokerage.message


def test_a_coordinator_of_the_asking_organisation_is_the_requester(cast, world):
    mentorship = relationships.propose(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=world.nadia,
        organisation=cast.riverside,
        programme=world.programme,
        source=Source.COORDINATOR,
        request=world.request,
    )
    with system_access():
        brokerage = BrokerageRequest.objects.get(mentorship=mentorship)
    assert brokerage.requested_by == cast.coordinator
    assert brokerage.message == (
        "Riverside College would like Nadia Brooks to mentor one of their staff on New teachers."
    )


# --- 8. a decision after someone else's ---------------------------------------------------


@pytest.fixture
def second_coordinator(cast):
    from tandem.core.roles import Role

    with system_access():
        person = f.person_with_account("second@riverside.example", "Sian", "Second")
        f.MembershipFactory(person=person, organisation=cast.riverside, role=Role.COORDINATOR)
    return person


def test_a_second_coordinator_is_told_the_request_moved_on(cast, world, login, second_coordinator):
    named = services.identify_own_mentor(cast.actor("mentee"), world.request, cast.mentor.email)
    version = named.version
    services.decide(cast.actor("coordinator"), named, approve=False, note="Not this one")
    client = login(second_coordinator)
    url = reverse("matching:request_decide", args=[world.request.uuid])
    response = client.post(url, {"decision": "approve", "version": version})
    assert response.status_code == 302
    assert response["Location"] == world.request.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "This request is no longer waiting for approval" in page
    assert stored(world.request).status == RequestStatus.OPEN


def test_the_api_answers_422_when_the_request_moved_on(cast, world, api_as):
    named = services.identify_own_mentor(cast.actor("mentee"), world.request, cast.mentor.email)
    services.decide(cast.actor("coordinator"), named, approve=False, note="Not this one")
    response = api_as("coordinator").post(
        f"/mentoring-requests/{world.request.uuid}/decision", {"approve": True}
    )
    assert response.status_code == 422
    assert "This request is no longer waiting for approval" in response.content.decode()
