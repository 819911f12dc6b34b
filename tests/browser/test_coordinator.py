"""A coordinator finds people, adds a person and records their line manager."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, error_summary, sign_in
from tests.factories import PASSWORD


def open_people(page: Page) -> None:
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="People").click()
    expect(page.locator("h1")).to_have_text("People at Riverside College")
    expect(menu.get_by_role("link", name="People")).to_have_attribute("aria-current", "page")
    assert_accessible(page)


def result_names(page: Page) -> list[str]:
    return page.locator("#people-results tbody tr td:first-child").all_inner_texts()


def test_live_search_narrows_the_list_as_you_type(page: Page, cast: Any) -> None:
    sign_in(page, cast.coordinator.email, PASSWORD)
    open_people(page)
    expect(page.locator("#people-results")).to_contain_text("6 people.")

    with page.expect_response(re.compile(r"/people/\?q=Reyes")) as response:
        page.get_by_label("Search by name or email").press_sequentially("Reyes")
    assert response.value.request.headers.get("hx-request") == "true"
    results = page.locator("#people-results")
    expect(results).to_contain_text("1 person matching “Reyes”.")
    assert result_names(page) == ["Reyes, Tom"]
    # The search is in the address bar, so the result can be bookmarked or shared.
    expect(page).to_have_url(re.compile(r"\?q=Reyes"))
    # Only the results were replaced: one h1, the search box keeps its text.
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_label("Search by name or email")).to_have_value("Reyes")
    assert_accessible(page)

    page.get_by_label("Role").select_option(label="Mentor")
    page.get_by_label("Search by name or email").fill("")
    expect(results).to_contain_text("1 person.")
    assert result_names(page) == ["Patel, Mina"]

    page.get_by_role("link", name="Patel, Mina").click()
    expect(page.locator("h1")).to_have_text("Mina Patel")
    expect(page.locator("main")).to_contain_text("mentor@riverside.example")
    assert_accessible(page)


def test_search_works_without_javascript(
    page: Page, new_page: Callable[..., Page], cast: Any
) -> None:
    sign_in(page, cast.coordinator.email, PASSWORD)
    plain = new_page(java_script_enabled=False, storage_state=page.context.storage_state())
    plain.goto(f"/organisations/{cast.riverside.uuid}/people/")
    plain.get_by_label("Search by name or email").fill("morgan")
    plain.get_by_role("button", name="Search").click()

    expect(plain).to_have_url(re.compile(r"/people/\?q=morgan&role=$"))
    expect(plain.locator("#people-results")).to_contain_text("1 person matching “morgan”.")
    assert plain.locator("#people-results tbody tr td:first-child").all_inner_texts() == [
        "Morgan, Lena"
    ]
    # axe needs JavaScript: check the same server-rendered result page in the JS browser.
    page.goto(plain.url)
    expect(page.locator("#people-results")).to_contain_text("1 person matching “morgan”.")
    assert_accessible(page)

    plain.get_by_role("link", name="Morgan, Lena").click()
    expect(plain.locator("h1")).to_have_text("Lena Morgan")
    expect(plain.locator("main")).to_contain_text("Tom Reyes")  # whom she manages


def test_add_a_person_then_record_their_line_manager(page: Page, cast: Any) -> None:
    sign_in(page, cast.coordinator.email, PASSWORD)
    open_people(page)
    page.get_by_role("link", name="Add a person").click()
    expect(page.locator("h1")).to_have_text("Add a person to Riverside College")
    assert_accessible(page)

    # Sent empty: the error summary names each missing field and links to it.
    page.get_by_role("button", name="Add person").click()
    expect(page).to_have_title(re.compile(r"^Error: Add a person"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text("There is a problem")
    assert error_summary(page) == [
        ("Given name: This field is required.", "id_given_name"),
        ("Family name: This field is required.", "id_family_name"),
        ("Email address: This field is required.", "id_email"),
        ("Roles in this organisation: This field is required.", "id_roles_1"),
    ]
    expect(page.get_by_label("Given name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    # Each link takes keyboard focus to its field, including the first role checkbox.
    summary.get_by_role("link", name=re.compile("^Roles")).click()
    expect(page.get_by_label("Mentee", exact=True)).to_be_focused()
    summary.get_by_role("link", name=re.compile("^Email address")).click()
    expect(page.get_by_label("Email address")).to_be_focused()

    page.get_by_label("Given name").fill("Nadia")
    page.get_by_label("Family name").fill("Okafor")
    page.get_by_label("Email address").fill("nadia.okafor@riverside.example")
    page.get_by_label("Job title").fill("Lecturer in construction")
    page.get_by_label("Mentee", exact=True).check()
    page.get_by_role("button", name="Add person").click()

    expect(page.locator("h1")).to_have_text("Nadia Okafor")
    expect(page.get_by_role("alert")).to_contain_text("Nadia Okafor added to Riverside College.")
    roles = page.get_by_role("region", name="Roles")
    expect(roles).to_contain_text("Riverside College")
    expect(roles).to_contain_text("Mentee")
    line_management = page.locator("dl").filter(has_text="Line manager")
    expect(line_management).to_contain_text("None recorded")
    assert_accessible(page)

    page.get_by_role("link", name="Set line manager at Riverside College").click()
    expect(page.locator("h1")).to_have_text("Line manager of Nadia Okafor at Riverside College")
    assert_accessible(page)
    page.get_by_label("Line manager").select_option(label="Lena Morgan")
    page.get_by_role("button", name="Save line manager").click()

    expect(page.locator("h1")).to_have_text("Nadia Okafor")
    expect(page.get_by_role("alert")).to_contain_text("Line manager for Nadia Okafor saved.")
    expect(line_management).to_contain_text("Lena Morgan at Riverside College")
    assert_accessible(page)

    # The manager's page lists her new report.
    line_management.get_by_role("link", name="Lena Morgan").click()
    expect(page.locator("h1")).to_have_text("Lena Morgan")
    expect(page.locator("dl").filter(has_text="Manages")).to_contain_text("Nadia Okafor")
    assert_accessible(page)


def test_a_line_management_loop_is_refused_on_the_field(page: Page, cast: Any) -> None:
    """Lena manages Tom, so Tom cannot become Lena's manager; nothing is saved."""
    sign_in(page, cast.coordinator.email, PASSWORD)
    page.goto(f"/people/{cast.line_manager.uuid}/")
    page.get_by_role("link", name="Set line manager at Riverside College").click()
    page.get_by_label("Line manager").select_option(label="Tom Reyes")
    page.get_by_role("button", name="Save line manager").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    [(message, target)] = error_summary(page)
    assert target == "id_manager"
    assert message.startswith("Line manager: Tom Reyes is managed")
    assert "loop" in message
    expect(page.locator("#id_manager_1_error")).to_contain_text("line-management loop")
    assert_accessible(page)

    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("dl").filter(has_text="Line manager")).to_contain_text("None recorded")
    assert_accessible(page)
