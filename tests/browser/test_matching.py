"""A coordinator matches a cohort, reads why, changes one pair and publishes; a mentor accepts."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.core.tenancy import system_access
from tandem.matching.models import MatchRun, Proposal, RunStatus
from tandem.relationships.models import Mentorship, MentorshipStatus
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.matching.test_run_world import build_world


def open_match_page(page: Page, cohort: Any) -> None:
    """From the cohort's page (through its "Match this cohort" link when it has one)."""
    page.goto(cohort.get_absolute_url())
    expect(page.locator("h1")).to_have_text(cohort.name)
    assert_accessible(page)
    link = page.get_by_role("link", name="Match this cohort")
    if link.count():
        link.first.click()
    else:
        page.goto(reverse("matching:match_cohort", args=[cohort.uuid]))


def run_proposals(run: MatchRun) -> dict[str, Proposal]:
    with system_access():
        return {
            p.request.mentee.given_name: p
            for p in Proposal.objects.filter(run=run).select_related("request__mentee", "mentor")
        }


def test_coordinator_matches_changes_publishes_and_the_mentor_accepts(
    new_page: Any, cast: Any
) -> None:
    world = build_world(cast)
    page: Page = new_page()
    sign_in(page, cast.coordinator.email, PASSWORD)
    open_match_page(page, world.cohort)
    expect(page.locator("h1")).to_have_text("Match Autumn 2026")
    assert_accessible(page)
    expect(page.get_by_label("Match as many mentees as possible first")).to_be_checked()
    page.get_by_role("button", name="Start matching").click()

    # The ImmediateBackend runs the task inline: the run is ready to review.
    expect(page.locator("h1")).to_have_text("Matching Autumn 2026")
    expect(page.locator("main")).to_contain_text("3 of 4 mentees")
    expect(page.locator("main")).to_contain_text("Ready to review")
    assert_accessible(page)
    with system_access():
        run = MatchRun.objects.get(cohort=world.cohort)
    proposals = run_proposals(run)

    # Why was Ben proposed to his mentor?
    ben_row = page.locator(f"#proposal-{proposals['Ben'].uuid}")
    ben_row.get_by_text("Why this match").click()
    expect(ben_row.locator(".govuk-details__text")).to_contain_text("Subject fit:")
    expect(ben_row.locator(".govuk-details__text")).to_contain_text(
        "Found on the fallback ladder at: exact subject"
    )
    assert_accessible(page)

    # A change that breaks a hard constraint is refused with the reason.
    mina = world.mentors["Mina"]
    holders = [p for p in proposals.values() if p.mentor == mina]
    if holders and str(mina.uuid) in {a["mentor"] for a in proposals["Ben"].alternatives}:
        ben_row.get_by_label("Change mentor for Ben Clark").select_option(str(mina.uuid))
        ben_row.get_by_role("button", name="Change mentor for Ben Clark").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Mina Patel can take 1 more mentee"
        )
        assert_accessible(page)
        ben_row = page.locator(f"#proposal-{proposals['Ben'].uuid}")

    # Lena Morgan (two places, never Tom's mentor) is one of Ben's alternatives.
    lena = world.mentors["Lena"]
    assert str(lena.uuid) in {a["mentor"] for a in proposals["Ben"].alternatives}
    ben_row.get_by_label("Change mentor for Ben Clark").select_option(str(lena.uuid))
    ben_row.get_by_role("button", name="Change mentor for Ben Clark").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Ben Clark will be proposed to Lena Morgan."
    )
    expect(page.locator(f"#proposal-{proposals['Ben'].uuid}")).to_contain_text(
        "Changed by Cora Coleman"
    )
    assert_accessible(page)

    page.get_by_role("button", name="Publish 3 matches").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Published 3 matches"
    )
    expect(page.locator("main")).to_contain_text("Waiting for the mentor to accept")
    assert_accessible(page)
    with system_access():
        mentorship = Mentorship.objects.get(mentee=world.mentees["Ben"])
    assert mentorship.mentor == lena and mentorship.status == MentorshipStatus.PROPOSED

    # Lena signs in and accepts.
    mentor_page: Page = new_page()
    sign_in(mentor_page, lena.email, PASSWORD)
    mentor_page.goto(reverse("relationships:mentorship_detail", args=[mentorship.uuid]))
    assert_accessible(mentor_page)
    mentor_page.get_by_role("button", name=re.compile(r"^Accept")).click()
    expect(mentor_page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert_accessible(mentor_page)
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_progress_is_shown_and_the_page_loads_the_results_when_done(
    new_page: Any, cast: Any
) -> None:
    world = build_world(cast)
    with system_access():
        run = MatchRun.objects.create(
            organisation=cast.riverside,
            cohort=world.cohort,
            status=RunStatus.RUNNING,
            progress=50,
            stage="Scoring",
        )
    page: Page = new_page()
    sign_in(page, cast.coordinator.email, PASSWORD)
    page.goto(run.get_absolute_url())
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "50")
    expect(page.locator("#run-stage")).to_have_text("Scoring")
    assert_accessible(page)
    with system_access():
        MatchRun.objects.filter(pk=run.pk).update(progress=70, stage="Solving")
    expect(page.locator("#run-stage")).to_have_text("Solving")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "70")
    with system_access():
        MatchRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error="Nothing was proposed.", stage="Failed"
        )
    expect(page.locator("main")).to_contain_text("The matching did not finish.")
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert_accessible(page)
