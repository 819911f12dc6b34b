"""Reports (D5): scheduled reports the mentor writes, and activity reports to line managers.

Scheduled reports come from the programme's ``report_schedule`` (name, due
``MM-DD``, recipient roles): each active relationship gets one draft per row
due in the current academic year (September to August), at most once — the
rows are unique per (mentorship, kind, name) and the name carries the year.
The mentor writes the body (a version column guards against two people
editing at once) and sends it to the mentee organisation's tutors and course
leaders (and coordinators, mentee or mentor where the schedule says so).
Line managers never receive a scheduled report: what the mentor writes is
content, and line managers see activity and time only.

Activity reports to line managers are generated from the record on the
programme's cadence (fortnightly in the first month, monthly after) and hold
figures only: meetings held, hours, observations recorded, the next meeting's
date — never topics, notes or judgements.
"""

from __future__ import annotations

import calendar as calendar_module
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from tandem.core import audit
from tandem.core.notify import notify
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.programmes import academic_year
from tandem.relationships.compliance import academic_start_year
from tandem.relationships.models import (
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    Observation,
    ObservationStatus,
    Report,
    ReportKind,
    ReportStatus,
    TimeEntry,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor

MAX_BODY = 20_000
MAX_NAME = 150
# Who may receive a scheduled report; the line manager is deliberately absent.
SCHEDULED_RECIPIENT_ROLES = (Role.TUTOR, Role.COORDINATOR, Role.MENTEE, Role.MENTOR)
DEFAULT_RECIPIENT_ROLES = [Role.TUTOR.value]
CHANGED = (
    "Someone else changed this report since you opened it; your changes were not saved. "
    "Reload to see theirs."
)
# How far back the daily run looks for an activity period it has not reported yet.
CATCH_UP_DAYS = 31


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


# --- scheduled reports -----------------------------------------------------------------------


def due_in_year(due: str, start_year: int) -> date | None:
    """'01-31' in the academic year starting September ``start_year`` → 31 January next year."""
    from tandem.programmes.rules import parse_due

    parsed = parse_due(due)
    if parsed is None:
        return None
    month, day = parsed
    year = start_year if month >= 9 else start_year + 1
    day = min(day, calendar_module.monthrange(year, month)[1])  # 29 February in other years
    return date(year, month, day)


def _recipient_roles(roles: Any) -> list[str]:
    allowed = {r.value for r in SCHEDULED_RECIPIENT_ROLES}
    chosen = [r for r in roles or [] if r in allowed]
    return chosen or list(DEFAULT_RECIPIENT_ROLES)


def schedule_reports(*, today: date | None = None) -> int:
    """Create the drafts due this academic year for every active relationship; returns how many.

    Running it again creates nothing more. A report due before the relationship
    started, or after it ended, is not asked for.
    """
    from tandem.programmes.models import Programme

    today = today or timezone.localdate()
    start_year = academic_start_year(today)
    year_name = academic_year.year_name(start_year)
    with system_access():
        schedules = {
            pk: schedule
            for pk, schedule in Programme.objects.values_list("id", "report_schedule")
            if schedule
        }
        if not schedules:
            return 0
        mentorships = Mentorship.objects.filter(
            status=MentorshipStatus.ACTIVE, programme_id__in=list(schedules)
        )
        existing = set(
            Report.objects.filter(kind=ReportKind.SCHEDULED, mentorship__in=mentorships)
            .order_by()
            .values_list("mentorship_id", "name")
        )
        new = []
        for pk, programme_id, starts_on, ends_on in mentorships.order_by().values_list(
            "id", "programme_id", "starts_on", "ends_on"
        ):
            for row in schedules[programme_id]:
                due_on = due_in_year(row.get("due", ""), start_year)
                if due_on is None or not row.get("name"):
                    continue
                if (starts_on and due_on < starts_on) or (ends_on and due_on > ends_on):
                    continue
                name = f"{row['name']} {year_name}"[:MAX_NAME]
                if (pk, name) in existing:
                    continue
                existing.add((pk, name))
                new.append(
                    Report(
                        mentorship_id=pk,
                        kind=ReportKind.SCHEDULED,
                        name=name,
                        due_on=due_on,
                        figures={"recipient_roles": _recipient_roles(row.get("recipients"))},
                    )
                )
        Report.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        if new:
            audit.record(
                None,
                "relationships.report.scheduled",
                changes={"reports": len(new), "year": year_name},
            )
    return len(new)


def can_write(actor: Actor, report: Report) -> bool:
    """The mentor writes a scheduled report (the coordinators may too) until it is sent."""
    if report.kind == ReportKind.LINE_MANAGER or report.status != ReportStatus.DRAFT:
        return False
    m = report.mentorship
    if actor.is_superuser:
        return True
    return actor.person_id == m.mentor_id or m.organisation_id in actor.coordinator_of


def can_add_report(actor: Actor, mentorship: Mentorship) -> bool:
    return mentorship.status == MentorshipStatus.ACTIVE and (
        actor.is_superuser
        or actor.person_id == mentorship.mentor_id
        or mentorship.organisation_id in actor.coordinator_of
    )


@transaction.atomic
def add_report(
    actor: Actor, mentorship: Mentorship, *, name: str, due_on: Any, recipients: Any = None
) -> Report:
    """A report outside the schedule (for example a cause for concern), as a draft."""
    if not can_add_report(actor, mentorship):
        raise PermissionDenied("Only the mentor and the coordinators add reports")
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the report's name"
    elif len(name) > MAX_NAME:
        errors["name"] = f"The name must be {MAX_NAME} characters or fewer"
    if not isinstance(due_on, date):
        errors["due_on"] = "Enter the date the report is due"
    if recipients is not None and (
        not isinstance(recipients, list)
        or not recipients
        or any(r not in {x.value for x in SCHEDULED_RECIPIENT_ROLES} for r in recipients)
    ):
        errors["recipients"] = "Choose one or more of tutor, coordinator, mentee, mentor"
    if not errors:
        with system_access():
            if Report.objects.filter(
                mentorship=mentorship, kind=ReportKind.SCHEDULED, name__iexact=name
            ).exists():
                errors["name"] = f"This relationship already has a report called “{name}”"
    if errors:
        raise ValidationError(errors)
    roles = _recipient_roles(recipients or mentorship.programme.report_recipients)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                mentorship=mentorship,
                kind=ReportKind.SCHEDULED,
                name=name,
                due_on=due_on,
                figures={"recipient_roles": roles},
                author=actor.person,
            )
    except IntegrityError:
        raise ValidationError(
            {"name": f"This relationship already has a report called “{name}”"}
        ) from None
    audit.record(
        actor,
        "relationships.report.created",
        report,
        organisation=mentorship.organisation,
        changes={"name": name, "due_on": due_on},
    )
    return report


