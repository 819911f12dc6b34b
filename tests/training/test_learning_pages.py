"""Learning pages: enrol, the course page, a unit with autosaved reflections, assessed
work with files, the assessment queue; and who may see what (200/403/404)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.training import learning
from tandem.training.models import Answer, Enrolment, ModuleCompletion, Outcome, Submission
from tests.training.test_learning_services import PDF, count, no_credentials, update_run


@pytest.fixture
def world(course_world):
    """The course asks for practice hours, so its page shows the practice section."""
    with system_access():
        type(course_world.course).objects.filter(pk=course_world.course.pk).update(
            practice_hours_required=10
        )
    course_world.course.refresh_from_db()
    return no_credentials(course_world)


@pytest.fixture
def enrolled(cast, world):
    return learning.enrol(cast.actor("mentor"), world.run)


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def unit_url(enrolment, module):
    return reverse("training:learn_module", args=[enrolment.uuid, module.uuid])


# --- enrolling -------------------------------------------------------------------------


def test_enrol_page_flow(cast, world, login):
    client = login(cast.mentor)
    response = client.post(reverse("training:enrol", args=[world.run.uuid]))
    with system_access():
        enrolment = Enrolment.objects.get()
    assert response.status_code == 302 and response.url == enrolment.get_absolute_url()
    again = client.post(reverse("training:enrol", args=[world.run.uuid]))
    assert again.url == enrolment.get_absolute_url()
    assert any("already enrolled" in m for m in said(again))
    assert count(Enrolment) == 1
    page = client.get(reverse("training:your_learning"))
    assert page.status_code == 200 and world.course.title in page.content.decode()


def test_enrol_after_close_says_so(cast, world, login):
    closed = timezone.localdate() - timedelta(days=2)
    update_run(world.run, enrolment_closes_on=closed)
    response = login(cast.mentor).post(reverse("training:enrol", args=[world.run.uuid]))
    assert response.status_code == 302
    assert said(response) == [f"Enrolment for Autumn run closed on {closed.day} {closed:%B %Y}"]
    assert count(Enrolment) == 0


def test_enrol_needs_post_and_a_visible_run(cast, world, login):
    client = login(cast.outsider_mentee)
    assert client.post(reverse("training:enrol", args=[world.run.uuid])).status_code == 404
    assert (
        login(cast.mentor).get(reverse("training:enrol", args=[world.run.uuid])).status_code == 405
    )


# --- the course page -------------------------------------------------------------------


def test_course_page_shows_progress_units_sessions(cast, world, enrolled, login):
    client = login(cast.mentor)
    page = client.get(enrolled.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "0 of 5" in html and "Workbook 1" in html
    assert "Join Welcome webinar" in html
    assert unit_url(enrolled, world.modules[0]) in html
    assert "Add the practice" in html


def test_practice_entry_from_the_page(cast, world, enrolled, login):
    client = login(cast.mentor)
    url = reverse("training:practice_add", args=[enrolled.uuid])
    bad = client.post(url, {"practice-on": "", "practice-hours": "30", "practice-description": ""})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "Enter the date of the practice" in html and "There is a problem" in html
    good = client.post(
        url,
        {
            "practice-on": timezone.localdate().isoformat(),
            "practice-hours": "1.5",
            "practice-description": "Meeting with a new tutor",
        },
    )
    assert good.status_code == 302
    assert "Meeting with a new tutor" in client.get(enrolled.get_absolute_url()).content.decode()


def test_withdraw_page(cast, world, enrolled, login):
    client = login(cast.mentor)
    url = reverse("training:withdraw", args=[enrolled.uuid])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    with system_access():
        assert Enrolment.objects.get().status == "withdrawn"


# --- a unit ----------------------------------------------------------------------------


def test_unit_page_has_autosave_and_a_plain_save_button(cast, world, enrolled, login):
    page = login(cast.mentor).get(unit_url(enrolled, world.modules[0]))
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        'hx-post="'
        + reverse("training:answer_save", args=[enrolled.uuid, world.reflections[0].uuid])
        in html
    )
    assert 'hx-trigger="keyup changed delay:1s' in html
    assert 'aria-live="polite"' in html
    assert "Mark this unit complete" in html and "<p>Read.</p>" in html


def test_autosave_answers_the_status_fragment(cast, world, enrolled, login):
    url = reverse("training:answer_save", args=[enrolled.uuid, world.reflections[0].uuid])
    response = login(cast.mentor).post(url, {"text": "I listened more"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.strip().startswith("Saved at ") and "<html" not in body
    with system_access():
        assert Answer.objects.get().text == "I listened more"


def test_autosave_error_is_shown_in_the_fragment(cast, world, enrolled, login):
    url = reverse("training:answer_save", args=[enrolled.uuid, world.reflections[0].uuid])
    response = login(cast.mentor).post(url, {"text": "x" * 20_001}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Not saved" in response.content.decode()
    assert count(Answer) == 0


def test_save_button_without_js(cast, world, enrolled, login):
    url = reverse("training:answer_save", args=[enrolled.uuid, world.reflections[0].uuid])
    response = login(cast.mentor).post(url, {"text": "Saved without JavaScript"})
    assert response.status_code == 302
    assert response.url.endswith(f"#activity-{world.reflections[0].uuid}")
    with system_access():
        assert Answer.objects.get().text == "Saved without JavaScript"


def test_complete_button_lists_what_is_missing_then_completes(cast, world, enrolled, login):
    client = login(cast.mentor)
    url = reverse("training:module_complete", args=[enrolled.uuid, world.modules[0].uuid])
    refused = client.post(url)
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "You can't complete Workbook 1 yet" in html
    assert "Answer the reflective question ‘Reflection 1’" in html
    learning.save_answer(cast.actor("mentor"), enrolled, world.reflections[0], "Done")
    done = client.post(url)
    assert done.status_code == 302 and said(done) == ["You have completed Workbook 1."]
    again = client.post(url)
    assert said(again)[-1] == "Workbook 1 is already completed."
    assert count(ModuleCompletion) == 1


def test_submit_assignment_with_file_and_refuse_big_file(
    settings, tmp_path, cast, world, enrolled, login
):
    settings.MEDIA_ROOT = tmp_path
    settings.TANDEM_MAX_UPLOAD_BYTES = 100
    client = login(cast.mentor)
    url = reverse("training:submission_new", args=[enrolled.uuid, world.assignment.uuid])
    prefix = f"a{world.assignment.pk}"
    big = SimpleUploadedFile("essay.pdf", PDF, content_type="application/pdf")
    refused = client.post(url, {f"{prefix}-text": "", f"{prefix}-file": big})
    assert refused.status_code == 200
    assert "essay.pdf is 0.0 MB; the largest allowed is 0 MB" in refused.content.decode()
    assert count(Submission) == 0
    settings.TANDEM_MAX_UPLOAD_BYTES = 10_000
    ok = SimpleUploadedFile("essay.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {f"{prefix}-text": "See the file", f"{prefix}-file": ok})
    assert response.status_code == 302
    with system_access():
        submission = Submission.objects.get()
    assert submission.file_name == "essay.pdf"
    download = login(cast.trainer).get(reverse("training:submission_file", args=[submission.uuid]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    other = login(cast.mentee).get(reverse("training:submission_file", args=[submission.uuid]))
    assert other.status_code == 404


def test_project_form_shows_section_guidance_and_errors(cast, world, enrolled, login):
    client = login(cast.mentor)
    page = client.get(unit_url(enrolled, world.modules[-1])).content.decode()
    assert "Costs and benefits" in page and "Evaluation plan" in page
    url = reverse("training:submission_new", args=[enrolled.uuid, world.project.uuid])
    prefix = f"a{world.project.pk}"
    refused = client.post(url, {f"{prefix}-section_rationale": "Because"})
    assert refused.status_code == 200
    assert "Write the costs and benefits section" in refused.content.decode()
    assert count(Submission) == 0


# --- assessment ------------------------------------------------------------------------


def test_trainer_assesses_from_the_queue(cast, world, enrolled, login):
    submission = learning.submit(cast.actor("mentor"), enrolled, world.assignment, text="Essay")
    client = login(cast.trainer)
    queue = client.get(reverse("training:assessments"))
    assert queue.status_code == 200 and submission.get_absolute_url() in queue.content.decode()
    page = client.get(submission.get_absolute_url())
    assert page.status_code == 200 and "Assess this attempt" in page.content.decode()
    refused = client.post(submission.get_absolute_url(), {"outcome": "not_yet_met"})
    assert refused.status_code == 200
    assert "Give feedback so the learner knows what to change" in refused.content.decode()
    done = client.post(submission.get_absolute_url(), {"outcome": "met", "feedback": "Clear."})
    assert done.status_code == 302
    with system_access():
        submission.refresh_from_db()
    assert submission.outcome == Outcome.MET and submission.assessed_by == cast.trainer
    again = client.post(submission.get_absolute_url(), {"outcome": "not_yet_met", "feedback": "x"})
    assert again.status_code == 302
    with system_access():
        submission.refresh_from_db()
    assert submission.outcome == Outcome.MET


# --- who may ---------------------------------------------------------------------------


@pytest.fixture
def mentee_work(cast, world):
    """Tom (managed by Lena, the line manager) enrolled, with an answer and a submission."""
    actor = cast.actor("mentee")
    enrolment = learning.enrol(actor, world.run)
    learning.save_answer(actor, enrolment, world.reflections[0], "Private reflection")
    submission = learning.submit(actor, enrolment, world.assignment, text="Tom's essay")
    return enrolment, submission


@pytest.mark.parametrize(
    ("who", "course_page", "unit_page", "submission_page"),
    [
        ("mentee", 200, 200, 200),  # the learner
        ("mentor", 404, 404, 404),  # another learner
        ("line_manager", 404, 404, 404),
        ("partner_coordinator", 404, 404, 404),
        ("stranger", 404, 404, 404),
        ("trainer", 200, 200, 200),
        ("tutor", 200, 200, 200),
        ("coordinator", 200, 200, 200),
    ],
)
def test_who_sees_a_learners_work(
    cast, world, login, mentee_work, who, course_page, unit_page, submission_page
):
    enrolment, submission = mentee_work
    client = login(cast.people[who])
    assert client.get(enrolment.get_absolute_url()).status_code == course_page
    assert client.get(unit_url(enrolment, world.modules[0])).status_code == unit_page
    assert client.get(submission.get_absolute_url()).status_code == submission_page


def test_trainer_reads_but_does_not_write_the_learners_answers(cast, world, login, mentee_work):
    enrolment, _ = mentee_work
    client = login(cast.trainer)
    html = client.get(unit_url(enrolment, world.modules[0])).content.decode()
    assert "Private reflection" in html and "hx-post" not in html
    url = reverse("training:answer_save", args=[enrolment.uuid, world.reflections[0].uuid])
    assert client.post(url, {"text": "Overwritten"}).status_code == 403


def test_who_may_assess(cast, world, login, mentee_work):
    _, submission = mentee_work
    url = submission.get_absolute_url()
    assert login(cast.mentee).post(url, {"outcome": "met"}).status_code == 403  # own work
    assert login(cast.mentor).post(url, {"outcome": "met"}).status_code == 404
    assert login(cast.line_manager).post(url, {"outcome": "met"}).status_code == 404
    assert login(cast.mentee).get(reverse("training:assessments")).status_code == 403
    with system_access():
        submission.refresh_from_db()
    assert submission.outcome == ""


def test_no_practice_section_when_the_course_asks_for_none(cast, course_world, login):
    enrolment = learning.enrol(cast.actor("mentor"), no_credentials(course_world).run)
    html = login(cast.mentor).get(enrolment.get_absolute_url()).content.decode()
    assert "Units completed" in html
    assert "Add the practice" not in html and "Mentoring practice" not in html


# --- regressions -----------------------------------------------------------------------


def test_a_withdrawn_learner_can_enrol_again(cast, world, enrolled, login):
    """The run page offered "Continue" to a withdrawn learner, and nothing let them rejoin."""
    client = login(cast.mentor)
    client.post(reverse("training:withdraw", args=[enrolled.uuid]))
    run_page = client.get(reverse("training:run_detail", args=[world.run.uuid]))
    html = run_page.content.decode()
    assert "Continue<span" not in html
    assert f'action="{reverse("training:enrol", args=[world.run.uuid])}"' in html
    course_page = client.get(enrolled.get_absolute_url()).content.decode()
    assert "Enrol again" in course_page
    response = client.post(reverse("training:enrol", args=[world.run.uuid]))
    assert response.status_code == 302
    with system_access():
        assert Enrolment.objects.get(pk=enrolled.pk).status == "active"
    assert "Enrol again" not in client.get(enrolled.get_absolute_url()).content.decode()


def test_no_enrol_again_once_enrolment_has_closed(cast, world, enrolled, login):
    learning.withdraw(cast.actor("mentor"), enrolled)
    update_run(world.run, enrolment_closes_on=timezone.localdate() - timedelta(days=1))
    html = login(cast.mentor).get(enrolled.get_absolute_url()).content.decode()
    assert "withdrew from this course" in html and "Enrol again" not in html


def test_session_links_on_the_course_page_are_for_the_runs_learners(cast, world, enrolled, login):
    html = login(cast.mentor).get(enrolled.get_absolute_url()).content.decode()
    assert "https://meet.example.org/welcome" in html
    learning.withdraw(cast.actor("mentor"), enrolled)
    html = login(cast.mentor).get(enrolled.get_absolute_url()).content.decode()
    assert "https://meet.example.org/welcome" not in html
