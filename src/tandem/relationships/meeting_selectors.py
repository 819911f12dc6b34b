"""Reads for meetings, time and calendar feeds, scoped by the policy (core/policies/content.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from tandem.core.policies.common import _line_report_ids
from tandem.core.policies.content import _content
from tandem.core.tenancy import access_object, system_access
from tandem.relationships.models import (
    Action,
    CalendarFeed,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    Observation,
    ObservationStatus,
    PrivateNote,
    TimeEntry,
    TimeKind,
)
from tandem.relationships.time_records import hours, pounds

if TYPE_CHECKING:
    from tandem.core.actor import Actor


# --- meetings --------------------------------------------------------------------------


def meetings(actor: Actor) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(actor).select_related(
        "mentorship__mentor", "mentorship__mentee", "mentorship__organisation", "recorded_by"
    )


def meetings_of(actor: Actor, mentorship: Mentorship) -> QuerySet[Meeting]:
    """The mentorship's meetings the actor may see: none for a line manager."""
    return meetings(actor).filter(mentorship=mentorship)


def access_meeting(actor: Actor, uuid: Any, *, for_write: bool = False) -> Meeting:
    return access_object(actor, Meeting, uuid, for_write=for_write)


def access_action(actor: Actor, uuid: Any, *, for_write: bool = False) -> Action:
    return access_object(actor, Action, uuid, for_write=for_write)


def actions_of(actor: Actor, meeting: Meeting) -> QuerySet[Action]:
    return Action.objects.visible_to(actor).filter(meeting=meeting).select_related("owner")


def private_notes_of(actor: Actor, meeting: Meeting) -> QuerySet[PrivateNote]:
    """Only the pair: the policy gives everyone else (superusers too) nothing."""
    return PrivateNote.objects.visible_to(actor).filter(meeting=meeting).select_related("author")


def split_meetings(rows: list[Meeting], now: datetime | None = None) -> dict[str, list[Meeting]]:
    now = now or timezone.now()
    return {
        "planned": sorted(
            (m for m in rows if m.status == MeetingStatus.PLANNED and m.starts_at >= now),
            key=lambda m: m.starts_at,
        ),
        "overdue": [m for m in rows if m.status == MeetingStatus.PLANNED and m.starts_at < now],
        "held": [m for m in rows if m.status == MeetingStatus.HELD],
        "cancelled": [m for m in rows if m.status == MeetingStatus.CANCELLED],
    }


# --- time ------------------------------------------------------------------------------


@dataclass
class Year:
    starts_on: date
    ends_on: date
    label: str

    @property
    def previous_on(self) -> date:
        return self.starts_on - timedelta(days=1)

    @property
    def next_on(self) -> date:
        return self.ends_on + timedelta(days=1)

    def bounds(self) -> tuple[datetime, datetime]:
        """Aware datetimes from the first day's midnight to the day after the last."""
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(self.starts_on, time.min), tz)
        end = timezone.make_aware(datetime.combine(self.next_on, time.min), tz)
        return start, end


def default_year(on: date) -> Year:
    """September to August, the further-education year."""
    first = on.year if on.month >= 9 else on.year - 1
    return Year(date(first, 9, 1), date(first + 1, 8, 31), f"{first}/{str(first + 1)[2:]}")


def academic_year(mentorship: Mentorship, on: date) -> Year:
    """The year of the mentorship's cohort calendar that holds ``on``, else September–August."""
    cohort = mentorship.cohort
    if cohort is not None:
        with system_access():  # the calendar is reached through the visible mentorship
            calendar = cohort.calendar
        if calendar.starts_on <= on <= calendar.ends_on:
            return Year(calendar.starts_on, calendar.ends_on, calendar.name)
    return default_year(on)


def sees_meetings(actor: Actor, mentorship: Mentorship) -> bool:
    """Meetings are content: the pair and the mentee's coordinators and tutors (the policy's
    rule for meetings), not line managers or the mentor organisation's coordinators."""
    if actor.is_superuser:
        return True
    if actor.person_id is None:
        return False
    return (
        Mentorship.objects.visible_to(actor).filter(_content("")(actor), pk=mentorship.pk).exists()
    )


def can_see_time(actor: Actor, mentorship: Mentorship) -> bool:
    """Time is activity: the pair, the mentee's coordinators and tutors, their line managers.

    The same people the time-entry rule of the policy lets see time entries.
    """
    if actor.is_superuser:
        return True
    if actor.person_id is None:
        return False
    allowed = _content("")(actor)
    reports = _line_report_ids(actor)
    if reports:
        allowed |= Q(mentee_id__in=reports)
    return Mentorship.objects.visible_to(actor).filter(allowed, pk=mentorship.pk).exists()


