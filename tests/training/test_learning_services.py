"""Learning services (E2): enrolment windows and places, release schedules, reflective
answers, assessed work, practice hours, completing units and courses, mentors trained.

Most tests switch badges and certificates off so that they check learning alone; the
tests at the end check that completing units issues them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.mentors.models import MentorProfile, TrainingStatus
from tandem.relationships.models import Observation, ObservationStatus
from tandem.training import learning
from tandem.training import learning_selectors as sel
from tandem.training.models import (
    Answer,
    CompletionRule,
    Course,
    CourseRun,
    Enrolment,
    EnrolmentMode,
    EnrolmentStatus,
    Module,
    ModuleCompletion,
    Outcome,
    PracticeEntry,
    ReleaseMode,
    Submission,
)
from tests.relationships.conftest import mentor_profile
from tests.relationships.meeting_fixtures import held_meeting, induction, pair  # noqa: F401
from tests.training.conftest import build_course

PDF = b"%PDF-1.4\n" + b"x" * 200


def no_credentials(world):
    """Badges and certificates off: these tests check learning alone."""
    with system_access():
        Module.objects.filter(course=world.course).update(awards_badge=False)
        Course.objects.filter(pk=world.course.pk).update(awards_certificate=False)
        world.course.refresh_from_db()
        for m in world.modules:
            m.refresh_from_db()
    return world


def update_run(run, **fields):
    with system_access():
        CourseRun.objects.filter(pk=run.pk).update(**fields)
        run.refresh_from_db()


def update_course(course, **fields):
    with system_access():
        Course.objects.filter(pk=course.pk).update(**fields)
        course.refresh_from_db()


def update_module(module, **fields):
    with system_access():
        Module.objects.filter(pk=module.pk).update(**fields)
        module.refresh_from_db()


def fresh(enrolment):
    with system_access():
        return Enrolment.objects.get(pk=enrolment.pk)


@pytest.fixture
def world(course_world):
    return no_credentials(course_world)


@pytest.fixture
def mentor(cast):
    return cast.actor("mentor")


@pytest.fixture
def enrolled(world, mentor):
    return learning.enrol(mentor, world.run)


def do_unit(actor, enrolment, world, i):
    """Answer the unit's reflection and complete it."""
    learning.save_answer(actor, enrolment, world.reflections[i], "I noticed I talked too much.")
    return learning.complete_module(actor, enrolment, world.modules[i])


def count(model, **filters):
    with system_access():
        return model.objects.filter(**filters).count()


# --- enrolling -------------------------------------------------------------------------


def test_enrol_records_learner_and_their_organisation(cast, world, mentor):
    enrolment = learning.enrol(mentor, world.run)
    assert enrolment.created
    assert enrolment.person == cast.mentor
    assert enrolment.organisation == cast.riverside
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_enrol_partner_learner_keeps_their_own_organisation(cast, course_world):
    update_course(course_world.course, shared_with_partnerships=True)
    enrolment = learning.enrol(cast.actor("partner_mentee"), course_world.run)
    assert enrolment.organisation == cast.northgate


def test_enrol_before_opening_refused_and_nothing_stored(world, mentor):
    today = timezone.localdate()
    update_run(world.run, enrolment_opens_on=today + timedelta(days=5))
    with pytest.raises(ValidationError) as exc:
        learning.enrol(mentor, world.run)
    opens = today + timedelta(days=5)
    assert exc.value.message_dict["run"] == [
        f"Enrolment for Autumn run opens on {opens.day} {opens:%B %Y}"
    ]
    assert count(Enrolment) == 0


def test_enrol_after_close_names_the_date_and_stores_nothing(world, mentor):
    today = timezone.localdate()
    closed = today - timedelta(days=1)
    update_run(world.run, enrolment_closes_on=closed)
    with pytest.raises(ValidationError) as exc:
        learning.enrol(mentor, world.run)
    assert exc.value.message_dict["run"] == [
        f"Enrolment for Autumn run closed on {closed.day} {closed:%B %Y}"
    ]
    assert count(Enrolment) == 0
    # the same run, asked about on the last day, is still open
    assert learning.enrol(mentor, world.run, today=closed).created


