"""The mentoring-request pages: ask, see the shortlist, choose, name a mentor, decide."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching import requests as services
from tandem.matching.models import MentoringRequest, RequestStatus, Route
from tandem.mentors.models import MentorProfile, Subject
from tandem.relationships.models import Mentorship, MentorshipStatus
from tests import factories as f
from tests.matching.test_request_world import NEEDS, ask, build_world, subject


@pytest.fixture
def world(cast):
    return build_world(cast)


def summary(response) -> list[str]:
    """The entries of the GOV.UK error summary on the page."""
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html, "no error summary"
    block = html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in block.split("<li>")[1:]]


def stored(request):
    with system_access():
        return MentoringRequest.objects.get(pk=request.pk)


# --- asking ----------------------------------------------------------------------------------


def test_mentee_asks_for_a_mentor_and_sees_the_shortlist(cast, world, login):
    client = login(cast.mentee)
    page = client.get(reverse("matching:request_new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1" in html and "Ask for a mentor" in html
    assert "Initial teacher training (in-service)" in html and "2026 intake" in html
    response = client.post(
        reverse("matching:request_new"),
        {
            "programme": world.programme.pk,
            "cohort": world.cohort.pk,
            "subject": subject("Plumbing").pk,
            "development_needs": NEEDS,
            "modes": ["face_to_face", "online"],
            "availability": "Tuesday afternoons",
            "preferences": "",
        },
    )
    with system_access():
        request = MentoringRequest.objects.get(mentee=cast.mentee)
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    detail = client.get(request.get_absolute_url()).content.decode()
    assert "Your request for a mentor" in detail
    assert "Mentors who suit you" in detail
    assert "Mina Patel" in detail and "Omar Ahmed" in detail
    assert "Lena Morgan" not in detail  # his line manager
    assert "Why this mentor" in detail and "Subject fit:" in detail
    assert detail.count(">Choose<") == 2
    assert "I have found a mentor" in detail
    # names, not contact details
    assert cast.mentor.email not in detail and "omar@riverside.example" not in detail


def test_empty_request_form_shows_every_problem(cast, world, login):
    client = login(cast.mentee)
    response = client.post(reverse("matching:request_new"), {})
    assert response.status_code == 200
    entries = summary(response)
    assert "Programme: Choose the programme you are on" in entries
    assert (
        "Subject you teach or want help with: Choose the subject you teach or want help with"
        in (entries)
    )
    assert any(
        e.startswith("What would you like to develop with a mentor?: Describe") for e in entries
    )
    assert "<title>Error: Ask for a mentor" in response.content.decode()
    with system_access():
        assert not MentoringRequest.objects.exists()


def test_second_request_on_the_same_programme_is_explained(cast, world, login):
    ask(world)
    client = login(cast.mentee)
    response = client.post(
        reverse("matching:request_new"),
        {
            "programme": world.programme.pk,
            "subject": subject("Plumbing").pk,
            "development_needs": NEEDS,
        },
    )
    assert response.status_code == 200
    assert any("You already have a request for a mentor" in e for e in summary(response))


def test_only_mentees_ask_for_themselves(cast, world, login):
    assert login(cast.coordinator).get(reverse("matching:request_new")).status_code == 403


def test_mentee_without_a_programme_is_told_what_to_do(cast, login):
    page = login(cast.mentee).get(reverse("matching:request_new")).content.decode()
    assert "No programme is open for requests at your organisation yet" in page
    assert '<form method="post" novalidate>' not in page


def test_your_requests(cast, world, login):
    client = login(cast.mentee)
    empty = client.get(reverse("matching:request_list")).content.decode()
    assert "You have not asked for a mentor yet" in empty
    request = ask(world)
    listed = client.get(reverse("matching:request_list")).content.decode()
    assert request.get_absolute_url() in listed and "Waiting for a mentor" in listed


# --- choosing and naming a mentor ------------------------------------------------------------


def test_mentee_chooses_from_the_shortlist(cast, world, login):
    request = ask(world)
    client = login(cast.mentee)
    response = client.post(
        reverse("matching:request_choose", args=[request.uuid]),
        {"mentor": cast.mentor.uuid, "version": request.version},
    )
    assert response.status_code == 302
    assert stored(request).status == RequestStatus.AWAITING_APPROVAL
    page = client.get(request.get_absolute_url()).content.decode()
    assert "You chose Mina Patel. Waiting for a coordinator to approve." in page
    assert "Mentors who suit you" not in page


def test_choosing_someone_else_shows_an_error_summary(cast, world, login):
    request = ask(world)
    client = login(cast.mentee)
    url = reverse("matching:request_choose", args=[request.uuid])
    response = client.post(url, {"mentor": cast.line_manager.uuid, "version": request.version})
    assert response.status_code == 200
    (entry,) = summary(response)
    assert "Lena Morgan is not on your shortlist any more" in entry
    response = client.post(url, {"mentor": "not-a-uuid", "version": request.version})
    assert summary(response) == ["Choose one of the mentors listed."]
    # The coordinator cannot choose for the mentee.
    coordinator = login(cast.coordinator)
    assert coordinator.post(url, {"mentor": cast.mentor.uuid, "version": 1}).status_code == 403


def test_mentee_names_a_mentor_and_problems_show_on_the_field(cast, world, login):
    request = ask(world)
    client = login(cast.mentee)
    url = reverse("matching:request_own_mentor", args=[request.uuid])
    response = client.post(url, {"email": cast.line_manager.email, "version": request.version})
    assert response.status_code == 200
    (entry,) = summary(response)
    assert entry == "Your mentor's email address: Your line manager can't be your mentor."
    assert 'href="#id_email"' in response.content.decode()
    response = client.post(url, {"email": "someone@else.example", "version": request.version})
    assert summary(response) == [
        "Your mentor's email address: We can't propose this person as your mentor. "
        "Check the email address, or ask your coordinator."
    ]
    response = client.post(url, {"email": cast.mentor.email, "version": request.version})
    assert response.status_code == 302
    assert stored(request).route == Route.SELF_IDENTIFIED


# --- deciding --------------------------------------------------------------------------------


def test_coordinator_approves_a_choice(cast, world, login):
    request = ask(world)
    services.choose_from_shortlist(cast.actor("mentee"), request, cast.mentor)
    client = login(cast.coordinator)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Approve Mina Patel as the mentor?" in page
    url = reverse("matching:request_decide", args=[request.uuid])
    missing = client.post(url, {"version": stored(request).version})
    assert summary(missing) == ["Your decision: Choose whether you approve this mentor"]
    response = client.post(
        url, {"decision": "approve", "note": "", "version": stored(request).version}
    )
    assert response.status_code == 302
    assert stored(request).status == RequestStatus.MATCHED
    with system_access():
        offer = Mentorship.objects.get(request=request)
    assert offer.status == MentorshipStatus.PROPOSED
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Waiting for the mentor to accept" in page


def test_approval_refused_when_the_mentor_withdrew_consent(cast, world, login):
    request = ask(world)
    services.choose_from_shortlist(cast.actor("mentee"), request, cast.mentor)
    with system_access():
        MentorProfile.objects.filter(person=cast.mentor).update(consents_to_matching=False)
    client = login(cast.coordinator)
    response = client.post(
        reverse("matching:request_decide", args=[request.uuid]),
        {"decision": "approve", "version": stored(request).version},
    )
    assert response.status_code == 200
    (entry,) = summary(response)
    assert "Mina Patel cannot be proposed as Tom Reyes's mentor now." in entry
    assert "Mina Patel has asked not to be given new mentees." in entry
    assert stored(request).status == RequestStatus.AWAITING_APPROVAL


def test_tutor_cannot_decide_a_shortlist_choice_and_mentee_never_decides(cast, world, login):
    request = ask(world)
    services.choose_from_shortlist(cast.actor("mentee"), request, cast.mentor)
    url = reverse("matching:request_decide", args=[request.uuid])
    data = {"decision": "approve", "version": stored(request).version}
    tutor = login(cast.tutor)
    assert "Approve Mina Patel" not in tutor.get(request.get_absolute_url()).content.decode()
    assert tutor.post(url, data).status_code == 403
    assert login(cast.mentee).post(url, data).status_code == 403
    assert login(cast.outsider_coordinator).post(url, data).status_code == 404


def test_course_leader_approvals_queue(cast, world, login):
    request = ask(world)
    services.identify_own_mentor(cast.actor("mentee"), request, cast.mentor.email)
    tutor = login(cast.tutor)
    queue = tutor.get(reverse("matching:request_approvals")).content.decode()
    assert request.get_absolute_url() in queue and "Found by the mentee" in queue
    response = tutor.post(
        reverse("matching:request_decide", args=[request.uuid]),
        {
            "decision": "reject",
            "note": "Please choose someone in your subject",
            "version": stored(request).version,
        },
    )
    assert response.status_code == 302
    assert stored(request).status == RequestStatus.OPEN
    queue = tutor.get(reverse("matching:request_approvals")).content.decode()
    assert "Nothing is waiting for your approval" in queue
    mentee_page = login(cast.mentee).get(request.get_absolute_url()).content.decode()
    assert "Please choose someone in your subject" in mentee_page
    assert login(cast.mentee).get(reverse("matching:request_approvals")).status_code == 403


# --- the organisation's requests -------------------------------------------------------------


def test_organisation_requests_with_filters(cast, world, login):
    with system_access():
        ava = f.PersonFactory(given_name="Ava", family_name="Brown")
        f.MembershipFactory(person=ava, organisation=cast.riverside, role=Role.MENTEE)
    tom = ask(world)
    services.choose_from_shortlist(cast.actor("mentee"), tom, cast.mentor)
    ask(
        world,
        mentee=ava,
        actor="coordinator",
        organisation=cast.riverside,
        programme=world.induction,
        cohort=None,
        subject=subject("Electrical installation"),
    )
    client = login(cast.coordinator)
    url = reverse("matching:organisation_requests", args=[cast.riverside.uuid])
    everything = client.get(url).content.decode()
    assert "Tom Reyes" in everything and "Ava Brown" in everything
    assert "Add a request for a mentee" in everything
    waiting = client.get(url, {"status": "awaiting_approval"}).content.decode()
    assert "Tom Reyes" in waiting and "Ava Brown" not in waiting
    by_programme = client.get(url, {"programme": world.induction.uuid}).content.decode()
    assert "Ava Brown" in by_programme and "Tom Reyes" not in by_programme
    by_cohort = client.get(url, {"cohort": world.cohort.uuid}).content.decode()
    assert "Tom Reyes" in by_cohort and "Ava Brown" not in by_cohort
    electrical = Subject.objects.get(name="Electrical installation")
    by_subject = client.get(url, {"subject": electrical.uuid}).content.decode()
    assert "Ava Brown" in by_subject and "Tom Reyes" not in by_subject
    nonsense = client.get(url, {"status": "bogus", "programme": "x", "page": "99"})
    assert nonsense.status_code == 200 and "Tom Reyes" in nonsense.content.decode()
    none = client.get(url, {"status": "withdrawn"}).content.decode()
    assert "No request matches these filters" in none
    # The tutor sees the list but cannot add to it.
    tutor_page = login(cast.tutor).get(url).content.decode()
    assert "Tom Reyes" in tutor_page and "Add a request for a mentee" not in tutor_page


def test_organisation_requests_of_others(cast, world, login):
    client = login(cast.coordinator)
    partner = reverse("matching:organisation_requests", args=[cast.northgate.uuid])
    other = reverse("matching:organisation_requests", args=[cast.eastfield.uuid])
    assert client.get(partner).status_code == 403
    assert client.get(other).status_code == 404
    own = reverse("matching:organisation_requests", args=[cast.riverside.uuid])
    assert login(cast.mentee).get(own).status_code == 403


def test_coordinator_adds_a_request_for_a_mentee(cast, world, login):
    client = login(cast.coordinator)
    url = reverse("matching:organisation_request_new", args=[cast.riverside.uuid])
    page = client.get(url).content.decode()
    assert "Add a request for a mentee" in page and "Tom Reyes" in page
    bad = client.post(url, {"mentee": cast.mentee.pk, "programme": world.programme.pk})
    entries = summary(bad)
    assert any(e.startswith("Subject you teach") for e in entries)
    response = client.post(
        url,
        {
            "mentee": cast.mentee.pk,
            "programme": world.programme.pk,
            "cohort": world.cohort.pk,
            "subject": subject("Plumbing").pk,
            "development_needs": NEEDS,
        },
    )
    assert response.status_code == 302
    with system_access():
        assert MentoringRequest.objects.get(mentee=cast.mentee).created_by == cast.coordinator
    assert login(cast.tutor).get(url).status_code == 403
    assert login(cast.partner_coordinator).get(url).status_code == 403
    assert login(cast.outsider_coordinator).get(url).status_code == 404


# --- changing and withdrawing ----------------------------------------------------------------


def test_mentee_changes_the_request(cast, world, login):
    request = ask(world)
    client = login(cast.mentee)
    url = reverse("matching:request_edit", args=[request.uuid])
    assert "Change the request" in client.get(url).content.decode()
    data = {
        "subject": subject("Electrical installation").pk,
        "development_needs": NEEDS,
        "availability": "Fridays",
        "version": request.version,
    }
    assert client.post(url, data).status_code == 302
    assert stored(request).availability == "Fridays"
    stale = client.post(url, data | {"availability": "Mondays"})
    assert "Someone else changed this request" in summary(stale)[0]
    short = client.post(
        url, data | {"development_needs": "help", "version": stored(request).version}
    )
    assert any("at least 10 characters" in e for e in summary(short))


def test_withdrawing_from_the_page(cast, world, login):
    request = ask(world)
    client = login(cast.mentee)
    url = reverse("matching:request_withdraw", args=[request.uuid])
    assert "Withdraw the request" in client.get(url).content.decode()
    assert client.post(url, {"version": request.version}).status_code == 302
    assert stored(request).status == RequestStatus.WITHDRAWN
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Withdrawn: no mentor is being looked for." in page
    assert "Change the request" not in page
