"""In Chromium, with axe on every page: a mentee reads and signs the agreement (D1)."""

# The fixtures are imported from agreement_fixtures; pytest passes them by name.
# ruff: noqa: F811

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, error_summary, sign_in
from tests.factories import PASSWORD
from tests.relationships.agreement_fixtures import (  # noqa: F401  (fixtures)
    awaiting,
    draft,
    itt_programme,
    mentorship,
)

pytestmark = pytest.mark.browser


def test_a_mentee_reads_and_signs(new_page: Any, cast: Any, mentorship: Any, awaiting: Any) -> None:  # noqa: F811
    page: Page = new_page()
    sign_in(page, cast.mentee.email, PASSWORD)
    page.goto(f"/mentorships/{mentorship.uuid}/agreement/")
    expect(page.locator("h1")).to_have_text("Mentoring agreement")
    expect(page.locator("main")).to_contain_text("Waiting for signatures")
    expect(page.locator("main")).to_contain_text("The mentee agrees")
    assert_accessible(page)

    # Read it: the link goes to the text, which ends in the objectives.
    page.get_by_role("link", name="Read the agreement").click()
    expect(page.get_by_role("heading", name="Objective 3")).to_be_visible()

    # A name that is not theirs is refused on the field.
    page.get_by_label("Type your full name to sign").fill("Tom")
    page.get_by_role("button", name="Sign version 1").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert error_summary(page) == [
        ("Type your full name as it appears here: Tom Reyes", "id_typed_name")
    ]
    assert_accessible(page)

    page.get_by_label("Type your full name to sign").fill("Tom Reyes")
    page.get_by_role("button", name="Sign version 1").click()
    expect(page.get_by_role("alert")).to_contain_text("You have signed version 1.")
    expect(page.locator("main")).to_contain_text("Signed by you")
    expect(page.get_by_role("button", name="Sign version 1")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.locator("h1")).to_have_text("Mentoring agreement, version 1")
    expect(page.locator("main")).to_contain_text("Signed by you")
    assert_accessible(page)


def test_a_coordinator_drafts_the_objectives(new_page: Any, cast: Any, mentorship: Any) -> None:  # noqa: F811
    page: Page = new_page()
    sign_in(page, cast.coordinator.email, PASSWORD)
    page.goto(f"/mentorships/{mentorship.uuid}/agreement/")
    expect(page.locator("main")).to_contain_text("There is no agreement for this mentorship yet.")
    assert_accessible(page)
    page.get_by_role("button", name="Start the agreement").click()
    expect(page.locator("h1")).to_have_text("Edit the draft agreement")
    assert_accessible(page)

    page.locator("#id_objective_1_what").fill("Use questioning to check learning")
    page.get_by_role("button", name="Save the draft").click()
    entries = error_summary(page)
    assert ("Objective 1: say how it will be measured", "id_objective_1_measure") in entries
    assert ("Objective 1: give a date by when", "id_objective_1_by_0") in entries
    assert_accessible(page)
