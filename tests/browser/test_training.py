"""In Chromium, with axe on every page: mentor training (E1–E3) from building a course
to a verified badge, a certificate, assessed work and bad input."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.core.tenancy import system_access
from tandem.training import learning
from tandem.training.models import (
    Course,
    CourseRun,
    CourseStatus,
    Credential,
    CredentialKind,
    Enrolment,
    Submission,
)
from tests.browser.conftest import assert_accessible, error_summary, sign_in
from tests.factories import PASSWORD
from tests.training.conftest import build_course

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
COURSE = "Mentoring in schools and colleges"


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px wide"


def success(page: Page) -> Any:
    return page.get_by_role("alert").filter(has_text="Success")


def enrolled(cast: Any, world: Any) -> Enrolment:
    """The mentor on the world's run, enrolled through the service."""
    return learning.enrol(cast.actor("mentor"), world.run)


def complete_through_services(cast: Any, enrolment: Enrolment, world: Any, count: int) -> None:
    """Answer and complete the first ``count`` workbooks as the learner would."""
    actor = cast.actor("mentor")
    for module, reflection in zip(world.modules[:count], world.reflections[:count], strict=True):
        learning.save_answer(actor, enrolment, reflection, "I listened more than I spoke.")
        learning.complete_module(actor, enrolment, module)


def write_answer(page: Page, text: str) -> None:
    """Type a reflective answer and wait for the autosave, then for the save on leaving
    the box (so nothing is still saving when the next button is pressed)."""
    box = page.get_by_label("Your answer to", exact=False)
    box.press_sequentially(text, delay=5)
    status = page.locator("[id^='answer-status-']")
    expect(status).to_contain_text("Saved at", timeout=5_000)
    with page.expect_response(re.compile(r"/answers/")):
        box.press("Tab")
    expect(status).to_contain_text("Saved at")


# --- 1. a trainer builds a course ----------------------------------------------------------


def test_a_trainer_builds_and_publishes_a_five_workbook_course(new_page: Any, cast: Any) -> None:
    page: Page = new_page()
    sign_in(page, cast.trainer.email, PASSWORD)
    page.goto("/training/")
    expect(page.locator("h1")).to_have_text("Courses")
    assert_accessible(page)

    page.get_by_role("link", name="New course").click()
    expect(page.locator("h1")).to_have_text("New course")
    assert_accessible(page)
    page.get_by_label("Title", exact=True).fill("Mentoring in further education")
    page.get_by_label("Summary (optional)").fill("Five workbooks for new mentors.")
    page.get_by_label("Guided learning hours").fill("40")
    page.get_by_label("Completing this course trains a mentor").check()
    page.get_by_label("Credits (optional)").fill("10")
    page.get_by_label("Level (optional)").fill("Level 4")
    page.get_by_label("Validating body (optional)").fill("University of Warwick")
    page.get_by_role("button", name="Save as draft").click()
    expect(success(page)).to_contain_text("Mentoring in further education is saved as a draft")
    expect(page.locator("h1")).to_have_text("Mentoring in further education")
    expect(page.locator("main")).to_contain_text("Add at least one unit before publishing")
    assert_accessible(page)
    course_url = page.url

    for n in range(1, 6):
        page.goto(course_url)
        page.get_by_role("link", name="Add a unit").click()
        expect(page.locator("h1")).to_have_text("Add a unit")
        assert_accessible(page)
        page.get_by_label("Workbook", exact=True).check()
        page.get_by_label("Title", exact=True).fill(f"Workbook {n}")
        page.get_by_label("Guided learning hours").fill("8")
        page.get_by_role("button", name="Add unit").click()
        expect(success(page)).to_contain_text(f"Workbook {n} added")
        expect(page.locator("h1")).to_have_text(f"Workbook {n}")
        assert_accessible(page)

        page.get_by_role("link", name="Add a page").click()
        expect(page.locator("h1")).to_have_text("Add a page")
        assert_accessible(page)
        page.get_by_label("Title", exact=True).fill(f"Reading for workbook {n}")
        page.get_by_label("Text (optional)", exact=True).fill(
            "Mentoring is a relationship.\n\n- Listen\n- Ask open questions"
        )
        page.get_by_role("button", name="Add page").click()
        expect(success(page)).to_contain_text(f"Page Reading for workbook {n} added")
        assert_accessible(page)

        page.get_by_role("link", name="Add an activity").click()
        expect(page.locator("h1")).to_have_text("Add an activity")
        assert_accessible(page)
        page.get_by_label("Reflective question").check()
        page.get_by_label("Title", exact=True).fill(f"Reflection {n}")
        page.get_by_label("Question or brief").fill("What did you notice in your last meeting?")
        page.get_by_role("button", name="Add activity").click()
        expect(success(page)).to_contain_text(f"Activity Reflection {n} added")
        expect(page.locator("#activities + table")).to_contain_text(f"Reflection {n}")
        assert_accessible(page)

    page.goto(course_url)
    page.get_by_role("link", name="Add a run").click()
    expect(page.locator("h1")).to_have_text("Add a run")
    assert_accessible(page)
    today = timezone.localdate().isoformat()
    page.get_by_label("Name", exact=True).fill("Autumn 2026")
    page.get_by_label("Date enrolment opens").fill(today)
    page.get_by_label("Start date").fill(today)
    page.get_by_role("button", name="Add run").click()
    expect(success(page)).to_contain_text("Run Autumn 2026 added")
    assert_accessible(page)

    page.get_by_role("link", name="Back to Mentoring in further education").click()
    page.get_by_role("button", name="Publish the course").click()
    expect(success(page)).to_contain_text("is published: learners can now find it and enrol")
    main = page.locator("main")
    expect(main).to_contain_text("Published")
    units = page.get_by_role("table", name="Units of Mentoring in further education, in order")
    expect(units.locator("tbody tr")).to_have_count(5)
    for n in range(1, 6):
        expect(units).to_contain_text(f"{n}. Workbook {n}")
    expect(units).to_contain_text("1 page, 1 activity")
    expect(main).to_contain_text("10 credits, Level 4, validated by University of Warwick")
    expect(main).to_contain_text("learners who complete it are recorded as trained mentors")
    assert_accessible(page)
    with system_access():
        course = Course.objects.get(title="Mentoring in further education")
    assert course.status == CourseStatus.PUBLISHED
    assert course.is_mentor_training
    assert course.modules.count() == 5