def access_time(actor: Actor, uuid: Any) -> Mentorship:
    """A mentorship whose time the actor may read: 404 otherwise (as if absent)."""
    mentorship = access_object(actor, Mentorship, uuid)
    if not can_see_time(actor, mentorship):
        raise Http404("No mentorship found")
    return mentorship


def time_entries_of(actor: Actor, mentorship: Mentorship, year: Year) -> QuerySet[TimeEntry]:
    return (
        TimeEntry.objects.visible_to(actor)
        .filter(mentorship=mentorship, on__gte=year.starts_on, on__lte=year.ends_on)
        .select_related("person")
    )


def access_time_entry(actor: Actor, uuid: Any, *, for_write: bool = False) -> TimeEntry:
    return access_object(actor, TimeEntry, uuid, for_write=for_write)


@dataclass
class TimeSummary:
    year: Year
    meetings: int = 0
    meeting_minutes: int = 0
    observations: int = 0
    observation_minutes: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    allocation_hours: int = 0
    remission_hours: int = 0
    payment_pence: int = 0
    payment_due_pence: int = 0
    supervision_minutes: int = 0
    supervision_hours: int = 0

    @property
    def manual_minutes(self) -> int:
        return sum(m for k, m in self.by_kind.items() if k != TimeKind.SUPERVISION)

    @property
    def total_minutes(self) -> int:
        """Hours of mentoring: meetings, observations and entered time (not supervision)."""
        return self.meeting_minutes + self.observation_minutes + self.manual_minutes

    @property
    def remaining_minutes(self) -> int:
        return max(self.allocation_hours * 60 - self.total_minutes, 0)

    @property
    def percent(self) -> int:
        if not self.allocation_hours:
            return 0
        return min(round(100 * self.total_minutes / (self.allocation_hours * 60)), 999)

    def as_words(self) -> dict[str, str]:
        return {
            "meetings": hours(self.meeting_minutes),
            "observations": hours(self.observation_minutes),
            "manual": hours(self.manual_minutes),
            "total": hours(self.total_minutes),
            "allocation": hours(self.allocation_hours * 60),
            "remaining": hours(self.remaining_minutes),
            "remission": hours(self.remission_hours * 60),
            "payment": pounds(self.payment_pence),
            "payment_due": pounds(self.payment_due_pence),
            "supervision": hours(self.supervision_minutes),
            "supervision_allocation": hours(self.supervision_hours * 60),
        }


def _payment_due(mentorship: Mentorship, year: Year) -> int:
    """A placement is paid once, in the year it starts."""
    starts = mentorship.starts_on
    if starts is None or not year.starts_on <= starts <= year.ends_on:
        return 0
    return mentorship.programme.payment_per_placement_pence


def time_summary(actor: Actor, mentorship: Mentorship, year: Year) -> TimeSummary:
    """Hours in the year: held meetings, recorded observations and time entered by hand.

    Line managers see time but not meetings: meeting and observation minutes are
    summed here without reading any of their content (only dates and durations),
    once the actor's right to the mentorship's time has been checked.
    """
    if not can_see_time(actor, mentorship):
        raise Http404("No mentorship found")
    start, end = year.bounds()
    programme = mentorship.programme
    summary = TimeSummary(
        year=year,
        allocation_hours=programme.mentor_hours_per_mentee,
        remission_hours=programme.remission_hours_per_mentee,
        payment_pence=programme.payment_per_placement_pence,
        payment_due_pence=_payment_due(mentorship, year),
        supervision_hours=programme.supervision_hours_per_mentor,
    )
    with system_access():
        held = Meeting.objects.filter(
            mentorship=mentorship,
            status=MeetingStatus.HELD,
            starts_at__gte=start,
            starts_at__lt=end,
        ).aggregate(n=Count("pk"), minutes=Coalesce(Sum("duration_minutes"), 0))
        seen = Observation.objects.filter(
            mentorship=mentorship,
            status=ObservationStatus.RECORDED,
            scheduled_for__gte=start,
            scheduled_for__lt=end,
        ).aggregate(n=Count("pk"), minutes=Coalesce(Sum("duration_minutes"), 0))
        # The mentor's supervision across all their mentorships in the year.
        supervision = TimeEntry.objects.filter(
            mentorship__mentor_id=mentorship.mentor_id,
            kind=TimeKind.SUPERVISION,
            on__gte=year.starts_on,
            on__lte=year.ends_on,
        ).aggregate(minutes=Coalesce(Sum("minutes"), 0))
    summary.meetings, summary.meeting_minutes = held["n"], held["minutes"]
    summary.observations, summary.observation_minutes = seen["n"], seen["minutes"]
    summary.supervision_minutes = supervision["minutes"]
    rows = (
        time_entries_of(actor, mentorship, year)
        .order_by()
        .values("kind")
        .annotate(minutes=Sum("minutes"))
    )
    summary.by_kind = {r["kind"]: r["minutes"] for r in rows}
    return summary


