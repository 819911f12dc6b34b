"""Records for the compliance, report and digest tests: fixed dates, built directly.

Dates are in the academic year 2026/27, whose default (England) half-terms are
Autumn 1 1 Sep–1 Nov, Autumn 2 2 Nov–18 Dec, Spring 1 4 Jan–21 Feb, Spring 2
22 Feb–25 Mar, Summer 1 12 Apr–6 Jun and Summer 2 7 Jun–22 Jul.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.programmes.models import AcademicCalendar, CalendarPeriod, Cohort, Programme
from tandem.relationships.models import (
    Agreement,
    AgreementVersion,
    DevelopmentPlan,
    Meeting,
    Mentorship,
    MentorshipStatus,
    Objective,
    Observation,
    PrivateNote,
    Report,
    ReportKind,
    ReportStatus,
    Source,
    VersionStatus,
)
from tests import factories as f

LONDON = ZoneInfo("Europe/London")

HALF_TERM_DISCUSSION = [{"period": "half_term", "kind": "discussion", "minimum": 1}]


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A moment on ``day``, London time."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def programme(organisation: Any, contact_rules: Any = None, **fields: Any) -> Programme:
    values = {
        "purpose": "itt_in_service",
        "contact_rules": HALF_TERM_DISCUSSION if contact_rules is None else contact_rules,
        "line_manager_reports": False,
    } | fields
    with system_access():
        n = Programme.objects.filter(organisation=organisation).count()
        return Programme.objects.create(
            organisation=organisation, name=f"Programme {n + 1}", **values
        )


def person(organisation: Any, role: str, given: str, family: str) -> Any:
    with system_access():
        p = f.PersonFactory(given_name=given, family_name=family)
        f.MembershipFactory(person=p, organisation=organisation, role=role)
    return p


def mentorship(
    mentee: Any,
    mentor: Any,
    prog: Programme,
    *,
    starts_on: date,
    ends_on: date | None = None,
    cohort: Cohort | None = None,
    organisation: Any = None,
    status: str = MentorshipStatus.ACTIVE,
) -> Mentorship:
    organisation = organisation or prog.organisation
    with system_access():
        return Mentorship.objects.create(
            organisation=organisation,
            mentor_organisation=organisation,
            mentor=mentor,
            mentee=mentee,
            programme=prog,
            cohort=cohort,
            source=Source.COORDINATOR,
            status=status if ends_on is None else MentorshipStatus.ENDED,
            starts_on=starts_on,
            ends_on=ends_on,
        )


def meeting(
    m: Mentorship,
    when: datetime | date,
    *,
    status: str = "held",
    minutes: int = 60,
    topics: str = "",
    next_meeting_at: datetime | None = None,
) -> Meeting:
    starts_at = when if isinstance(when, datetime) else at(when)
    with system_access():
        return Meeting.objects.create(
            mentorship=m,
            status=status,
            starts_at=starts_at,
            duration_minutes=minutes,
            mode="face_to_face",
            topics=topics,
            next_meeting_at=next_meeting_at,
            recorded_by=m.mentor,
        )


def private_note(meeting_: Meeting, text: str) -> PrivateNote:
    with system_access():
        return PrivateNote.objects.create(
            meeting=meeting_, author=meeting_.mentorship.mentor, text=text
        )


def observation(m: Mentorship, day: date, *, status: str = "recorded") -> Observation:
    with system_access():
        return Observation.objects.create(
            mentorship=m,
            observer=m.mentor,
            observed=m.mentee,
            purpose="developmental",
            purpose_declared_at=at(day, 8),
            scheduled_for=at(day),
            status=status,
        )


def sent_report(m: Mentorship, day: date, *, kind: str = ReportKind.SCHEDULED) -> Report:
    with system_access():
        return Report.objects.create(
            mentorship=m,
            kind=kind,
            name=f"Report sent {day}",
            due_on=day,
            body="Progress is good.",
            status=ReportStatus.SENT,
            sent_at=at(day, 12),
        )


def objective(m: Mentorship, due_on: date, *, status: str = "in_progress", what: str = "") -> Any:
    with system_access():
        plan, _ = DevelopmentPlan.objects.get_or_create(mentorship=m)
        return Objective.objects.create(
            plan=plan,
            what=what or "Plan lessons with clear outcomes",
            measure="Two observed lessons",
            due_on=due_on,
            status=status,
        )


def signed_agreement(m: Mentorship) -> AgreementVersion:
    with system_access():
        agreement = Agreement.objects.create(mentorship=m)
        return AgreementVersion.objects.create(
            agreement=agreement,
            number=1,
            text="We agree.",
            status=VersionStatus.SIGNED,
            created_by_name="Test",
        )


def calendar(organisation: Any, name: str, periods: list[tuple[str, int, str, date, date]]) -> Any:
    """A stored calendar for 2026/27 with the given (kind, position, name, start, end) periods."""
    with system_access():
        cal = AcademicCalendar.objects.create(
            organisation=organisation,
            name=name,
            starts_on=date(2026, 9, 1),
            ends_on=date(2027, 8, 31),
        )
        for kind, position, period_name, starts, ends in periods:
            CalendarPeriod.objects.create(
                calendar=cal,
                kind=kind,
                position=position,
                name=period_name,
                starts_on=starts,
                ends_on=ends,
            )
    return cal


def cohort(prog: Programme, cal: Any, *, ends_on: date = date(2027, 7, 16)) -> Cohort:
    with system_access():
        return Cohort.objects.create(
            programme=prog,
            organisation=prog.organisation,
            calendar=cal,
            name="2026 intake",
            starts_on=date(2026, 9, 1),
            ends_on=ends_on,
        )


def mentees(organisation: Any, n: int, family: str = "Lee") -> list[Any]:
    return [person(organisation, Role.MENTEE, f"Mentee{i}", family) for i in range(n)]
