"""A coordinator finds every overdue relationship in their organisation (D6)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.core.roles import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.relationships import compliance_fixtures as cf

MONTHLY = [{"period": "month", "kind": "discussion", "minimum": 1}]


def build(cast: Any) -> None:
    today = timezone.localdate()
    prog = cf.programme(cast.riverside, MONTHLY)
    cf.mentorship(cast.mentee, cast.mentor, prog, starts_on=today - timedelta(days=70))
    late = cf.person(cast.riverside, Role.MENTEE, "Lou", "Late")
    cf.mentorship(late, cast.mentor, prog, starts_on=today - timedelta(days=75))
    keen = cf.person(cast.riverside, Role.MENTEE, "Kim", "Keen")
    fine = cf.mentorship(keen, cast.mentor, prog, starts_on=today.replace(day=1))
    cf.meeting(fine, today)
    mentor_e = cf.person(cast.eastfield, Role.MENTOR, "Eve", "East")
    cf.mentorship(
        cast.outsider_mentee,
        mentor_e,
        cf.programme(cast.eastfield, MONTHLY),
        starts_on=today - timedelta(days=70),
    )


def mentees(page: Page) -> list[str]:
    return page.locator("#compliance-results tbody tr td:first-child").all_inner_texts()


def test_a_coordinator_finds_every_overdue_relationship(page: Page, cast: Any) -> None:
    build(cast)
    sign_in(page, cast.coordinator.email, PASSWORD)
    page.goto("/compliance/")
    expect(page.locator("h1")).to_have_text("Compliance at Riverside College")
    expect(page.locator("#count-overdue")).to_have_text("2")
    expect(page.locator("#count-on-track")).to_have_text("1")
    assert sorted(mentees(page)) == ["Kim Keen", "Lou Late", "Tom Reyes"]
    assert_accessible(page)

    page.get_by_label("Status").select_option(label="Overdue")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#result-count")).to_have_text("2 relationships matching the filters.")
    assert sorted(mentees(page)) == ["Lou Late", "Tom Reyes"]
    expect(page.locator("main")).not_to_contain_text("Outsider Mentee")
    expect(page.locator("main")).not_to_contain_text("Kim Keen")
    expect(page.locator("main")).to_contain_text("No meeting held since the start")
    assert_accessible(page)

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_role("link", name="Show overdue relationships only").click()
    assert sorted(mentees(page)) == ["Lou Late", "Tom Reyes"]

    page.get_by_role("link", name="Tom Reyes").click()
    expect(page.locator("h1")).to_have_text("What the programme asks for")
    expect(page.locator("main")).to_contain_text("This relationship is at risk")
    assert_accessible(page)


def test_a_mentor_writes_and_sends_a_scheduled_report(page: Page, cast: Any) -> None:
    from tandem.relationships import reports

    today = timezone.localdate()
    due = today + timedelta(days=10)
    prog = cf.programme(
        cast.riverside,
        MONTHLY,
        report_schedule=[
            {"name": "Progress review", "due": f"{due:%m-%d}", "recipients": ["tutor"]}
        ],
    )
    m = cf.mentorship(cast.mentee, cast.mentor, prog, starts_on=today - timedelta(days=5))
    reports.schedule_reports(today=today)
    sign_in(page, cast.mentor.email, PASSWORD)
    page.goto(f"/mentorships/{m.uuid}/reports/")
    expect(page.locator("h1")).to_have_text("Reports")
    assert_accessible(page)
    page.get_by_role("button", name="Add the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the report's name")
    assert_accessible(page)

    page.get_by_role("link", name="Progress review").click()
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Write the report before you send it"
    )
    assert_accessible(page)
    page.get_by_label("Report", exact=True).fill("Tom plans well and is working on questioning.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator("main")).to_contain_text("Report sent to Tariq Hussain")
    expect(page.locator("main")).to_contain_text("Tom plans well")
    assert_accessible(page)


def test_a_partnership_administrator_sees_figures(page: Page, cast: Any) -> None:
    build(cast)
    sign_in(page, cast.partnership_admin.email, PASSWORD)
    page.goto(f"/partnerships/{cast.north.uuid}/compliance/")
    expect(page.locator("h1")).to_have_text("Compliance across North Partnership")
    expect(page.locator("main")).to_contain_text("Riverside College")
    expect(page.locator("main")).not_to_contain_text("Tom Reyes")
    assert_accessible(page)