def test_enrol_open_ended_run(world, mentor):
    update_run(world.run, enrolment_closes_on=None)
    assert learning.enrol(mentor, world.run, today=timezone.localdate() + timedelta(days=900))


def test_full_run_refused(cast, world, mentor):
    update_run(world.run, places=1)
    learning.enrol(cast.actor("tutor"), world.run)
    with pytest.raises(ValidationError) as exc:
        learning.enrol(mentor, world.run)
    assert "full" in exc.value.message_dict["run"][0]
    assert count(Enrolment) == 1


def test_enrolling_twice_returns_the_enrolment(world, mentor):
    first = learning.enrol(mentor, world.run)
    again = learning.enrol(mentor, world.run)
    assert again.pk == first.pk and again.created is False
    assert count(Enrolment) == 1


def test_draft_course_refused(cast):
    draft = build_course(cast.riverside, status="draft")
    with pytest.raises(ValidationError):
        learning.enrol(cast.actor("trainer"), draft.run)


def test_withdraw_and_rejoin(world, mentor, enrolled):
    learning.withdraw(mentor, enrolled)
    assert fresh(enrolled).status == EnrolmentStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        learning.save_answer(mentor, fresh(enrolled), world.reflections[0], "text")
    again = learning.enrol(mentor, world.run)
    assert again.pk == enrolled.pk and again.status == EnrolmentStatus.ACTIVE


def test_enrolling_on_mentor_training_starts_training(cast, world, mentor):
    profile = mentor_profile(cast.mentor, cast.riverside, training_status="not_started")
    learning.enrol(mentor, world.run)
    with system_access():
        profile.refresh_from_db()
    assert profile.training_status == TrainingStatus.IN_TRAINING


def test_enrolling_never_moves_a_trained_mentor_back(cast, world, mentor):
    profile = mentor_profile(cast.mentor, cast.riverside, training_status="trained")
    learning.enrol(mentor, world.run)
    with system_access():
        profile.refresh_from_db()
    assert profile.training_status == TrainingStatus.TRAINED


# --- release schedule and predecessors ------------------------------------------------


def test_rolling_schedule_counts_from_the_learners_enrolment(world, enrolled):
    update_course(world.course, release_mode=ReleaseMode.SCHEDULED)
    module = world.modules[1]
    update_module(module, release_after_days=14)
    today = timezone.localdate()
    opens = today + timedelta(days=14)
    assert learning.module_state(enrolled, module, today) == f"locked_until:{opens.isoformat()}"
    assert learning.module_state(enrolled, module, opens) == "open"
    assert learning.module_state(enrolled, world.modules[0], today) == "open"


def test_cohort_schedule_counts_from_the_run_start(world, enrolled):
    update_course(
        world.course, release_mode=ReleaseMode.SCHEDULED, enrolment_mode=EnrolmentMode.COHORT
    )
    today = timezone.localdate()  # the run started 30 days ago
    update_module(world.modules[1], release_after_days=14)
    update_module(world.modules[2], release_after_days=60)
    assert learning.module_state(enrolled, world.modules[1], today) == "open"
    opens = world.run.starts_on + timedelta(days=60)
    assert learning.module_state(enrolled, world.modules[2], today) == (
        f"locked_until:{opens.isoformat()}"
    )


def test_all_at_once_ignores_release_days(world, enrolled):
    update_module(world.modules[1], release_after_days=14)
    assert learning.module_state(enrolled, world.modules[1]) == "open"


def test_locked_unit_cannot_be_completed_or_answered(world, mentor, enrolled):
    update_course(world.course, release_mode=ReleaseMode.SCHEDULED)
    module = world.modules[2]
    update_module(module, release_after_days=10)
    opens = timezone.localdate() + timedelta(days=10)
    words = f"Workbook 3 opens on {opens.day} {opens:%B %Y}"
    with pytest.raises(ValidationError) as exc:
        learning.complete_module(mentor, enrolled, module)
    assert exc.value.message_dict["module"] == [words]
    with pytest.raises(ValidationError) as exc:
        learning.save_answer(mentor, enrolled, world.reflections[2], "early")
    assert exc.value.message_dict["text"] == [words]
    assert count(ModuleCompletion) == 0 and count(Answer) == 0


