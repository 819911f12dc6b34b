"""A coordinator sets up a programme, its calendar and a cohort in a browser (axe on each page)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, error_summary, sign_in
from tests.factories import PASSWORD
from tests.programmes.conftest import ensure_templates

pytestmark = pytest.mark.browser


def test_coordinator_sets_up_a_programme_calendar_and_cohort(
    new_page: Any,  # noqa: F811
    cast: Any,
) -> None:
    ensure_templates()
    page: Page = new_page()
    sign_in(page, cast.coordinator.email, PASSWORD)
    page.goto(f"/organisations/{cast.riverside.uuid}/programmes/")
    expect(page.locator("main")).to_contain_text("has no programmes yet")
    assert_accessible(page)

    page.get_by_role("link", name="Set up a programme").click()
    assert_accessible(page)
    page.get_by_role("button", name="Set up programme").click()
    assert (
        error_summary(page)[0][0]
        == "Which kind of programme is it?: Choose the template to start from"
    )
    assert_accessible(page)
    page.get_by_label("Pre-service teaching placement").check()
    page.get_by_role("button", name="Set up programme").click()
    expect(page.locator("h1")).to_have_text("Pre-service teaching placement")
    expect(page.locator("main")).to_contain_text("Term 1 (to the end of December): 3 discussions")
    assert_accessible(page)

    page.get_by_role("link", name="Change the rules").click()
    expect(page.locator("h1")).to_have_text("Change the programme's rules")
    assert_accessible(page)
    page.get_by_label("Contact row 2: At least").fill("99")
    page.get_by_label("Subject fit").fill("-1")
    page.get_by_role("button", name="Save the rules").click()
    entries = error_summary(page)
    assert entries[0] == (
        "Contact table row 2, at least: Minimum must be a whole number from 0 to 50",
        "id_contacts-1-minimum",
    )
    assert_accessible(page)
    page.get_by_label("Contact row 2: At least").fill("2")
    page.get_by_role("button", name="Save the rules").click()
    assert ("Subject fit must not be negative, got -1.0", "id_weight_subject") in (
        error_summary(page)
    )
    assert_accessible(page)
    page.get_by_label("Subject fit").fill("5")
    page.get_by_role("button", name="Save the rules").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Programme rules saved")

    page.get_by_role("link", name="Start a cohort").click()
    expect(page.locator("main")).to_contain_text("Add an academic calendar for Riverside College")
    assert_accessible(page)
    page.get_by_role("link", name="Add an academic calendar for Riverside College").click()
    assert_accessible(page)
    page.get_by_label("Year the academic year starts").fill("2026")
    page.get_by_role("button", name="Add calendar").click()
    expect(page.locator("h1")).to_have_text("Academic calendar 2026/27")
    assert_accessible(page)
    page.get_by_role("link", name="Change Autumn 1").click()
    assert_accessible(page)
    page.locator("#id_ends_on_0").fill("40")
    page.get_by_role("button", name="Save dates").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real date")
    assert_accessible(page)
    page.locator("#id_ends_on_0").fill("25")
    page.locator("#id_ends_on_1").fill("10")
    page.get_by_role("button", name="Save dates").click()
    expect(page.locator("main")).to_contain_text("Mon 26 Oct 2026")  # Autumn 2 moved with it

    page.goto(f"/organisations/{cast.riverside.uuid}/programmes/")
    page.get_by_role("link", name="Pre-service teaching placement").click()
    page.get_by_role("link", name="Start a cohort").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add cohort").click()
    expect(page.locator("h1")).to_have_text("2026/27 cohort")
    expect(page.locator("main")).to_contain_text("1 September 2026 to 22 July 2027")
    assert_accessible(page)