def _lock(report: Report, expected_version: Any) -> Report:
    with system_access():
        current = Report.objects.select_for_update().get(pk=report.pk)
    if expected_version is not None and current.version != expected_version:
        raise ValidationError({"__all__": CHANGED})
    return current


def _check_body(body: Any, *, required: bool) -> str:
    if not isinstance(body, str):
        raise ValidationError({"body": "Write the report as text"})
    body = body.strip()
    if len(body) > MAX_BODY:
        raise ValidationError({"body": f"The report must be {MAX_BODY:,} characters or fewer"})
    if required and not body:
        raise ValidationError({"body": "Write the report before you send it"})
    return body


@transaction.atomic
def save_report(actor: Actor, report: Report, *, body: Any, expected_version: Any) -> Report:
    """Save the draft's text (``expected_version`` is the version the writer opened)."""
    if not can_write(actor, report):
        raise PermissionDenied("Only the mentor or a coordinator writes this report, until sent")
    body = _check_body(body, required=False)
    current = _lock(report, expected_version)
    if current.status != ReportStatus.DRAFT:
        raise ValidationError({"__all__": "This report has been sent; it can no longer change."})
    current.body = body
    current.author = actor.person or current.author
    current.version += 1
    current.save(update_fields=["body", "author", "version"])
    audit.record(
        actor,
        "relationships.report.saved",
        current,
        organisation=current.mentorship.organisation_id,
        changes={"body": "changed", "version": current.version},
    )
    report.refresh_from_db()
    return current