def test_predecessor_required(world, mentor, enrolled):
    update_module(world.modules[1], requires_previous=True)
    assert learning.module_state(enrolled, world.modules[1]) == "needs_previous"
    with pytest.raises(ValidationError) as exc:
        learning.complete_module(mentor, enrolled, world.modules[1])
    assert exc.value.message_dict["module"] == ["Complete Workbook 1 first"]
    do_unit(mentor, enrolled, world, 0)
    assert learning.module_state(enrolled, world.modules[1]) == "open"
    assert do_unit(mentor, enrolled, world, 1).created


# --- reflections and completing a unit -------------------------------------------------


def test_unanswered_reflection_blocks_completion(world, mentor, enrolled):
    with pytest.raises(ValidationError) as exc:
        learning.complete_module(mentor, enrolled, world.modules[0])
    assert exc.value.message_dict["module"] == ["Answer the reflective question ‘Reflection 1’"]
    learning.save_answer(mentor, enrolled, world.reflections[0], "   ")
    with pytest.raises(ValidationError):
        learning.complete_module(mentor, enrolled, world.modules[0])
    assert count(ModuleCompletion) == 0


def test_autosave_keeps_one_answer(world, mentor, enrolled):
    learning.save_answer(mentor, enrolled, world.reflections[0], "First thoughts")
    learning.save_answer(mentor, enrolled, world.reflections[0], "First thoughts, revised")
    with system_access():
        answers = list(Answer.objects.all())
    assert [a.text for a in answers] == ["First thoughts, revised"]


def test_answer_too_long_refused(world, mentor, enrolled):
    with pytest.raises(ValidationError) as exc:
        learning.save_answer(mentor, enrolled, world.reflections[0], "x" * 20_001)
    assert "20,000 characters" in exc.value.message_dict["text"][0]


def test_only_the_learner_answers_and_completes(cast, world, enrolled):
    trainer = cast.actor("trainer")
    with pytest.raises(PermissionDenied):
        learning.save_answer(trainer, enrolled, world.reflections[0], "Not mine")
    with pytest.raises(PermissionDenied):
        learning.complete_module(trainer, enrolled, world.modules[0])


def test_complete_unit_once(world, mentor, enrolled):
    first = do_unit(mentor, enrolled, world, 0)
    assert first.created
    again = learning.complete_module(mentor, enrolled, world.modules[0])
    assert again.created is False and again.pk == first.pk
    assert count(ModuleCompletion) == 1
    p = learning.progress(enrolled)
    assert p["units_completed"] == 1 and p["glh_completed"] == Decimal("8")


def test_unit_of_another_course_refused(cast, world, mentor, enrolled):
    other = build_course(cast.riverside, title="Another course")
    with pytest.raises(ValidationError):
        learning.complete_module(mentor, enrolled, other.modules[0])


# --- assignments and the project -------------------------------------------------------


