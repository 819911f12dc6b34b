"""England's academic year as the editable default calendar (B3).

The pattern most English colleges and schools follow, worked out for any year:

* the academic year runs from 1 September to 31 August;
* autumn term: the first weekday from 1 September to the last Friday on or
  before 20 December, split at the October half-term (the week of the last
  Monday in October);
* spring term: the first weekday from 4 January to the Thursday before Good
  Friday, split at the February half-term (the week of the first Monday on or
  after 12 February);
* summer term: the Monday a fortnight after Easter Monday (the Tuesday, when
  that Monday is the early May bank holiday) to the last weekday on or before
  22 July, split at the late-May half-term (the week of the spring
  bank holiday, the last Monday in May).

Each term is cut into two half-terms with no gap: the first half-term runs to
the Sunday at the end of its half-term holiday, the second starts the Monday
after. So a meeting held in the half-term holiday counts towards the half-term
just ending. Holidays between terms belong to no term.

Local dates differ (Easter falls late or early, colleges start a week apart):
every date is editable after the calendar is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

MONDAY, THURSDAY, FRIDAY = 0, 3, 4

TERM_NAMES = ("Autumn term", "Spring term", "Summer term")
HALF_TERM_NAMES = ("Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2")


def _computus(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def easter_sunday(year: int) -> date:
    try:
        from dateutil.easter import easter
    except ImportError:  # pragma: no cover - dateutil is usually present
        return _computus(year)
    return easter(year)


def _on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _weekday_on_or_after(day: date) -> date:
    return day if day.weekday() < 5 else _on_or_after(day, MONDAY)


def _weekday_on_or_before(day: date) -> date:
    return day if day.weekday() < 5 else _on_or_before(day, FRIDAY)


def _last_monday(year: int, month: int) -> date:
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return _on_or_before(next_month - timedelta(days=1), MONDAY)


@dataclass(frozen=True)
class PeriodSpec:
    kind: str  # "term" or "half_term"
    position: int
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class YearSpec:
    name: str
    starts_on: date
    ends_on: date
    periods: tuple[PeriodSpec, ...]


def year_name(start_year: int) -> str:
    """2026 → '2026/27'."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def england(start_year: int) -> YearSpec:
    """The default calendar of the academic year starting in September of ``start_year``."""
    y, n = start_year, start_year + 1
    autumn_start = _weekday_on_or_after(date(y, 9, 1))
    autumn_end = _on_or_before(date(y, 12, 20), FRIDAY)
    october_break = _last_monday(y, 10)

    spring_start = _weekday_on_or_after(date(n, 1, 4))
    february_break = _on_or_after(date(n, 2, 12), MONDAY)
    easter = easter_sunday(n)
    spring_end = easter - timedelta(days=3)  # the Thursday before Good Friday

    summer_start = easter + timedelta(days=15)  # a fortnight after Easter Monday
    if summer_start == _on_or_after(date(n, 5, 1), MONDAY):  # the early May bank holiday
        summer_start += timedelta(days=1)
    may_break = _last_monday(n, 5)
    summer_end = _weekday_on_or_before(date(n, 7, 22))

    terms = (
        (autumn_start, october_break, autumn_end),
        (spring_start, february_break, spring_end),
        (summer_start, may_break, summer_end),
    )
    periods: list[PeriodSpec] = []
    for index, (start, break_week, end) in enumerate(terms):
        periods.append(PeriodSpec("term", index + 1, TERM_NAMES[index], start, end))
        first_ends = break_week + timedelta(days=6)  # the Sunday ending the half-term holiday
        periods.append(
            PeriodSpec("half_term", 2 * index + 1, HALF_TERM_NAMES[2 * index], start, first_ends)
        )
        periods.append(
            PeriodSpec(
                "half_term",
                2 * index + 2,
                HALF_TERM_NAMES[2 * index + 1],
                first_ends + timedelta(days=1),
                end,
            )
        )
    return YearSpec(year_name(y), date(y, 9, 1), date(n, 8, 31), tuple(periods))


# --- checking a calendar's periods -----------------------------------------------------------


