"""Demonstration mentoring requests at Riverside College.

Call ``seed_requests(seed_programmes())`` after the organisations (with their
mentor profiles) and the programmes are seeded, and after any demo mentorships:
a mentee who already has a mentor on a programme is not given a request on it.
Idempotent: a mentee with a request on the programme (in any state) is skipped.

What it leaves:

- open requests for several trainees, some in subjects no demo mentor covers
  (sport, motor vehicle, learning support), so the hard-to-match report has rows;
- Ryan Taylor (the demo mentee) with an open request and a shortlist to choose from;
- one mentee's choice from their shortlist waiting for the coordinator's approval;
- one mentor a mentee found themselves waiting for the course leader's approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from tandem.core.tenancy import system_access
from tandem.matching.models import MentoringRequest, RequestStatus, Route
from tandem.organisations.demo import ORGANISATIONS, PEOPLE
from tandem.organisations.models import Organisation, Person
from tandem.programmes.models import Cohort, CohortStatus, Programme
from tandem.relationships.models import HOLDING, Mentorship

ITT = "itt-in-service-subject-mentor"
INDUCTION = "induction-new-staff"
LEARNING_SUPPORT = "learning-support-staff"

OPEN, SHORTLIST, SELF = "open", "shortlist", "self"


@dataclass(frozen=True)
class DemoRequest:
    mentee: str  # person key in the organisations demo
    programme: str  # template code of the organisation's programme
    subject: str
    needs: str
    modes: tuple[str, ...] = ("face_to_face",)
    availability: str = ""
    preferences: str = ""
    kind: str = OPEN
    found: tuple[str, ...] = ()  # for SELF: mentors the mentee found, tried in turn


REQUESTS = (
    DemoRequest(
        "ryan",
        INDUCTION,
        "Electrical installation",
        "Planning practical workshop sessions and assessing apprentices safely on site. "
        "I would also like help with marking portfolios quickly.",
        ("face_to_face", "online"),
        "Tuesday and Thursday afternoons",
        "Someone who has taught in a college workshop",
    ),
    DemoRequest(
        "tomasz",
        INDUCTION,
        "Carpentry and joinery",
        "Managing a busy workshop with mixed-ability learners and giving useful feedback on "
        "practical assessments.",
        ("face_to_face",),
        "Mornings before 10",
        kind=SHORTLIST,
    ),
    DemoRequest(
        "maryam",
        ITT,
        "Early years and childcare",
        "Preparing for my first formal observation and linking placement practice to theory "
        "sessions.",
        ("face_to_face", "online"),
        "Wednesday afternoons",
        kind=SELF,
        found=("amara", "kwame", "hannah"),
    ),
    DemoRequest(
        "jordan",
        ITT,
        "Plumbing",
        "Behaviour management with 16 to 18 year olds, and planning differentiated practical "
        "tasks.",
        ("face_to_face",),
        "Thursdays",
    ),
    DemoRequest(
        "liam",
        ITT,
        "Motor vehicle maintenance",
        "Embedding English and maths in vehicle maintenance sessions without losing the "
        "practical focus.",
        ("face_to_face", "phone"),
    ),
    DemoRequest(
        "josh",
        ITT,
        "Sport, leisure and recreation",
        "Keeping large practical groups engaged, and assessing coaching sessions fairly.",
        ("face_to_face", "online"),
        "Friday mornings",
    ),
    DemoRequest(
        "ellie",
        LEARNING_SUPPORT,
        "Learning support",
        "Supporting learners with dyslexia in class and working well with the lecturers I support.",
        ("face_to_face",),
    ),
    DemoRequest(
        "aisha",
        INDUCTION,
        "ESOL (English for speakers of other languages)",
        "Planning for very mixed levels in ESOL classes and using digital tools in lessons.",
        ("online",),
        "Monday evenings",
        "A woman mentor, if possible",
    ),
)

ORGANISATION = ORGANISATIONS["riverside"].name


def _programme_and_cohort(
    organisation: Organisation, code: str, programmes: dict[str, Any] | None
) -> tuple[Programme | None, Cohort | None]:
    """From what the programmes demo returned, else looked up by template."""
    entry = (programmes or {}).get(organisation.name) or {}
    programme = (entry.get("programmes") or {}).get(code)
    cohort = (entry.get("cohorts") or {}).get(code)
    if programme is None:
        active = Programme.objects.filter(organisation=organisation, is_active=True)
        programme = active.filter(template__code=code).first() or active.order_by("name").first()
    if programme is None:
        return None, None
    if cohort is None or cohort.programme_id != programme.pk:
        current = Cohort.objects.filter(programme=programme, organisation=organisation).exclude(
            status=CohortStatus.CLOSED
        )
        cohort = (
            current.filter(status=CohortStatus.RUNNING).order_by("-starts_on").first()
            or current.order_by("-starts_on").first()
        )
    return programme, cohort


def _person(key: str) -> Person | None:
    email = next((p.email for p in PEOPLE if p.key == key), None)
    return Person.objects.filter(email=email).first() if email else None


def _choose(request: MentoringRequest, spec: DemoRequest) -> None:
    from tandem.matching.requests import current_shortlist
    from tandem.relationships.services import pair_problems

    mentor = None
    if spec.kind == SHORTLIST:
        candidates = current_shortlist(request)
        mentor = candidates[0].person if candidates else None
        route = Route.SHORTLIST
    else:
        route = Route.SELF_IDENTIFIED
        for key in spec.found:
            person = _person(key)
            if person is not None and not pair_problems(
                mentee=request.mentee,
                mentor=person,
                organisation=request.organisation,
                programme=request.programme,
            ):
                mentor = person
                break
    if mentor is None:
        return  # nobody suitable today: the request stays open
    request.chosen_mentor = mentor
    request.route = route
    request.status = RequestStatus.AWAITING_APPROVAL
    request.version += 1
    request.save(update_fields=["chosen_mentor", "route", "status", "version"])


@transaction.atomic
def seed_requests(programmes: dict[str, Any] | None = None) -> int:
    """Mentoring requests at Riverside College; returns how many were added."""
    from tandem.mentors.models import Subject

    added = 0
    with system_access():
        organisation = Organisation.objects.filter(name=ORGANISATION).first()
        if organisation is None:
            return 0
        subjects = {s.name: s for s in Subject.objects.filter(is_active=True)}
        for spec in REQUESTS:
            mentee = _person(spec.mentee)
            programme, cohort = _programme_and_cohort(organisation, spec.programme, programmes)
            if mentee is None or programme is None or spec.subject not in subjects:
                continue
            if MentoringRequest.objects.filter(mentee=mentee, programme=programme).exists():
                continue
            if Mentorship.objects.filter(
                mentee=mentee, programme=programme, status__in=HOLDING
            ).exists():
                continue
            request = MentoringRequest.objects.create(
                organisation=organisation,
                mentee=mentee,
                programme=programme,
                cohort=cohort,
                subject=subjects[spec.subject],
                development_needs=spec.needs,
                modes=list(spec.modes),
                availability=spec.availability,
                preferences=spec.preferences,
                created_by=mentee,
            )
            if spec.kind != OPEN:
                _choose(request, spec)
            added += 1
    return added
