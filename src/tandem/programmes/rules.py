"""A programme's rules as data: checked field by field, and said in plain English (B2).

The shapes are documented on ``ProgrammeRules`` (models.py):

* ``contact_rules``: rows of ``{"period", "kind", "minimum", "periods", "label"}`` —
  "at least ``minimum`` contacts of ``kind`` in each ``period`` listed in
  ``periods`` (positions in the academic year, 1-based; empty means every one)".
  Positions count terms 1–3, half-terms 1–6 and months 1–12 (September is 1)
  of the organisation's academic calendar; a yearly rule has no positions.
* ``required_documents``: document codes from ``DOCUMENTS``.
* ``report_schedule``: rows of ``{"name", "due": "MM-DD", "recipients": [roles]}``.

Every check returns problems as ``(path, message)`` where ``path`` names the
field as an API client sends it (``contact_rules.1.minimum``) and the message
stands on its own ("Contact table row 2: minimum must be a whole number from
0 to 50"), so pages and the API can show it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from tandem.core.roles import Role

# --- vocabulary ------------------------------------------------------------------------------

PERIODS: dict[str, tuple[str, str, int]] = {
    # code: (singular, plural, how many in an academic year; 0 = the year itself)
    "half_term": ("half-term", "half-terms", 6),
    "term": ("term", "terms", 3),
    "month": ("month", "months", 12),
    "year": ("year", "years", 0),
}
PERIOD_CHOICES = [
    ("half_term", "Each half-term"),
    ("term", "Each term"),
    ("month", "Each month"),
    ("year", "The year"),
]

KINDS: dict[str, tuple[str, str]] = {
    "discussion": ("discussion", "discussions"),
    "observation": ("observation", "observations"),
    "report": ("report", "reports"),
}
KIND_CHOICES = [
    ("discussion", "Discussions"),
    ("observation", "Observations"),
    ("report", "Reports"),
]

DOCUMENTS: dict[str, str] = {
    "agreement": "Signed mentoring agreement",
    "development_plan": "Development plan (individual learning plan)",
    "skills_audit": "Skills audit or self-assessment",
    "meeting_log": "Record of mentoring meetings and agreed targets",
    "observation_report": "Written evaluation of each observation",
    "teaching_practice_record": "Record of teaching practice signed by the mentor",
    "progress_review": "Written progress review against the course criteria",
    "closing_review": "Closing review",
}

RECIPIENTS: dict[str, str] = {
    Role.TUTOR.value: "personal tutor and course leader",
    Role.COORDINATOR.value: "programme coordinator",
    Role.LINE_MANAGER.value: "line manager",
    Role.MENTEE.value: "mentee",
    Role.MENTOR.value: "mentor",
}
RECIPIENT_CHOICES = [(code, label[0].upper() + label[1:]) for code, label in RECIPIENTS.items()]

MONTHS = [
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
]

MAX_MINIMUM = 50
MAX_ROWS = 60
MAX_LABEL = 200
MAX_REPORTS = 20
MAX_REPORT_NAME = 100

CONTACT_KEYS = {"period", "kind", "minimum", "periods", "label"}
REPORT_KEYS = {"name", "due", "recipients"}

Problem = tuple[str, str]


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _choices(options: Iterable[str]) -> str:
    return ", ".join(options)


# --- contact rules ---------------------------------------------------------------------------


def contact_rule_problems(rows: Any) -> list[Problem]:
    """Everything wrong with a contact table, row by row."""
    if not isinstance(rows, list):
        return [("contact_rules", "Contact table must be a list of rows")]
    if len(rows) > MAX_ROWS:
        return [("contact_rules", f"Contact table can have at most {MAX_ROWS} rows")]
    problems: list[Problem] = []
    seen: dict[tuple[str, str, int], int] = {}
    for index, row in enumerate(rows):
        where = f"contact_rules.{index}"
        say = f"Contact table row {index + 1}"
        if not isinstance(row, dict):
            problems.append((where, f"{say}: must be an object with period, kind and minimum"))
            continue
        for key in sorted(set(row) - CONTACT_KEYS):
            problems.append((f"{where}.{key}", f"{say}: '{key}' is not a field of a contact rule"))
        period = row.get("period")
        if period not in PERIODS:
            problems.append(
                (f"{where}.period", f"{say}: period must be one of {_choices(PERIODS)}")
            )
        kind = row.get("kind")
        if kind not in KINDS:
            problems.append((f"{where}.kind", f"{say}: kind must be one of {_choices(KINDS)}"))
        minimum = row.get("minimum")
        if not _is_whole(minimum) or not 0 <= minimum <= MAX_MINIMUM:
            problems.append(
                (
                    f"{where}.minimum",
                    f"{say}: minimum must be a whole number from 0 to {MAX_MINIMUM}",
                )
            )
        label = row.get("label", "")
        if not isinstance(label, str) or len(label) > MAX_LABEL:
            problems.append(
                (f"{where}.label", f"{say}: label must be text of {MAX_LABEL} characters or fewer")
            )
        positions = row.get("periods", [])
        position_problem = _position_problem(period, positions)
        if position_problem:
            problems.append((f"{where}.periods", f"{say}: {position_problem}"))
            continue
        if period in PERIODS and kind in KINDS:
            count = PERIODS[period][2]
            for position in positions or range(1, max(count, 1) + 1):
                key = (period, kind, position)
                if key in seen:
                    problems.append(
                        (
                            where,
                            f"{say} repeats row {seen[key] + 1}: both set the minimum "
                            f"{KINDS[kind][1]} for {_one_period(period, position)}",
                        )
                    )
                    break
                seen[key] = index
    return problems


def _position_problem(period: Any, positions: Any) -> str:
    if not isinstance(positions, list):
        return "periods must be a list of positions in the year (empty means every one)"
    if period not in PERIODS:
        return ""
    singular, _, count = PERIODS[period]
    if count == 0:
        return "" if positions in ([], [1]) else "a yearly rule takes no positions"
    if not all(_is_whole(p) and 1 <= p <= count for p in positions):
        return f"each {singular} must be a whole number from 1 to {count}"
    if len(set(positions)) != len(positions):
        return f"a {singular} is listed twice"
    return ""


def _one_period(period: str, position: int) -> str:
    singular, _, count = PERIODS[period]
    return "the year" if count == 0 else f"{singular} {position}"


# --- required documents and the report schedule ----------------------------------------------


def document_problems(codes: Any) -> list[Problem]:
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        return [("required_documents", "Required documents must be a list of document codes")]
    problems: list[Problem] = []
    for index, code in enumerate(codes):
        if code not in DOCUMENTS:
            problems.append(
                (
                    f"required_documents.{index}",
                    f"Required documents: '{code}' is not a document Tandem knows; "
                    f"choose from {_choices(DOCUMENTS)}",
                )
            )
    if len(set(codes)) != len(codes):
        problems.append(("required_documents", "Required documents: a document is listed twice"))
    return problems


def parse_due(value: Any) -> tuple[int, int] | None:
    """'MM-DD' → (month, day), or None when it is not a real day of the year."""
    if not isinstance(value, str) or len(value) != 5 or value[2] != "-":
        return None
    month, day = value[:2], value[3:]
    if not (month.isdigit() and day.isdigit()):
        return None
    try:
        date(2000, int(month), int(day))  # a leap year: 29 February is allowed
    except ValueError:
        return None
    return int(month), int(day)


def report_problems(rows: Any) -> list[Problem]:
    if not isinstance(rows, list):
        return [("report_schedule", "Report schedule must be a list of reports")]
    if len(rows) > MAX_REPORTS:
        return [("report_schedule", f"Report schedule can have at most {MAX_REPORTS} reports")]
    problems: list[Problem] = []
    names: dict[str, int] = {}
    for index, row in enumerate(rows):
        where = f"report_schedule.{index}"
        say = f"Report schedule row {index + 1}"
        if not isinstance(row, dict):
            problems.append((where, f"{say}: must be an object with name, due and recipients"))
            continue
        for key in sorted(set(row) - REPORT_KEYS):
            problems.append((f"{where}.{key}", f"{say}: '{key}' is not a field of a report"))
        name = row.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_REPORT_NAME:
            problems.append(
                (
                    f"{where}.name",
                    f"{say}: name the report in 1 to {MAX_REPORT_NAME} characters",
                )
            )
        elif name.strip().lower() in names:
            problems.append(
                (
                    f"{where}.name",
                    f"{say}: row {names[name.strip().lower()] + 1} already has this name",
                )
            )
        else:
            names[name.strip().lower()] = index
        if parse_due(row.get("due")) is None:
            problems.append(
                (
                    f"{where}.due",
                    f"{say}: due must be a day of the year as MM-DD, for example 01-31",
                )
            )
        recipients = row.get("recipients")
        if (
            not isinstance(recipients, list)
            or not recipients
            or not all(r in RECIPIENTS for r in recipients)
        ):
            problems.append(
                (
                    f"{where}.recipients",
                    f"{say}: recipients must be one or more of {_choices(RECIPIENTS)}",
                )
            )
        elif len(set(recipients)) != len(recipients):
            problems.append((f"{where}.recipients", f"{say}: a recipient is listed twice"))
    return problems


def recipients_of(schedule: list[dict[str, Any]]) -> list[str]:
    """Everyone who receives at least one scheduled report, in a stable order."""
    wanted = {r for row in schedule for r in row.get("recipients", [])}
    return [code for code in RECIPIENTS if code in wanted]


def check(
    *, contact_rules: Any = None, required_documents: Any = None, report_schedule: Any = None
) -> None:
    """Raise a ValidationError naming every problem in the rules given (None = not given)."""
    problems: list[Problem] = []
    if contact_rules is not None:
        problems += contact_rule_problems(contact_rules)
    if required_documents is not None:
        problems += document_problems(required_documents)
    if report_schedule is not None:
        problems += report_problems(report_schedule)
    if problems:
        errors: dict[str, list[str]] = {}
        for path, message in problems:
            errors.setdefault(path, []).append(message)
        raise ValidationError(errors)


def normalise_contact_rules(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill the optional keys and sort positions (call after the rules are checked)."""
    return [
        {
            "period": row["period"],
            "kind": row["kind"],
            "minimum": row["minimum"],
            "periods": sorted(row.get("periods") or []) if PERIODS[row["period"]][2] else [],
            "label": (row.get("label") or "").strip(),
        }
        for row in rows
    ]