def recipients_for(report: Report) -> list[Any]:
    """Who a scheduled report goes to: the roles the schedule named, at the mentee's
    organisation."""
    from tandem.organisations.models import Membership, Person

    m = report.mentorship
    roles = _recipient_roles((report.figures or {}).get("recipient_roles"))
    staff = [r for r in roles if r in (Role.TUTOR, Role.COORDINATOR)]
    with system_access():
        people = list(
            Person.objects.filter(
                memberships__in=Membership.objects.current().filter(
                    organisation_id=m.organisation_id, role__in=staff
                )
            )
            .distinct()
            .order_by("family_name", "given_name")
        )
    if Role.MENTEE in roles:
        people.append(m.mentee)
    if Role.MENTOR in roles:
        people.append(m.mentor)
    seen: set[int] = set()
    return [p for p in people if not (p.pk in seen or seen.add(p.pk))]


@transaction.atomic
def send_report(actor: Actor, report: Report, *, body: Any = None, expected_version: Any) -> Report:
    """Send the report (saving ``body`` first when given) to its recipients, by email."""
    if not can_write(actor, report):
        raise PermissionDenied("Only the mentor or a coordinator sends this report, once")
    current = _lock(report, expected_version)
    if current.status != ReportStatus.DRAFT:
        raise ValidationError({"__all__": "This report has already been sent."})
    current.body = _check_body(current.body if body is None else body, required=True)
    recipients = recipients_for(current)
    if not recipients:
        raise ValidationError(
            {
                "__all__": f"{current.mentorship.organisation} has no personal tutor or course "
                "leader to send this report to. Ask a coordinator to add one; the draft is kept."
            }
        )
    current.status = ReportStatus.SENT
    current.sent_at = timezone.now()
    current.author = actor.person or current.author
    current.version += 1
    current.save(update_fields=["body", "status", "sent_at", "author", "version"])
    current.recipients.set(recipients)
    audit.record(
        actor,
        "relationships.report.sent",
        current,
        organisation=current.mentorship.organisation_id,
        changes={"recipients": [str(p) for p in recipients]},
    )
    notify(
        recipients,
        "relationships/email/report_sent.txt",
        {"report": current, "mentorship": current.mentorship},
    )
    return current


# --- activity reports to line managers -------------------------------------------------------


def _add_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar_module.monthrange(year, month)[1]))


def activity_periods(starts_on: date, until: date) -> list[tuple[date, date]]:
    """The reporting periods from the start to ``until``: two fortnights, then months."""
    periods = []
    start = starts_on
    for _ in range(2):
        periods.append((start, start + timedelta(days=13)))
        start += timedelta(days=14)
    while start <= until:
        end = _add_month(start) - timedelta(days=1)
        periods.append((start, end))
        start = end + timedelta(days=1)
    return [p for p in periods if p[0] <= until]


