"""The subject list: reachable from every page's footer, searchable, accessible."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD


def test_mentor_finds_a_minority_subject(page: Page, cast: Any) -> None:
    sign_in(page, cast.mentor.email, PASSWORD)
    page.get_by_role("link", name="Subjects and specialisms").click()
    expect(page.locator("h1")).to_have_text("Subjects and specialisms")
    assert_accessible(page)
    page.get_by_label("Search subjects").fill("upholstery")
    page.get_by_role("button", name="Search").click()
    main = page.locator("main")
    expect(main).to_contain_text("Upholstery and soft furnishing")
    expect(main).not_to_contain_text("Plumbing")
    assert_accessible(page)
