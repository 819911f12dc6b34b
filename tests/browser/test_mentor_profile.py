"""A mentor describes what they offer; their coordinator approves it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD


def test_mentor_profile_from_start_to_approval(new_page: Any, cast: Any) -> None:
    page: Page = new_page()
    sign_in(page, cast.mentor.email, PASSWORD)
    page.get_by_role("link", name="Start your mentor profile").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start your mentor profile").click()
    expect(page.locator("h1")).to_have_text("Edit mentor profile")
    assert_accessible(page)
    page.get_by_label("How many mentees can you support at once?").fill("25")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "How many mentees can you support at once?"
    )
    assert_accessible(page)
    page.get_by_label("Subjects and specialisms you can mentor in").select_option(
        label="Plumbing (Construction, planning and the built environment)"
    )
    page.get_by_label("How many mentees can you support at once?").fill("2")
    page.get_by_label("Online").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("main")).to_contain_text("Plumbing")
    assert_accessible(page)
    page.get_by_role("button", name="Send for approval").click()
    expect(page.locator("main")).to_contain_text("Waiting for approval")

    coordinator: Page = new_page()
    sign_in(coordinator, cast.coordinator.email, PASSWORD)
    coordinator.get_by_role("link", name="1 mentor profile waiting for your approval").click()
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name="Mina Patel").click()
    coordinator.get_by_label("Approve this mentor").check()
    coordinator.get_by_role("button", name="Save decision").click()
    expect(coordinator.locator("main")).to_contain_text("Approved")
    assert_accessible(coordinator)