def activity_figures(mentorship: Mentorship, starts_on: date, ends_on: date) -> dict[str, Any]:
    """Figures of the record for one period: counts, time and a date — no content."""
    with system_access():
        meetings = Meeting.objects.filter(
            mentorship=mentorship,
            status=MeetingStatus.HELD,
            starts_at__date__gte=starts_on,
            starts_at__date__lte=ends_on,
        )
        held = meetings.aggregate(n=Count("id"), minutes=Sum("duration_minutes"))
        observations = Observation.objects.filter(
            mentorship=mentorship,
            status=ObservationStatus.RECORDED,
            scheduled_for__date__gte=starts_on,
            scheduled_for__date__lte=ends_on,
        ).aggregate(n=Count("id"), minutes=Sum("duration_minutes"))
        other = TimeEntry.objects.filter(
            mentorship=mentorship, on__gte=starts_on, on__lte=ends_on
        ).aggregate(minutes=Sum("minutes"))
        following = (
            Meeting.objects.filter(
                mentorship=mentorship,
                status=MeetingStatus.PLANNED,
                starts_at__date__gt=ends_on,
            )
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
        if following is None:
            following = (
                Meeting.objects.filter(
                    mentorship=mentorship,
                    status=MeetingStatus.HELD,
                    next_meeting_at__date__gt=ends_on,
                )
                .order_by("-starts_at")
                .values_list("next_meeting_at", flat=True)
                .first()
            )
    minutes = (held["minutes"] or 0) + (observations["minutes"] or 0) + (other["minutes"] or 0)
    return {
        "meetings_held": held["n"] or 0,
        "observations_recorded": observations["n"] or 0,
        "hours": round(minutes / 60, 1),
        "next_meeting_on": timezone.localdate(following).isoformat() if following else None,
    }


def activity_report_name(starts_on: date, ends_on: date) -> str:
    return f"Activity from {_day(starts_on)} to {_day(ends_on)}"


def send_line_manager_reports(*, today: date | None = None, email: bool = True) -> int:
    """Generate and send the activity reports whose period has ended; returns how many.

    Idempotent: each period's report is made once (unique per mentorship and
    name). Periods that ended more than a month ago are not caught up.
    """
    from tandem.organisations.models import LineManagement, Person

    today = today or timezone.localdate()
    with system_access():
        mentorships = list(
            Mentorship.objects.filter(
                status__in=[MentorshipStatus.ACTIVE, MentorshipStatus.ENDED],
                programme__line_manager_reports=True,
                starts_on__isnull=False,
                starts_on__lt=today,
            )
            .exclude(ends_on__lt=today - timedelta(days=CATCH_UP_DAYS))
            .select_related("mentee", "mentor", "organisation")
        )
        managers: dict[int, list[int]] = {}
        for report_id, manager_id in (
            LineManagement.objects.current()
            .filter(report_id__in=[m.mentee_id for m in mentorships])
            .values_list("report_id", "manager_id")
        ):
            managers.setdefault(report_id, []).append(manager_id)
        people = Person.objects.in_bulk({pk for ids in managers.values() for pk in ids})
        done = set(
            Report.objects.filter(
                kind=ReportKind.LINE_MANAGER, mentorship_id__in=[m.pk for m in mentorships]
            ).values_list("mentorship_id", "name")
        )
    sent = 0
    oldest = today - timedelta(days=CATCH_UP_DAYS)
    for m in mentorships:
        recipients = [people[pk] for pk in managers.get(m.mentee_id, []) if pk in people]
        if not recipients:
            continue
        last_day = today - timedelta(days=1)
        if m.ends_on is not None:
            last_day = min(last_day, m.ends_on)
        for starts_on, ends_on in activity_periods(m.starts_on, last_day):
            if m.ends_on is not None:
                ends_on = min(ends_on, m.ends_on)  # the last, shorter period of an ended one
            if ends_on >= today or ends_on < oldest:
                continue
            name = activity_report_name(starts_on, ends_on)
            if (m.pk, name) in done:
                continue
            if _send_activity_report(m, starts_on, ends_on, name, recipients, email=email):
                sent += 1
    return sent


def _send_activity_report(
    mentorship: Mentorship,
    starts_on: date,
    ends_on: date,
    name: str,
    recipients: list[Any],
    *,
    email: bool = True,
) -> bool:
    figures = activity_figures(mentorship, starts_on, ends_on)
    try:
        with transaction.atomic(), system_access():
            report = Report.objects.create(
                mentorship=mentorship,
                kind=ReportKind.LINE_MANAGER,
                name=name,
                due_on=ends_on,
                period_start=starts_on,
                period_end=ends_on,
                figures=figures,
                status=ReportStatus.SENT,
                sent_at=timezone.now(),
            )
            report.recipients.set(recipients)
            audit.record(
                None,
                "relationships.report.generated",
                report,
                organisation=mentorship.organisation_id,
                changes={"period": [starts_on, ends_on], "recipients": len(recipients)},
            )
    except IntegrityError:  # made by a run at the same moment
        return False
    if not email:
        return True
    notify(
        recipients,
        "relationships/email/report_line_manager.txt",
        {
            "report": report,
            "mentorship": mentorship,
            "figures": figures,
            "next_meeting": next_meeting_of(report),
        },
    )
    return True


def next_meeting_of(report: Report) -> date | None:
    """The next meeting's date held in an activity report's figures."""
    value = (report.figures or {}).get("next_meeting_on")
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
