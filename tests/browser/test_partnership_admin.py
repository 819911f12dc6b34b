"""A partnership administrator opens their partnership and adds a new organisation."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, error_summary, sign_in
from tests.factories import PASSWORD


def test_add_a_new_organisation_to_the_partnership(page: Page, cast: Any) -> None:
    sign_in(page, cast.partnership_admin.email, PASSWORD)
    page.locator("main").get_by_role("link", name="North Partnership").click()
    expect(page.locator("h1")).to_have_text("North Partnership")
    members = page.get_by_role("table", name="Member organisations")
    expect(members.locator("tbody tr")).to_have_count(2)
    expect(members).not_to_contain_text("Eastfield")
    assert_accessible(page)

    page.get_by_role("link", name="Add a new organisation").click()
    expect(page.locator("h1")).to_have_text("Add a new organisation to North Partnership")
    assert_accessible(page)

    page.get_by_role("button", name="Add organisation").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert error_summary(page) == [("Organisation name: This field is required.", "id_name")]
    assert_accessible(page)

    page.get_by_label("Organisation name").fill("Harbour Sixth Form")
    page.get_by_label("Kind of organisation").select_option(index=0)
    page.get_by_label("Region").fill("North West")
    page.get_by_label("Website").fill("not a web address")
    page.get_by_role("button", name="Add organisation").click()
    [(message, target)] = error_summary(page)
    assert (target, message) == ("id_website", "Website: Enter a valid URL.")
    expect(page.get_by_label("Organisation name")).to_have_value("Harbour Sixth Form")
    assert_accessible(page)

    page.get_by_label("Website").fill("harbour.example")
    page.get_by_role("button", name="Add organisation").click()

    expect(page.locator("h1")).to_have_text("North Partnership")
    expect(page.get_by_role("alert")).to_contain_text(
        "Harbour Sixth Form added to North Partnership."
    )
    expect(members.locator("tbody tr")).to_have_count(3)
    expect(members.get_by_role("link", name="Harbour Sixth Form")).to_be_visible()
    assert_accessible(page)

    members.get_by_role("link", name="Harbour Sixth Form").click()
    expect(page.locator("h1")).to_have_text("Harbour Sixth Form")
    expect(page.locator("main")).to_contain_text("https://harbour.example")
    assert_accessible(page)
