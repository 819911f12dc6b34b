"""A coordinator finds a mentor in the partnership directory and asks for them; the
mentor's coordinator accepts; only then are the contact details shown."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, error_summary, sign_in
from tests.factories import PASSWORD
from tests.mentors.directory_setup import NADIA_EMAIL, build_directory


def test_directory_to_brokerage_to_contact_details(new_page: Any, cast: Any) -> None:
    world = build_directory(cast)
    page: Page = new_page()
    sign_in(page, cast.coordinator.email, PASSWORD)
    page.goto("/directory/")
    expect(page.locator("h1")).to_have_text("Partnership directory")
    assert_accessible(page)
    page.get_by_label("Subject", exact=True).select_option(
        label="Plumbing (Construction, planning and the built environment)"
    )
    page.get_by_role("button", name="Show mentors").click()
    expect(page.locator("#directory-results")).to_contain_text("Nadia Brooks")
    expect(page.locator("#directory-results")).not_to_contain_text("Mina Patel")
    assert_accessible(page)
    page.get_by_role("link", name="Nadia Brooks").click()
    expect(page.locator("main")).to_contain_text(
        "Contact details are shared when Northgate Training's coordinator accepts"
    )
    expect(page.locator("main")).not_to_contain_text(NADIA_EMAIL)
    assert_accessible(page)
    page.get_by_role("button", name="Send request").click()
    assert [text for text, _ in error_summary(page)] == [
        "Message to the mentor's coordinator: Say why you would like to talk to this mentor, "
        "for the coordinator"
    ]
    assert_accessible(page)
    page.get_by_label("Message to the mentor's coordinator").fill("Advice on plumbing practicals")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("h1")).to_have_text("Riverside College asks for Nadia Brooks")
    expect(page.locator("main")).not_to_contain_text(NADIA_EMAIL)
    assert_accessible(page)
    detail_url = page.url
    page.goto("/brokerage/")
    assert_accessible(page)

    partner: Page = new_page()
    sign_in(partner, cast.partner_coordinator.email, PASSWORD)
    partner.goto("/brokerage/")
    expect(partner.locator("main")).to_contain_text("Waiting for your decision")
    partner.get_by_role("link", name="Nadia Brooks").click()
    assert_accessible(partner)
    partner.get_by_label("Accept: share the mentor's contact details with them").check()
    partner.get_by_role("button", name="Save decision").click()
    expect(partner.locator(".govuk-notification-banner")).to_contain_text("Accepted")
    assert_accessible(partner)
    partner.goto(f"/organisations/{cast.northgate.uuid}/directory-settings/")
    assert_accessible(partner)

    page.goto(detail_url)
    expect(page.locator("main")).to_contain_text(NADIA_EMAIL)
    page.goto(f"/partnerships/{cast.north.uuid}/credits/")
    expect(page.locator("h1")).to_have_text("Mentoring credits")
    assert_accessible(page)
    assert world.nadia_profile.uuid
