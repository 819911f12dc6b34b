"""Compliance (D6): each relationship's requirements per period, as done / due / overdue.

A programme's contact table (``Programme.contact_rules``) says how many
discussions, observations and reports a relationship needs in each half-term,
term, month or year. The periods come from the cohort's calendar, else the
mentee organisation's calendar covering the date, else England's default
academic year (``tandem.programmes.academic_year.england``, built in memory:
reading compliance never writes a calendar).

Only periods that overlap the mentorship's dates count: from ``starts_on`` to
``ends_on`` — or, while it runs, to today (to the cohort's end when the
mentorship belongs to a cohort, so the coming periods show as due).

What was done is counted from the record: held meetings are discussions,
recorded observations are observations, sent reports (not the generated
activity reports to line managers) are reports — each on its date, in the
period that contains that date.

``evaluate`` works on many mentorships at once with a fixed number of queries
(programmes, calendars, periods, then meetings, observations, reports,
overdue objectives and signed agreements, each grouped in one query) and does
the rest in Python, so a list of 2,000 relationships costs what a list of 20 does.

Every function takes ``today`` so that tests (and reports) can fix the day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property, lru_cache
from typing import Any

from django.db import connections
from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.programmes import academic_year
from tandem.programmes.rules import KINDS, PERIODS

# The at-risk flag (D6): early warning that a relationship is faltering.
NO_MEETING_DAYS = 28
AGREEMENT_DAYS = 30

DONE, DUE, OVERDUE = "done", "due", "overdue"
STATUS_WORDS = {DONE: "Done", DUE: "Due", OVERDUE: "Overdue"}

# A mentorship's standing as a whole, for the coordinator's list.
ON_TRACK = "on_track"
STANDING_WORDS = {OVERDUE: "Overdue", DUE: "Due this period", ON_TRACK: "On track"}

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def academic_start_year(day: date) -> int:
    """The year in which the academic year containing ``day`` began (September)."""
    return day.year if day.month >= 9 else day.year - 1


def _day(d: date) -> str:
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # half_term, term, month or year
    position: int
    name: str
    year_name: str
    starts_on: date
    ends_on: date

    @property
    def title(self) -> str:
        return self.name if self.kind in ("month", "year") else f"{self.name} {self.year_name}"

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass
class Year:
    """One academic year of a calendar (stored or England's default) and its periods."""

    key: tuple[str, int]
    name: str
    starts_on: date
    ends_on: date
    terms: tuple[Period, ...] = ()  # terms and half-terms as the calendar holds them

    def periods(self, kind: str, positions: list[int]) -> list[Period]:
        wanted = set(positions)
        if kind == "year":
            return [Period("year", 1, f"The year {self.name}", self.name, *self._span())]
        if kind == "month":
            return [p for p in self._months if not wanted or p.position in wanted]
        return [p for p in self.terms if p.kind == kind and (not wanted or p.position in wanted)]

    def _span(self) -> tuple[date, date]:
        return self.starts_on, self.ends_on

    @cached_property
    def _months(self) -> list[Period]:
        first_year = academic_start_year(self.starts_on)
        months = []
        for position in range(1, 13):
            month = (position + 7) % 12 + 1  # position 1 is September
            year = first_year if month >= 9 else first_year + 1
            starts = date(year, month, 1)
            ends = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            starts, ends = max(starts, self.starts_on), min(ends, self.ends_on)
            if starts <= ends:
                name = f"{MONTH_NAMES[month - 1]} {year}"
                months.append(Period("month", position, name, self.name, starts, ends))
        return months


@lru_cache(maxsize=256)
def england_year(start_year: int, until: date | None = None) -> Year:
    """England's default academic year, cut short at ``until`` when a stored calendar follows.

    Cached: the same Year (read-only) serves every relationship in that year.
    """
    spec = academic_year.england(start_year)
    ends_on = min(spec.ends_on, until) if until else spec.ends_on
    terms = tuple(
        Period(p.kind, p.position, p.name, spec.name, p.starts_on, min(p.ends_on, ends_on))
        for p in spec.periods
        if p.starts_on <= ends_on
    )
    return Year(("england", start_year), spec.name, spec.starts_on, ends_on, terms)


def years_between(start: date, end: date, calendars: list[Year]) -> list[Year]:
    """The academic years covering start..end, taken from ``calendars`` in order of preference.

    Each day belongs to the first calendar that covers it; a day no calendar
    covers falls in England's default year (cut where the next calendar starts).
    """
    years: list[Year] = []
    cursor = start
    while cursor <= end:
        year = next((c for c in calendars if c.starts_on <= cursor <= c.ends_on), None)
        if year is None:
            following = [c.starts_on for c in calendars if c.starts_on > cursor]
            until = min(following) - timedelta(days=1) if following else None
            year = england_year(academic_start_year(cursor), until)
        years.append(year)
        cursor = year.ends_on + timedelta(days=1)
    return years


# --- requirements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    period: str
    kind: str
    minimum: int
    positions: tuple[int, ...]
    label: str


def rules_of(contact_rules: Any) -> list[Rule]:
    """The programme's contact table as rules (rows with a minimum of 0 ask for nothing)."""
    out = []
    for row in contact_rules or []:
        if not isinstance(row, dict):
            continue
        period, kind, minimum = row.get("period"), row.get("kind"), row.get("minimum")
        if period not in PERIODS or kind not in KINDS or not isinstance(minimum, int):
            continue
        if minimum <= 0:
            continue
        positions = tuple(p for p in row.get("periods") or [] if isinstance(p, int))
        out.append(Rule(period, kind, minimum, positions, str(row.get("label") or "")))
    return out


@dataclass(slots=True)
class Requirement:
    kind: str  # discussion, observation or report
    minimum: int
    label: str
    period: Period
    done: int
    status: str
    is_current: bool

    @property
    def missing(self) -> int:
        return max(0, self.minimum - self.done)

    @property
    def what(self) -> str:
        singular, plural = KINDS[self.kind]
        return f"{self.minimum} {singular if self.minimum == 1 else plural}"

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def summary(self) -> str:
        """'1 more discussion by 19 October 2026 (Autumn 1 2026/27)'."""
        singular, plural = KINDS[self.kind]
        n = self.missing
        return (
            f"{n} more {singular if n == 1 else plural} by {_day(self.period.ends_on)} "
            f"({self.period.title})"
        )


@dataclass
class Facts:
    """What the computation needs to know of one mentorship."""

    id: int
    organisation_id: int
    programme_id: int
    cohort_calendar_id: int | None
    cohort_ends_on: date | None
    starts_on: date
    ends_on: date | None
    active: bool

    @classmethod
    def of(cls, m: Any) -> Facts:
        """From a Mentorship fetched with its cohort (select_related)."""
        cohort = m.cohort if m.cohort_id else None
        return cls(
            id=m.pk,
            organisation_id=m.organisation_id,
            programme_id=m.programme_id,
            cohort_calendar_id=cohort.calendar_id if cohort else None,
            cohort_ends_on=cohort.ends_on if cohort else None,
            starts_on=m.starts_on or timezone.localdate(m.created_at),
            ends_on=m.ends_on,
            active=m.status == "active",
        )

    def span(self, today: date) -> tuple[date, date]:
        if self.ends_on is not None:
            return self.starts_on, self.ends_on
        end = today
        if self.active and self.cohort_ends_on and self.cohort_ends_on > today:
            end = self.cohort_ends_on
        return self.starts_on, max(end, self.starts_on)


FACT_FIELDS = (
    "id",
    "organisation_id",
    "programme_id",
    "cohort__calendar_id",
    "cohort__ends_on",
    "starts_on",
    "ends_on",
    "status",
)


def facts_from_queryset(qs: QuerySet[Any]) -> list[Facts]:
    """Facts for every mentorship of a (large) queryset in one light query.

    (A second query fetches the creation date of any without a start date.)
    """
    rows = list(qs.order_by().values_list(*FACT_FIELDS))
    created = {}
    if any(row[5] is None for row in rows):
        created = {
            pk: timezone.localdate(at)
            for pk, at in qs.order_by()
            .filter(starts_on__isnull=True)
            .values_list("id", "created_at")
        }
    return [
        Facts(
            id=row[0],
            organisation_id=row[1],
            programme_id=row[2],
            cohort_calendar_id=row[3],
            cohort_ends_on=row[4],
            starts_on=row[5] or created[row[0]],
            ends_on=row[6],
            active=row[7] == "active",
        )
        for row in rows
    ]


@dataclass
class Compliance:
    """One mentorship's requirements, at-risk reasons and standing on ``today``."""

    facts: Facts
    requirements: list[Requirement] = field(default_factory=list)
    at_risk: list[str] = field(default_factory=list)
    last_meeting_on: date | None = None

    @property
    def overdue(self) -> list[Requirement]:
        return [r for r in self.requirements if r.status == OVERDUE]

    @cached_property
    def overdue_count(self) -> int:
        return sum(1 for r in self.requirements if r.status == OVERDUE)

    @property
    def current(self) -> list[Requirement]:
        return [r for r in self.requirements if r.is_current]

    @property
    def due_now(self) -> list[Requirement]:
        """This period's requirements not met yet."""
        return [r for r in self.requirements if r.is_current and r.status == DUE]

    @cached_property
    def standing(self) -> str:
        if any(r.status == OVERDUE for r in self.requirements):
            return OVERDUE
        if any(r.is_current and r.status == DUE for r in self.requirements):
            return DUE
        return ON_TRACK

    @property
    def standing_words(self) -> str:
        return STANDING_WORDS[self.standing]

    @property
    def is_at_risk(self) -> bool:
        return bool(self.at_risk)

    @property
    def current_words(self) -> str:
        """This period's requirements in a line: '1 of 2 discussions, 0 of 1 observation'."""
        parts = []
        for r in self.current:
            singular, plural = KINDS[r.kind]
            parts.append(f"{r.done} of {r.minimum} {singular if r.minimum == 1 else plural}")
        return ", ".join(parts)


@dataclass(slots=True)
class Brief:
    """What a list or a count needs of a relationship: its standing, overdue count, at risk."""

    standing: str
    overdue_count: int
    is_at_risk: bool


# --- counting the record ---------------------------------------------------------------------


class Dated:
    """Counts by date for one mentorship and kind: [(day, n), ...], summed over a period.

    A relationship holds a handful of dated records per kind, so a plain scan
    beats any index built for it.
    """

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[date, int]]) -> None:
        self.pairs = pairs

    def between(self, starts_on: date, ends_on: date) -> int:
        total = 0
        for day, n in self.pairs:
            if starts_on <= day <= ends_on:
                total += n
        return total

    @property
    def last(self) -> date | None:
        return max((day for day, _ in self.pairs), default=None)


