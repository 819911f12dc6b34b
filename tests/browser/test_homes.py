"""Every role signs in through the real form and lands on its own home page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tests import factories as f
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

# role -> (home path, its h1, what the role needs to see first)
HOMES: dict[str, tuple[str, str, list[str]]] = {
    "coordinator": (
        "/home/coordinator/",
        "Riverside College",
        ["People by role", "Every mentee has a line manager recorded.", "Import people"],
    ),
    "mentor": (
        "/home/mentor/",
        "Welcome, Mina",
        ["You have no mentees yet", "Mentor at Riverside College"],
    ),
    "mentee": (
        "/home/mentee/",
        "Welcome, Tom",
        ["You do not have a mentor yet", "Lena Morgan (Riverside College)"],
    ),
    "tutor": (
        "/home/tutor/",
        "Riverside College",
        ["Personal tutor / course leader", "Tom Reyes", "Mina Patel"],
    ),
    "line_manager": (
        "/home/line-manager/",
        "Your team",
        ["never what is said in it", "Tom Reyes"],
    ),
    "trainer": (
        "/home/trainer/",
        "Riverside College",
        ["Trainer of mentors", "Mina Patel"],
    ),
    "partnership_admin": (
        "/home/partnership/",
        "Your partnerships",
        ["North Partnership", "Riverside College", "Northgate Training"],
    ),
}


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_signs_in_and_lands_on_its_home(page: Page, cast: Any, role: str) -> None:
    path, heading, content = HOMES[role]
    sign_in(page, cast.people[role].email, PASSWORD)

    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(heading)
    main = page.locator("main")
    for text in content:
        expect(main).to_contain_text(text)
    # Nobody's home shows another partnership's organisation.
    expect(main).not_to_contain_text("Eastfield")
    # The header says who is signed in.
    expect(page.locator("header")).to_contain_text(str(cast.people[role]))
    assert_accessible(page)


def test_staff_nav_matches_the_role(page: Page, cast: Any) -> None:
    """A mentee's menu has no staff pages; signing out returns to the sign-in page."""
    sign_in(page, cast.mentee.email, PASSWORD)
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(menu.get_by_role("link", name="Your account")).to_be_visible()
    for staff_page in ("People", "Import", "Activity log"):
        expect(menu.get_by_role("link", name=staff_page)).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    assert_accessible(page)


def test_several_roles_in_two_organisations(page: Page, cast: Any) -> None:
    """Mina mentors at Riverside and is a mentee at Northgate: she moves between her homes."""
    with system_access():
        f.MembershipFactory(person=cast.mentor, organisation=cast.northgate, role=Role.MENTEE)
    sign_in(page, cast.mentor.email, PASSWORD)
    expect(page.locator("h1")).to_have_text("Welcome, Mina")
    roles = page.get_by_role("navigation", name="Your roles")
    expect(roles.get_by_role("link", name="Mentor")).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    roles.get_by_role("link", name="Mentee").click()
    expect(page).to_have_url(re.compile(r"/home/mentee/$"))
    expect(page.locator("span.govuk-caption-l")).to_have_text("Mentee")
    expect(roles.get_by_role("link", name="Mentee")).to_have_attribute("aria-current", "page")
    expect(page.locator("main")).to_contain_text("Mentee at Northgate Training")

    working_in = page.get_by_label("Working in")
    expect(working_in.locator("option")).to_have_text(["Northgate Training", "Riverside College"])
    expect(working_in).to_have_value(str(cast.northgate.uuid))
    expect(page.locator("header")).to_contain_text("Mina Patel, Northgate Training")
    working_in.select_option(label="Riverside College")
    page.get_by_role("button", name="Switch").click()
    expect(page).to_have_url(re.compile(r"/home/mentee/$"))
    expect(page.get_by_role("alert")).to_contain_text("You are now working in Riverside College.")
    expect(page.locator("header")).to_contain_text("Mina Patel, Riverside College")
    expect(working_in).to_have_value(str(cast.riverside.uuid))
    assert_accessible(page)


def test_home_on_a_phone(new_page: Callable[..., Page], cast: Any) -> None:
    """A 375px-wide phone: no sideways scrolling, and the menu opens from its button."""
    page = new_page(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    sign_in(page, cast.coordinator.email, PASSWORD)
    expect(page.locator("h1")).to_have_text("Riverside College")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px screen"

    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    people_link = page.get_by_role("navigation", name="Menu").get_by_role("link", name="People")
    expect(people_link).to_be_hidden()
    assert_accessible(page)

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(people_link).to_be_visible()
    assert_accessible(page)
    people_link.click()
    expect(page.locator("h1")).to_have_text("People at Riverside College")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the people page is {width}px wide on a 375px screen"
    assert_accessible(page)


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_mentors_and_mentees_are_told_who_their_coordinator_is(
    page: Page, cast: Any, role: str
) -> None:
    """The "Who to contact" section names the organisation's coordinator, with an email link."""
    sign_in(page, cast.people[role].email, PASSWORD)
    contact = page.locator("main p").filter(has_text="At Riverside College")
    expect(contact).not_to_contain_text("no coordinator is recorded yet")
    expect(contact.get_by_role("link", name="Cora Coleman")).to_have_attribute(
        "href", "mailto:coordinator@riverside.example"
    )
    assert_accessible(page)
