"""On a phone-sized screen, a mentor logs a meeting with one action in a handful of taps."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, error_summary, sign_in
from tests.factories import PASSWORD
from tests.relationships.meeting_fixtures import induction, pair  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


class Counted:
    """Counts the fills, checks and clicks a person makes."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def fill(self, locator: Any, value: str) -> None:
        self.count += 1
        locator.fill(value)

    def click(self, locator: Any) -> None:
        self.count += 1
        locator.click()

    def check(self, locator: Any) -> None:
        self.count += 1
        locator.check()


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px wide"


def test_mentor_logs_a_meeting_on_a_phone(new_page: Any, cast: Any, pair: Any) -> None:  # noqa: F811
    page: Page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, cast.mentor.email, PASSWORD)
    page.goto(f"/mentorships/{pair.uuid}/meetings/")
    expect(page.locator("h1")).to_have_text("Meetings")
    expect(page.locator("main")).to_contain_text("No meetings yet.")
    assert_accessible(page)
    fits_the_screen(page)

    you = Counted(page)
    you.click(page.get_by_role("button", name="Log a meeting"))
    expect(page.locator("h1")).to_have_text("Log a meeting")
    assert_accessible(page)
    fits_the_screen(page)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    you.fill(page.get_by_label("What you talked about"), "Behaviour for learning with group 2")
    you.fill(page.get_by_label("What needs doing"), "Try the seating plan and report back")
    you.check(page.get_by_label("Tom Reyes (mentee)"))
    you.fill(page.get_by_label("Due by"), due)
    you.click(page.get_by_role("button", name="Save the meeting"))

    expect(page.get_by_role("alert")).to_contain_text(
        "Meeting logged. Tom Reyes is asked to confirm it."
    )
    expect(page.locator("main")).to_contain_text("Waiting for Tom Reyes to confirm")
    expect(page.locator("main")).to_contain_text("1 action")
    assert you.count <= 8, f"{you.count} interactions to log a meeting"
    assert_accessible(page)
    fits_the_screen(page)

    page.get_by_role("link", name=re.compile(r"\d{4}, \d\d:\d\d")).first.click()
    expect(page.locator("h1")).to_contain_text("Meeting on")
    expect(page.locator("main")).to_contain_text("Try the seating plan and report back")
    assert_accessible(page)
    fits_the_screen(page)


def test_mentee_confirms_and_errors_are_accessible(new_page: Any, cast: Any, pair: Any) -> None:  # noqa: F811
    from tandem.relationships import meetings

    m = meetings.log_meeting(
        cast.actor("mentor"),
        pair,
        starts_at=timezone.now() - timedelta(hours=3),
        duration_minutes=45,
        topics="Marking",
    )
    page: Page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, cast.mentee.email, PASSWORD)
    page.goto(f"/meetings/{m.uuid}/")
    assert_accessible(page)
    page.get_by_label("Private note").fill("I found this hard to say in front of others")
    page.get_by_role("button", name="Add the private note").click()
    expect(page.get_by_role("alert")).to_contain_text("Only the two of you can read it")
    page.get_by_role("button", name="Confirm this record").click()
    expect(page.get_by_role("alert")).to_contain_text("you have confirmed this record")
    expect(page.locator("main")).to_contain_text("confirmed by both")
    assert_accessible(page)

    page.goto(f"/mentorships/{pair.uuid}/meetings/new/")
    page.get_by_label("Duration").fill("20 hours")
    page.get_by_label("What needs doing").fill("Read the policy")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page).to_have_title(re.compile(r"^Error: Log a meeting"))
    entries = error_summary(page)
    assert ("Duration: Duration must be between 1 minute and 10 hours", "id_duration") in entries
    assert any(target == "id_actions-0-owner_1" for _, target in entries)
    assert_accessible(page)
    fits_the_screen(page)

    page.goto(f"/mentorships/{pair.uuid}/time/")
    expect(page.locator("h1")).to_contain_text("Time in")
    assert_accessible(page)
    page.goto("/account/calendar/")
    assert_accessible(page)
    page.get_by_role("button", name="Create a calendar address").click()
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"/calendar/.+\.ics$"))
    assert_accessible(page)