EMPTY = Dated([])


@lru_cache(maxsize=65_536)
def _london_day(utc_hour: str) -> date:
    """'2026-06-06 23' (an hour in UTC, as SQLite stores it) → its day in London (7 June)."""
    moment = datetime.fromisoformat(f"{utc_hour}:00:00").replace(tzinfo=UTC)
    return timezone.localtime(moment).date()


def _day_expression(when: str, using: str) -> Any:
    """The local day of a moment, grouped in the database.

    PostgreSQL converts to local time in SQL. SQLite would call a Python function
    per row; instead group by the UTC hour (its stored text, cut in SQL) and turn
    each distinct hour into a London day here: offsets change only on the hour.
    """
    if connections[using].vendor == "sqlite":
        return Substr(when, 1, 13, output_field=CharField())
    return TruncDate(when)


def _grouped(qs: QuerySet[Any], path: str, when: str) -> dict[int, Dated]:
    rows = (
        qs.annotate(on=_day_expression(when, qs.db))
        .order_by()
        .values(path, "on")
        .annotate(n=Count("id"))
        .values_list(path, "on", "n")
    )
    by: dict[int, list[tuple[date, int]]] = defaultdict(list)
    days: dict[Any, date] = {}
    for mentorship_id, on, n in rows:
        day = days.get(on)
        if day is None:
            day = days[on] = _london_day(on) if isinstance(on, str) else on
        by[mentorship_id].append((day, n))
    return {k: Dated(v) for k, v in by.items()}