def test_assignment_met_not_yet_met_and_resubmission(cast, world, mentor, enrolled):
    trainer = cast.actor("trainer")
    last = world.modules[-1]
    learning.save_answer(mentor, enrolled, world.reflections[-1], "Reflected")
    mail.outbox.clear()
    first = learning.submit(mentor, enrolled, world.assignment, text="My essay")
    assert first.attempt == 1
    staff = {m.to[0] for m in mail.outbox}
    assert staff == {"trainer@riverside.example", "tutor@riverside.example"}

    with pytest.raises(ValidationError) as exc:
        learning.complete_module(mentor, enrolled, last)
    assert (
        "‘Assignment 1: theories of mentoring’ is waiting to be assessed"
        in (exc.value.message_dict["module"])
    )
    with pytest.raises(ValidationError):  # no second attempt while one waits
        learning.submit(mentor, enrolled, world.assignment, text="Again")

    with pytest.raises(ValidationError) as exc:
        learning.assess(trainer, first, outcome=Outcome.NOT_YET_MET, feedback="")
    assert "feedback" in exc.value.message_dict
    mail.outbox.clear()
    learning.assess(trainer, first, outcome=Outcome.NOT_YET_MET, feedback="Cite two theories.")
    assert [m.to for m in mail.outbox] == [["mentor@riverside.example"]]
    assert "not yet met" in mail.outbox[0].subject

    second = learning.submit(mentor, enrolled, world.assignment, text="Better essay")
    assert second.attempt == 2
    learning.assess(trainer, second, outcome=Outcome.MET)

    # an assessed attempt never changes
    with pytest.raises(ValidationError) as exc:
        learning.assess(trainer, first, outcome=Outcome.MET)
    assert "does not change" in exc.value.message_dict["outcome"][0]
    with system_access():
        first.refresh_from_db()
    assert first.outcome == Outcome.NOT_YET_MET and first.feedback == "Cite two theories."
    with pytest.raises(ValidationError):  # already met: no third attempt
        learning.submit(mentor, enrolled, world.assignment, text="Third")

    # the project is still missing
    with pytest.raises(ValidationError) as exc:
        learning.complete_module(mentor, enrolled, last)
    assert exc.value.message_dict["module"] == ["Submit ‘Design a mentoring programme’"]


def test_learner_cannot_assess_and_nor_can_a_mentee(cast, world, mentor, enrolled):
    submission = learning.submit(mentor, enrolled, world.assignment, text="Essay")
    with pytest.raises(PermissionDenied):
        learning.assess(mentor, submission, outcome=Outcome.MET)
    with pytest.raises(Submission.DoesNotExist):  # invisible to another learner
        learning.assess(cast.actor("mentee"), submission, outcome=Outcome.MET)


def test_project_needs_its_required_sections(cast, world, mentor, enrolled):
    with pytest.raises(ValidationError) as exc:
        learning.submit(mentor, enrolled, world.project, sections={"aims": "Retain staff"})
    assert set(exc.value.message_dict) == {
        "section_rationale",
        "section_costs_benefits",
        "section_evaluation",
    }
    assert count(Submission) == 0
    submission = learning.submit(
        mentor,
        enrolled,
        world.project,
        sections={
            "rationale": "New tutors leave in their first year.",
            "costs_benefits": "Two hours a week of remission per mentor.",
            "evaluation": "Retention after one year.",
            "aims": "",
        },
    )
    assert set(submission.sections) == {"rationale", "costs_benefits", "evaluation"}


def test_assignment_needs_text_or_file(world, mentor, enrolled):
    with pytest.raises(ValidationError) as exc:
        learning.submit(mentor, enrolled, world.assignment, text="  ")
    assert exc.value.message_dict["text"] == ["Write your answer or attach a file"]