# --- the organisation's time -----------------------------------------------------------


def can_see_organisation_time(actor: Actor, organisation: Any) -> bool:
    return actor.is_superuser or organisation.pk in actor.coordinator_of


def _minutes(qs: QuerySet[Any], column: str) -> Subquery:
    total = qs.order_by().values("mentorship").annotate(total=Sum(column)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def organisation_time(actor: Actor, organisation: Any, year: Year) -> list[dict[str, Any]]:
    """Each mentorship the organisation runs in the year: hours against allocation, payment.

    A fixed number of queries however many mentorships there are.
    """
    start, end = year.bounds()
    outer = OuterRef("pk")
    with system_access():  # subqueries only; the outer queryset is scoped below
        held = Meeting.objects.filter(
            mentorship=outer, status=MeetingStatus.HELD, starts_at__gte=start, starts_at__lt=end
        )
        seen = Observation.objects.filter(
            mentorship=outer,
            status=ObservationStatus.RECORDED,
            scheduled_for__gte=start,
            scheduled_for__lt=end,
        )
        entries = TimeEntry.objects.filter(
            mentorship=outer, on__gte=year.starts_on, on__lte=year.ends_on
        )
    qs = (
        Mentorship.objects.visible_to(actor)
        .filter(
            organisation=organisation,
            status__in=(MentorshipStatus.ACTIVE, MentorshipStatus.ENDED),
        )
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=year.ends_on))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=year.starts_on))
        .select_related("mentor", "mentee", "programme", "mentor_organisation")
        .annotate(
            meeting_minutes=_minutes(held, "duration_minutes"),
            observation_minutes=_minutes(seen, "duration_minutes"),
            manual_minutes=_minutes(entries.exclude(kind=TimeKind.SUPERVISION), "minutes"),
            supervision_minutes=_minutes(entries.filter(kind=TimeKind.SUPERVISION), "minutes"),
        )
        .order_by("mentee__family_name", "mentee__given_name", "pk")
    )
    rows = []
    for m in qs:
        total = m.meeting_minutes + m.observation_minutes + m.manual_minutes
        allocation = m.programme.mentor_hours_per_mentee * 60
        rows.append(
            {
                "mentorship": m,
                "meeting_minutes": m.meeting_minutes,
                "observation_minutes": m.observation_minutes,
                "manual_minutes": m.manual_minutes,
                "total_minutes": total,
                "allocation_minutes": allocation,
                "remaining_minutes": max(allocation - total, 0),
                "supervision_minutes": m.supervision_minutes,
                "remission_hours": m.programme.remission_hours_per_mentee,
                "payment_due_pence": _payment_due(m, year),
            }
        )
    return rows


EXPORT_HEADERS = [
    "Mentee",
    "Mentor",
    "Mentor's organisation",
    "Programme",
    "Status",
    "Meetings (hours)",
    "Observations (hours)",
    "Other time (hours)",
    "Total (hours)",
    "Allocation (hours)",
    "Still to do (hours)",
    "Supervision (hours)",
    "Remission (hours)",
    "Payment due (£)",
]


def _cell(value: str) -> str:
    """Text that a spreadsheet would run as a formula is kept as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_rows(rows: list[dict[str, Any]]) -> Any:
    """The organisation's time as a tablib Dataset (CSV or XLSX)."""
    import tablib

    data = tablib.Dataset(headers=EXPORT_HEADERS, title="Time")

    def h(minutes: int) -> float:
        return round(minutes / 60, 2)

    for r in rows:
        m = r["mentorship"]
        data.append(
            [
                _cell(str(m.mentee)),
                _cell(str(m.mentor)),
                _cell(str(m.mentor_organisation)),
                _cell(str(m.programme)),
                m.get_status_display(),
                h(r["meeting_minutes"]),
                h(r["observation_minutes"]),
                h(r["manual_minutes"]),
                h(r["total_minutes"]),
                h(r["allocation_minutes"]),
                h(r["remaining_minutes"]),
                h(r["supervision_minutes"]),
                r["remission_hours"],
                round(r["payment_due_pence"] / 100, 2),
            ]
        )
    return data


# --- calendar feeds --------------------------------------------------------------------


def my_feeds(actor: Actor) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.visible_to(actor).order_by("-created_at")


def access_feed(actor: Actor, uuid: Any, *, for_write: bool = False) -> CalendarFeed:
    return access_object(actor, CalendarFeed, uuid, for_write=for_write)