@dataclass
class Record:
    """What the record says, for a set of mentorships: fetched in a fixed number of queries."""

    meetings: dict[int, Dated]
    observations: dict[int, Dated]
    reports: dict[int, Dated]
    overdue_objectives: dict[int, int]
    signed: set[int]

    def dated(self, kind: str, mentorship_id: int) -> Dated:
        source = {
            "discussion": self.meetings,
            "observation": self.observations,
            "report": self.reports,
        }[kind]
        return source.get(mentorship_id, EMPTY)


def fetch_record(mentorship_in: Any, today: date) -> Record:
    """Meetings, observations and reports by (mentorship, date); objectives; agreements."""
    from tandem.relationships.models import (
        AgreementVersion,
        Meeting,
        MeetingStatus,
        Objective,
        ObjectiveStatus,
        Observation,
        ObservationStatus,
        Report,
        ReportKind,
        ReportStatus,
        VersionStatus,
    )

    # The mentorships were reached through the policy; these are figures about them.
    with system_access():
        meetings = _grouped(
            Meeting.objects.filter(mentorship_id__in=mentorship_in, status=MeetingStatus.HELD),
            "mentorship_id",
            "starts_at",
        )
        observations = _grouped(
            Observation.objects.filter(
                mentorship_id__in=mentorship_in, status=ObservationStatus.RECORDED
            ),
            "mentorship_id",
            "scheduled_for",
        )
        reports = _grouped(
            Report.objects.filter(
                mentorship_id__in=mentorship_in, status=ReportStatus.SENT, sent_at__isnull=False
            ).exclude(kind=ReportKind.LINE_MANAGER),
            "mentorship_id",
            "sent_at",
        )
        objectives = dict(
            Objective.objects.filter(plan__mentorship_id__in=mentorship_in, due_on__lt=today)
            .exclude(status__in=[ObjectiveStatus.ACHIEVED, ObjectiveStatus.DROPPED])
            .order_by()
            .values("plan__mentorship_id")
            .annotate(n=Count("id"))
            .values_list("plan__mentorship_id", "n")
        )
        signed = set(
            AgreementVersion.objects.filter(
                agreement__mentorship_id__in=mentorship_in,
                status__in=[VersionStatus.SIGNED, VersionStatus.SUPERSEDED],
            )
            .order_by()
            .values_list("agreement__mentorship_id", flat=True)
            .distinct()
        )
    return Record(meetings, observations, reports, objectives, signed)


