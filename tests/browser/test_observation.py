"""In Chromium, with axe on every page: a tutor records their judgement on a joint
observation and moves a target into the development plan with one action."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tandem.relationships.models import Standard, StandardsFramework
from tandem.relationships.standards import load_standards
from tests.browser.conftest import assert_accessible, error_summary, sign_in
from tests.factories import PASSWORD
from tests.relationships.plan_fixtures import held_observation, make_mentorship

pytestmark = pytest.mark.browser


def test_tutor_records_a_joint_observation_and_moves_a_target(new_page: Any, cast: Any) -> None:  # noqa: F811
    load_standards(StandardsFramework, Standard)  # a transactional test starts without them
    mentorship = make_mentorship(cast)
    observation = held_observation(mentorship, joint=cast.tutor)

    page: Page = new_page()
    sign_in(page, cast.tutor.email, PASSWORD)
    page.goto(f"/mentorships/{mentorship.uuid}/observations/")
    expect(page.locator("h1")).to_have_text("Observations")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"\d{4}, \d\d:\d\d")).click()
    expect(page.locator("h1")).to_have_text("Formative observation of Tom Reyes")
    expect(page.locator("main")).to_contain_text("No judgement recorded yet.")
    assert_accessible(page)

    page.get_by_role("link", name="Record your judgement").click()
    expect(page.locator("h1")).to_have_text("Record your judgement")
    assert_accessible(page)
    page.get_by_role("button", name="Record the judgement").click()
    expect(page).to_have_title(re.compile(r"^Error: Record your judgement"))
    assert [field for _, field in error_summary(page)] == ["id_strengths", "id_areas_to_develop"]
    assert_accessible(page)
    page.get_by_label("Strengths").fill("Warm rapport; learners settled quickly.")
    page.get_by_label("Areas to develop").fill("Most questions went to the same learners.")
    page.get_by_label("Targets (optional)").fill("Use no-hands-up questioning in every session")
    page.get_by_role("button", name="Record the judgement").click()
    expect(page.get_by_role("alert")).to_contain_text("Your judgement has been recorded.")
    expect(page.get_by_role("table")).to_contain_text("Tariq Hussain (joint observer)")
    assert_accessible(page)

    # One action: the target, a measure and a date (both filled in already) into the plan.
    card = page.locator(".govuk-summary-card").filter(
        has_text="Use no-hands-up questioning in every session"
    )
    expect(card.get_by_label("How it will be measured")).to_have_value(
        "Seen in the next observed session"
    )
    card.get_by_role("button", name=re.compile(r"^Move into the development plan")).click()
    expect(page.get_by_role("alert")).to_contain_text("is now an objective in the development plan")
    expect(card.locator(".govuk-tag")).to_have_text("In the plan")
    expect(
        page.get_by_role("button", name=re.compile("Move into the development plan"))
    ).to_have_count(0)
    assert_accessible(page)

    card.get_by_role("link", name="see it in the development plan").click()
    expect(page.locator("h1")).to_have_text("Development plan")
    objective = page.locator(".govuk-summary-card").filter(
        has_text="Use no-hands-up questioning in every session"
    )
    expect(objective).to_contain_text("From an observation")
    expect(objective).to_contain_text("Seen in the next observed session")
    # The tutor reads the plan; the pair and coordinators change it.
    expect(page.get_by_role("link", name="Add an objective")).to_have_count(0)
    assert_accessible(page)
    assert observation.uuid


def test_mentor_adds_an_objective_and_plans_an_observation(new_page: Any, cast: Any) -> None:  # noqa: F811
    load_standards(StandardsFramework, Standard)
    mentorship = make_mentorship(cast)

    page: Page = new_page()
    sign_in(page, cast.mentor.email, PASSWORD)
    page.goto(f"/mentorships/{mentorship.uuid}/plan/")
    expect(page.locator("main")).to_contain_text("There are no objectives yet.")
    assert_accessible(page)
    page.get_by_role("link", name="Add an objective").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add the objective").click()
    expect(page).to_have_title(re.compile(r"^Error: Add an objective"))
    assert [field for _, field in error_summary(page)] == ["id_what", "id_measure", "id_due_on"]
    assert_accessible(page)
    page.get_by_label("What will change").fill("Use questioning to check learning")
    page.get_by_label("How it will be measured").fill("Seen in two observed sessions")
    page.get_by_label("By when").fill("2099-07-01")
    page.get_by_label(re.compile(r"S4 Checks learning")).check()
    page.get_by_role("button", name="Add the objective").click()
    expect(page.get_by_role("alert")).to_contain_text("added to the plan")
    expect(page.locator("main")).to_contain_text("S4")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Change")).click()
    expect(page.locator("h1")).to_have_text("Change the objective")
    assert_accessible(page)

    page.goto(f"/mentorships/{mentorship.uuid}/observations/new/")
    assert_accessible(page)
    page.get_by_label("Formative").check()
    page.get_by_label("Joint observer (optional)").select_option(label="Tariq Hussain")
    page.get_by_role("button", name="Plan the observation").click()
    expect(page.get_by_role("alert")).to_contain_text("The observation has been planned.")
    expect(page.locator("main")).to_contain_text("Record your judgement once it has taken place.")
    assert_accessible(page)
