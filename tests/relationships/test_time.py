"""Time (D7): totals from meetings, observations and entries; years; exports; who sees it."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from tandem.core.tenancy import system_access
from tandem.programmes.models import AcademicCalendar, Cohort
from tandem.relationships import meeting_selectors as sel
from tandem.relationships import time_records
from tandem.relationships.models import Mentorship, Observation, TimeEntry
from tests.relationships.conftest import api_as  # noqa: F401  (fixture)
from tests.relationships.meeting_fixtures import (  # noqa: F401  (fixtures)
    TOPICS,
    aware,
    held_meeting,
    induction,
    pair,
)


def entry(mentorship, on, minutes, kind="preparation", person=None):
    with system_access():
        return TimeEntry.objects.create(
            mentorship=mentorship,
            person=person or mentorship.mentor,
            kind=kind,
            on=on,
            minutes=minutes,
        )


def observation(mentorship, when, minutes, status="recorded"):
    with system_access():
        return Observation.objects.create(
            mentorship=mentorship,
            observer=mentorship.mentor,
            observed=mentorship.mentee,
            purpose="developmental",
            purpose_declared_at=when - timedelta(days=7),
            scheduled_for=when,
            duration_minutes=minutes,
            status=status,
        )


def start(mentorship, on):
    with system_access():
        Mentorship.objects.filter(pk=mentorship.pk).update(starts_on=on)
    mentorship.refresh_from_db()


@pytest.fixture
def year_of_records(pair):  # noqa: F811
    """2025/26 (September to August): meetings, observations, entries, and some just outside."""
    start(pair, date(2025, 9, 10))
    held_meeting(pair, when=aware(2025, 9, 1, 0, 30), minutes=60)  # first hour of the year
    held_meeting(pair, when=aware(2026, 3, 2, 16, 0), minutes=90)
    held_meeting(pair, when=aware(2025, 8, 31, 23, 30), minutes=45)  # the year before
    held_meeting(pair, when=aware(2026, 4, 1, 10, 0), minutes=50, status="planned")  # not held
    held_meeting(pair, when=aware(2026, 4, 2, 10, 0), minutes=50, status="cancelled")
    observation(pair, aware(2025, 11, 5, 10, 0), 60)
    observation(pair, aware(2025, 12, 5, 10, 0), 60, status="planned")  # not recorded
    entry(pair, date(2025, 10, 1), 30)
    entry(pair, date(2026, 8, 31), 15, kind="training")  # last day of the year
    entry(pair, date(2026, 9, 1), 600)  # the next year
    entry(pair, date(2026, 1, 20), 120, kind="supervision")
    return pair


def test_totals_against_allocation(cast, year_of_records):
    year = sel.default_year(date(2026, 2, 1))
    assert (year.starts_on, year.ends_on, year.label) == (
        date(2025, 9, 1),
        date(2026, 8, 31),
        "2025/26",
    )
    s = sel.time_summary(cast.actor("mentor"), year_of_records, year)
    assert (s.meetings, s.meeting_minutes) == (2, 150)
    assert (s.observations, s.observation_minutes) == (1, 60)
    assert s.manual_minutes == 45  # supervision is not mentoring time
    assert s.total_minutes == 255
    assert s.allocation_hours == 20 and s.remaining_minutes == 20 * 60 - 255
    assert s.remission_hours == 38
    assert s.payment_pence == 25000 and s.payment_due_pence == 25000
    assert s.supervision_minutes == 120 and s.supervision_hours == 6
    words = s.as_words()
    assert words["total"] == "4 h 15 min" and words["payment"] == "£250.00"
    # The year before holds only the late-August meeting; no payment (the placement started later).
    before = sel.time_summary(
        cast.actor("mentor"), year_of_records, sel.default_year(date(2025, 8, 1))
    )
    assert (before.meeting_minutes, before.total_minutes, before.payment_due_pence) == (45, 45, 0)


def test_year_follows_the_cohort_calendar(cast, pair):  # noqa: F811
    with system_access():
        calendar = AcademicCalendar.objects.create(
            organisation=cast.riverside,
            name="2025/26",
            starts_on=date(2025, 8, 26),
            ends_on=date(2026, 7, 17),
        )
        cohort = Cohort.objects.create(
            programme=pair.programme,
            organisation=cast.riverside,
            calendar=calendar,
            name="Autumn 2025",
            starts_on=date(2025, 9, 1),
            ends_on=date(2026, 7, 17),
        )
        Mentorship.objects.filter(pk=pair.pk).update(cohort=cohort)
    pair.refresh_from_db()
    held_meeting(pair, when=aware(2025, 8, 28, 9, 0), minutes=30)  # in the calendar, before Sept
    held_meeting(pair, when=aware(2026, 7, 20, 9, 0), minutes=40)  # after the calendar ends
    year = sel.academic_year(pair, date(2025, 10, 1))
    assert (year.starts_on, year.ends_on, year.label) == (
        date(2025, 8, 26),
        date(2026, 7, 17),
        "2025/26",
    )
    assert sel.time_summary(cast.actor("coordinator"), pair, year).meeting_minutes == 30
    # Outside the calendar: September to August.
    assert sel.academic_year(pair, date(2026, 7, 20)).starts_on == date(2025, 9, 1)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"minutes": 0}, "minutes", time_records.MINUTES),
        ({"minutes": 24 * 60 + 1}, "minutes", time_records.MINUTES),
        ({"minutes": -5}, "minutes", time_records.MINUTES),
        ({"on": None}, "on", "Enter the date the time was spent"),
        ({"kind": "meeting"}, "kind", None),
        ({"kind": "holiday"}, "kind", "Choose what the time was spent on"),
    ],
)
def test_bad_time_entries(cast, pair, fields, field, message):  # noqa: F811
    values = {"kind": "preparation", "on": timezone.localdate(), "minutes": 30} | fields
    with pytest.raises(ValidationError) as exc:
        time_records.add_time_entry(cast.actor("mentor"), pair, **values)
    if message:
        assert exc.value.message_dict[field] == [message]
    else:
        assert field in exc.value.message_dict
    with system_access():
        assert not TimeEntry.objects.exists()


def test_future_time_is_refused_and_a_day_is_allowed(cast, pair):  # noqa: F811
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        time_records.add_time_entry(
            cast.actor("mentor"), pair, kind="other", on=tomorrow, minutes=30
        )
    assert exc.value.message_dict["on"] == ["Time can't be recorded for a day in the future"]
    e = time_records.add_time_entry(
        cast.actor("mentor"), pair, kind="other", on=timezone.localdate(), minutes=24 * 60
    )
    assert e.person == cast.mentor


def test_coordinator_records_supervision_for_the_mentor(cast, pair):  # noqa: F811
    e = time_records.add_time_entry(
        cast.actor("coordinator"), pair, kind="supervision", on=timezone.localdate(), minutes=60
    )
    assert e.person == cast.mentor
    for name in ("tutor", "line_manager", "stranger"):
        with pytest.raises(PermissionDenied):
            time_records.add_time_entry(
                cast.actor(name), pair, kind="other", on=timezone.localdate(), minutes=5
            )


def test_line_manager_sees_time_not_topics(client, cast, year_of_records):
    client.force_login(cast.line_manager.user)
    page = client.get(f"/mentorships/{year_of_records.uuid}/time/?on=2026-02-01")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Time in 2025/26" in html and "4 h 15 min" in html
    assert TOPICS not in html
    assert "Add time" not in html
    assert client.get(f"/mentorships/{year_of_records.uuid}/meetings/").status_code == 404


def test_time_page_for_the_pair_adds_time(client, cast, pair):  # noqa: F811
    client.force_login(cast.mentee.user)
    url = f"/mentorships/{pair.uuid}/time/"
    page = client.post(
        url, {"kind": "preparation", "on": timezone.localdate().isoformat(), "minutes": "25h"}
    )
    assert "Time spent: Time must be between 1 minute and 24 hours" in page.content.decode()
    response = client.post(
        url,
        {"kind": "preparation", "on": timezone.localdate().isoformat(), "minutes": "1h 30m"},
        follow=True,
    )
    assert "1 h 30 min of preparation and paperwork recorded." in response.content.decode()
    for name, status in (("stranger", 404), ("partner_coordinator", 404), ("trainer", 404)):
        client.force_login(cast.people[name].user)
        assert client.get(url).status_code == status, name


def test_organisation_time_and_exports(client, cast, year_of_records):
    client.force_login(cast.coordinator.user)
    url = f"/organisations/{cast.riverside.uuid}/time/"
    html = client.get(url + "?on=2026-02-01").content.decode()
    assert "Time in 2025/26" in html and "Tom Reyes" in html and "£250.00" in html

    response = client.get(url + "export.csv?on=2026-02-01")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == sel.EXPORT_HEADERS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Mentee"] == "Tom Reyes" and row["Mentor"] == "Mina Patel"
    assert float(row["Total (hours)"]) == 4.25
    assert float(row["Meetings (hours)"]) == 2.5
    assert float(row["Allocation (hours)"]) == 20
    assert float(row["Supervision (hours)"]) == 2
    assert float(row["Payment due (£)"]) == 250

    response = client.get(url + "export.xlsx?on=2026-02-01")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == sel.EXPORT_HEADERS
    assert values[1][0] == "Tom Reyes" and values[1][8] == 4.25
    assert client.get(url + "export.pdf").status_code == 404

    for name, status in (
        ("tutor", 403),
        ("mentor", 403),
        ("partner_coordinator", 403),
        ("outsider_coordinator", 404),
    ):
        client.force_login(cast.people[name].user)
        assert client.get(url).status_code == status, name
        assert client.get(url + "export.csv").status_code == status, name


def test_export_keeps_formulas_as_text(cast, pair):  # noqa: F811
    with system_access():
        cast.mentee.given_name = "=HYPERLINK(1)"
        cast.mentee.save()
    pair.refresh_from_db()
    data = sel.export_rows(
        [
            {
                "mentorship": pair,
                "meeting_minutes": 0,
                "observation_minutes": 0,
                "manual_minutes": 0,
                "total_minutes": 0,
                "allocation_minutes": 0,
                "remaining_minutes": 0,
                "supervision_minutes": 0,
                "remission_hours": 0,
                "payment_due_pence": 0,
            }
        ]
    )
    assert data[0][0].startswith("'=")


def test_organisation_time_query_count_does_not_grow(
    cast,
    induction,  # noqa: F811
    django_assert_max_num_queries,
):
    from tandem.relationships.demo import create_active
    from tests.relationships.conftest import mentor_profile, new_person

    mentor_profile(cast.mentor, cast.riverside, capacity=10)
    for i in range(6):
        mentee = new_person(cast.riverside, "mentee", f"M{i}", "Lee")
        m = create_active(mentee, cast.mentor, induction, cast.riverside)
        held_meeting(m, minutes=30)
        entry(m, timezone.localdate(), 10)
    actor = cast.actor("coordinator")
    with django_assert_max_num_queries(4):
        rows = sel.organisation_time(actor, cast.riverside, sel.default_year(timezone.localdate()))
    assert len(rows) == 6 and all(r["total_minutes"] == 40 for r in rows)


def test_time_api(cast, year_of_records, api_as):  # noqa: F811
    mentorship = year_of_records
    got = api_as("line_manager").get(f"/mentorships/{mentorship.uuid}/time", on="2026-02-01").json()
    assert got["total_minutes"] == 255 and got["payment_due_pence"] == 25000
    assert got["year"]["label"] == "2025/26" and len(got["entries"]) == 3
    assert TOPICS not in str(got)
    response = api_as("mentor").post(
        f"/mentorships/{mentorship.uuid}/time",
        {"kind": "preparation", "on": timezone.localdate().isoformat(), "minutes": 2000},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "minutes", "message": time_records.MINUTES}]
    response = api_as("mentor").post(
        f"/mentorships/{mentorship.uuid}/time",
        {"kind": "preparation", "on": timezone.localdate().isoformat(), "minutes": 20},
    )
    assert response.status_code == 201 and response.json()["minutes"] == 20
    assert (
        api_as("line_manager")
        .post(
            f"/mentorships/{mentorship.uuid}/time",
            {"kind": "other", "on": timezone.localdate().isoformat(), "minutes": 20},
        )
        .status_code
        == 403
    )
    assert api_as("stranger").get(f"/mentorships/{mentorship.uuid}/time").status_code == 404

    org = api_as("coordinator").get(f"/organisations/{cast.riverside.uuid}/time", on="2026-02-01")
    assert org.status_code == 200
    row = org.json()["rows"][0]
    assert row["total_minutes"] == 255 and row["payment_due_pence"] == 25000
    assert api_as("tutor").get(f"/organisations/{cast.riverside.uuid}/time").status_code == 403
    assert (
        api_as("outsider_coordinator").get(f"/organisations/{cast.riverside.uuid}/time").status_code
        == 404
    )