def fetch_calendars(facts: list[Facts]) -> dict[str, dict[int, Any]]:
    """Stored calendars as Years: by id, and each organisation's in date order."""
    from tandem.programmes.models import AcademicCalendar, CalendarPeriod

    organisation_ids = {f.organisation_id for f in facts}
    calendar_ids = {f.cohort_calendar_id for f in facts if f.cohort_calendar_id}
    if not facts:
        return {"by_id": {}, "by_organisation": {}}
    wanted = Q(organisation_id__in=organisation_ids) | Q(id__in=calendar_ids)
    with system_access():  # calendars are set-up data, not content
        calendars = list(
            AcademicCalendar.objects.filter(wanted)
            .order_by("starts_on")
            .values_list("id", "organisation_id", "name", "starts_on", "ends_on")
        )
        periods: dict[int, list[Period]] = defaultdict(list)
        names = {c[0]: c[2] for c in calendars}
        for cal_id, kind, position, name, starts, ends in (
            CalendarPeriod.objects.filter(
                Q(calendar__organisation_id__in=organisation_ids) | Q(calendar_id__in=calendar_ids)
            )
            .order_by()
            .values_list("calendar_id", "kind", "position", "name", "starts_on", "ends_on")
        ):
            periods[cal_id].append(
                Period(kind, position, name, names.get(cal_id, ""), starts, ends)
            )
    by_id: dict[int, Year] = {}
    by_organisation: dict[int, list[Year]] = defaultdict(list)
    for cal_id, organisation_id, name, starts, ends in calendars:
        year = Year(("calendar", cal_id), name, starts, ends, tuple(periods[cal_id]))
        by_id[cal_id] = year
        by_organisation[organisation_id].append(year)
    return {"by_id": by_id, "by_organisation": by_organisation}