def test_file_too_big_refused(settings, tmp_path, world, mentor, enrolled):
    settings.MEDIA_ROOT = tmp_path
    settings.TANDEM_MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("essay.pdf", PDF, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        learning.submit(mentor, enrolled, world.assignment, upload=upload)
    assert "essay.pdf" in exc.value.message_dict["file"][0]
    assert count(Submission) == 0


def test_file_of_wrong_type_refused(settings, tmp_path, world, mentor, enrolled):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("essay.exe", b"MZ\x90\x00" * 10)
    with pytest.raises(ValidationError) as exc:
        learning.submit(mentor, enrolled, world.assignment, upload=upload)
    assert "not an allowed kind of file" in exc.value.message_dict["file"][0]
    renamed = SimpleUploadedFile("essay.pdf", b"MZ\x90\x00" * 10)
    with pytest.raises(ValidationError) as exc:
        learning.submit(mentor, enrolled, world.assignment, upload=renamed)
    assert "does not look like a PDF" in exc.value.message_dict["file"][0]
    assert count(Submission) == 0


def test_file_stored_with_its_name(settings, tmp_path, world, mentor, enrolled):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("my essay.pdf", PDF, content_type="application/pdf")
    submission = learning.submit(mentor, enrolled, world.assignment, upload=upload)
    assert submission.file_name == "my essay.pdf"
    assert submission.file.read().startswith(b"%PDF")


# --- practice hours --------------------------------------------------------------------


def test_practice_hours_from_meetings_observations_and_entries(cast, world, pair, mentor):  # noqa: F811
    enrolment = learning.enrol(mentor, world.run)
    now = timezone.now()
    held_meeting(pair, when=now - timedelta(minutes=120), minutes=90)  # today: counts
    held_meeting(pair, when=now - timedelta(days=3), minutes=60)  # before enrolling
    held_meeting(pair, when=now + timedelta(days=1), minutes=60, status="planned")
    with system_access():
        Observation.objects.create(
            mentorship=pair,
            observer=cast.mentor,
            observed=cast.mentee,
            purpose="developmental",
            purpose_declared_at=now - timedelta(hours=3),
            scheduled_for=now - timedelta(hours=1),
            duration_minutes=30,
            status=ObservationStatus.RECORDED,
        )
    assert learning.practice_hours(enrolment) == Decimal("2.00")
    learning.add_practice_entry(
        mentor, enrolment, on=timezone.localdate(), hours="1.25", description="Supervision"
    )
    assert learning.practice_hours(enrolment) == Decimal("3.25")
    kinds = sorted(r.kind for r in sel.practice_rows(enrolment))
    assert kinds == ["entry", "meeting", "observation"]


def test_meetings_as_mentee_do_not_count(cast, world, pair):  # noqa: F811
    enrolment = learning.enrol(cast.actor("mentee"), world.run)
    held_meeting(pair, when=timezone.now() - timedelta(minutes=30), minutes=60)
    assert learning.practice_hours(enrolment) == Decimal("0.00")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"on": None}, "on"),
        ({"on": "future"}, "on"),
        ({"on": "before"}, "on"),
        ({"hours": "0"}, "hours"),
        ({"hours": "25"}, "hours"),
        ({"hours": "lots"}, "hours"),
        ({"hours": "1.333"}, "hours"),
        ({"description": " "}, "description"),
    ],
)
def test_practice_entry_bad_input(world, mentor, enrolled, fields, field):
    today = timezone.localdate()
    values = {"on": today, "hours": "1", "description": "Meeting"} | fields
    if values["on"] == "future":
        values["on"] = today + timedelta(days=1)
    elif values["on"] == "before":
        values["on"] = today - timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        learning.add_practice_entry(mentor, enrolled, **values)
    assert field in exc.value.message_dict
    assert count(PracticeEntry) == 0


# --- completing the course -------------------------------------------------------------


@pytest.fixture
def short_course(cast):
    """One workbook, two hours of practice."""
    return no_credentials(
        build_course(
            cast.riverside, title="Short course", units=1, with_assessed=False, practice_hours="2"
        )
    )


def test_course_completes_when_units_and_hours_are_done(cast, short_course, mentor):
    profile = mentor_profile(cast.mentor, cast.riverside, training_status="not_started")
    enrolment = learning.enrol(mentor, short_course.run)
    do_unit(mentor, enrolment, short_course, 0)
    assert fresh(enrolment).status == EnrolmentStatus.ACTIVE  # hours still short
    with pytest.raises(ValidationError) as exc:
        learning.complete_course(mentor, enrolment)
    assert exc.value.messages == ["Record 2 more hours of mentoring practice"]
    with system_access():
        profile.refresh_from_db()
    assert profile.training_status == TrainingStatus.IN_TRAINING

    mail.outbox.clear()
    learning.add_practice_entry(
        mentor, enrolment, on=timezone.localdate(), hours="2", description="Two meetings"
    )
    done = fresh(enrolment)
    assert done.status == EnrolmentStatus.COMPLETED and done.completed_at is not None
    with system_access():
        profile.refresh_from_db()
    assert profile.training_status == TrainingStatus.TRAINED
    assert "You have completed Short course" in mail.outbox[-1].subject


def test_completing_the_last_unit_completes_the_course(cast, short_course, mentor):
    update_course(short_course.course, practice_hours_required=Decimal(0))
    mentor_profile(cast.mentor, cast.riverside, training_status="in_training")
    enrolment = learning.enrol(mentor, short_course.run)
    do_unit(mentor, enrolment, short_course, 0)
    assert fresh(enrolment).status == EnrolmentStatus.COMPLETED
    with system_access():
        assert MentorProfile.objects.get(person=cast.mentor).training_status == "trained"


