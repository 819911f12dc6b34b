"""Demonstration data for mentor training and CPD: three courses drawn from the
source documents (a five-workbook open course with a badge per workbook, an
advanced course of modules with practice hours and a programme-design project,
and an accredited programme with two assignments), learners part-way through,
issued badges and a certificate, an assignment waiting for its tutor, and CPD
entries. Idempotent: a second run adds nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.organisations import demo
from tandem.organisations.models import Organisation, Person
from tandem.training.models import (
    Activity,
    ActivityKind,
    Answer,
    CompletionRule,
    ContentPage,
    Course,
    CourseRun,
    CourseStatus,
    CPDActivity,
    CPDEntry,
    Enrolment,
    EnrolmentMode,
    EnrolmentStatus,
    LiveSession,
    Module,
    ModuleCompletion,
    ReleaseMode,
    Submission,
    UnitKind,
)

# The advanced cohort started this long ago; a module opens every fortnight.
ADVANCED_STARTED_DAYS_AGO = 60
ADVANCED_RELEASE_EVERY_DAYS = 14

WORKBOOKS = (
    (
        "What mentoring is, and what it is not",
        "Mentoring, coaching, supervision and line management compared; why a mentor "
        "should not also judge.",
        "Think of someone who helped you when you started teaching. What did they do that "
        "made a difference, and what would you do the same way?",
    ),
    (
        "Starting well: contracting and boundaries",
        "The first meeting, the mentoring agreement, confidentiality and what to do when "
        "something must be passed on.",
        "Which boundary would you find hardest to hold with a mentee, and how will you "
        "explain it at your first meeting?",
    ),
    (
        "Listening and questioning",
        "Active listening, open questions, summarising and focusing; noticing when you are "
        "about to give advice.",
        "Record (with permission) ten minutes of a mentoring conversation. How many of your "
        "questions were open? What happened after each one?",
    ),
    (
        "Observation and feedback that develops",
        "Developmental observation both ways, agreeing a focus beforehand and feedback the "
        "observed person can act on.",
        "Describe a piece of feedback you gave recently. What did the other person do with "
        "it? What would you change?",
    ),
    (
        "Endings and your own development",
        "Closing a mentoring relationship well, reviewing objectives and planning your own "
        "development as a mentor.",
        "What have you learned about yourself as a mentor during this course, and what will "
        "you work on next?",
    ),
)

ADVANCED_MODULES = (
    "Models of mentoring",
    "Choosing or designing a model for your context",
    "Action learning sets",
    "Triads: mentor, mentee and observer",
    "Active listening in depth",
    "Questioning for reflection",
    "Challenge and support",
    "Mentoring across subjects and settings",
    "Mentoring for organisational change",
    "Evaluating a mentoring programme",
    "Costs and benefits: the business case",
    "Communities of practice",
    "Presenting your programme",
)

ACCREDITED_UNITS = (
    ("Setting the context", "What mentoring is; ITE and CPD requirements; mentoring and "
     "coaching compared; an equal relationship."),
    ("Skills practice", "Body language, active listening, reflecting, paraphrasing, helpful "
     "questioning, summarising and focusing."),
    ("Theories and processes of mentoring", "The three-stage model, self-organised "
     "learning, the GROW model; beginnings, middles and endings."),
    ("Planning, recording and data protection", "Boundaries and contracting, planning "
     "effective mentoring, keeping records lawfully."),
)  # fmt: skip


def _people() -> dict[str, Person]:
    emails = {p.key: p.email for p in demo.PEOPLE}
    found = {p.email: p for p in Person.objects.filter(email__in=emails.values())}
    return {key: found[email] for key, email in emails.items() if email in found}


def _at(day: Any, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _five_workbooks(riverside: Organisation, trainer: Person, today: Any) -> Course:
    course = Course.objects.create(
        organisation=riverside,
        title="Mentoring in further education: five workbooks",
        summary="An open online course for new mentors: five workbooks at your own pace, "
        "a badge for each and a certificate for all five.",
        description_html="<p>Study when it suits you. All five workbooks are open from the "
        "day you join; each has reading, a reflective question and a recorded webinar.</p>"
        "<p>Complete all five for the certificate. Programmes that require trained mentors "
        "accept it.</p>",
        status=CourseStatus.PUBLISHED,
        glh=Decimal("20"),
        release_mode=ReleaseMode.ALL_AT_ONCE,
        enrolment_mode=EnrolmentMode.ROLLING,
        completion_rule=CompletionRule.ALL_UNITS,
        is_mentor_training=True,
        shared_with_partnerships=True,
        created_by=trainer,
    )
    for i, (title, summary, question) in enumerate(WORKBOOKS, start=1):
        module = Module.objects.create(
            course=course,
            position=i,
            kind=UnitKind.WORKBOOK,
            title=title,
            summary=summary,
            glh=Decimal("4"),
        )
        ContentPage.objects.create(
            module=module,
            position=1,
            title="Reading",
            body_html=f"<p>{summary}</p><p>Read the case studies from partner colleges and "
            "note one idea you could try this week.</p>",
            link_url="https://www.example.org/mentoring-case-studies",
            link_label="Case studies from partner colleges",
        )
        Activity.objects.create(
            module=module,
            position=1,
            kind=ActivityKind.REFLECTION,
            title="Reflection",
            prompt=question,
        )
    CourseRun.objects.create(
        course=course,
        name=f"Rolling run {today.year}/{str(today.year + 1)[2:]}",
        enrolment_opens_on=today - timedelta(days=60),
        enrolment_closes_on=today + timedelta(days=120),
        starts_on=today - timedelta(days=60),
    )
    return course


def _advanced(riverside: Organisation, trainer: Person, today: Any) -> Course:
    course = Course.objects.create(
        organisation=riverside,
        title="Advanced mentoring skills for experienced mentors",
        summary="Thirteen modules over six months with trainer-led online sessions, 40 hours "
        "of mentoring in your own organisation and a project to design a mentoring programme.",
        description_html="<p>Each module opens a fortnight after the last. Between modules you "
        "mentor in your own organisation: meetings and observations you log in Tandem count "
        "towards the 40 practice hours.</p>",
        status=CourseStatus.PUBLISHED,
        glh=Decimal("40"),
        practice_hours_required=Decimal("40"),
        release_mode=ReleaseMode.SCHEDULED,
        enrolment_mode=EnrolmentMode.COHORT,
        completion_rule=CompletionRule.ALL_UNITS,
        is_mentor_training=True,
        created_by=trainer,
    )
    run = CourseRun.objects.create(
        course=course,
        name=f"Cohort starting {today - timedelta(days=ADVANCED_STARTED_DAYS_AGO):%B %Y}",
        enrolment_opens_on=today - timedelta(days=ADVANCED_STARTED_DAYS_AGO + 30),
        enrolment_closes_on=today - timedelta(days=ADVANCED_STARTED_DAYS_AGO - 5),
        starts_on=today - timedelta(days=ADVANCED_STARTED_DAYS_AGO),
        ends_on=today + timedelta(days=185 - ADVANCED_STARTED_DAYS_AGO),
        places=20,
    )
    for i, title in enumerate(ADVANCED_MODULES, start=1):
        module = Module.objects.create(
            course=course,
            position=i,
            kind=UnitKind.MODULE,
            title=title,
            glh=Decimal("3") if i < 13 else Decimal("4"),
            requires_previous=i > 1,
            release_after_days=(i - 1) * ADVANCED_RELEASE_EVERY_DAYS,
        )
        ContentPage.objects.create(
            module=module, position=1, title=title, body_html=f"<p>Notes for {title.lower()}.</p>"
        )
        Activity.objects.create(
            module=module,
            position=1,
            kind=ActivityKind.REFLECTION,
            title="Reflection",
            prompt=f"How does {title.lower()} apply in your organisation?",
        )
        if i == 13:
            Activity.objects.create(
                module=module,
                position=2,
                kind=ActivityKind.PROJECT,
                title="Design a mentoring programme for your organisation",
                prompt="Make the case for a mentoring programme in your context: why, what it "
                "costs and returns, and how you will know it worked.",
            )
        if i in (1, 4, 7, 10, 13):
            starts = _at(
                run.starts_on + timedelta(days=(i - 1) * ADVANCED_RELEASE_EVERY_DAYS + 2), 16
            )
            LiveSession.objects.create(
                run=run,
                module=module,
                title=f"Live session: {title}",
                starts_at=starts,
                duration_minutes=90,
                joining_url="https://meet.example.org/advanced-mentoring",
                recording_url="https://video.example.org/advanced-mentoring/" + str(i)
                if starts < timezone.now()
                else "",
            )
    return course


def _accredited(riverside: Organisation, trainer: Person, today: Any) -> Course:
    course = Course.objects.create(
        organisation=riverside,
        title="Mentoring programme for work-based and third-sector trainers",
        summary="Two full days and two half days (15 hours taught, 15 hours self-study) with "
        "two assignments, validated for 10 credits at Level 4.",
        description_html="<p>Days one and two give a grounding in the theory, skills and "
        "processes of mentoring; the half days develop your practice and plan your own "
        "development. The assignments support both.</p>",
        status=CourseStatus.PUBLISHED,
        glh=Decimal("30"),
        release_mode=ReleaseMode.ALL_AT_ONCE,
        enrolment_mode=EnrolmentMode.COHORT,
        is_mentor_training=True,
        credits=Decimal("10"),
        level="Level 4 (first-year undergraduate)",
        validating_body="University of the Pennines",
        created_by=trainer,
    )
    run = CourseRun.objects.create(
        course=course,
        name=f"Cohort starting {today - timedelta(days=21):%B %Y}",
        enrolment_opens_on=today - timedelta(days=60),
        enrolment_closes_on=today - timedelta(days=14),
        starts_on=today - timedelta(days=21),
        places=20,
    )
    for i, (title, summary) in enumerate(ACCREDITED_UNITS, start=1):
        module = Module.objects.create(
            course=course, position=i, title=title, summary=summary, glh=Decimal("7.5")
        )
        ContentPage.objects.create(
            module=module, position=1, title=title, body_html=f"<p>{summary}</p>"
        )
        LiveSession.objects.create(
            run=run,
            module=module,
            title=f"Day {i}: {title}" if i < 3 else f"Half day {i - 2}: {title}",
            starts_at=_at(run.starts_on + timedelta(days=(i - 1) * 7), 9),
            duration_minutes=360 if i < 3 else 180,
            joining_url="",
        )
    Activity.objects.create(
        module=course.modules.get(position=3),
        position=1,
        kind=ActivityKind.ASSIGNMENT,
        title="Assignment 1: the theory behind mentoring",
        prompt="Choose an aspect of the theories and processes that underpin mentoring and "
        "write about it.",
        word_guide=1000,
    )
    Activity.objects.create(
        module=course.modules.get(position=4),
        position=1,
        kind=ActivityKind.ASSIGNMENT,
        title="Assignment 2: mentoring in practice",
        prompt="Take on the role of mentor, record your meetings and reflect on what you did "
        "and what you would change.",
        word_guide=1500,
    )
    return course


def _enrol(run: CourseRun, person: Person, organisation: Organisation, when: Any) -> Enrolment:
    return Enrolment.objects.create(
        run=run, person=person, organisation=organisation, enrolled_at=when, last_active_at=when
    )


def _complete(
    enrolment: Enrolment, modules: list[Module], start: Any, *, every_days: int = 3
) -> None:
    """Complete ``modules`` one every ``every_days`` days from ``start`` (two days after
    each opens, on a schedule), each badge issued when its unit was completed."""
    from tandem.training import credentials

    for n, module in enumerate(modules):
        done = _at(start + timedelta(days=every_days * n + 2), 15)
        for activity in module.activities.filter(kind=ActivityKind.REFLECTION):
            Answer.objects.create(
                enrolment=enrolment,
                activity=activity,
                text="I noticed I filled silences too quickly; next time I will wait and let "
                "my mentee think.",
            )
        ModuleCompletion.objects.create(enrolment=enrolment, module=module, completed_at=done)
        if module.awards_badge:
            credentials.issue_badge(enrolment, module, issued_at=done)
        enrolment.last_active_at = done
    enrolment.save(update_fields=["last_active_at"])


def seed_training() -> bool:
    """Returns True if anything was added. The demonstration people are not emailed about
    the badges and certificates it issues."""
    locmem = "django.core.mail.backends.locmem.EmailBackend"
    # The commit (and the emails waiting for it) happens before the setting is restored.
    with override_settings(EMAIL_BACKEND=locmem), transaction.atomic():
        return _seed_training()


def _seed_training() -> bool:
    if not demo.is_seeded():
        return False
    from tandem.mentors.models import MentorProfile, TrainingStatus
    from tandem.training import credentials

    today = timezone.localdate()
    with system_access():
        riverside = Organisation.objects.get(name=demo.ORGANISATIONS["riverside"].name)
        if Course.objects.filter(organisation=riverside).exists():
            return False
        people = _people()
        trainer = people["gareth"]
        five = _five_workbooks(riverside, trainer, today)
        advanced = _advanced(riverside, trainer, today)
        accredited = _accredited(riverside, trainer, today)

        # The five-workbook course: the demo mentor part-way, two colleagues finished.
        run = five.runs.get()
        workbooks = list(five.modules.order_by("position"))
        start = today - timedelta(days=20)
        amara = _enrol(run, people["amara"], riverside, _at(start))
        _complete(amara, workbooks[:2], start)
        Answer.objects.create(
            enrolment=amara,
            activity=workbooks[2].activities.get(),
            text="Most of my questions were closed. I want to try",
        )
        for key, days_ago in (("wei", 50), ("bethany", 40)):
            began = today - timedelta(days=days_ago)
            enrolment = _enrol(run, people[key], riverside, _at(began))
            _complete(enrolment, workbooks, began)
            enrolment.status = EnrolmentStatus.COMPLETED
            enrolment.completed_at = _at(began + timedelta(days=14), 17)
            enrolment.save(update_fields=["status", "completed_at"])
            credentials.issue_certificate(enrolment, issued_at=enrolment.completed_at)
            MentorProfile.objects.filter(person=people[key]).update(
                training_status=TrainingStatus.TRAINED
            )
        for key in ("kwame", "hannah"):
            enrolment = _enrol(run, people[key], riverside, _at(today - timedelta(days=6)))
            _complete(enrolment, workbooks[:1], today - timedelta(days=6))
        if "ben" in people:  # a partner's skills coach: the course is open to the partnership
            northgate = Organisation.objects.get(name=demo.ORGANISATIONS["northgate"].name)
            _enrol(run, people["ben"], northgate, _at(today - timedelta(days=3)))

        # The advanced course: a cohort part-way through, each module completed after
        # it opened.
        run = advanced.runs.get()
        modules = list(advanced.modules.order_by("position"))
        for key in ("rebecca", "daniel", "kwame"):
            enrolment = _enrol(run, people[key], riverside, _at(run.starts_on))
            _complete(enrolment, modules[:3], run.starts_on, every_days=ADVANCED_RELEASE_EVERY_DAYS)

        # The accredited programme: an assignment waiting for the tutor.
        run = accredited.runs.get()
        enrolment = _enrol(run, people["hannah"], riverside, _at(today - timedelta(days=30)))
        assignment = Activity.objects.get(
            module__course=accredited, kind=ActivityKind.ASSIGNMENT, module__position=3
        )
        Submission.objects.create(
            enrolment=enrolment,
            activity=assignment,
            attempt=1,
            text="The three-stage model (exploration, new understanding, action plan) fits "
            "the first weeks with a trainee: ... I tried it with a trainee in Health and "
            "Social Care and found the exploration stage took longer than I expected.",
            submitted_at=_at(today - timedelta(days=2), 20),
        )

        # CPD entries by hand.
        for who, days_ago, hours, activity, title in (
            ("amara", 35, "6", CPDActivity.OTHER, "Regional teaching and learning conference"),
            ("amara", 12, "1.5", CPDActivity.SUPERVISION, "Group supervision for mentors"),
            ("amara", 4, "2", CPDActivity.OTHER, "Reading: feedback that develops"),
            ("kwame", 20, "3", CPDActivity.TRAINING, "Assessor update day"),
        ):
            CPDEntry.objects.create(
                person=people[who],
                organisation=riverside,
                on=today - timedelta(days=days_ago),
                hours=Decimal(hours),
                activity=activity,
                title=title,
            )
    return True