def fetch_rules(facts: list[Facts]) -> dict[int, list[Rule]]:
    from tandem.programmes.models import Programme

    ids = {f.programme_id for f in facts}
    with system_access():
        rows = Programme.objects.filter(id__in=ids).values_list("id", "contact_rules")
        return {pk: rules_of(rules) for pk, rules in rows}


# --- the computation -------------------------------------------------------------------------


class Evaluator:
    """Requirements of many mentorships; calendars and periods worked out once and reused."""

    def __init__(
        self, rules: dict[int, list[Rule]], calendars: dict[str, Any], record: Record, today: date
    ) -> None:
        self.rules = rules
        self.by_id: dict[int, Year] = calendars["by_id"]
        self.by_organisation: dict[int, list[Year]] = calendars["by_organisation"]
        self.record = record
        self.today = today
        self._candidates: dict[tuple[Any, ...], list[tuple[Rule, Period, bool, bool]]] = {}
        self._periods: dict[tuple[int, tuple[str, int]], list[tuple[Rule, Period]]] = {}

    def years(self, facts: Facts, start: date, end: date) -> list[Year]:
        preferred = []
        if facts.cohort_calendar_id and facts.cohort_calendar_id in self.by_id:
            preferred.append(self.by_id[facts.cohort_calendar_id])
        preferred += self.by_organisation.get(facts.organisation_id, [])
        return years_between(start, end, preferred)

    def periods(self, programme_id: int, year: Year) -> list[tuple[Rule, Period]]:
        key = (programme_id, year.key)
        found = self._periods.get(key)
        if found is None:
            found = [
                (rule, period)
                for rule in self.rules.get(programme_id, [])
                for period in year.periods(rule.period, list(rule.positions))
            ]
            found.sort(key=lambda rp: (rp[1].starts_on, rp[1].ends_on, rp[0].kind))
            self._periods[key] = found
        return found

    def candidates(
        self, facts: Facts, start: date, end: date
    ) -> list[tuple[Rule, Period, bool, bool]]:
        """(rule, period, is current, has ended) for every period overlapping start..end.

        Relationships of one programme and calendar that start and end on the same
        days share the list (cohorts start together), so it is worked out once.
        """
        key = (facts.programme_id, facts.cohort_calendar_id, facts.organisation_id, start, end)
        found = self._candidates.get(key)
        if found is None:
            today = self.today
            found = [
                (rule, period, period.starts_on <= today <= period.ends_on, period.ends_on < today)
                for year in self.years(facts, start, end)
                for rule, period in self.periods(facts.programme_id, year)
                if period.starts_on <= end and period.ends_on >= start
            ]
            self._candidates[key] = found
        return found

    def requirements(self, facts: Facts) -> list[Requirement]:
        start, end = facts.span(self.today)
        record = self.record
        dated = {
            "discussion": record.meetings.get(facts.id, EMPTY),
            "observation": record.observations.get(facts.id, EMPTY),
            "report": record.reports.get(facts.id, EMPTY),
        }
        out = []
        for rule, period, current, ended in self.candidates(facts, start, end):
            counts = dated[rule.kind]
            done = counts.between(period.starts_on, period.ends_on) if counts.pairs else 0
            if done >= rule.minimum:
                status = DONE
            elif ended:
                status = OVERDUE
            else:
                status = DUE
            out.append(
                Requirement(rule.kind, rule.minimum, rule.label, period, done, status, current)
            )
        return out

    def reasons(self, facts: Facts, missed: list[str]) -> list[str]:
        """Why the relationship is at risk; ``missed`` names observation periods missed."""
        today = self.today
        reasons = []
        last = self.record.meetings.get(facts.id, EMPTY).last
        if last is None:
            if (today - facts.starts_on).days > NO_MEETING_DAYS:
                reasons.append(f"No meeting held since the start on {_day(facts.starts_on)}")
        elif (today - last).days > NO_MEETING_DAYS:
            reasons.append(f"No meeting held for {(today - last).days} days (last on {_day(last)})")
        objectives = self.record.overdue_objectives.get(facts.id, 0)
        if objectives:
            reasons.append(
                f"{objectives} objective{'s' if objectives != 1 else ''} past "
                f"{'their' if objectives != 1 else 'its'} date and not achieved"
            )
        if missed:
            reasons.append(f"Observation missed: {', '.join(missed)}")
        if facts.id not in self.record.signed and (today - facts.starts_on).days > AGREEMENT_DAYS:
            reasons.append(
                f"No agreement signed {(today - facts.starts_on).days} days after the start"
            )
        return reasons

    def at_risk(self, facts: Facts, requirements: list[Requirement]) -> list[str]:
        if not facts.active:
            return []
        missed = [
            r.period.title for r in requirements if r.kind == "observation" and r.status == OVERDUE
        ]
        return self.reasons(facts, missed)

    def evaluate(self, facts: Facts) -> Compliance:
        requirements = self.requirements(facts)
        return Compliance(
            facts,
            requirements,
            self.at_risk(facts, requirements),
            self.record.meetings.get(facts.id, EMPTY).last,
        )

    def brief(self, facts: Facts) -> Brief:
        """The standing alone, without building each requirement: for counts and long lists."""
        start, end = facts.span(self.today)
        record = self.record
        dated = {
            "discussion": record.meetings.get(facts.id, EMPTY),
            "observation": record.observations.get(facts.id, EMPTY),
            "report": record.reports.get(facts.id, EMPTY),
        }
        overdue = 0
        due_now = missed = False
        for rule, period, current, ended in self.candidates(facts, start, end):
            counts = dated[rule.kind]
            done = counts.between(period.starts_on, period.ends_on) if counts.pairs else 0
            if done >= rule.minimum:
                continue
            if ended:
                overdue += 1
                missed = missed or rule.kind == "observation"
            elif current:
                due_now = True
        standing = OVERDUE if overdue else DUE if due_now else ON_TRACK
        at_risk = facts.active and (missed or bool(self.reasons(facts, [])))
        return Brief(standing, overdue, at_risk)


def prepare(facts: list[Facts], *, today: date, scope: QuerySet[Any] | None = None) -> Evaluator:
    """Fetch what the computation needs for these relationships (a fixed number of queries)."""
    mentorship_in: Any = (
        scope.order_by().values("pk") if scope is not None else [f.id for f in facts]
    )
    return Evaluator(
        fetch_rules(facts), fetch_calendars(facts), fetch_record(mentorship_in, today), today
    )


def evaluate(
    facts: list[Facts], *, today: date, scope: QuerySet[Any] | None = None
) -> dict[int, Compliance]:
    """Compliance of each mentorship in ``facts``, by mentorship id.

    ``scope``, when given, is a queryset of (at least) these mentorships; the
    record is then fetched with it as a subquery instead of a list of ids,
    which keeps the queries small for tens of thousands of relationships.
    """
    if not facts:
        return {}
    evaluator = prepare(facts, today=today, scope=scope)
    return {f.id: evaluator.evaluate(f) for f in facts}


def evaluate_mentorships(mentorships: list[Any], *, today: date) -> dict[int, Compliance]:
    """Compliance of mentorships already fetched (with their cohort), by id."""
    return evaluate([Facts.of(m) for m in mentorships], today=today)