def test_not_mentor_training_leaves_profile_alone(cast, short_course, mentor):
    update_course(short_course.course, practice_hours_required=Decimal(0), is_mentor_training=False)
    profile = mentor_profile(cast.mentor, cast.riverside, training_status="not_started")
    enrolment = learning.enrol(mentor, short_course.run)
    do_unit(mentor, enrolment, short_course, 0)
    assert fresh(enrolment).status == EnrolmentStatus.COMPLETED
    with system_access():
        profile.refresh_from_db()
    assert profile.training_status == TrainingStatus.NOT_STARTED


def test_minimum_units_rule(world, mentor, enrolled):
    update_course(world.course, completion_rule=CompletionRule.MINIMUM_UNITS, minimum_units=2)
    do_unit(mentor, enrolled, world, 0)
    assert fresh(enrolled).status == EnrolmentStatus.ACTIVE
    do_unit(mentor, enrolled, world, 1)
    assert fresh(enrolled).status == EnrolmentStatus.COMPLETED
    p = learning.progress(fresh(enrolled))
    assert p["units_needed"] == 2 and p["units_completed"] == 2


# --- badges and certificates (issued through training.credentials) ---------------------


def test_completing_a_unit_issues_its_badge(cast, course_world, mentor):
    pytest.importorskip("tandem.training.credentials")
    from tandem.training.models import Credential

    enrolment = learning.enrol(mentor, course_world.run)
    do_unit(mentor, enrolment, course_world, 0)
    learning.complete_module(mentor, enrolment, course_world.modules[0])  # again: no new badge
    with system_access():
        badges = list(Credential.objects.filter(enrolment=enrolment, kind="badge"))
    assert [b.module_id for b in badges] == [course_world.modules[0].pk]


def test_completing_the_course_issues_the_certificate(cast, mentor):
    pytest.importorskip("tandem.training.credentials")
    from tandem.training.models import Credential

    world = build_course(cast.riverside, title="Certified", units=1, with_assessed=False)
    enrolment = learning.enrol(mentor, world.run)
    do_unit(mentor, enrolment, world, 0)
    with system_access():
        kinds = sorted(
            Credential.objects.filter(enrolment=enrolment).values_list("kind", flat=True)
        )
    assert kinds == ["badge", "certificate"]


# --- regressions -----------------------------------------------------------------------


def _cohort_starting_in(world, days, *, release_mode):
    update_course(world.course, release_mode=release_mode, enrolment_mode=EnrolmentMode.COHORT)
    today = timezone.localdate()
    update_run(world.run, starts_on=today + timedelta(days=days))
    return today + timedelta(days=days)


def test_cohort_unit_with_no_delay_opens_when_the_cohort_starts(world, mentor, enrolled):
    starts = _cohort_starting_in(world, 10, release_mode=ReleaseMode.SCHEDULED)
    first = world.modules[0]
    assert first.release_after_days == 0
    assert learning.module_state(fresh(enrolled), first) == f"locked_until:{starts.isoformat()}"
    with pytest.raises(ValidationError) as exc:
        do_unit(mentor, enrolled, world, 0)
    assert f"opens on {starts.day} {starts:%B %Y}" in exc.value.messages[0]
    assert learning.module_state(fresh(enrolled), first, starts) == learning.OPEN


def test_cohort_released_all_at_once_opens_on_the_start_date(world, mentor, enrolled):
    starts = _cohort_starting_in(world, 5, release_mode=ReleaseMode.ALL_AT_ONCE)
    states = {learning.module_state(fresh(enrolled), m) for m in world.modules}
    assert states == {f"locked_until:{starts.isoformat()}"}
    rows = sel.unit_rows(fresh(enrolled))
    assert all(r.opens_on == starts for r in rows)
    assert learning.module_state(fresh(enrolled), world.modules[0], starts) == learning.OPEN


