"""England's academic calendar: built for any year, contiguous, editable within its rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tandem.programmes import academic_year, services
from tandem.programmes.academic_year import Span, england, period_problems
from tandem.programmes.models import AcademicCalendar, CalendarPeriod

ONE_DAY = timedelta(days=1)


def by_position(spec, kind):
    return sorted((p for p in spec.periods if p.kind == kind), key=lambda p: p.position)


@pytest.mark.parametrize("year", range(1990, 2101))
def test_easter_matches_dateutil(year):
    dateutil_easter = pytest.importorskip("dateutil.easter")
    assert academic_year._computus(year) == dateutil_easter.easter(year)


def test_known_easters():
    assert academic_year.easter_sunday(2027) == date(2027, 3, 28)
    assert academic_year.easter_sunday(2028) == date(2028, 4, 16)


@pytest.mark.parametrize("start_year", range(2018, 2046))
def test_every_year_has_three_terms_split_into_contiguous_half_terms(start_year):
    spec = england(start_year)
    assert spec.name == f"{start_year}/{(start_year + 1) % 100:02d}"
    assert (spec.starts_on, spec.ends_on) == (date(start_year, 9, 1), date(start_year + 1, 8, 31))
    terms, halves = by_position(spec, "term"), by_position(spec, "half_term")
    assert [t.position for t in terms] == [1, 2, 3]
    assert [h.position for h in halves] == [1, 2, 3, 4, 5, 6]
    for term in terms:
        first, second = halves[2 * term.position - 2], halves[2 * term.position - 1]
        assert first.starts_on == term.starts_on
        assert first.ends_on + ONE_DAY == second.starts_on
        assert second.ends_on == term.ends_on
        assert first.ends_on.weekday() == 6  # the Sunday ending the half-term holiday
        assert term.starts_on.weekday() < 5 and term.ends_on.weekday() < 5
    for before, after in zip(terms, terms[1:], strict=False):
        assert before.ends_on < after.starts_on
    spans = [
        Span(i, p.kind, p.position, p.name, p.starts_on, p.ends_on)
        for i, p in enumerate(spec.periods)
    ]
    assert period_problems(spec.starts_on, spec.ends_on, spans) == []
    # England's shape: autumn in September to December, spring from January, summer into July
    assert terms[0].starts_on.month == 9 and terms[0].ends_on.month == 12
    assert terms[1].starts_on.month == 1
    assert terms[2].ends_on.month == 7 and 15 <= terms[2].ends_on.day <= 22


def test_2026_27_around_an_early_easter():
    spec = england(2026)
    terms, halves = by_position(spec, "term"), by_position(spec, "half_term")
    assert (terms[0].starts_on, terms[0].ends_on) == (date(2026, 9, 1), date(2026, 12, 18))
    assert halves[0].ends_on == date(2026, 11, 1)  # October half-term 26-30 October
    assert (terms[1].starts_on, terms[1].ends_on) == (date(2027, 1, 4), date(2027, 3, 25))
    assert halves[2].ends_on == date(2027, 2, 21)  # February half-term 15-19 February
    assert terms[2].starts_on == date(2027, 4, 12)  # Easter 28 March
    assert halves[4].ends_on == date(2027, 6, 6)  # late-May half-term from 31 May
    assert terms[2].ends_on == date(2027, 7, 22)


def test_2027_28_around_a_late_easter():
    spec = england(2027)
    terms = by_position(spec, "term")
    assert terms[1].ends_on == date(2028, 4, 13)  # the Thursday before Good Friday
    # A fortnight after Easter Monday is the early May bank holiday: start the day after.
    assert terms[2].starts_on == date(2028, 5, 2)


# --- the services ----------------------------------------------------------------------------


@pytest.fixture
def calendar(cast):
    return services.create_default_calendar(cast.actor("coordinator"), cast.riverside, 2026)


def periods(calendar):
    with system_access():
        return {p.name: p for p in CalendarPeriod.objects.filter(calendar=calendar)}


def test_coordinator_creates_the_default_calendar(cast, calendar):
    assert calendar.name == "2026/27"
    found = periods(calendar)
    assert len(found) == 9
    assert found["Spring 2"].ends_on == date(2027, 3, 25)
    with system_access():
        assert AuditEvent.objects.filter(
            code="programmes.calendar.created", object_uuid=calendar.uuid
        ).exists()


def test_the_same_year_twice_is_refused(cast, calendar):
    with pytest.raises(ValidationError) as caught:
        services.create_default_calendar(cast.actor("coordinator"), cast.riverside, 2026)
    assert caught.value.message_dict == {
        "start_year": ["Riverside College already has a calendar for 2026/27"]
    }


@pytest.mark.parametrize("year", [1999, 2101, "2026", None])
def test_start_year_must_be_a_plausible_year(cast, year):
    with pytest.raises(ValidationError) as caught:
        services.create_default_calendar(cast.actor("coordinator"), cast.riverside, year)
    assert "start_year" in caught.value.message_dict


@pytest.mark.parametrize("name", ["mentee", "partner_coordinator", "partnership_admin"])
def test_only_coordinators_create_calendars(cast, name):
    with pytest.raises(PermissionDenied):
        services.create_default_calendar(cast.actor(name), cast.riverside, 2026)


def test_moving_the_october_split_moves_both_half_terms(cast, calendar):
    autumn1 = periods(calendar)["Autumn 1"]
    services.edit_period(
        cast.actor("coordinator"),
        autumn1,
        starts_on=autumn1.starts_on,
        ends_on=date(2026, 10, 25),
    )
    found = periods(calendar)
    assert found["Autumn 1"].ends_on == date(2026, 10, 25)
    assert found["Autumn 2"].starts_on == date(2026, 10, 26)
    with system_access():
        event = AuditEvent.objects.get(code="programmes.period.changed")
    assert event.changes["ends_on"] == ["2026-11-01", "2026-10-25"]
    assert "Autumn 2" in event.changes["also_moved"]


def test_moving_a_term_end_moves_its_last_half_term(cast, calendar):
    term = periods(calendar)["Summer term"]
    services.edit_period(
        cast.actor("coordinator"), term, starts_on=term.starts_on, ends_on=date(2027, 7, 16)
    )
    assert periods(calendar)["Summer 2"].ends_on == date(2027, 7, 16)


@pytest.mark.parametrize(
    ("name", "starts_on", "ends_on", "field", "message"),
    [
        ("Autumn 1", date(2026, 9, 1), date(2026, 8, 30), "ends_on", "must end on or after"),
        ("Autumn term", date(2026, 8, 25), date(2026, 12, 18), "starts_on", "inside the year"),
        ("Summer term", date(2027, 4, 12), date(2027, 9, 3), "ends_on", "inside the year"),
        ("Spring term", date(2026, 12, 14), date(2027, 3, 25), "starts_on", "after Autumn term"),
        ("Autumn 2", date(2026, 11, 2), date(2026, 12, 22), "ends_on", "on or before Autumn term"),
    ],
)
def test_bad_dates_are_refused_with_the_field_named(
    cast, calendar, name, starts_on, ends_on, field, message
):
    period = periods(calendar)[name]
    before = {p.name: (p.starts_on, p.ends_on) for p in periods(calendar).values()}
    with pytest.raises(ValidationError) as caught:
        services.edit_period(
            cast.actor("coordinator"), period, starts_on=starts_on, ends_on=ends_on
        )
    assert field in caught.value.message_dict
    assert any(message in m for m in caught.value.message_dict[field])
    assert {p.name: (p.starts_on, p.ends_on) for p in periods(calendar).values()} == before


def test_a_mentee_cannot_move_a_term(cast, calendar):
    period = periods(calendar)["Autumn term"]
    with pytest.raises(PermissionDenied):
        services.edit_period(
            cast.actor("mentee"), period, starts_on=period.starts_on, ends_on=period.ends_on
        )


def test_dates_must_be_dates(cast, calendar):
    period = periods(calendar)["Autumn term"]
    with pytest.raises(ValidationError) as caught:
        services.edit_period(cast.actor("coordinator"), period, starts_on="soon", ends_on=None)
    assert set(caught.value.message_dict) == {"starts_on", "ends_on"}


def test_calendars_of_an_organisation_do_not_overlap(cast, calendar):
    with system_access():
        AcademicCalendar.objects.filter(pk=calendar.pk).update(name="Our year")
    with pytest.raises(ValidationError) as caught:
        services.create_default_calendar(cast.actor("coordinator"), cast.riverside, 2026)
    assert "Our year" in caught.value.message_dict["start_year"][0]
    services.create_default_calendar(cast.actor("coordinator"), cast.riverside, 2027)
