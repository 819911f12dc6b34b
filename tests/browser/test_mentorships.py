"""In Chromium, with axe on every page: a coordinator allocates, the mentor accepts, it ends."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tests import factories as f
from tests.browser.conftest import assert_accessible, error_summary, sign_in
from tests.factories import PASSWORD
from tests.relationships.conftest import mentor, mentor_profile, programme  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_allocate_accept_and_end(new_page: Any, cast: Any, programme: Any, mentor: Any) -> None:  # noqa: F811
    with system_access():
        f.MembershipFactory(person=cast.line_manager, organisation=cast.riverside, role=Role.MENTOR)
    mentor_profile(cast.line_manager, cast.riverside)

    coordinator: Page = new_page()
    sign_in(coordinator, cast.coordinator.email, PASSWORD)
    coordinator.goto(f"/organisations/{cast.riverside.uuid}/mentorships/")
    expect(coordinator.locator("main")).to_contain_text("No mentorships yet.")
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name="Allocate a mentor").click()
    expect(coordinator.locator("h1")).to_have_text("Allocate a mentor")
    assert_accessible(coordinator)

    # The line manager is refused, by name, on the mentor field.
    coordinator.get_by_label("Mentee").select_option(label="Tom Reyes")
    coordinator.get_by_label("Mentor").select_option(label="Lena Morgan (Riverside College)")
    coordinator.get_by_label("Programme").select_option(label="New staff induction")
    coordinator.get_by_role("button", name="Ask the mentor").click()
    expect(coordinator).to_have_title(re.compile(r"^Error: Allocate a mentor"))
    entries = error_summary(coordinator)
    assert len(entries) == 1 and entries[0][1] == "id_mentor"
    assert "line-manages Tom Reyes" in entries[0][0]
    assert_accessible(coordinator)

    coordinator.get_by_label("Mentor").select_option(label="Mina Patel (Riverside College)")
    coordinator.get_by_role("button", name="Ask the mentor").click()
    expect(coordinator.locator("h1")).to_have_text("Mina Patel mentoring Tom Reyes")
    expect(coordinator.get_by_role("alert")).to_contain_text("Mina Patel has been asked")
    assert_accessible(coordinator)

    mentor_page: Page = new_page()
    sign_in(mentor_page, cast.mentor.email, PASSWORD)
    mentor_page.goto("/mentorships/")
    assert_accessible(mentor_page)
    mentor_page.get_by_role("link", name="Will you mentor Tom Reyes?").click()
    mentor_page.get_by_text("I cannot mentor Tom Reyes").click()
    assert_accessible(mentor_page)
    mentor_page.get_by_role("button", name="Accept and start mentoring").click()
    expect(mentor_page.get_by_role("alert")).to_contain_text("You are now mentoring Tom Reyes")
    expect(mentor_page.locator("main")).to_contain_text("Mina Patel accepted.")
    assert_accessible(mentor_page)

    coordinator.reload()
    coordinator.get_by_role("link", name="Close with a closing review").click()
    coordinator.get_by_role("button", name="End the mentorship and save the review").click()
    expect(coordinator).to_have_title(re.compile(r"^Error: "))
    assert_accessible(coordinator)
    coordinator.get_by_label("Programme completed").check()
    coordinator.get_by_label("What will the mentee do next?").fill("Finish the course and teach.")
    coordinator.get_by_role("button", name="End the mentorship and save the review").click()
    expect(coordinator.locator("main")).to_contain_text("Closing review")
    coordinator.goto(f"/organisations/{cast.riverside.uuid}/mentorships/?status=ended")
    expect(coordinator.locator("main")).to_contain_text("1 mentorship matching the filters.")
    assert_accessible(coordinator)