def test_rolling_unit_with_no_delay_opens_at_once(world, enrolled):
    update_course(world.course, release_mode=ReleaseMode.SCHEDULED)
    update_run(world.run, starts_on=timezone.localdate() + timedelta(days=10))
    assert learning.module_state(fresh(enrolled), world.modules[0]) == learning.OPEN


def test_completing_the_course_sends_one_email_naming_the_certificate(cast, mentor):
    world = build_course(cast.riverside, title="Certified", units=1, with_assessed=False)
    enrolment = learning.enrol(mentor, world.run)
    learning.save_answer(mentor, enrolment, world.reflections[0], "I listened more.")
    mail.outbox.clear()
    learning.complete_module(mentor, enrolment, world.modules[0])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "You have completed Certified" in message.subject
    with system_access():
        from tandem.training.models import Credential

        certificate = Credential.objects.get(enrolment=enrolment, kind="certificate")
        badge = Credential.objects.get(enrolment=enrolment, kind="badge")
    assert f"/training/credentials/{certificate.uuid}/" in message.body
    assert f"/training/credentials/{badge.uuid}/" in message.body


def test_a_badge_short_of_completion_is_still_emailed(cast, mentor):
    world = build_course(cast.riverside, title="Two units", units=2, with_assessed=False)
    enrolment = learning.enrol(mentor, world.run)
    learning.save_answer(mentor, enrolment, world.reflections[0], "I listened more.")
    mail.outbox.clear()
    learning.complete_module(mentor, enrolment, world.modules[0])
    assert len(mail.outbox) == 1
    assert "You have earned a badge: Workbook 1" in mail.outbox[0].subject


def test_place_counting_follows_the_catalogue_rule(cast, world, mentor):
    """A withdrawn learner frees their place, on the catalogue and when enrolling."""
    from tandem.training import selectors

    update_run(world.run, places=1)
    tutor = cast.actor("tutor")
    taken = learning.enrol(tutor, world.run)
    learning.withdraw(tutor, taken)
    run = selectors.with_places(selectors.runs_of(mentor, world.course)).get(pk=world.run.pk)
    assert selectors.places_left(run) == 1
    assert learning.enrol(mentor, world.run).created


def test_an_activity_is_found_in_one_query_and_only_in_its_course(
    cast, world, enrolled, django_assert_num_queries
):
    other = build_course(cast.riverside, title="Another course", units=1)
    enrolment = fresh(enrolled)
    enrolment.run.course  # noqa: B018  (loaded with the enrolment's page)
    with django_assert_num_queries(1):
        found = sel.activity_of(enrolment, world.reflections[2].uuid)
    assert found == world.reflections[2]
    from django.http import Http404

    for wrong in (other.reflections[0].uuid, "not-a-uuid"):
        with pytest.raises(Http404):
            sel.activity_of(enrolment, wrong)


def _for_update_clauses(queries):
    return [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]


def test_learning_locks_only_its_own_rows(cast, world, mentor, enrolled):
    """Locks taken through the visibility policy's joins must lock only the row itself
    (PostgreSQL refuses FOR UPDATE on the nullable side of an outer join)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    update_module(world.modules[4], requires_previous=False)
    with CaptureQueriesContext(connection) as queries:
        do_unit(mentor, enrolled, world, 0)
        submission = learning.submit(mentor, enrolled, world.assignment, text="My essay")
        learning.assess(cast.actor("tutor"), submission, outcome=Outcome.MET, feedback="")
    assert fresh(enrolled).completions.count() == 1
    if connection.features.has_select_for_update:
        clauses = _for_update_clauses(queries.captured_queries)
        assert clauses and all("FOR UPDATE OF" in sql for sql in clauses)


def test_one_rule_each_for_staff_dates_and_own_enrolments():
    """The learning code shares the course rules instead of keeping copies."""
    from tandem.training import courses, selectors

    assert sel.is_course_staff is selectors.is_course_staff
    assert learning.day is selectors.day is courses.day
    assert not hasattr(learning, "COUNTED")
    assert not hasattr(selectors, "own_enrolments")
    assert not hasattr(courses, "can_create_course")
