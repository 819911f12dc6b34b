"""Mentorships for demonstration and test data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.organisations.models import Organisation, Person
from tandem.relationships.models import (
    HOLDING,
    Action,
    Agreement,
    DevelopmentPlan,
    EndReason,
    Evidence,
    Judgement,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    Objective,
    ObjectiveSource,
    ObjectiveStatus,
    Observation,
    ObservationPurpose,
    ObservationStatus,
    Party,
    PrivateNote,
    Report,
    ReportKind,
    ReportStatus,
    Signature,
    Source,
    Standard,
    TimeEntry,
    TimeKind,
)
from tandem.relationships.services import _log, mentor_organisation_of, pair_problems


@transaction.atomic
def create_active(
    mentee: Any,
    mentor: Any,
    programme: Any,
    organisation: Any,
    cohort: Any = None,
    starts_on: date | None = None,
) -> Mentorship:
    """An active mentorship, as if the mentor had already accepted, with a "created" event.

    Skips the offer (and its emails) and the hard-constraint checks: the caller
    picks sensible pairs. Idempotent: a pair already proposed or active on the
    programme is returned as it is.
    """
    with system_access():
        existing = Mentorship.objects.filter(
            mentee=mentee, mentor=mentor, programme=programme, status__in=HOLDING
        ).first()
        if existing is not None:
            return existing
        mentorship = Mentorship.objects.create(
            organisation=organisation,
            mentor_organisation=mentor_organisation_of(mentor) or organisation,
            mentor=mentor,
            mentee=mentee,
            programme=programme,
            cohort=cohort,
            source=Source.COORDINATOR,
            status=MentorshipStatus.ACTIVE,
            responded_at=timezone.now(),
            starts_on=starts_on or timezone.localdate(),
        )
        _log(None, mentorship, "created", mentor=str(mentor), source=Source.COORDINATOR)
    return mentorship


# --- the demonstration relationships -------------------------------------------------------
#
# ``seed_relationships(seed_programmes())`` — after the organisations (with mentor
# profiles) and programmes, before the mentoring requests (``request_demo`` skips a
# mentee who already has a mentor on a programme; none of these pairs uses a
# programme on which ``request_demo`` opens a request for the same mentee).

ITT = "itt-in-service-subject-mentor"
INDUCTION = "induction-new-staff"

Objectives = tuple[tuple[str, str, int, str, tuple[str, ...]], ...]  # what, measure, days, status


@dataclass(frozen=True)
class DemoPair:
    mentor: str
    mentee: str
    organisation: str  # the mentee's, which runs the relationship
    programme: str  # template code
    weeks: int  # started this many weeks ago
    objectives: Objectives
    topics: tuple[str, ...]
    session: str  # the observed session
    strengths: str
    areas: str
    targets: tuple[str, ...]
    signed: bool = True  # False: the mentor and the organisation signed, the mentee has not
    at_risk: bool = False  # meetings stopped five to six weeks ago; an objective is overdue
    joint_tutor: str = ""  # the observation was joint with this tutor
    mentee_observes: bool = False  # the mentee watched the mentor teach
    private_note: str = ""
    mode: str = MeetingMode.FACE_TO_FACE
    location: str = ""


NOTE = (
    "Nisha mentioned she is finding the workload hard alongside caring for her mother. "
    "We agreed to talk about it again next time; nothing to pass on unless she asks."
)

PAIRS: tuple[DemoPair, ...] = (
    DemoPair(
        "amara",
        "nisha",
        "riverside",
        INDUCTION,
        8,
        (
            (
                "Plan practical science sessions with clear safety briefings",
                "Two observed practicals where every learner can repeat the safety rules",
                35,
                ObjectiveStatus.IN_PROGRESS,
                ("S1", "V5"),
            ),
            (
                "Use low-stakes quizzes to check recall at the start of lessons",
                "Quiz results logged for four weeks; mean score rises by 10%",
                -6,
                ObjectiveStatus.ACHIEVED,
                ("S4",),
            ),
            (
                "Complete the college's assessment and internal verification training",
                "Certificate from the quality team and one verified assignment",
                70,
                ObjectiveStatus.NOT_STARTED,
                ("K5", "S5"),
            ),
        ),
        (
            "Settling in: timetable, rooms and who to ask for what",
            "Planning the first practical: risk assessment and technician booking",
            "Questioning: moving beyond 'any questions?'",
            "Marking the first lab reports and giving feedback learners use",
            "Preparing for the observation; what the observer will look for",
            "Workload: planning in blocks and reusing resources",
        ),
        "Level 3 Applied Science: rates of reaction practical",
        "Thorough safety briefing; learners worked confidently in pairs and the technician "
        "support was well organised.",
        "The plenary was rushed, so there was no time to check what learners had concluded.",
        ("Keep ten minutes for the plenary and use exit tickets",),
        private_note=NOTE,
        location="Calder Street Campus, staff room B2",
    ),
    DemoPair(
        "amara",
        "chloe",
        "riverside",
        INDUCTION,
        9,
        (
            (
                "Set and share clear salon standards for every practical session",
                "Standards displayed and referred to in three observed sessions",
                -12,
                ObjectiveStatus.IN_PROGRESS,
                ("S3",),
            ),
            (
                "Give each learner a written target after every assessed service",
                "Target sheets in all portfolios, checked at the half-term review",
                20,
                ObjectiveStatus.NOT_STARTED,
                ("S4", "S5"),
            ),
            (
                "Build links with two local salons for work placements",
                "Two placement agreements signed by the salon owners",
                60,
                ObjectiveStatus.IN_PROGRESS,
                ("V6",),
            ),
        ),
        (
            "Settling in and the salon timetable",
            "Managing a busy client session with first-year learners",
            "Lateness and phones in the salon: agreeing ground rules",
        ),
        "Level 2 Hairdressing: blow-dry techniques on clients",
        "Calm, professional manner with clients; learners clearly respect the salon rules "
        "when they are reminded of them.",
        "Learners waiting for clients had nothing to do for long stretches.",
        ("Plan a task for learners between clients",),
        at_risk=True,
        location="Calder Street Campus, salon",
    ),
    DemoPair(
        "kwame",
        "ryan",
        "riverside",
        ITT,
        3,
        (
            (
                "Plan workshop sessions that build from demonstration to independent practice",
                "Three session plans with timed stages, checked by the mentor",
                28,
                ObjectiveStatus.IN_PROGRESS,
                ("S1", "K2"),
            ),
            (
                "Assess apprentices' practical tasks against the awarding body's criteria",
                "Five assessment records verified by the internal verifier",
                56,
                ObjectiveStatus.NOT_STARTED,
                ("K5", "S5"),
            ),
            (
                "Embed the maths of circuit calculations in practical sessions",
                "Learners' calculation sheets show improvement over four weeks",
                84,
                ObjectiveStatus.NOT_STARTED,
                ("K4",),
            ),
        ),
        (
            "First meeting: the agreement, the PGCE timetable and workshop routines",
            "Demonstrations that learners can follow: pace, sight lines and safety",
        ),
        "Level 2 Electrical Installation: wiring a two-way lighting circuit",
        "Excellent demonstration; safe isolation was modelled and checked with every learner.",
        "Apprentices finished at very different times and the quickest were left waiting.",
        (
            "Prepare an extension task for apprentices who finish early",
            "Check understanding with targeted questions before the practical starts",
        ),
        signed=False,
        joint_tutor="siobhan",
        location="Moorside Construction Centre, workshop 3",
    ),
    DemoPair(
        "wei",
        "aisha",
        "riverside",
        ITT,
        10,
        (
            (
                "Plan ESOL lessons for three levels in one group",
                "Lesson plans with differentiated tasks for Entry 1, 2 and 3",
                -9,
                ObjectiveStatus.NOT_STARTED,
                ("S1", "S2"),
            ),
            (
                "Use digital tools learners can also use at home",
                "Two learner-made recordings shared through the learning platform",
                30,
                ObjectiveStatus.IN_PROGRESS,
                ("K4",),
            ),
            (
                "Write the first PGCE reflective assignment",
                "Assignment submitted on time with mentor feedback included",
                45,
                ObjectiveStatus.NOT_STARTED,
                ("K6",),
            ),
        ),
        (
            "Agreement, objectives and the PGCE calendar",
            "Mixed-level groups: what to plan and what to leave flexible",
        ),
        "ESOL Entry 2: describing your neighbourhood",
        "Warm rapport; learners spoke more than the teacher, and pair work was well chosen.",
        "Entry 1 learners could not follow the written instructions.",
        ("Give instructions orally and with pictures for Entry 1 learners",),
        at_risk=True,
        mode=MeetingMode.ONLINE,
    ),
    DemoPair(
        "hannah",
        "ellie",
        "riverside",
        INDUCTION,
        3,
        (
            (
                "Agree how to support learners with dyslexia with each lecturer",
                "A support plan agreed with three lecturers",
                21,
                ObjectiveStatus.IN_PROGRESS,
                ("K3", "V6"),
            ),
            (
                "Learn the college's safeguarding reporting routes",
                "Safeguarding training completed and a case study discussed",
                10,
                ObjectiveStatus.ACHIEVED,
                ("V5",),
            ),
            (
                "Build learners' independence in note-taking",
                "Two learners take their own notes by the end of term",
                40,
                ObjectiveStatus.NOT_STARTED,
                ("V3",),
            ),
        ),
        (
            "Settling in: the learning support team and the lecturers you work with",
            "Working in someone else's classroom: when to step in",
        ),
        "Observing Hannah's Level 1 Health and Social Care lesson",
        "Ellie noticed how Hannah prepared the support worker before the lesson.",
        "Ellie would like to see how questions are adapted for learners with dyslexia.",
        ("Ask each lecturer for their plan two days before the lesson",),
        mentee_observes=True,
        location="Calder Street Campus, learning resource centre",
    ),
    DemoPair(
        "imran",
        "megan",
        "northgate",
        INDUCTION,
        6,
        (
            (
                "Plan workplace visits with a clear purpose for each",
                "Visit plans for all caseload learners for one month",
                14,
                ObjectiveStatus.IN_PROGRESS,
                ("S1",),
            ),
            (
                "Give feedback on evidence that apprentices act on",
                "Apprentices' next submissions respond to the feedback",
                42,
                ObjectiveStatus.NOT_STARTED,
                ("S4", "S5"),
            ),
            (
                "Learn the end-point assessment gateway requirements",
                "Gateway checklist completed for two apprentices",
                -4,
                ObjectiveStatus.ACHIEVED,
                ("K5",),
            ),
        ),
        (
            "Settling in: caseload, visit schedule and the e-portfolio",
            "Planning a workplace visit: before, during and after",
            "Off-the-job training records: what counts",
            "Talking to employers about apprentices' progress",
        ),
        "Workplace visit: Level 2 Business Administration apprentice",
        "Good questioning of the apprentice; the employer was involved at the end.",
        "The visit ran over and the review of targets was hurried.",
        ("Agree the visit agenda with the employer in advance",),
        location="Northgate House",
    ),
    DemoPair(
        "ben",
        "kieran",
        "northgate",
        INDUCTION,
        5,
        (
            (
                "Deliver a group training session for engineering apprentices",
                "One session planned, delivered and evaluated with learner feedback",
                21,
                ObjectiveStatus.IN_PROGRESS,
                ("S1", "S2"),
            ),
            (
                "Track apprentices' progress in the e-portfolio each week",
                "Progress tracker up to date for four weeks running",
                7,
                ObjectiveStatus.IN_PROGRESS,
                ("S5",),
            ),
            (
                "Shadow two end-point assessments",
                "Notes from two assessments discussed with the mentor",
                60,
                ObjectiveStatus.NOT_STARTED,
                ("K5",),
            ),
        ),
        (
            "Settling in and the apprenticeship standard",
            "Planning your first group session",
            "Keeping the e-portfolio up to date without losing evenings",
        ),
        "Group session: measuring and marking out for engineering apprentices",
        "Clear explanations with real workplace examples the apprentices recognised.",
        "Most questions went to the two most confident apprentices.",
        ("Use names when asking questions so everyone answers",),
        mode=MeetingMode.ONLINE,
    ),
    DemoPair(
        "jamal",
        "harriet",
        "severnside",
        ITT,
        7,
        (
            (
                "Plan business lessons around local case studies",
                "Three lessons using a Worcester employer as the case study",
                30,
                ObjectiveStatus.IN_PROGRESS,
                ("S2", "V6"),
            ),
            (
                "Use assessment for learning in every lesson",
                "Observed in two lessons; learners can say what to improve",
                50,
                ObjectiveStatus.NOT_STARTED,
                ("S4",),
            ),
            (
                "Complete the first Diploma in Teaching observation portfolio entry",
                "Entry signed off by the course leader",
                -2,
                ObjectiveStatus.ACHIEVED,
                ("K6",),
            ),
        ),
        (
            "The agreement and the Diploma in Teaching requirements",
            "Planning with case studies",
            "Behaviour in the Tuesday afternoon group",
            "Preparing the observation portfolio",
        ),
        "Level 3 Business: marketing mix case study",
        "Learners were engaged by the local employer example and worked well in groups.",
        "Group feedback took a long time and some groups repeated others.",
        ("Use a gallery walk instead of whole-class group feedback",),
        location="Riverbank Campus",
    ),
    DemoPair(
        "adrian",
        "connor",
        "severnside",
        ITT,
        6,
        (
            (
                "Teach programming with live coding learners can follow",
                "Two observed lessons where learners type along successfully",
                25,
                ObjectiveStatus.IN_PROGRESS,
                ("S2",),
            ),
            (
                "Support learners with SEND in practical computing lessons",
                "Adjustments recorded for three learners and reviewed with them",
                45,
                ObjectiveStatus.NOT_STARTED,
                ("K3",),
            ),
            (
                "Mark assignments within the department's turnaround time",
                "All Unit 4 assignments marked within ten working days",
                12,
                ObjectiveStatus.IN_PROGRESS,
                ("S5",),
            ),
        ),
        (
            "The agreement, objectives and the Diploma in Teaching",
            "Live coding: pace and mistakes on purpose",
            "Assessment deadlines and marking load",
        ),
        "Level 3 Computing: loops in Python",
        "Live coding was well paced and mistakes were used to teach debugging.",
        "Learners at the back could not read the code on screen.",
        ("Increase the font size and share the code file before the lesson",),
        mode=MeetingMode.ONLINE,
    ),
    DemoPair(
        "yasmin",
        "grace",
        "severnside",
        INDUCTION,
        4,
        (
            (
                "Plan sessions linking clinical practice to theory",
                "Three session plans with a clinical scenario each",
                20,
                ObjectiveStatus.IN_PROGRESS,
                ("S1", "K1"),
            ),
            (
                "Learn the college's tracking and attendance systems",
                "Registers and tracker complete for a full month",
                5,
                ObjectiveStatus.ACHIEVED,
                ("S6",),
            ),
            (
                "Develop learners' professional communication",
                "Role-play assessments show improvement across a term",
                70,
                ObjectiveStatus.NOT_STARTED,
                ("V3", "S6"),
            ),
        ),
        (
            "Settling in: from nursing to teaching",
            "Using clinical scenarios in class",
            "Registers, tracking and what the quality team looks for",
        ),
        "Level 3 Health Professions: infection control scenario",
        "Authentic scenarios from practice; learners asked good questions.",
        "Too much content for the time available.",
        ("Cut each session to three key points and check them at the end",),
        location="Riverbank Campus, room H12",
    ),
)

OFFER = ("amara", "maryam", "riverside", INDUCTION)  # waiting for Amara's answer
ENDED = ("amara", "hannah", "riverside", INDUCTION)  # last year's, with a closing review
TUTORS = {"riverside": "siobhan", "northgate": "imran", "severnside": "eleanor"}
COORDINATORS = {"riverside": "helen", "northgate": "joanne", "severnside": "bronwen"}
ACTIONS = (
    ("Share a draft session plan before the next meeting", "mentee", 7),
    ("Send a copy of the department's feedback template", "mentor", 3),
    ("Try the new starter activity with the Thursday group", "mentee", 10),
    ("Book the observation with the timetabling team", "mentor", 5),
)


def _people_by_key() -> dict[str, Person]:
    from tandem.organisations.demo import PEOPLE

    emails = {p.key: p.email for p in PEOPLE}
    found = {p.email: p for p in Person.objects.filter(email__in=emails.values())}
    return {key: found[email] for key, email in emails.items() if email in found}


def _at(day: date, hour: int = 15, minute: int = 30) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _programme(programmes: dict[str, Any], organisation: Any, code: str) -> tuple[Any, Any]:
    from tandem.programmes.models import Cohort, Programme

    entry = (programmes or {}).get(organisation.name) or {}
    programme = (entry.get("programmes") or {}).get(code)
    cohort = (entry.get("cohorts") or {}).get(code)
    if programme is None:
        programme = Programme.objects.filter(organisation=organisation, template__code=code).first()
        cohort = None
    if programme is not None and cohort is None:
        cohort = (
            Cohort.objects.filter(programme=programme, organisation=organisation)
            .order_by("-starts_on")
            .first()
        )
    return programme, cohort


def _meeting_days(start: date, last: date) -> list[date]:
    """Weekly for the first four meetings, then fortnightly, up to ``last``."""
    days, day, n = [], start + timedelta(days=2), 0
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
            n += 1
            day += timedelta(days=7 if n < 4 else 14)
        else:
            day += timedelta(days=1)
    return days


def _agreement(pair: DemoPair, mentorship: Mentorship, people: dict[str, Person], today: date):
    from tandem.relationships.agreements import demo_agreement
    from tandem.relationships.plans import ensure_plan

    plan = ensure_plan(mentorship)
    if Agreement.objects.filter(mentorship=mentorship).exists():
        return plan
    signer = people[COORDINATORS[pair.organisation]]
    rows = [
        (what, measure, today + timedelta(days=d)) for what, measure, d, _, _ in pair.objectives
    ]
    agreement = demo_agreement(mentorship, rows, institution_signer=signer, signed=pair.signed)
    if not pair.signed:
        version = agreement.versions.get(number=1)
        for party, person in ((Party.MENTOR, mentorship.mentor), (Party.INSTITUTION, signer)):
            Signature.objects.create(
                version=version,
                party=party,
                person=person,
                typed_name=str(person),
                text_hash=version.text_hash,
            )
    standards = {s.code: s for s in Standard.objects.filter(framework_id=plan.framework_id)}
    for what, measure, days, status, codes in pair.objectives:
        due = today + timedelta(days=days)
        objective, _ = Objective.objects.get_or_create(
            plan=plan, what=what, defaults={"measure": measure, "due_on": due}
        )
        objective.status = status
        objective.source = ObjectiveSource.AGREEMENT
        objective.review_on = min(due, today + timedelta(days=14)) if due > today else None
        objective.save(update_fields=["status", "source", "review_on"])
        objective.standards.set([standards[c] for c in codes if c in standards])
        if status == ObjectiveStatus.ACHIEVED and not objective.evidence.exists():
            Evidence.objects.create(
                objective=objective,
                description=f"Discussed at a mentoring meeting: {measure.lower()}.",
                added_by=mentorship.mentee,
            )
    return plan


def _meetings(pair: DemoPair, mentorship: Mentorship, today: date) -> None:
    if Meeting.objects.filter(mentorship=mentorship).exists():
        return
    last = (
        today - timedelta(days=38 + pair.weeks % 3) if pair.at_risk else today - timedelta(days=2)
    )
    days = _meeting_days(mentorship.starts_on, last)[: len(pair.topics)]
    planned_on = today + timedelta(days=3 + pair.weeks % 4)
    while planned_on.weekday() >= 5:
        planned_on += timedelta(days=1)
    mentor, mentee = mentorship.mentor, mentorship.mentee
    held = []
    for index, day in enumerate(days):
        latest = index == len(days) - 1
        meeting = Meeting.objects.create(
            mentorship=mentorship,
            status=MeetingStatus.HELD,
            starts_at=_at(day),
            duration_minutes=(60, 45, 50)[index % 3],
            mode=pair.mode,
            location=pair.location if pair.mode == MeetingMode.FACE_TO_FACE else "",
            topics=pair.topics[index],
            next_meeting_at=_at(planned_on) if latest else _at(day + timedelta(days=7)),
            recorded_by=mentor,
            mentor_confirmed_at=_at(day, 17, 0),
            mentee_confirmed_at=None if latest else _at(day + timedelta(days=1), 9, 0),
        )
        description, owner, due_in = ACTIONS[index % len(ACTIONS)]
        due = day + timedelta(days=due_in)
        Action.objects.create(
            meeting=meeting,
            description=description,
            owner=mentee if owner == "mentee" else mentor,
            due_on=due,
            done_on=due - timedelta(days=1) if due < today and index % 2 == 0 else None,
        )
        held.append(meeting)
    if pair.private_note and held:
        PrivateNote.objects.create(
            meeting=held[len(held) // 2], author=mentor, text=pair.private_note
        )
    Meeting.objects.create(
        mentorship=mentorship,
        status=MeetingStatus.PLANNED,
        starts_at=_at(planned_on),
        duration_minutes=45,
        mode=pair.mode,
        location=pair.location if pair.mode == MeetingMode.FACE_TO_FACE else "",
        topics="Review the objectives and plan the next half-term"
        if pair.at_risk
        else "Progress on the objectives; feedback from the observation",
        recorded_by=mentor,
    )
    for index, day in enumerate(days[:2]):
        TimeEntry.objects.create(
            mentorship=mentorship,
            person=mentor,
            kind=TimeKind.PREPARATION,
            on=day - timedelta(days=1),
            minutes=30 + 15 * index,
            note="Reading the session plan before the meeting" if index else "Preparing",
        )


def _observation(
    pair: DemoPair, mentorship: Mentorship, people: dict[str, Person], today: date
) -> None:
    if Observation.objects.filter(mentorship=mentorship).exists():
        return
    mentor, mentee = mentorship.mentor, mentorship.mentee
    if pair.at_risk:  # last half-term, none since
        day = mentorship.starts_on + timedelta(days=12)
    else:
        day = max(mentorship.starts_on + timedelta(days=7), today - timedelta(days=9))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    observer, observed = (mentee, mentor) if pair.mentee_observes else (mentor, mentee)
    tutor = people.get(pair.joint_tutor) if pair.joint_tutor else None
    observation = Observation.objects.create(
        mentorship=mentorship,
        observer=observer,
        observed=observed,
        joint_observer=tutor,
        purpose=ObservationPurpose.FORMATIVE
        if not pair.mentee_observes
        else ObservationPurpose.DEVELOPMENTAL,
        purpose_declared_at=_at(day - timedelta(days=7), 10, 0),
        scheduled_for=_at(day, 10, 0),
        session=pair.session,
        duration_minutes=60,
        status=ObservationStatus.RECORDED,
        response=""
        if pair.at_risk
        else "Thank you: I will try the targets with the same group next week.",
        responded_at=None if pair.at_risk else _at(day + timedelta(days=2), 12, 0),
    )
    Judgement.objects.create(
        observation=observation,
        judge=observer,
        strengths=pair.strengths,
        areas_to_develop=pair.areas,
        targets=[{"text": t, "objective": None} for t in pair.targets],
    )
    if tutor is not None:
        Judgement.objects.create(
            observation=observation,
            judge=tutor,
            strengths="Safe, well-organised workshop; the demonstration was the strongest "
            "part of the session.",
            areas_to_develop="Learners were not asked to explain why each step mattered, so "
            "it was hard to tell who understood the circuit.",
            targets=[
                {"text": "Ask learners to explain each step before they start", "objective": None}
            ],
        )
    TimeEntry.objects.create(
        mentorship=mentorship,
        person=mentor,
        # The observation itself counts automatically; this is the time around it.
        kind=TimeKind.PREPARATION,
        on=day,
        minutes=45 if observer == mentor else 30,
        note="Writing up the observation feedback" if observer == mentor else "Planning the lesson",
    )


def _ended(people: dict[str, Person], organisations: dict[str, Any], programmes: Any) -> bool:
    from tandem.organisations.demo import academic_year_start
    from tandem.relationships.ending import _body, _figures

    mentor_key, mentee_key, org_key, code = ENDED
    organisation = organisations.get(org_key)
    mentor, mentee = people.get(mentor_key), people.get(mentee_key)
    if organisation is None or mentor is None or mentee is None:
        return False
    programme, _ = _programme(programmes, organisation, code)
    if programme is None:
        return False
    if Mentorship.objects.filter(
        mentor=mentor, mentee=mentee, programme=programme, status=MentorshipStatus.ENDED
    ).exists():
        return False
    last_year = academic_year_start(timezone.localdate()).year - 1
    starts_on, ends_on = date(last_year, 9, 22), date(last_year + 1, 6, 26)
    mentorship = Mentorship.objects.create(
        organisation=organisation,
        mentor_organisation=mentor_organisation_of(mentor) or organisation,
        mentor=mentor,
        mentee=mentee,
        programme=programme,
        source=Source.COORDINATOR,
        status=MentorshipStatus.ENDED,
        responded_at=_at(starts_on, 9, 0),
        starts_on=starts_on,
        ends_on=ends_on,
        end_reason=EndReason.COMPLETED,
    )
    _log(None, mentorship, "created", mentor=str(mentor), source=Source.COORDINATOR)
    _log(None, mentorship, "ended", reason=EndReason.COMPLETED)
    plan = DevelopmentPlan.objects.create(mentorship=mentorship)
    objectives = [
        Objective.objects.create(
            plan=plan,
            what=what,
            measure=measure,
            due_on=due,
            status=status,
            source=ObjectiveSource.AGREEMENT,
        )
        for what, measure, due, status in (
            (
                "Plan care scenarios for mixed-ability Level 2 groups",
                "Scheme of work for the spring term with differentiated scenarios",
                date(last_year + 1, 2, 14),
                ObjectiveStatus.ACHIEVED,
            ),
            (
                "Lead a parents' evening for the first time",
                "Feedback from the curriculum manager after the evening",
                date(last_year + 1, 3, 20),
                ObjectiveStatus.ACHIEVED,
            ),
            (
                "Gain the Level 3 Award in Assessment",
                "Certificate from the awarding body",
                date(last_year + 1, 6, 30),
                ObjectiveStatus.DROPPED,
            ),
        )
    ]
    for day, topics in (
        (date(last_year, 9, 29), "Settling in and the induction programme"),
        (date(last_year + 1, 1, 19), "Planning care scenarios for the spring term"),
        (date(last_year + 1, 6, 15), "Looking back over the year; mentoring others next year"),
    ):
        Meeting.objects.create(
            mentorship=mentorship,
            status=MeetingStatus.HELD,
            starts_at=_at(day),
            duration_minutes=60,
            mode=MeetingMode.FACE_TO_FACE,
            topics=topics,
            recorded_by=mentor,
            mentor_confirmed_at=_at(day, 17, 0),
            mentee_confirmed_at=_at(day, 18, 0),
        )
    figures = _figures(
        mentorship,
        objectives,
        next_steps="Hannah starts mentoring a new colleague next year and joins the "
        "mentor training in September. She will take the assessor award next year, when "
        "the college runs it again.",
        notes="The assessor award was dropped only because the course was cancelled.",
        rematch=False,
    )
    figures["reflections"] = {
        "mentee": {
            "text": "I came in as a nurse and leave as a teacher. Planning scenarios with "
            "Amara changed how I teach.",
            "name": str(mentee),
            "at": _at(ends_on, 12, 0).isoformat(),
        },
        "mentor": {
            "text": "Hannah grew quickly and is ready to mentor others. I learned to step back "
            "sooner.",
            "name": str(mentor),
            "at": _at(ends_on, 16, 0).isoformat(),
        },
    }
    Report.objects.create(
        mentorship=mentorship,
        kind=ReportKind.CLOSING,
        name="Closing review",
        due_on=ends_on,
        period_start=starts_on,
        period_end=ends_on,
        body=_body(mentorship, figures),
        figures=figures,
        status=ReportStatus.SENT,
        author=people.get(COORDINATORS[org_key]),
        sent_at=_at(ends_on, 17, 0),
        version=3,
    )
    return True


def _offer(people: dict[str, Person], organisations: dict[str, Any], programmes: Any) -> bool:
    mentor_key, mentee_key, org_key, code = OFFER
    organisation = organisations.get(org_key)
    mentor, mentee = people.get(mentor_key), people.get(mentee_key)
    if organisation is None or mentor is None or mentee is None:
        return False
    programme, cohort = _programme(programmes, organisation, code)
    if programme is None:
        return False
    if Mentorship.objects.filter(mentee=mentee, programme=programme, status__in=HOLDING).exists():
        return False
    if pair_problems(mentee=mentee, mentor=mentor, organisation=organisation, programme=programme):
        return False
    mentorship = Mentorship.objects.create(
        organisation=organisation,
        mentor_organisation=mentor_organisation_of(mentor) or organisation,
        mentor=mentor,
        mentee=mentee,
        programme=programme,
        cohort=cohort,
        source=Source.COORDINATOR,
        status=MentorshipStatus.PROPOSED,
        why=[
            "Teaches early years and childcare's neighbour subject, health and social care",
            "Based at the same campus",
        ],
        respond_by=timezone.now() + timedelta(days=3),
    )
    _log(None, mentorship, "proposed", mentor=str(mentor), source=Source.COORDINATOR)
    return True


@transaction.atomic
def seed_relationships(programmes: dict[str, Any] | None = None) -> int:
    """Active mentorships with their records, an offer and an ended one. Returns how many
    mentorships were added; a second call adds nothing."""
    from tandem.mentors.models import MentorProfile
    from tandem.organisations.demo import ORGANISATIONS

    today = timezone.localdate()
    added = 0
    with system_access():
        organisations = {
            key: org
            for key, spec in ORGANISATIONS.items()
            if (org := Organisation.objects.filter(name=spec.name).first()) is not None
        }
        people = _people_by_key()
        if not organisations or not people:
            return 0
        # The demo mentor has two mentees and an offer waiting: room for three.
        MentorProfile.objects.filter(person=people.get(OFFER[0]), capacity__lt=3).update(capacity=3)
        for pair in PAIRS:
            organisation = organisations.get(pair.organisation)
            mentor, mentee = people.get(pair.mentor), people.get(pair.mentee)
            if organisation is None or mentor is None or mentee is None:
                continue
            programme, cohort = _programme(programmes or {}, organisation, pair.programme)
            if programme is None:
                continue
            existing = Mentorship.objects.filter(
                mentor=mentor, mentee=mentee, programme=programme, status__in=HOLDING
            ).first()
            if existing is None:
                if pair_problems(
                    mentee=mentee, mentor=mentor, organisation=organisation, programme=programme
                ):
                    continue  # the cast changed: never seed a pair the rules refuse
                added += 1
            mentorship = create_active(
                mentee,
                mentor,
                programme,
                organisation,
                cohort=cohort,
                starts_on=today - timedelta(weeks=pair.weeks),
            )
            if existing is not None:
                continue
            _agreement(pair, mentorship, people, today)
            _meetings(pair, mentorship, today)
            _observation(pair, mentorship, people, today)
        added += _offer(people, organisations, programmes or {})
        added += _ended(people, organisations, programmes or {})
    return added
