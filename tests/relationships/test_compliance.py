"""Compliance (D6): requirements per period across term and half-term boundaries, the at-risk
flag. Fixed dates; ``today`` is passed in."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest

from tandem.relationships import compliance
from tandem.relationships.compliance import DONE, DUE, OVERDUE, evaluate_mentorships
from tandem.relationships.models import Mentorship, ReportKind
from tests.relationships import compliance_fixtures as cf

pytestmark = pytest.mark.django_db


def check(m: Mentorship, today: date) -> compliance.Compliance:
    from tandem.core.tenancy import system_access

    with system_access():
        fresh = Mentorship.objects.select_related("cohort").get(pk=m.pk)
    return evaluate_mentorships([fresh], today=today)[m.pk]


def table(c: compliance.Compliance) -> list[tuple[str, str, int, str]]:
    return [(r.period.title, r.kind, r.done, r.status) for r in c.requirements]


@pytest.fixture
def pair(cast: Any) -> tuple[Any, Any]:
    return cast.mentee, cast.mentor


# --- half-terms and terms --------------------------------------------------------------------


def test_meetings_on_the_boundary_days_count_in_their_own_half_term(cast: Any, pair: Any) -> None:
    prog = cf.programme(cast.riverside)
    m = cf.mentorship(*pair, prog, starts_on=date(2026, 9, 7))
    cf.meeting(m, cf.at(date(2026, 11, 1), 18))  # the Sunday ending Autumn 1's holiday
    cf.meeting(m, cf.at(date(2026, 11, 2), 9))  # the Monday starting Autumn 2
    c = check(m, date(2026, 11, 20))
    assert table(c) == [
        ("Autumn 1 2026/27", "discussion", 1, DONE),
        ("Autumn 2 2026/27", "discussion", 1, DONE),
    ]
    assert [r.is_current for r in c.requirements] == [False, True]
    assert c.standing == compliance.ON_TRACK


def test_a_half_term_with_no_meeting_is_overdue_once_it_ends_and_due_while_current(
    cast: Any, pair: Any
) -> None:
    prog = cf.programme(cast.riverside)
    m = cf.mentorship(*pair, prog, starts_on=date(2026, 9, 7))
    cf.meeting(m, date(2026, 11, 2))  # Autumn 2 only
    c = check(m, date(2026, 11, 20))
    assert table(c) == [
        ("Autumn 1 2026/27", "discussion", 0, OVERDUE),
        ("Autumn 2 2026/27", "discussion", 1, DONE),
    ]
    assert c.standing == OVERDUE
    assert c.overdue_count == 1
    # On the last day of Autumn 1 it is still due, not overdue.
    assert table(check(m, date(2026, 11, 1)))[0] == ("Autumn 1 2026/27", "discussion", 0, DUE)


def test_a_meeting_just_after_midnight_in_summer_time_counts_on_its_london_day(
    cast: Any, pair: Any
) -> None:
    """00:30 on 7 June (Summer 2) is 23:30 on 6 June (Summer 1) in UTC."""
    prog = cf.programme(
        cast.riverside,
        [{"period": "half_term", "kind": "discussion", "minimum": 1, "periods": [5, 6]}],
    )
    m = cf.mentorship(*pair, prog, starts_on=date(2027, 4, 12))
    cf.meeting(m, cf.at(date(2027, 6, 7), 0, 30))
    c = check(m, date(2027, 6, 20))
    assert table(c) == [
        ("Summer 1 2026/27", "discussion", 0, OVERDUE),
        ("Summer 2 2026/27", "discussion", 1, DONE),
    ]


def test_planned_and_cancelled_meetings_do_not_count(cast: Any, pair: Any) -> None:
    prog = cf.programme(cast.riverside)
    m = cf.mentorship(*pair, prog, starts_on=date(2026, 9, 7))
    cf.meeting(m, date(2026, 10, 1), status="planned")
    cf.meeting(m, date(2026, 10, 2), status="cancelled")
    assert table(check(m, date(2026, 10, 20))) == [("Autumn 1 2026/27", "discussion", 0, DUE)]


def test_term_rules_with_positions_and_future_periods_are_due_not_overdue(
    cast: Any, pair: Any
) -> None:
    rules = [
        {"period": "term", "kind": "observation", "minimum": 1, "periods": [1, 3]},
        {"period": "half_term", "kind": "discussion", "minimum": 2},
    ]
    prog = cf.programme(cast.riverside, rules)
    cal = cf.calendar(
        cast.riverside,
        "2026/27",
        [
            ("term", 1, "Autumn term", date(2026, 9, 1), date(2026, 12, 18)),
            ("half_term", 1, "Autumn 1", date(2026, 9, 1), date(2026, 10, 25)),
            ("half_term", 2, "Autumn 2", date(2026, 10, 26), date(2026, 12, 18)),
            ("term", 2, "Spring term", date(2027, 1, 4), date(2027, 3, 26)),
            ("half_term", 3, "Spring 1", date(2027, 1, 4), date(2027, 2, 14)),
            ("half_term", 4, "Spring 2", date(2027, 2, 15), date(2027, 3, 26)),
            ("term", 3, "Summer term", date(2027, 4, 12), date(2027, 7, 16)),
            ("half_term", 5, "Summer 1", date(2027, 4, 12), date(2027, 5, 30)),
            ("half_term", 6, "Summer 2", date(2027, 5, 31), date(2027, 7, 16)),
        ],
    )
    group = cf.cohort(prog, cal)
    m = cf.mentorship(*pair, prog, starts_on=date(2026, 9, 7), cohort=group)
    cf.meeting(m, date(2026, 9, 20))
    cf.meeting(m, date(2026, 10, 25))  # the stored calendar's last day of Autumn 1
    cf.meeting(m, date(2026, 10, 28))  # Autumn 2 in this calendar (Autumn 1 in England's)
    cf.observation(m, date(2026, 10, 14))
    c = check(m, date(2026, 11, 20))
    rows = table(c)
    assert ("Autumn 1 2026/27", "discussion", 2, DONE) in rows
    assert ("Autumn 2 2026/27", "discussion", 1, DUE) in rows
    assert ("Autumn term 2026/27", "observation", 1, DONE) in rows
    # The spring term asks for no observation; the summer term does, later.
    assert not any(r.period.name == "Spring term" for r in c.requirements)
    summer = next(r for r in c.requirements if r.period.name == "Summer term")
    assert (summer.status, summer.is_current) == (DUE, False)
    # Every future half-term is listed as due, none overdue; the standing is "due".
    later = [r for r in c.requirements if r.period.starts_on > date(2026, 11, 20)]
    assert {r.status for r in later} == {DUE}
    assert len([r for r in later if r.kind == "discussion"]) == 4
    assert c.standing == DUE
    assert c.overdue_count == 0


def test_an_ended_mentorship_only_counts_its_own_periods(cast: Any, pair: Any) -> None:
    prog = cf.programme(cast.riverside)
    m = cf.mentorship(*pair, prog, starts_on=date(2026, 9, 7), ends_on=date(2026, 10, 10))
    c = check(m, date(2027, 1, 15))
    assert table(c) == [("Autumn 1 2026/27", "discussion", 0, OVERDUE)]
    assert c.at_risk == []  # ended: no early warning


def test_a_mentorship_across_two_academic_years_uses_each_year(cast: Any, pair: Any) -> None:
    prog = cf.programme(cast.riverside, [{"period": "year", "kind": "report", "minimum": 1}])
    m = cf.mentorship(*pair, prog, starts_on=date(2026, 6, 1), ends_on=date(2026, 10, 1))
    cf.sent_report(m, date(2026, 6, 20))
    cf.sent_report(m, date(2026, 9, 20), kind=ReportKind.LINE_MANAGER)  # not a report written
    c = check(m, date(2026, 11, 1))
    assert table(c) == [
        ("The year 2025/26", "report", 1, DONE),
        ("The year 2026/27", "report", 0, DUE),
    ]


def test_monthly_rules_count_calendar_months_of_the_academic_year(cast: Any, pair: Any) -> None:
    rules = [{"period": "month", "kind": "discussion", "minimum": 1, "periods": [2, 3]}]
    prog = cf.programme(cast.riverside, rules)
    m = cf.mentorship(*pair, prog, starts_on=date(2026, 9, 7))
    cf.meeting(m, date(2026, 10, 31))
    cf.meeting(m, date(2026, 9, 30))  # September is not asked for
    c = check(m, date(2026, 12, 2))
    assert table(c) == [
        ("October 2026", "discussion", 1, DONE),
        ("November 2026", "discussion", 0, OVERDUE),
    ]


def test_a_programme_with_no_contact_table_asks_for_nothing(cast: Any, pair: Any) -> None:
    prog = cf.programme(cast.riverside, [])
    m = cf.mentorship(*pair, prog, starts_on=date(2026, 9, 7))
    c = check(m, date(2026, 11, 20))
    assert c.requirements == []
    assert c.standing == compliance.ON_TRACK


# --- at risk ---------------------------------------------------------------------------------


def test_a_new_relationship_that_is_going_well_is_not_at_risk(cast: Any, pair: Any) -> None:
    prog = cf.programme(cast.riverside)
    m = cf.mentorship(*pair, prog, starts_on=date(2026, 11, 2))
    cf.meeting(m, date(2026, 11, 5))
    assert check(m, date(2026, 11, 12)).at_risk == []


def test_every_at_risk_reason_is_named(cast: Any, pair: Any) -> None:
    rules = [{"period": "half_term", "kind": "observation", "minimum": 1, "periods": [1]}]
    prog = cf.programme(cast.riverside, rules)
    m = cf.mentorship(*pair, prog, starts_on=date(2026, 9, 7))
    cf.meeting(m, date(2026, 10, 6))
    cf.objective(m, date(2026, 10, 30))  # in progress, past its date
    cf.objective(m, date(2026, 10, 30), status="achieved")
    cf.objective(m, date(2026, 10, 1), status="dropped")
    cf.objective(m, date(2026, 12, 30))  # not due yet
    c = check(m, date(2026, 11, 20))
    assert c.at_risk == [
        "No meeting held for 45 days (last on 6 October 2026)",
        "1 objective past its date and not achieved",
        "Observation missed: Autumn 1 2026/27",
        "No agreement signed 74 days after the start",
    ]
    assert c.is_at_risk


def test_no_meeting_since_the_start_and_a_signed_agreement(cast: Any, pair: Any) -> None:
    prog = cf.programme(cast.riverside, [])
    m = cf.mentorship(*pair, prog, starts_on=date(2026, 10, 1))
    cf.signed_agreement(m)
    assert check(m, date(2026, 10, 29)).at_risk == []  # 28 days: not yet
    assert check(m, date(2026, 10, 30)).at_risk == [
        "No meeting held since the start on 1 October 2026"
    ]


def test_the_agreement_warning_waits_thirty_days(cast: Any, pair: Any) -> None:
    prog = cf.programme(cast.riverside, [])
    m = cf.mentorship(*pair, prog, starts_on=date(2026, 10, 1))
    cf.meeting(m, date(2026, 10, 30))
    assert check(m, date(2026, 10, 31)).at_risk == []
    assert check(m, date(2026, 11, 1)).at_risk == ["No agreement signed 31 days after the start"]


# --- many at once ----------------------------------------------------------------------------


def test_many_mentorships_are_computed_with_a_fixed_number_of_queries(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    from tandem.core.tenancy import system_access

    prog = cf.programme(cast.riverside)
    for i, mentee in enumerate(cf.mentees(cast.riverside, 12)):
        m = cf.mentorship(mentee, cast.mentor, prog, starts_on=date(2026, 9, 7))
        if i % 2:
            cf.meeting(m, date(2026, 10, 1 + i))
    with system_access():
        ms = list(Mentorship.objects.select_related("cohort"))
    with django_assert_max_num_queries(8):
        results = evaluate_mentorships(ms, today=date(2026, 11, 20))
    assert sum(r.standing == OVERDUE for r in results.values()) == 6
    # The brief standing (for counts and long lists) agrees with the full computation.
    facts = [compliance.Facts.of(m) for m in ms]
    evaluator = compliance.prepare(facts, today=date(2026, 11, 20))
    for f in facts:
        brief, full = evaluator.brief(f), results[f.id]
        assert (brief.standing, brief.overdue_count, brief.is_at_risk) == (
            full.standing,
            full.overdue_count,
            full.is_at_risk,
        )


def test_facts_from_a_queryset_match_facts_of_objects(cast: Any, pair: Any) -> None:
    from tandem.core.tenancy import system_access

    prog = cf.programme(cast.riverside)
    cf.mentorship(*pair, prog, starts_on=date(2026, 9, 7))
    with system_access():
        qs = Mentorship.objects.all()
        from_rows = compliance.facts_from_queryset(qs)
        from_objects = [compliance.Facts.of(m) for m in qs.select_related("cohort")]
    assert from_rows == from_objects


def test_the_default_calendar_is_used_when_the_organisation_has_none(cast: Any) -> None:
    years = compliance.years_between(date(2026, 9, 7), date(2027, 9, 2), [])
    assert [y.name for y in years] == ["2026/27", "2027/28"]
    assert years[0].key == ("england", 2026)
    assert datetime.combine(years[1].starts_on, time()) == datetime(2027, 9, 1)
