"""Building courses: validation messages, sanitising, uploads, publishing and who may."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tandem.training import courses as services
from tandem.training import sanitise
from tandem.training.models import (
    Answer,
    ContentPage,
    Course,
    CourseStatus,
    Enrolment,
    ModuleCompletion,
)
from tests.training.conftest import build_course

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def messages_of(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def new_course(cast, **data):
    data.setdefault("title", "Introduction to mentoring")
    return services.create_course(cast.actor("trainer"), cast.riverside, **data)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- sanitising --------------------------------------------------------------------------


def test_plain_text_becomes_paragraphs_and_bullets():
    html = sanitise.text_to_html("First & foremost\nsame paragraph\n\n- one\n- two\n\nLast")
    assert html == (
        "<p>First &amp; foremost<br>same paragraph</p><ul><li>one</li><li>two</li></ul><p>Last</p>"
    )
    assert sanitise.text_to_html(sanitise.html_to_text(html)) == html


@pytest.mark.parametrize(
    ("dirty", "gone", "named"),
    [
        ("<p>Hi<script>alert(1)</script></p>", "<script", "<script>"),
        ('<p onclick="steal()">Hi</p>', "onclick", "onclick"),
        ('<a href="javascript:alert(1)">Hi</a>', "javascript:", "not http, https or mailto"),
        ("<p>Hi <b>unclosed <table><tr><td>x", "<td>x</p>", ""),
    ],
)
def test_course_description_is_sanitised_and_the_author_told(cast, dirty, gone, named):
    course = new_course(cast, description_html=dirty)
    course.refresh_from_db()
    assert gone not in course.description_html
    assert "Hi" in course.description_html
    if named:
        fresh = new_course(cast, title="Another", description_html=dirty)
        assert named in fresh.cleaning_note


def test_clean_text_has_no_note(cast):
    course = new_course(cast, description_html="Plain words.\n\n- a bullet")
    assert course.cleaning_note == ""
    assert course.description_html == "<p>Plain words.</p><ul><li>a bullet</li></ul>"


# --- courses -----------------------------------------------------------------------------


def test_trainer_creates_a_draft_course_with_an_audit_event(cast):
    course = new_course(cast, glh="12.5", credits=Decimal("10"), level="Level 4")
    assert course.status == CourseStatus.DRAFT
    assert course.glh == Decimal("12.5")
    assert course.created_by == cast.trainer
    with system_access():
        assert AuditEvent.objects.filter(code="training.course.created", object_uuid=course.uuid)


@pytest.mark.parametrize("who", ["mentor", "mentee", "tutor", "partner_coordinator"])
def test_only_trainers_and_coordinators_create_courses(cast, who):
    with pytest.raises(PermissionDenied):
        services.create_course(cast.actor(who), cast.riverside, title="Nope")


def test_course_title_is_unique_per_organisation(cast):
    new_course(cast)
    with pytest.raises(ValidationError) as exc:
        new_course(cast, title="introduction to MENTORING")
    assert "already has a course called" in messages_of(exc.value)["title"][0]
    # another organisation may use the same title
    with system_access():
        build_course(cast.northgate, title="Introduction to mentoring")


def test_course_field_errors_name_the_field(cast):
    with pytest.raises(ValidationError) as exc:
        new_course(
            cast,
            title="  ",
            glh="-1",
            practice_hours_required="lots",
            release_mode="sometimes",
            credits="1.25",
        )
    errors = messages_of(exc.value)
    assert errors["title"] == ["Enter a title for the course"]
    assert errors["glh"] == ["Guided learning hours must be from 0 to 9999"]
    assert "must be a number" in errors["practice_hours_required"][0]
    assert errors["release_mode"][0].startswith("Choose the release of units")
    assert "one digit after the point" in errors["credits"][0]
    assert not Course.objects.visible_to(cast.actor("trainer")).exists()


def test_minimum_units_must_fit_the_course(cast, course_world):
    actor = cast.actor("trainer")
    course = course_world.course
    with pytest.raises(ValidationError) as exc:
        services.edit_course(
            actor, course, expected_version=1, completion_rule="minimum", minimum_units=6
        )
    assert messages_of(exc.value)["minimum_units"] == [
        "Minimum units must be from 1 to 5: the course has 5 units"
    ]
    with pytest.raises(ValidationError) as exc:
        services.edit_course(
            actor, course, expected_version=1, completion_rule="minimum", minimum_units=0
        )
    assert messages_of(exc.value)["minimum_units"] == ["Minimum units must be at least 1"]
    with pytest.raises(ValidationError) as exc:
        services.edit_course(actor, course, expected_version=1, completion_rule="minimum")
    assert "whole number" in messages_of(exc.value)["minimum_units"][0]
    edited = services.edit_course(
        actor, course, expected_version=1, completion_rule="minimum", minimum_units=4
    )
    assert edited.minimum_units == 4 and edited.version == 2


def test_a_stale_version_is_refused_and_nothing_saved(cast, course_world):
    actor = cast.actor("trainer")
    course = course_world.course
    services.edit_course(actor, course, expected_version=1, summary="First edit")
    with pytest.raises(ValidationError) as exc:
        services.edit_course(actor, course, expected_version=1, summary="Second edit")
    assert "Someone else saved this course" in exc.value.messages[0]
    course.refresh_from_db()
    assert course.summary == "First edit" and course.version == 2


def test_mentor_cannot_edit_a_course(cast, course_world):
    with pytest.raises(PermissionDenied):
        services.edit_course(cast.actor("mentor"), course_world.course, expected_version=1)


def test_publishing_needs_a_unit_and_a_run(cast):
    actor = cast.actor("trainer")
    course = new_course(cast)
    with pytest.raises(ValidationError) as exc:
        services.publish_course(actor, course)
    assert exc.value.messages == [
        "Add at least one unit before publishing the course",
        "Add at least one run, with the dates learners can enrol, before publishing the course",
    ]
    services.add_module(actor, course, title="Getting started")
    today = timezone.localdate()
    services.add_run(actor, course, name="Spring", enrolment_opens_on=today, starts_on=today)
    published = services.publish_course(actor, course)
    assert published.status == CourseStatus.PUBLISHED
    archived = services.archive_course(actor, published)
    assert archived.status == CourseStatus.ARCHIVED
    with system_access():
        codes = set(
            AuditEvent.objects.filter(object_uuid=course.uuid).values_list("code", flat=True)
        )
    assert {"training.course.published", "training.course.archived"} <= codes


# --- runs --------------------------------------------------------------------------------


def test_run_closing_before_it_opens_is_a_field_error(cast, course_world):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.add_run(
            cast.actor("trainer"),
            course_world.course,
            name="Summer",
            enrolment_opens_on=today,
            enrolment_closes_on=today - timedelta(days=1),
            starts_on=today,
            places=0,
        )
    errors = messages_of(exc.value)
    assert errors["enrolment_closes_on"][0].startswith("Enrolment must close on or after")
    assert errors["places"] == ["Places must be a whole number from 1 to 100,000"]


def test_run_name_unique_and_places_not_below_enrolled(cast, course_world):
    actor = cast.actor("trainer")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.add_run(
            actor,
            course_world.course,
            name="autumn run",
            enrolment_opens_on=today,
            starts_on=today,
        )
    assert "already has a run called" in messages_of(exc.value)["name"][0]
    with system_access():
        for who in ("mentor", "mentee"):
            Enrolment.objects.create(
                run=course_world.run,
                person=getattr(cast, who),
                organisation=cast.riverside,
                enrolled_at=timezone.now(),
            )
    with pytest.raises(ValidationError) as exc:
        services.edit_run(actor, course_world.run, places=1)
    assert messages_of(exc.value)["places"] == [
        "2 learners are already on this run: places cannot be fewer"
    ]
    assert services.edit_run(actor, course_world.run, places=2).places == 2


# --- units -------------------------------------------------------------------------------


def test_units_are_added_in_order_and_moved(cast, course_world):
    actor = cast.actor("trainer")
    extra = services.add_module(actor, course_world.course, title="Extra", kind="segment")
    assert extra.position == 6
    services.move_module(actor, extra, "up")
    titles = list(course_world.course.modules.order_by("position").values_list("title", flat=True))
    assert titles[-2:] == ["Extra", "Workbook 5"]
    first = course_world.modules[0]
    with pytest.raises(ValidationError) as exc:
        services.move_module(actor, first, "up")
    assert messages_of(exc.value)["direction"] == ["This is already the first unit"]


def test_unit_field_errors(cast, course_world):
    with pytest.raises(ValidationError) as exc:
        services.add_module(
            cast.actor("trainer"), course_world.course, title="", kind="book", glh="x",
            release_after_days=-3,
        )  # fmt: skip
    errors = messages_of(exc.value)
    assert errors["title"] == ["Enter a title for the unit"]
    assert errors["kind"][0].startswith("Choose the kind of unit")
    assert "must be a number" in errors["glh"][0]
    assert errors["release_after_days"] == [
        "Opens after (days) must be a whole number from 0 to 730"
    ]


def test_a_completed_unit_cannot_be_deleted(cast, course_world):
    actor = cast.actor("trainer")
    module = course_world.modules[1]
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
    with pytest.raises(ValidationError) as exc:
        services.delete_module(actor, module)
    assert exc.value.messages == [
        "1 learner has completed Workbook 2, so it cannot be deleted: their record would be lost"
    ]
    assert course_world.course.modules.count() == 5
    # an untouched unit goes, and the rest close up
    services.delete_module(actor, course_world.modules[2])
    positions = list(course_world.course.modules.values_list("position", flat=True))
    assert positions == [1, 2, 3, 4]


def test_a_unit_with_answers_cannot_be_deleted(cast, course_world):
    module = course_world.modules[0]
    with system_access():
        enrolment = Enrolment.objects.create(
            run=course_world.run,
            person=cast.mentor,
            organisation=cast.riverside,
            enrolled_at=timezone.now(),
        )
        Answer.objects.create(
            enrolment=enrolment, activity=course_world.reflections[0], text="I noticed"
        )
    with pytest.raises(ValidationError) as exc:
        services.delete_module(cast.actor("trainer"), module)
    assert "answered or submitted work" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.delete_activity(cast.actor("trainer"), course_world.reflections[0])


# --- pages and attachments ---------------------------------------------------------------


def test_page_with_a_file_link_and_sanitised_text(cast, course_world, settings):
    upload = SimpleUploadedFile("Workbook 1.pdf", PDF, content_type="application/pdf")
    page = services.add_page(
        cast.actor("trainer"),
        course_world.modules[0],
        title="The workbook",
        body_html='<p>Read it <img src=x onerror="alert(1)"></p>',
        attachment=upload,
        link_url="https://example.org/video",
        link_label="Watch the video",
    )
    page.refresh_from_db()
    assert page.position == 2
    assert page.body_html == "<p>Read it </p>"
    assert page.attachment_name == "Workbook 1.pdf"
    assert page.attachment.read() == PDF
    assert len(stored_files(settings)) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.exe", b"MZ\x90\x00", "notes.exe is not an allowed kind of file"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "fake.pdf does not look like a PDF file"),
        ("big.pdf", PDF + b"x" * 2048, "the largest allowed is"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_stored(
    cast, course_world, settings, name, content, message
):
    if name == "big.pdf":
        settings.TANDEM_MAX_UPLOAD_BYTES = 1024
    module = course_world.modules[0]
    with pytest.raises(ValidationError) as exc:
        services.add_page(
            cast.actor("trainer"),
            module,
            title="Reading",
            attachment=SimpleUploadedFile(name, content),
        )
    assert message in messages_of(exc.value)["attachment"][0]
    assert module.pages.count() == 1
    assert stored_files(settings) == []


def test_replacing_and_removing_an_attachment(
    cast, course_world, settings, django_capture_on_commit_callbacks
):
    actor = cast.actor("trainer")
    page = services.add_page(
        actor,
        course_world.modules[0],
        title="Reading",
        attachment=SimpleUploadedFile("a.pdf", PDF),
    )
    with django_capture_on_commit_callbacks(execute=True):
        page = services.edit_page(actor, page, attachment=SimpleUploadedFile("b.txt", b"hello"))
    assert page.attachment_name == "b.txt"
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        page = services.edit_page(actor, page, remove_attachment=True)
    page.refresh_from_db()
    assert not page.attachment and page.attachment_name == ""
    assert stored_files(settings) == []


def test_page_link_must_be_a_web_address(cast, course_world):
    with pytest.raises(ValidationError) as exc:
        services.add_page(
            cast.actor("trainer"),
            course_world.modules[0],
            title="Reading",
            link_url="javascript:alert(1)",
        )
    assert messages_of(exc.value)["link_url"] == [
        "Enter link as a full web address starting https://"
    ]
    with system_access():
        assert ContentPage.objects.filter(title="Reading").count() == 0


# --- activities and live sessions --------------------------------------------------------


def test_activity_validation_and_creation(cast, course_world):
    actor = cast.actor("trainer")
    module = course_world.modules[0]
    with pytest.raises(ValidationError) as exc:
        services.add_activity(actor, module, kind="quiz", title="", prompt=" ", word_guide=0)
    errors = messages_of(exc.value)
    assert set(errors) == {"kind", "title", "prompt", "word_guide"}
    activity = services.add_activity(
        actor, module, kind="assignment", title="Essay", prompt="Write.", word_guide=1500
    )
    assert activity.position == 2 and activity.is_assessed


def test_live_session_and_recording(cast, course_world):
    actor = cast.actor("trainer")
    other = build_course(cast.riverside, title="Other course")
    with pytest.raises(ValidationError) as exc:
        services.add_session(
            actor,
            course_world.run,
            title="Q&A",
            starts_at=timezone.now(),
            joining_url="ftp://example.org",
            module=other.modules[0],
            duration_minutes=0,
        )
    errors = messages_of(exc.value)
    assert set(errors) == {"joining_url", "module", "duration_minutes"}
    session = services.add_session(
        actor, course_world.run, title="Q&A", starts_at=timezone.now(), duration_minutes=45
    )
    with pytest.raises(ValidationError) as exc:
        services.add_recording(actor, session, "")
    assert messages_of(exc.value)["recording_url"] == ["Enter the web address of the recording"]
    session = services.add_recording(actor, session, "https://video.example.org/qa")
    assert session.recording_url == "https://video.example.org/qa"
    with pytest.raises(PermissionDenied):
        services.add_recording(cast.actor("mentor"), session, "https://x.example.org")


# --- regressions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (40_000, "Minimum units must be from 1 to 32,767"),
        (-5, "Minimum units must be at least 1"),
        ("three", "Minimum units must be a whole number, like 3"),
    ],
)
def test_minimum_units_is_checked_whenever_it_is_sent(cast, value, message):
    """Without the completion rule in the same request, a bad minimum was saved as is (a
    500 on PostgreSQL's small integer, or a misleading duplicate-title error)."""
    with pytest.raises(ValidationError) as exc:
        new_course(cast, minimum_units=value)
    assert messages_of(exc.value) == {"minimum_units": [message]}
    assert Course.objects.visible_to(cast.actor("trainer")).count() == 0


def test_minimum_units_sent_alone_must_fit_the_units(cast, course_world):
    with pytest.raises(ValidationError) as exc:
        services.edit_course(
            cast.actor("trainer"), course_world.course, expected_version=1, minimum_units=9
        )
    assert messages_of(exc.value) == {
        "minimum_units": ["Minimum units must be from 1 to 5: the course has 5 units"]
    }


def test_only_the_title_clash_becomes_a_duplicate_title_error(cast, monkeypatch):
    from django.db import IntegrityError

    def broken_save(self, *args, **kwargs):
        raise IntegrityError('new row violates check constraint "course_glh_not_negative"')

    monkeypatch.setattr(Course, "save", broken_save)
    with pytest.raises(IntegrityError):
        new_course(cast, title="A unique title")


def test_a_lost_race_on_the_title_is_still_a_title_error(cast, monkeypatch):
    new_course(cast, title="Raced title")
    real, calls = services._title_taken, []

    def first_check_misses(*args):
        """The other course is saved between the check and the save."""
        calls.append(args)
        return False if len(calls) == 1 else real(*args)

    monkeypatch.setattr(services, "_title_taken", first_check_misses)
    with pytest.raises(ValidationError) as exc:
        new_course(cast, title="Raced title")
    assert "already has a course called 'Raced title'" in messages_of(exc.value)["title"][0]


def test_rich_text_is_capped(cast, course_world):
    long = "a" * 100_001
    with pytest.raises(ValidationError) as exc:
        new_course(cast, description_html=long)
    assert messages_of(exc.value) == {
        "description_html": ["Description must be 100,000 characters or fewer"]
    }
    with pytest.raises(ValidationError) as exc:
        services.add_page(
            cast.actor("trainer"), course_world.modules[0], title="Long", body_html=long
        )
    assert messages_of(exc.value) == {"body_html": ["Text must be 100,000 characters or fewer"]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("glh", Decimal("1E+30")),
        ("practice_hours_required", Decimal("100000")),
        ("credits", Decimal("123456")),
    ],
)
def test_numbers_too_large_are_field_errors(cast, field, value):
    with pytest.raises(ValidationError) as exc:
        new_course(cast, **{field: value})
    assert list(messages_of(exc.value)) == [field]


def test_who_may_build_is_one_rule(cast):
    from tandem.training import selectors

    assert not hasattr(services, "can_create_course")
    assert selectors.can_build_for(cast.actor("trainer"), cast.riverside.pk)
    assert selectors.can_build_for(cast.actor("coordinator"), cast.riverside.pk)
    assert not selectors.can_build_for(cast.actor("mentor"), cast.riverside.pk)
    with pytest.raises(PermissionDenied):
        services.create_course(cast.actor("mentor"), cast.riverside, title="Nope")