# --- 2. a mentor earns a badge and anyone can verify it ------------------------------------


def test_a_mentor_enrols_earns_a_badge_and_it_verifies_in_public(new_page: Any, cast: Any) -> None:
    world = build_course(cast.riverside, created_by=cast.trainer)
    page: Page = new_page()
    sign_in(page, cast.mentor.email, PASSWORD)
    page.goto("/training/")
    expect(page.locator("h1")).to_have_text("Courses")
    card = page.locator(".govuk-summary-card").filter(has_text=COURSE)
    expect(card).to_contain_text("10 credits, Level 4, validated by University of Warwick")
    assert_accessible(page)

    card.get_by_role("button", name=f"Enrol on {COURSE}, Autumn run").click()
    expect(success(page)).to_contain_text(f"You are enrolled on {COURSE}: Autumn run.")
    expect(page.locator("h1")).to_have_text(COURSE)
    expect(page.locator("main")).to_contain_text("0 of 5")
    assert_accessible(page)

    page.get_by_role("link", name="Workbook 1", exact=True).click()
    expect(page.locator("h1")).to_have_text("Workbook 1")
    expect(page.get_by_role("heading", name="Reading for workbook 1")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Answer the reflective question ‘Reflection 1’")
    assert_accessible(page)
    write_answer(page, "I asked more open questions and waited for the answers.")
    assert_accessible(page)

    page.get_by_role("button", name="Mark this unit complete").click()
    expect(success(page)).to_contain_text("You have completed Workbook 1.")
    expect(page.locator("main")).to_contain_text("1 of 5")
    badge_link = page.get_by_role("link", name=f"Badge: Workbook 1: {COURSE}")
    expect(badge_link).to_be_visible()
    assert_accessible(page)

    badge_link.click()
    expect(page.locator("h1")).to_have_text("Workbook 1")
    main = page.locator("main")
    expect(main).to_contain_text("Valid")
    expect(main).to_contain_text(
        f"Completed the workbook “Workbook 1” (8 guided learning hours) of the course “{COURSE}”"
    )
    assert_accessible(page)
    public_url = page.get_by_role("link", name="Verification page of this badge").get_attribute(
        "href"
    )
    assert public_url is not None

    # Anyone with the link, signed out, sees it verified.
    anyone: Page = new_page()
    anyone.goto(public_url)
    expect(anyone).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(anyone.locator("h1")).to_have_text("Verified")
    public = anyone.locator("main")
    expect(public).to_contain_text("Badge issued by Riverside College: signature checked")
    expect(
        public.locator(".govuk-summary-list__row")
        .filter(has_text="Awarded to")
        .locator("xpath=following-sibling::div[1]")
    ).to_contain_text(f"Workbook 1: {COURSE}")
    expect(
        public.locator(".govuk-summary-list__row").filter(has_text="Awarded to")
    ).to_contain_text("Mina Patel")
    expect(public.locator(".govuk-summary-list__row").filter(has_text="Issued by")).to_contain_text(
        "Riverside College"
    )
    assert_accessible(anyone)
    with system_access():
        badges = Credential.objects.filter(recipient=cast.mentor, kind=CredentialKind.BADGE)
        assert [b.module_id for b in badges] == [world.modules[0].pk]


# --- 3. the fifth workbook brings the certificate ------------------------------------------


def test_the_last_workbook_brings_the_certificate_as_a_pdf(new_page: Any, cast: Any) -> None:
    world = build_course(cast.riverside, created_by=cast.trainer, with_assessed=False)
    enrolment = enrolled(cast, world)
    complete_through_services(cast, enrolment, world, 4)

    page: Page = new_page()
    sign_in(page, cast.mentor.email, PASSWORD)
    page.goto(f"/training/enrolments/{enrolment.uuid}/")
    expect(page.locator("main")).to_contain_text("4 of 5")
    assert_accessible(page)
    page.get_by_role("link", name="Workbook 5", exact=True).click()
    expect(page.locator("h1")).to_have_text("Workbook 5")
    assert_accessible(page)
    write_answer(page, "Next time I will agree one action with my mentee.")
    page.get_by_role("button", name="Mark this unit complete").click()
    expect(success(page)).to_contain_text(
        f"You have completed Workbook 5 and the course {COURSE}. Congratulations!"
    )
    expect(page.get_by_role("heading", name="Course completed")).to_be_visible()
    expect(page.locator("main")).to_contain_text("5 of 5")
    assert_accessible(page)

    page.get_by_role("link", name=f"Certificate: {COURSE}", exact=True).click()
    expect(page.locator("h1")).to_have_text(COURSE)
    main = page.locator("main")
    expect(main).to_contain_text(f"Completed the course “{COURSE}” (40 guided learning hours)")
    expect(main).to_contain_text("10 credits, Level 4, validated by University of Warwick")
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
    href = page.get_by_role("link", name="Download the certificate (PDF)").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"

    page.goto("/training/credentials/")
    expect(page.get_by_role("table", name="Your certificates")).to_contain_text(COURSE)
    expect(page.get_by_role("table", name="Your badges").locator("tbody tr")).to_have_count(5)
    assert_accessible(page)


# --- 4. a tutor assesses work as not yet met; the learner resubmits --------------------------


def test_a_tutor_asks_for_more_and_the_learner_resubmits_on_a_phone(
    new_page: Any, cast: Any
) -> None:
    world = build_course(cast.riverside, created_by=cast.trainer)
    enrolment = enrolled(cast, world)
    with system_access():
        Submission.objects.create(
            enrolment=enrolment,
            activity=world.assignment,
            attempt=1,
            text="Mentoring theory says the mentee leads.",
            submitted_at=timezone.now() - timedelta(days=1),
        )

    page: Page = new_page()
    sign_in(page, cast.tutor.email, PASSWORD)
    page.goto("/training/assessments/")
    expect(page.locator("h1")).to_have_text("Work to assess")
    expect(page.locator("main")).to_contain_text("1 submission waiting")
    assert_accessible(page)
    page.get_by_role("link", name="Assignment 1: theories of mentoring by Mina Patel").click()
    expect(page.locator("h1")).to_have_text("Assignment 1: theories of mentoring, attempt 1")
    expect(page.locator("main")).to_contain_text("Mentoring theory says the mentee leads.")
    assert_accessible(page)

    page.get_by_label("Not yet met").check()
    page.get_by_role("button", name="Save the assessment").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert error_summary(page) == [
        ("Feedback: Give feedback so the learner knows what to change", "id_feedback")
    ]
    assert_accessible(page)
    feedback = "Name one theory, such as Kolb's cycle, and apply it to a meeting you held."
    page.get_by_label("Feedback").fill(feedback)
    page.get_by_role("button", name="Save the assessment").click()
    expect(success(page)).to_contain_text("Assessment saved. Mina Patel has been told by email.")
    expect(page.locator("main")).to_contain_text("Nothing is waiting to be assessed.")
    assert_accessible(page)

    # The learner reads the feedback and resubmits, on a phone.
    phone: Page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(phone, cast.mentor.email, PASSWORD)
    phone.goto(f"/training/enrolments/{enrolment.uuid}/units/{world.modules[4].uuid}/")
    expect(phone.locator("h1")).to_have_text("Workbook 5")
    section = phone.locator(f"#activity-{world.assignment.uuid}")
    expect(section).to_contain_text("Not yet met")
    expect(section).to_contain_text(feedback)
    expect(section.get_by_role("heading", name="Resubmit")).to_be_visible()
    assert_accessible(phone)
    fits_the_screen(phone)
    section.get_by_label("Your answer").fill(
        "Kolb's cycle: in my last meeting we reflected on the lesson, then planned a change."
    )
    section.get_by_role("button", name="Resubmit Assignment 1: theories of mentoring").click()
    expect(success(phone)).to_contain_text(
        "‘Assignment 1: theories of mentoring’ submitted (attempt 2)."
    )
    section = phone.locator(f"#activity-{world.assignment.uuid}")
    expect(section).to_contain_text("Waiting to be assessed")
    assert_accessible(phone)
    fits_the_screen(phone)
    with system_access():
        attempts = list(
            Submission.objects.filter(enrolment=enrolment)
            .order_by("attempt")
            .values_list("attempt", "outcome")
        )
    assert attempts == [(1, "not_yet_met"), (2, "")]


# --- 5. bad input ---------------------------------------------------------------------------


def test_a_script_pasted_into_a_page_is_removed(new_page: Any, cast: Any) -> None:
    world = build_course(cast.riverside, created_by=cast.trainer, with_assessed=False)
    page: Page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, cast.trainer.email, PASSWORD)
    page.goto(f"/training/units/{world.modules[0].uuid}/")
    assert_accessible(page)
    page.get_by_role("link", name="Add a page").click()
    page.get_by_label("Title", exact=True).fill("Pasted from the web")
    page.get_by_label("Text (optional)", exact=True).fill("<script>alert(1)</script><p>Hello</p>")
    page.get_by_role("button", name="Add page").click()
    expect(success(page)).to_contain_text("Page Pasted from the web added.")
    expect(page.get_by_role("region", name="Important")).to_contain_text(
        "Some formatting was removed because it is not allowed in course text: "
        "the <script> element."
    )
    assert_accessible(page)

    page.get_by_role("link", name="Pasted from the web", exact=True).click()
    expect(page.locator("h1")).to_have_text("Pasted from the web")
    body = page.locator(".tandem-rich-text")
    expect(body).to_have_text("Hello")
    expect(page.locator("main script")).to_have_count(0)
    assert "alert(1)" not in page.content()
    assert_accessible(page)
    assert dialogs == []


def test_enrolling_after_the_run_closed_says_so(new_page: Any, cast: Any) -> None:
    world = build_course(cast.riverside, created_by=cast.trainer, with_assessed=False)
    page: Page = new_page()
    sign_in(page, cast.mentor.email, PASSWORD)
    page.goto("/training/")
    enrol = page.get_by_role("button", name=f"Enrol on {COURSE}, Autumn run")
    expect(enrol).to_be_visible()
    assert_accessible(page)

    # Enrolment closes while the page is open.
    yesterday = timezone.localdate() - timedelta(days=1)
    with system_access():
        CourseRun.objects.filter(pk=world.run.pk).update(enrolment_closes_on=yesterday)
    enrol.click()
    closed = f"Enrolment for Autumn run closed on {yesterday.day} {yesterday:%B %Y}"
    expect(page.get_by_role("region", name="There is a problem")).to_contain_text(closed)
    expect(page.locator("h1")).to_have_text("Autumn run")
    expect(page.locator("main")).to_contain_text("Not open now")
    assert_accessible(page)
    with system_access():
        assert not Enrolment.objects.filter(person=cast.mentor).exists()
