"""The pages: your mentoring, one mentorship (answer, withdraw, end), the list, allocation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.organisations.models import PartnershipMember
from tandem.programmes.models import AcademicCalendar, Cohort
from tandem.relationships import services
from tandem.relationships.demo import create_active
from tandem.relationships.models import Mentorship, MentorshipStatus
from tests import factories as f
from tests.relationships.conftest import mentor_profile, new_person


@pytest.fixture
def offer(cast, programme, mentor):
    return services.create_by_coordinator(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=mentor,
        organisation=cast.riverside,
        programme=programme,
    )


@pytest.fixture
def active(cast, programme, mentor):
    return create_active(
        cast.mentee,
        mentor,
        programme,
        cast.riverside,
        starts_on=timezone.localdate() - timedelta(days=20),
    )


def status_of(mentorship):
    with system_access():
        return Mentorship.objects.get(pk=mentorship.pk).status


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def error_summary(response) -> str:
    html = response.content.decode()
    start = html.find('class="govuk-error-summary"')
    assert start != -1, "no error summary on the page"
    return re.sub(r"\s+", " ", html[start : html.find("</ul>", start)])


# --- one mentorship ------------------------------------------------------------------------


def test_mentor_sees_the_offer_and_accepts(cast, login, offer):
    client = login(cast.mentor)
    page = client.get(offer.get_absolute_url())
    assert page.status_code == 200
    body = text(page)
    assert "Mina Patel mentoring Tom Reyes" in body
    assert "Accept and start mentoring" in body and "Please answer by" in body
    assert "Proposed" not in body or "proposed Mina Patel as mentor" in body
    response = client.post(reverse("relationships:mentorship_accept", args=[offer.uuid]))
    assert response.status_code == 302 and response["Location"] == offer.get_absolute_url()
    assert status_of(offer) == MentorshipStatus.ACTIVE
    after = text(client.get(offer.get_absolute_url()))
    assert "You are now mentoring Tom Reyes" in after
    assert "Mina Patel accepted." in after
    assert "Accept and start mentoring" not in after


def test_mentor_declines_with_a_reason(cast, login, offer, next_best):
    client = login(cast.mentor)
    response = client.post(
        reverse("relationships:mentorship_decline", args=[offer.uuid]),
        {"decline-reason": "Teaching five days a week this term"},
    )
    assert response.status_code == 302
    assert status_of(offer) == MentorshipStatus.DECLINED
    page = text(client.get(offer.get_absolute_url()))
    assert "You have declined to mentor Tom Reyes" in page
    assert "Reason given: Teaching five days a week this term" in page
    # The mentee sees that the mentor declined, not why.
    mentee_page = text(login(cast.mentee).get(offer.get_absolute_url()))
    assert "Declined by the mentor" in mentee_page
    assert "Teaching five days" not in mentee_page


def test_a_too_long_decline_reason_is_named_in_the_error_summary(cast, login, offer):
    client = login(cast.mentor)
    response = client.post(
        reverse("relationships:mentorship_decline", args=[offer.uuid]),
        {"decline-reason": "x" * 501},
    )
    assert response.status_code == 200
    summary = error_summary(response)
    assert "Why are you declining? (optional): The reason must be 500 characters or fewer" in (
        summary
    )
    assert 'href="#id_decline-reason"' in summary
    assert status_of(offer) == MentorshipStatus.PROPOSED
    assert "<title>Error: " in response.content.decode()


def test_answering_after_the_deadline_says_so(cast, login, offer):
    with system_access():
        Mentorship.objects.filter(pk=offer.pk).update(
            respond_by=timezone.now() - timedelta(hours=2)
        )
    client = login(cast.mentor)
    assert "The time to answer passed" in text(client.get(offer.get_absolute_url()))
    response = client.post(
        reverse("relationships:mentorship_accept", args=[offer.uuid]), follow=True
    )
    assert "The time to answer has passed." in text(response)
    assert status_of(offer) == MentorshipStatus.PROPOSED


@pytest.mark.parametrize("who", ["mentee", "coordinator", "tutor"])
def test_only_the_mentor_can_accept(cast, login, offer, who):
    response = login(cast.people[who]).post(
        reverse("relationships:mentorship_accept", args=[offer.uuid])
    )
    assert response.status_code == 403
    assert status_of(offer) == MentorshipStatus.PROPOSED


def test_coordinator_withdraws_a_proposal(cast, login, offer):
    client = login(cast.coordinator)
    page = text(client.get(offer.get_absolute_url()))
    assert "Withdraw the proposal" in page and "Accept and start mentoring" not in page
    response = client.post(
        reverse("relationships:mentorship_withdraw", args=[offer.uuid]), follow=True
    )
    assert "The proposal for Mina Patel has been withdrawn." in text(response)
    assert status_of(offer) == MentorshipStatus.WITHDRAWN


def test_coordinator_ends_a_mentorship_and_bad_input_is_named(cast, login, active):
    client = login(cast.coordinator)
    url = reverse("relationships:mentorship_end", args=[active.uuid])
    page = text(client.get(active.get_absolute_url()))
    assert "End this mentorship" in page and "Close with a closing review" in page
    missing = client.post(url, {})
    summary = error_summary(missing)
    assert "Why is the mentorship ending?: Choose why the mentorship is ending" in summary
    assert 'href="#id_end-reason_1"' in summary
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = client.post(
        url,
        {
            "end-reason": "completed",
            "end-ends_on_0": tomorrow.day,
            "end-ends_on_1": tomorrow.month,
            "end-ends_on_2": tomorrow.year,
        },
    )
    assert "The end date must be today or in the past." in error_summary(future)
    not_a_date = client.post(
        url,
        {"end-reason": "completed", "end-ends_on_0": 31, "end-ends_on_1": 2, "end-ends_on_2": 2026},
    )
    assert "End date must be a real date" in error_summary(not_a_date)
    assert status_of(active) == MentorshipStatus.ACTIVE
    done = client.post(url, {"end-reason": "completed"}, follow=True)
    assert "The mentorship has ended." in text(done)
    assert status_of(active) == MentorshipStatus.ENDED


def test_tutor_reads_but_cannot_withdraw_or_end(cast, login, offer, programme, more_mentees):
    active = create_active(more_mentees[0], cast.mentor, programme, cast.riverside)
    client = login(cast.tutor)
    page = text(client.get(offer.get_absolute_url()))
    assert "Withdraw the proposal" not in page
    assert (
        client.post(reverse("relationships:mentorship_withdraw", args=[offer.uuid])).status_code
        == 403
    )
    assert client.get(active.get_absolute_url()).status_code == 200
    assert "End this mentorship" not in text(client.get(active.get_absolute_url()))
    response = client.post(
        reverse("relationships:mentorship_end", args=[active.uuid]), {"end-reason": "completed"}
    )
    assert response.status_code == 403
    assert status_of(offer) == MentorshipStatus.PROPOSED
    assert status_of(active) == MentorshipStatus.ACTIVE


@pytest.mark.parametrize("who", ["outsider_coordinator", "partnership_admin", "stranger"])
def test_another_organisation_gets_404(cast, login, offer, who):
    client = login(cast.people[who])
    assert client.get(offer.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("relationships:mentorship_withdraw", args=[offer.uuid])).status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, offer):
    response = client.get(offer.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_line_manager_sees_that_mentoring_happens_not_why_it_ended(cast, login, active):
    services.end(cast.actor("coordinator"), active, reason="broke_down")
    page = text(login(cast.line_manager).get(active.get_absolute_url()))
    assert "Mina Patel mentoring Tom Reyes" in page
    assert "did not work" not in page
    assert "did not work" in text(login(cast.coordinator).get(active.get_absolute_url()))


def test_why_this_match_and_score_are_shown(cast, login, programme, mentor):
    mentorship = services.propose(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=mentor,
        organisation=cast.riverside,
        programme=programme,
        source="match_run",
        score=84,
        why=["Teaches plumbing, the subject Tom asked for", "Both on the city campus"],
    )
    page = text(login(cast.mentor).get(mentorship.get_absolute_url()))
    assert "84 out of 100" in page
    assert "Why this match" in page and "Both on the city campus" in page


# --- your mentoring ------------------------------------------------------------------------


def test_your_mentoring_shows_offers_mentees_and_mentors(cast, login, offer, programme):
    page = text(login(cast.mentor).get(reverse("relationships:your_mentoring")))
    assert "Waiting for your answer" in page and "Will you mentor Tom Reyes?" in page
    mentee_page = text(login(cast.mentee).get(reverse("relationships:your_mentoring")))
    assert "Your mentor" in mentee_page and "Mina Patel" in mentee_page
    empty = text(login(cast.tutor).get(reverse("relationships:your_mentoring")))
    assert "You have no mentoring under way" in empty


def test_offers_panel_lists_the_waiting_offers(cast, rf, offer):
    from django.template.loader import render_to_string

    from tandem.relationships.selectors import offers_for

    html = render_to_string(
        "relationships/_offers_panel.html", {"offers": list(offers_for(cast.actor("mentor")))}
    )
    assert offer.get_absolute_url() in html and "Tom Reyes" in html
    assert render_to_string("relationships/_offers_panel.html", {"offers": []}).strip() == ""


# --- the organisation's list ------------------------------------------------------------------


def test_coordinator_lists_counts_and_filters(cast, login, offer, programme, more_mentees):
    other = new_person(cast.riverside, Role.MENTOR, "Oli", "Other")
    mentor_profile(other, cast.riverside)
    create_active(more_mentees[0], other, programme, cast.riverside)
    client = login(cast.coordinator)
    url = reverse("relationships:organisation_mentorships", args=[cast.riverside.uuid])
    page = client.get(url)
    assert page.status_code == 200
    body = text(page)
    assert "2 mentorships." in body and "Allocate a mentor" in body
    assert re.search(r"Waiting for the mentor to accept</a></th> <td[^>]*>1</td>", body)
    assert re.search(r">Active</a></th> <td[^>]*>1</td>", body)
    only_active = text(client.get(url, {"status": "active"}))
    assert "1 mentorship matching the filters." in only_active and "Ana Lee" in only_active
    by_name = text(client.get(url, {"q": "reyes"}))
    assert "1 mentorship matching" in by_name and "Tom Reyes" in by_name
    bad = client.get(url, {"status": "nonsense"})
    assert "Status: Choose a status from the list" in error_summary(bad)


def test_tutor_lists_but_cannot_allocate(cast, login, offer):
    client = login(cast.tutor)
    url = reverse("relationships:organisation_mentorships", args=[cast.riverside.uuid])
    page = text(client.get(url))
    assert "Tom Reyes" in page and "Allocate a mentor</a>" not in page
    assert (
        client.get(reverse("relationships:allocate", args=[cast.riverside.uuid])).status_code == 403
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("mentor", 403), ("partner_coordinator", 403), ("outsider_coordinator", 404)],
)
def test_list_is_for_the_organisations_staff(cast, login, who, status):
    url = reverse("relationships:organisation_mentorships", args=[cast.riverside.uuid])
    assert login(cast.people[who]).get(url).status_code == status


def test_partner_coordinator_sees_their_mentors_mentorships(cast, login, programme, partner_mentor):
    mentorship = services.create_by_coordinator(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=partner_mentor,
        organisation=cast.riverside,
        programme=programme,
    )
    client = login(cast.partner_coordinator)
    page = text(
        client.get(reverse("relationships:organisation_mentorships", args=[cast.northgate.uuid]))
    )
    assert "Tom Reyes" in page and "Riverside College" in page
    detail = text(client.get(mentorship.get_absolute_url()))
    assert "Waiting for the mentor&#x27;s organisation to agree" in detail
    assert "Withdraw the proposal" not in detail


def test_empty_list_says_what_to_do_next(cast, login):
    url = reverse("relationships:organisation_mentorships", args=[cast.riverside.uuid])
    assert "Allocate a mentor to a mentee" in text(login(cast.coordinator).get(url))


# --- allocating ----------------------------------------------------------------------------


def allocate_url(cast):
    return reverse("relationships:allocate", args=[cast.riverside.uuid])


def test_coordinator_allocates_a_mentor(cast, login, programme, mentor):
    with system_access():
        calendar = AcademicCalendar.objects.create(
            organisation=cast.riverside,
            name="2026/27",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=300),
        )
        cohort = Cohort.objects.create(
            programme=programme,
            organisation=cast.riverside,
            calendar=calendar,
            name="September starters",
            starts_on=calendar.starts_on,
            ends_on=calendar.ends_on,
        )
    client = login(cast.coordinator)
    form = text(client.get(allocate_url(cast)))
    assert '<h1 class="govuk-heading-l">Allocate a mentor</h1>' in form
    assert "Mina Patel (Riverside College)" in form and "Tom Reyes" in form
    response = client.post(
        allocate_url(cast),
        {
            "mentee": cast.mentee.uuid,
            "mentor": mentor.uuid,
            "programme": programme.uuid,
            "cohort": cohort.uuid,
        },
        follow=True,
    )
    with system_access():
        mentorship = Mentorship.objects.get(mentee=cast.mentee)
    assert response.redirect_chain[-1][0] == mentorship.get_absolute_url()
    assert "Mina Patel has been asked to mentor Tom Reyes" in text(response)
    assert mentorship.cohort == cohort and mentorship.status == MentorshipStatus.PROPOSED


def test_partner_mentors_who_offer_are_listed(cast, login, programme, partner_mentor):
    client = login(cast.coordinator)
    # Only once Northgate shares its mentors in the partnership directory.
    with system_access():
        PartnershipMember.objects.filter(organisation=cast.northgate).update(in_directory=False)
    assert "Nadia Brook" not in text(client.get(allocate_url(cast)))
    with system_access():
        PartnershipMember.objects.filter(organisation=cast.northgate).update(in_directory=True)
    unwilling = new_person(cast.northgate, Role.MENTOR, "Una", "Willing")
    mentor_profile(unwilling, cast.northgate, willing_outside=False)
    far = new_person(cast.eastfield, Role.MENTOR, "Finn", "Far")
    mentor_profile(far, cast.eastfield, willing_outside=True)
    form = text(client.get(allocate_url(cast)))
    assert "Nadia Brook (Northgate Training)" in form
    assert "Una Willing" not in form and "Finn Far" not in form


def test_refused_allocation_lists_every_problem_on_the_mentor_field(cast, login, programme):
    line_manager = cast.line_manager
    with system_access():
        f.MembershipFactory(person=line_manager, organisation=cast.riverside, role=Role.MENTOR)
    mentor_profile(line_manager, cast.riverside, consents_to_matching=False)
    response = login(cast.coordinator).post(
        allocate_url(cast),
        {"mentee": cast.mentee.uuid, "mentor": line_manager.uuid, "programme": programme.uuid},
    )
    assert response.status_code == 200
    summary = error_summary(response)
    assert summary.count('href="#id_mentor"') == 2
    assert "Mentor: Lena Morgan line-manages Tom Reyes" in summary
    assert "Mentor: Lena Morgan has asked not to be given new mentees." in summary
    with system_access():
        assert not Mentorship.objects.exists()


def test_allocation_names_missing_and_unknown_choices(cast, login, programme):
    client = login(cast.coordinator)
    empty = error_summary(client.post(allocate_url(cast), {}))
    for line in ("Mentee: Choose the mentee", "Mentor: Choose the mentor", "Programme: Choose"):
        assert line in empty
    unknown = error_summary(
        client.post(
            allocate_url(cast),
            {"mentee": cast.outsider_mentee.uuid, "mentor": "not-an-id", "programme": ""},
        )
    )
    assert "Mentee: Choose a mentee from the list" in unknown
    assert "Mentor: Choose a mentor from the list" in unknown


def test_allocation_without_programmes_says_what_to_do(cast, login):
    page = text(login(cast.coordinator).get(allocate_url(cast)))
    assert "runs no open programme yet" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("tutor", 403), ("mentor", 403), ("partner_coordinator", 403), ("outsider_coordinator", 404)],
)
def test_only_coordinators_allocate(cast, login, programme, who, status):
    assert login(cast.people[who]).get(allocate_url(cast)).status_code == status


def test_platform_admin_reads_mentorships_in_the_admin(cast, client, active):
    root = f.UserFactory(username="root@example.org", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get(reverse("admin:relationships_mentorship_changelist")).status_code == 200
    page = client.get(reverse("admin:relationships_mentorship_change", args=[active.pk]))
    assert page.status_code == 200 and "created" in page.content.decode()


def test_staff_are_sent_to_their_organisations_list(cast, login):
    url = reverse("relationships:staff_mentorships")
    for who in ("coordinator", "tutor"):
        response = login(cast.people[who]).get(url)
        assert response["Location"] == reverse(
            "relationships:organisation_mentorships", args=[cast.riverside.uuid]
        )
    assert login(cast.mentor).get(url).status_code == 403