@dataclass
class Span:
    """A period as the checks see it: enough to name it in a message."""

    key: object  # the caller's handle for the period (its uuid, or an index)
    kind: str
    position: int
    name: str
    starts_on: date
    ends_on: date


def term_of(half_term_position: int) -> int:
    """Half-terms 1–2 sit in term 1, 3–4 in term 2, 5–6 in term 3."""
    return (half_term_position + 1) // 2


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def period_problems(
    calendar_starts: date, calendar_ends: date, spans: list[Span]
) -> list[tuple[object, str, str]]:
    """What is wrong with a calendar's periods, as (period key, field, message).

    Each period ends on or after it starts and lies inside the calendar;
    periods of one kind do not overlap and follow their positions in order;
    each half-term lies inside its term.
    """
    problems: list[tuple[object, str, str]] = []
    for s in spans:
        if s.ends_on < s.starts_on:
            problems.append((s.key, "ends_on", f"{s.name} must end on or after the day it starts"))
        if s.starts_on < calendar_starts or s.starts_on > calendar_ends:
            problems.append(
                (
                    s.key,
                    "starts_on",
                    f"{s.name} must start inside the year "
                    f"({_day(calendar_starts)} to {_day(calendar_ends)})",
                )
            )
        if s.ends_on > calendar_ends or s.ends_on < calendar_starts:
            problems.append(
                (
                    s.key,
                    "ends_on",
                    f"{s.name} must end inside the year "
                    f"({_day(calendar_starts)} to {_day(calendar_ends)})",
                )
            )
    if problems:
        return problems
    for kind in ("term", "half_term"):
        ordered = sorted((s for s in spans if s.kind == kind), key=lambda s: s.position)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after.starts_on <= before.ends_on:
                problems.append(
                    (
                        after.key,
                        "starts_on",
                        f"{after.name} must start after {before.name} ends "
                        f"({_day(before.ends_on)})",
                    )
                )
    terms = {s.position: s for s in spans if s.kind == "term"}
    for s in spans:
        term = terms.get(term_of(s.position)) if s.kind == "half_term" else None
        if term is None:
            continue
        if s.starts_on < term.starts_on:
            problems.append(
                (
                    s.key,
                    "starts_on",
                    f"{s.name} must start on or after {term.name} starts ({_day(term.starts_on)})",
                )
            )
        if s.ends_on > term.ends_on:
            problems.append(
                (
                    s.key,
                    "ends_on",
                    f"{s.name} must end on or before {term.name} ends ({_day(term.ends_on)})",
                )
            )
    return problems


def move(spans: list[Span], key: object, starts_on: date, ends_on: date) -> list[Span]:
    """The calendar's periods after moving one, keeping what fitted together together.

    Moving the split between a term's two half-terms moves both (they stay
    contiguous); moving a term's first or last day moves the half-term that
    started or ended with it. Any other period stays put. Check the result
    with ``period_problems``.
    """
    by_key = {s.key: s for s in spans}
    old = by_key[key]
    out = {s.key: Span(s.key, s.kind, s.position, s.name, s.starts_on, s.ends_on) for s in spans}
    out[key].starts_on, out[key].ends_on = starts_on, ends_on
    one_day = timedelta(days=1)

    def find(kind: str, position: int) -> Span | None:
        return next((s for s in out.values() if s.kind == kind and s.position == position), None)

    if old.kind == "half_term":
        term = term_of(old.position)
        first, second = find("half_term", 2 * term - 1), find("half_term", 2 * term)
        if first is not None and second is not None:
            if old.key == first.key and by_key[second.key].starts_on == old.ends_on + one_day:
                second.starts_on = ends_on + one_day
            if old.key == second.key and by_key[first.key].ends_on + one_day == old.starts_on:
                first.ends_on = starts_on - one_day
    elif old.kind == "term":
        first = find("half_term", 2 * old.position - 1)
        second = find("half_term", 2 * old.position)
        if first is not None and by_key[first.key].starts_on == old.starts_on:
            first.starts_on = starts_on
        if second is not None and by_key[second.key].ends_on == old.ends_on:
            second.ends_on = ends_on
    return list(out.values())
