"""The matching pages: start, progress, review, change, publish, discard, lists and report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.core.tenancy import system_access
from tandem.matching import services
from tandem.matching.models import MatchRun, Proposal, RunStatus
from tandem.mentors.models import MentorProfile
from tandem.relationships.models import Mentorship
from tests.matching.test_run_world import build_world, make_cohort


@pytest.fixture
def world(cast):
    return build_world(cast)


@pytest.fixture
def run(world, cast):
    return services.start_run(cast.actor("coordinator"), world.cohort)


def match_url(cohort):
    return reverse("matching:match_cohort", args=[cohort.uuid])


def proposal_of(run, given_name):
    with system_access():
        return Proposal.objects.select_related("mentor").get(
            run=run, request__mentee__given_name=given_name
        )


def test_coordinator_matches_a_cohort_from_the_form(world, cast, login):
    client = login(cast.coordinator)
    page = client.get(match_url(world.cohort))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Match Autumn 2026" in text and "4 mentees in this cohort are waiting" in text
    assert "Match as many mentees as possible first" in text
    response = client.post(
        match_url(world.cohort), {"objective": "participation_first", "include_partners": "on"}
    )
    with system_access():
        run = MatchRun.objects.get(cohort=world.cohort)
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    page = client.get(run.get_absolute_url())
    text = page.content.decode()
    assert "Matching finished: review the proposals, then publish." in text
    assert "3 of 4 mentees" in text
    assert "Why this match" in text and "Subject fit:" in text
    assert "Upholstery and soft furnishing" in text  # unmatched and hard to match
    assert "Mentees not matched" in text
    assert "Publish 3 matches" in text and "Discard this run" in text


def test_starting_with_no_objective_or_an_empty_cohort_says_why(world, cast, login):
    client = login(cast.coordinator)
    page = client.post(match_url(world.cohort), {})
    assert "Choose what matters most" in page.content.decode()
    _, empty = make_cohort(cast.riverside, name="Spring 2027")
    page = client.post(match_url(empty), {"objective": "quality_first"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in text
    assert "No mentee in Spring 2027 is waiting for a mentor" in text
    with system_access():
        assert not MatchRun.objects.filter(cohort=empty).exists()


def test_match_page_is_404_for_another_organisation_and_403_for_a_tutor(world, cast, login):
    assert login(cast.outsider_coordinator).get(match_url(world.cohort)).status_code == 404
    assert login(cast.partner_coordinator).get(match_url(world.cohort)).status_code == 404
    assert login(cast.tutor).get(match_url(world.cohort)).status_code == 403


def test_run_page_is_404_for_other_organisations_and_staff_who_do_not_match(run, cast, login):
    url = run.get_absolute_url()
    for name in ("outsider_coordinator", "partner_coordinator", "tutor", "mentor"):
        assert login(cast.people[name]).get(url).status_code == 404, name


def test_progress_partial_polls_while_running_and_refreshes_when_done(world, cast, login):
    with system_access():
        run = MatchRun.objects.create(
            organisation=cast.riverside,
            cohort=world.cohort,
            status=RunStatus.RUNNING,
            progress=30,
            stage="Finding allowed pairs",
        )
    client = login(cast.coordinator)
    full = client.get(run.get_absolute_url()).content.decode()
    assert '<noscript><meta http-equiv="refresh"' in full
    assert 'role="progressbar"' in full and 'aria-valuenow="30"' in full
    partial = client.get(run.get_absolute_url(), HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text and "<h1" not in text
    assert 'hx-trigger="every 1s"' in text and 'aria-valuenow="30"' in text
    assert "Finding allowed pairs" in text
    with system_access():
        MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.READY, progress=100)
    done = client.get(run.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert done.headers["HX-Refresh"] == "true"
    page = client.get(run.get_absolute_url()).content.decode()
    assert "every 1s" not in page


def test_a_failed_run_shows_its_message_and_a_way_to_try_again(world, cast, login):
    with system_access():
        run = MatchRun.objects.create(
            organisation=cast.riverside,
            cohort=world.cohort,
            status=RunStatus.FAILED,
            error="Something went wrong while matching this cohort.",
        )
    text = login(cast.coordinator).get(run.get_absolute_url()).content.decode()
    assert "The matching did not finish. Something went wrong" in text
    assert "Match Autumn 2026 again" in text


def test_changing_a_pair_from_the_page(world, cast, run, login):
    client = login(cast.coordinator)
    ben = proposal_of(run, "Ben")
    alternative = ben.alternatives[0]
    url = reverse("matching:proposal_change", args=[ben.uuid])
    response = client.post(url, {"mentor": alternative["mentor"], "version": run.version})
    assert response.status_code == 302
    changed = proposal_of(run, "Ben")
    assert str(changed.mentor.uuid) == alternative["mentor"]
    page = client.get(run.get_absolute_url()).content.decode()
    assert f"Ben Clark will be proposed to {alternative['name']}." in page
    assert "Changed by Cora Coleman" in page


def test_a_refused_change_shows_the_reason_in_an_error_summary(world, cast, run, login):
    client = login(cast.coordinator)
    ben = proposal_of(run, "Ben")
    choice = ben.alternatives[0]
    with system_access():
        MentorProfile.objects.filter(person__uuid=choice["mentor"]).update(
            consents_to_matching=False
        )
    response = client.post(
        reverse("matching:proposal_change", args=[ben.uuid]),
        {"mentor": choice["mentor"], "version": run.version},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert f"Mentor for Ben Clark: {choice['name']} has asked not to be given new mentees." in text
    assert f'href="#mentor-{ben.uuid}"' in text
    assert proposal_of(run, "Ben").mentor == ben.mentor


def test_a_mentor_not_offered_is_refused_and_unknown_choices_too(world, cast, run, login):
    client = login(cast.coordinator)
    ben = proposal_of(run, "Ben")
    url = reverse("matching:proposal_change", args=[ben.uuid])
    text = client.post(url, {"mentor": str(cast.trainer.uuid), "version": run.version}).content
    assert b"Mentor for Ben Clark: Choose one of the mentors listed" in text
    assert b"Trudy" not in text


def test_leave_unmatched_from_the_page(world, cast, run, login):
    client = login(cast.coordinator)
    ben = proposal_of(run, "Ben")
    client.post(
        reverse("matching:proposal_change", args=[ben.uuid]),
        {"mentor": "unmatched", "version": run.version},
    )
    assert proposal_of(run, "Ben").unmatched_reason == "Left unmatched by Cora Coleman"


def test_publish_from_the_page_then_links_to_the_mentorships(world, cast, run, login):
    client = login(cast.coordinator)
    response = client.post(
        reverse("matching:run_publish", args=[run.uuid]), {"version": run.version}
    )
    assert response.status_code == 302
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Published 3 matches" in page
    with system_access():
        mentorships = list(Mentorship.objects.filter(cohort=world.cohort))
    assert len(mentorships) == 3
    for m in mentorships:
        assert m.get_absolute_url() in page
    assert "Waiting for the mentor to accept" in page
    assert "Publish 3 matches" not in page


def test_a_refused_publish_shows_every_reason_and_publishes_nothing(world, cast, run, login):
    ben = proposal_of(run, "Ben")
    with system_access():
        MentorProfile.objects.filter(person=ben.mentor).update(consents_to_matching=False)
    client = login(cast.coordinator)
    response = client.post(
        reverse("matching:run_publish", args=[run.uuid]), {"version": run.version}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text and "Nothing was published" in text
    assert f"Ben Clark: {ben.mentor} has asked not to be given new mentees." in text
    with system_access():
        assert not Mentorship.objects.exists()


def test_a_stale_publish_is_refused(world, cast, run, login):
    client = login(cast.coordinator)
    response = client.post(
        reverse("matching:run_publish", args=[run.uuid]), {"version": run.version - 1}
    )
    assert "Someone else changed this matching run" in response.content.decode()


def test_discard_from_the_page(world, cast, run, login):
    client = login(cast.coordinator)
    client.post(reverse("matching:run_discard", args=[run.uuid]), {"version": run.version})
    run.refresh_from_db()
    assert run.status == RunStatus.DISCARDED
    page = client.get(run.get_absolute_url()).content.decode()
    assert "This run was discarded" in page


def test_tutor_cannot_post_changes(world, cast, run, login):
    client = login(cast.tutor)
    ben = proposal_of(run, "Ben")
    assert (
        client.post(
            reverse("matching:proposal_change", args=[ben.uuid]),
            {"mentor": "unmatched", "version": run.version},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("matching:run_publish", args=[run.uuid]), {"version": run.version}
        ).status_code
        == 404
    )


def test_organisation_runs_and_hard_to_match_pages(world, cast, run, login):
    runs_url = reverse("matching:organisation_runs", args=[cast.riverside.uuid])
    report_url = reverse("matching:hard_to_match", args=[cast.riverside.uuid])
    client = login(cast.coordinator)
    listing = client.get(runs_url).content.decode()
    assert run.get_absolute_url() in listing and "3 of 4" in listing
    report = client.get(report_url).content.decode()
    assert "Upholstery and soft furnishing" in report and "Riverside College" in report
    assert login(cast.tutor).get(runs_url).status_code == 403
    assert login(cast.tutor).get(report_url).status_code == 403
    assert login(cast.outsider_coordinator).get(runs_url).status_code == 404
    assert login(cast.outsider_coordinator).get(report_url).status_code == 404


def test_empty_states_say_what_to_do(cast, login):
    client = login(cast.coordinator)
    listing = client.get(reverse("matching:organisation_runs", args=[cast.riverside.uuid]))
    assert "Match this cohort" in listing.content.decode()
    report = client.get(reverse("matching:hard_to_match", args=[cast.riverside.uuid]))
    assert "Nobody is hard to match" in report.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(run, client):
    assert client.get(run.get_absolute_url()).status_code == 302
