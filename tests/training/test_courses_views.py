"""Course pages: the catalogue, building a course, and who sees what (200/403/404)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.training import courses as services
from tandem.training.models import Course, CourseStatus, Enrolment
from tests.training.conftest import build_course

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(name, obj=None):
    return reverse(f"training:{name}", kwargs={"uuid": obj.uuid} if obj is not None else None)


# --- the catalogue -----------------------------------------------------------------------


def test_catalogue_lists_open_courses_with_runs_and_an_enrol_button(cast, course_world, login):
    with system_access():
        CourseRun = type(course_world.run)
        CourseRun.objects.filter(pk=course_world.run.pk).update(places=12)
    response = login(cast.mentor).get(url("courses"))
    assert response.status_code == 200
    html = response.content.decode()
    assert course_world.course.title in html
    assert "12 of 12" in html
    assert "University of Warwick" in html and "Level 4" in html
    enrol = reverse("training:enrol", kwargs={"uuid": course_world.run.uuid})
    assert f'action="{enrol}"' in html
    assert "Courses you run" not in html


def test_catalogue_shows_continue_for_a_run_already_joined(cast, course_world, login):
    with system_access():
        enrolment = Enrolment.objects.create(
            run=course_world.run,
            person=cast.mentor,
            organisation=cast.riverside,
            enrolled_at=timezone.now(),
        )
    html = login(cast.mentor).get(url("courses")).content.decode()
    assert reverse("training:enrolment_detail", kwargs={"uuid": enrolment.uuid}) in html
    assert "Continue" in html


def test_catalogue_hides_drafts_closed_runs_and_other_organisations(cast, login):
    build_course(cast.riverside, title="Draft course", status=CourseStatus.DRAFT)
    closed = build_course(cast.riverside, title="Closed course")
    with system_access():
        type(closed.run).objects.filter(pk=closed.run.pk).update(
            enrolment_closes_on=timezone.localdate() - timedelta(days=1)
        )
    build_course(cast.eastfield, title="Eastfield course")
    build_course(cast.northgate, title="Northgate shared", shared=True)
    build_course(cast.northgate, title="Northgate private")
    html = login(cast.mentor).get(url("courses")).content.decode()
    assert "Draft course" not in html
    assert "Closed course" not in html
    assert "Eastfield course" not in html
    assert "Northgate shared" in html
    assert "Northgate private" not in html
    assert "No courses are open" not in html


def test_catalogue_for_a_trainer_lists_drafts_and_new_course(cast, login):
    build_course(cast.riverside, title="Draft course", status=CourseStatus.DRAFT)
    html = login(cast.trainer).get(url("courses")).content.decode()
    assert "Courses you run" in html and "Draft course" in html
    assert reverse("training:course_new", kwargs={"uuid": cast.riverside.uuid}) in html
    assert "No courses are open for enrolment" in html


# --- building a course through the pages -------------------------------------------------


def test_trainer_builds_and_publishes_a_course(cast, login):
    client = login(cast.trainer)
    new_url = reverse("training:course_new", kwargs={"uuid": cast.riverside.uuid})
    assert client.get(new_url).status_code == 200
    response = client.post(
        new_url,
        {
            "title": "Coaching skills",
            "summary": "Short course",
            "description_html": "Hello <script>alert(1)</script>",
            "glh": "6",
            "practice_hours_required": "0",
            "release_mode": "all",
            "enrolment_mode": "rolling",
            "completion_rule": "all",
            "awards_certificate": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some formatting was removed" in html and "&lt;script&gt; element" in html
    assert "Add at least one unit before publishing" in html
    with system_access():
        course = Course.objects.get(title="Coaching skills")
    assert "<script" not in course.description_html

    response = client.post(
        url("module_new", course),
        {"kind": "segment", "title": "Listening", "glh": "2", "release_after_days": "0"},
    )
    module = course.modules.get()
    assert response["Location"] == url("module_detail", module)
    response = client.post(
        url("page_new", module),
        {
            "title": "Reading",
            "body_html": "Paragraph one\n\n- a point",
            "attachment": SimpleUploadedFile("listening.pdf", PDF),
            "link_url": "https://example.org/a",
            "link_label": "An article",
        },
    )
    assert response.status_code == 302
    page = module.pages.get()
    assert page.attachment_name == "listening.pdf"
    response = client.post(
        url("activity_new", module),
        {"kind": "reflection", "title": "Think", "prompt": "What did you hear?", "required": "on"},
    )
    assert response.status_code == 302
    today = timezone.localdate()
    response = client.post(
        url("run_new", course),
        {"name": "Spring", "enrolment_opens_on": today.isoformat(), "starts_on": today.isoformat()},
    )
    run = course.runs.get()
    assert response["Location"] == url("run_detail", run)
    response = client.post(
        url("session_new", run),
        {
            "title": "Welcome",
            "date": today.isoformat(),
            "start_time": "14:30",
            "duration_minutes": "60",
            "joining_url": "https://meet.example.org/x",
        },
    )
    assert response.status_code == 302
    detail = client.get(url("module_detail", module)).content.decode()
    assert "Reading" in detail and "Think" in detail and "listening.pdf" in detail
    response = client.post(url("course_publish", course), follow=True)
    assert "is published" in response.content.decode()
    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED
    run_page = client.get(url("run_detail", run)).content.decode()
    assert "Welcome" in run_page and "0 learners" in run_page


def test_form_errors_are_shown_on_fields(cast, course_world, login):
    client = login(cast.trainer)
    today = timezone.localdate()
    response = client.post(
        url("run_new", course_world.course),
        {
            "name": "Summer",
            "enrolment_opens_on": today.isoformat(),
            "enrolment_closes_on": (today - timedelta(days=3)).isoformat(),
            "starts_on": today.isoformat(),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enrolment must close on or after the day it opens" in html
    response = client.post(
        url("course_edit", course_world.course),
        {
            "title": "Mentoring in schools and colleges",
            "glh": "40",
            "practice_hours_required": "0",
            "release_mode": "all",
            "enrolment_mode": "rolling",
            "completion_rule": "minimum",
            "minimum_units": "9",
            "version": "1",
        },
    )
    assert "Minimum units must be from 1 to 5" in response.content.decode()


def test_editing_with_a_stale_version_is_refused(cast, course_world, login):
    services.edit_course(
        cast.actor("coordinator"), course_world.course, expected_version=1, summary="Theirs"
    )
    response = login(cast.trainer).post(
        url("course_edit", course_world.course),
        {
            "title": "Mentoring in schools and colleges",
            "summary": "Mine",
            "glh": "40",
            "practice_hours_required": "0",
            "release_mode": "all",
            "enrolment_mode": "rolling",
            "completion_rule": "all",
            "version": "1",
        },
    )
    assert "Someone else saved this course" in response.content.decode()
    course_world.course.refresh_from_db()
    assert course_world.course.summary == "Theirs"


def test_deleting_a_completed_unit_explains_why_not(cast, course_world, login):
    from tandem.training.models import ModuleCompletion

    module = course_world.modules[0]
    with system_access():
        enrolment = Enrolment.objects.create(
            run=course_world.run,
            person=cast.mentor,
            organisation=cast.riverside,
            enrolled_at=timezone.now(),
        )
        ModuleCompletion.objects.create(
            enrolment=enrolment, module=module, completed_at=timezone.now()
        )
    client = login(cast.trainer)
    response = client.post(url("module_delete", module))
    assert response.status_code == 200
    assert "1 learner has completed Workbook 1" in response.content.decode()
    assert course_world.course.modules.count() == 5


def test_moving_a_unit_down(cast, course_world, login):
    first = course_world.modules[0]
    login(cast.trainer).post(url("module_move", first), {"direction": "down"})
    first.refresh_from_db()
    assert first.position == 2


# --- who sees what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("trainer", 200),
        ("coordinator", 200),
        ("tutor", 403),
        ("mentor", 403),
        ("partner_coordinator", 404),
        ("outsider_coordinator", 404),
    ],
)
def test_editing_a_course_by_role(cast, course_world, login, who, expected):
    response = login(getattr(cast, who)).get(url("course_edit", course_world.course))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("who", "published", "expected"),
    [
        ("trainer", False, 200),
        ("mentor", True, 200),
        ("mentor", False, 404),
        ("mentee", True, 200),
        ("partner_mentee", True, 404),
        ("outsider_mentee", True, 404),
    ],
)
def test_seeing_a_course_by_role(cast, login, who, published, expected):
    world = build_course(
        cast.riverside, status=CourseStatus.PUBLISHED if published else CourseStatus.DRAFT
    )
    assert login(getattr(cast, who)).get(url("course_detail", world.course)).status_code == (
        expected
    )


def test_partners_see_a_course_open_to_partnerships_but_eastfield_never(cast, login):
    world = build_course(cast.riverside, shared=True)
    assert login(cast.partner_mentee).get(url("course_detail", world.course)).status_code == 200
    assert login(cast.partner_coordinator).get(url("run_detail", world.run)).status_code == 200
    assert login(cast.partner_coordinator).get(url("course_edit", world.course)).status_code == 403
    assert login(cast.outsider_mentee).get(url("course_detail", world.course)).status_code == 404
    assert login(cast.outsider_coordinator).get(url("run_detail", world.run)).status_code == 404


def test_mentor_sees_the_course_without_edit_controls(cast, course_world, login):
    client = login(cast.mentor)
    html = client.get(url("course_detail", course_world.course)).content.decode()
    assert "Edit course details" not in html and "Add a unit" not in html
    assert "Workbook 1" in html and "Welcome webinar" in html
    assert client.get(url("module_edit", course_world.modules[0])).status_code == 403
    assert client.post(url("course_publish", course_world.course)).status_code == 403
    assert client.post(url("module_new", course_world.course)).status_code == 403
    assert client.get(url("run_edit", course_world.run)).status_code == 403
    assert client.get(url("session_edit", course_world.session)).status_code == 403


def test_new_course_page_only_for_builders(cast, login):
    new_url = reverse("training:course_new", kwargs={"uuid": cast.riverside.uuid})
    assert login(cast.trainer).get(new_url).status_code == 200
    assert login(cast.mentor).get(new_url).status_code == 403
    assert login(cast.outsider_coordinator).get(new_url).status_code == 404


def _enrol(cast, world, person, **fields):
    with system_access():
        return Enrolment.objects.create(
            run=world.run,
            person=person,
            organisation=cast.riverside,
            enrolled_at=timezone.now(),
            **fields,
        )


def test_page_file_is_served_to_staff_and_to_learners_once_the_unit_opens(
    cast, course_world, login
):
    """Anyone who could see the course used to download a unit's files, enrolled or not
    and before the unit opened."""
    from tandem.training.models import CourseRun, Module

    page = services.add_page(
        cast.actor("trainer"),
        course_world.modules[0],
        title="Workbook",
        attachment=SimpleUploadedFile("workbook.pdf", PDF),
    )
    file_url = url("page_file", page)
    response = login(cast.tutor).get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="workbook.pdf"' in response["Content-Disposition"]
    # sees the course, not enrolled
    assert login(cast.mentor).get(file_url).status_code == 404
    assert login(cast.outsider_mentee).get(file_url).status_code == 404
    enrolment = _enrol(cast, course_world, cast.mentor)
    assert login(cast.mentor).get(file_url).status_code == 200
    other = course_world.modules[0].pages.exclude(pk=page.pk).first()
    assert login(cast.mentor).get(url("page_file", other)).status_code == 404
    # the unit has not opened yet (a cohort starting next week)
    with system_access():
        type(course_world.course).objects.filter(pk=course_world.course.pk).update(
            enrolment_mode="cohort"
        )
        CourseRun.objects.filter(pk=course_world.run.pk).update(
            starts_on=timezone.localdate() + timedelta(days=7)
        )
    assert login(cast.mentor).get(file_url).status_code == 404
    with system_access():
        CourseRun.objects.filter(pk=course_world.run.pk).update(
            starts_on=timezone.localdate() - timedelta(days=7)
        )
        Module.objects.filter(pk=course_world.modules[0].pk).update(requires_previous=False)
    assert login(cast.mentor).get(file_url).status_code == 200
    # withdrawn learners no longer download
    with system_access():
        Enrolment.objects.filter(pk=enrolment.pk).update(status="withdrawn")
    assert login(cast.mentor).get(file_url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, course_world):
    response = client.get(url("course_detail", course_world.course))
    assert response.status_code == 302 and "login" in response["Location"]


def test_editing_a_page_shows_plain_text_and_removes_the_file(cast, course_world, login):
    page = services.add_page(
        cast.actor("trainer"),
        course_world.modules[0],
        title="Workbook",
        body_html="First paragraph\n\n- a bullet",
        attachment=SimpleUploadedFile("workbook.pdf", PDF),
    )
    client = login(cast.trainer)
    html = client.get(url("page_edit", page)).content.decode()
    assert "First paragraph\n\n- a bullet</textarea>" in html
    assert "Remove workbook.pdf" in html
    response = client.post(
        url("page_edit", page),
        {"title": "Workbook", "body_html": "First paragraph", "remove_attachment": "on"},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.attachment and page.body_html == "<p>First paragraph</p>"
    assert login(cast.mentor).get(url("page_edit", page)).status_code == 403
    assert login(cast.mentor).get(url("page_detail", page)).status_code == 403


# --- regressions -------------------------------------------------------------------------


def test_the_course_form_refuses_numbers_out_of_range(cast, login):
    client = login(cast.trainer)
    response = client.post(
        reverse("training:course_new", kwargs={"uuid": cast.riverside.uuid}),
        {
            "title": "Huge numbers",
            "glh": "100000000",
            "practice_hours_required": "0",
            "release_mode": "all",
            "enrolment_mode": "rolling",
            "completion_rule": "minimum",
            "minimum_units": "40000",
            "credits": "5000",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Minimum number of units must be a whole number from 1 to 32,767" in html
    assert "Guided learning hours must be from 0 to 9,999" in html
    assert "Credits must be from 0 to 999" in html
    with system_access():
        assert not Course.objects.filter(title="Huge numbers").exists()


def test_run_page_open_tag_delete_link_and_learner_count(cast, course_world, login, monkeypatch):
    from tandem.training import course_views

    run_url = url("run_detail", course_world.run)
    client = login(cast.trainer)
    html = client.get(run_url).content.decode()
    assert "Open now" in html and "Delete the run" in html
    # a withdrawn learner still stops the run being deleted (as delete_run does)
    _enrol(cast, course_world, cast.mentor, status="withdrawn")
    html = client.get(run_url).content.decode()
    assert "Delete the run" not in html
    # a draft course's run is not open, whatever its dates
    with system_access():
        Course.objects.filter(pk=course_world.course.pk).update(status=CourseStatus.DRAFT)
    html = client.get(run_url).content.decode()
    assert "Open now" not in html and "Not open now" in html
    # a long list says it is cut short
    _enrol(cast, course_world, cast.tutor)
    _enrol(cast, course_world, cast.line_manager)
    monkeypatch.setattr(course_views, "LEARNERS_SHOWN", 2)
    html = client.get(run_url).content.decode()
    assert "Showing the first 2 of 3 learners." in html


def test_course_page_explains_a_unit_that_needs_the_previous_one(cast, course_world, login):
    from tandem.training.models import Module

    with system_access():
        Module.objects.filter(pk=course_world.modules[1].pk).update(requires_previous=True)
    html = login(cast.mentor).get(url("course_detail", course_world.course)).content.decode()
    assert "Opens when the previous unit is completed" in html
    assert "Complete the unit before it first" not in html


def test_a_refused_delete_says_why_on_the_same_page_and_keeps_the_record(cast, course_world, login):
    """Every delete page asks first; when someone has worked on the record the service
    refuses and the page says why, and nothing is removed."""
    from tandem.training import learning
    from tandem.training.models import CourseRun

    learning.enrol(cast.actor("mentor"), course_world.run)
    client = login(cast.trainer)
    url = reverse("training:run_delete", args=[course_world.run.uuid])
    assert "Delete the run" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 200
    assert "This cannot be deleted" in response.content.decode()
    with system_access():
        assert CourseRun.objects.filter(pk=course_world.run.pk).exists()
