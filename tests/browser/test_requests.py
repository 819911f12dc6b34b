"""A mentee asks for a mentor, reads why each suggested mentor suits them and chooses one;
the coordinator approves and the mentor is asked."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tandem.core.tenancy import system_access
from tandem.relationships.models import Mentorship, MentorshipStatus
from tests.browser.conftest import assert_accessible, error_summary, sign_in
from tests.factories import PASSWORD
from tests.matching.test_request_world import build_world


def test_mentee_asks_chooses_and_coordinator_approves(new_page: Any, cast: Any) -> None:
    build_world(cast)
    mentee: Page = new_page()
    sign_in(mentee, cast.mentee.email, PASSWORD)
    mentee.goto("/mentoring-requests/new/")
    expect(mentee.locator("h1")).to_have_text("Ask for a mentor")
    assert_accessible(mentee)

    mentee.get_by_role("button", name="Ask for a mentor").click()
    expect(mentee.locator(".govuk-error-summary")).to_be_visible()
    entries = [text for text, _ in error_summary(mentee)]
    assert "Programme: Choose the programme you are on" in entries
    assert_accessible(mentee)

    mentee.get_by_label("Programme", exact=True).select_option(
        label="Initial teacher training (in-service)"
    )
    mentee.get_by_label("Subject you teach or want help with").select_option(
        label="Plumbing (Construction, planning and the built environment)"
    )
    mentee.get_by_label("What would you like to develop with a mentor?").fill(
        "Planning practical workshop sessions and keeping apprentices safe on site"
    )
    mentee.get_by_label("Face to face").check()
    mentee.get_by_role("button", name="Ask for a mentor").click()
    expect(mentee.locator("h1")).to_have_text("Your request for a mentor")
    expect(mentee.locator("main")).to_contain_text("Mentors who suit you")
    expect(mentee.locator("main")).not_to_contain_text("Lena Morgan")  # his line manager
    assert_accessible(mentee)

    mentee.get_by_text("Why this mentor: Mina Patel").click()
    expect(mentee.locator("main")).to_contain_text("Subject fit:")
    assert_accessible(mentee)
    mentee.get_by_role("button", name="Choose Mina Patel").click()
    expect(mentee.locator("main")).to_contain_text(
        "You chose Mina Patel. Waiting for a coordinator to approve."
    )
    assert_accessible(mentee)

    coordinator: Page = new_page()
    sign_in(coordinator, cast.coordinator.email, PASSWORD)
    coordinator.goto(f"/organisations/{cast.riverside.uuid}/mentoring-requests/")
    expect(coordinator.locator("h1")).to_have_text("Mentoring requests")
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name="Tom Reyes").click()
    expect(coordinator.locator("main")).to_contain_text("Approve Mina Patel as the mentor?")
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Save decision").click()
    expect(coordinator.locator(".govuk-error-summary")).to_contain_text(
        "Choose whether you approve this mentor"
    )
    assert_accessible(coordinator)
    coordinator.get_by_label("Approve: the mentor is asked to mentor them").check()
    coordinator.get_by_role("button", name="Save decision").click()
    expect(coordinator.locator("main")).to_contain_text("Mentor proposed or agreed")
    expect(coordinator.locator("main")).to_contain_text("Waiting for the mentor to accept")
    assert_accessible(coordinator)
    with system_access():
        offer = Mentorship.objects.get(mentee=cast.mentee)
    assert offer.mentor == cast.mentor and offer.status == MentorshipStatus.PROPOSED