def normalise_report_schedule(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "name": row["name"].strip(),
            "due": row["due"],
            "recipients": [code for code in RECIPIENTS if code in row["recipients"]],
        }
        for row in rows
    ]


# --- plain English ---------------------------------------------------------------------------


def _count(n: int, kind: str) -> str:
    singular, plural = KINDS[kind]
    return f"{n} {singular if n == 1 else plural}"


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _positions(numbers: list[int], name: Any = str) -> str:
    """[1, 2, 3, 5] → '1 to 3 and 5' (each number shown through ``name``)."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    shown = []
    for run in runs:
        if len(run) > 2:
            shown.append(f"{name(run[0])} to {name(run[-1])}")
        else:
            shown.extend(name(n) for n in run)
    return _and(shown)


def month_name(position: int) -> str:
    """Month 1 of the academic year is September."""
    return MONTHS[(position + 7) % 12]


def describe_when(period: str, positions: list[int]) -> str:
    singular, plural, count = PERIODS[period]
    if count == 0:
        return "Each year"
    if not positions:
        return f"Per {singular}"
    if period == "month":
        ordered = sorted(positions)
        if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
            return f"Each month from {month_name(ordered[0])} to {month_name(ordered[-1])}"
        return f"In {_positions(ordered, month_name)}"
    word = singular if len(positions) == 1 else plural
    return f"{word[0].upper()}{word[1:]} {_positions(positions)}"


def describe_contact_rules(rows: list[dict[str, Any]]) -> list[str]:
    """One sentence per group of rows that share a period, positions and label.

    [{"period": "half_term", "kind": "discussion", "minimum": 3, ...}, ...] →
    ["Per half-term: 3 discussions, 1 observation and 1 report"]
    """
    groups: dict[tuple[str, tuple[int, ...], str], list[str]] = {}
    for row in rows:
        key = (row["period"], tuple(row.get("periods") or []), (row.get("label") or "").strip())
        parts = groups.setdefault(key, [])
        if row["minimum"]:
            parts.append(_count(row["minimum"], row["kind"]))
    lines = []
    for (period, positions, label), parts in groups.items():
        when = describe_when(period, list(positions))
        if label:
            when = f"{when} ({label})"
        lines.append(f"{when}: {_and(parts) if parts else 'no minimum'}")
    return lines


def describe_documents(codes: list[str]) -> list[str]:
    return [DOCUMENTS.get(code, code) for code in codes]


def describe_due(value: str) -> str:
    parsed = parse_due(value)
    if parsed is None:
        return value
    month, day = parsed
    return f"{day} {MONTHS[month - 1]}"


def describe_recipients(codes: list[str]) -> str:
    return _and([RECIPIENTS.get(code, code) for code in codes])


def describe_report_schedule(rows: list[dict[str, Any]]) -> list[str]:
    """["Initial review by 30 November, to the personal tutor and course leader", ...]"""
    return [
        f"{row['name']} by {describe_due(row['due'])}, "
        f"to the {describe_recipients(row.get('recipients', []))}"
        for row in rows
    ]
