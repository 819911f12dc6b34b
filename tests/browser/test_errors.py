"""Records of another partnership's organisation are simply not found, on a friendly page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD


@pytest.mark.parametrize("record", ["organisation", "person"])
def test_another_organisations_records_are_not_found(page: Page, cast: Any, record: str) -> None:
    sign_in(page, cast.coordinator.email, PASSWORD)
    path = {
        "organisation": f"/organisations/{cast.eastfield.uuid}/",
        "person": f"/people/{cast.outsider_mentee.uuid}/",
    }[record]
    response = page.goto(path)

    assert response is not None and response.status == 404
    expect(page).to_have_title("Page not found – Tandem")
    expect(page.locator("h1")).to_have_text("Page not found")
    main = page.locator("main")
    expect(main).not_to_contain_text("Eastfield")
    expect(main).not_to_contain_text("Outsider")
    # Still inside Tandem: the menu, and a way home.
    expect(page.get_by_role("navigation", name="Menu")).to_be_visible()
    assert_accessible(page)
    main.get_by_role("link", name="Go to your home page").click()
    expect(page.locator("h1")).to_have_text("Riverside College")
    assert_accessible(page)
