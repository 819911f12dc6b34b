"""The CPD record (E4): automatic rows computed from Tandem plus manual entries, the
academic year (1 August – 31 July, UK time), the target, exports and who may see it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.relationships.models import (
    Meeting,
    MeetingStatus,
    Observation,
    PrivateNote,
    TimeEntry,
)
from tandem.training import cpd
from tandem.training.models import CPDEntry, Enrolment, ModuleCompletion
from tests import factories as f
from tests.relationships.plan_fixtures import make_mentorship
from tests.training.conftest import build_course

TOPICS = "Tom's anxiety about the Ofsted visit and his probation"
NOTE = "Private: thinking of leaving teaching"


def at(*args: int) -> datetime:
    """A UK wall-clock time as an aware datetime."""
    return timezone.make_aware(datetime(*args), timezone.get_current_timezone())


def entry(person, organisation, on, hours, activity="other", title="Conference", **kw):
    with system_access():
        return CPDEntry.objects.create(
            person=person,
            organisation=organisation,
            on=on,
            hours=Decimal(hours),
            activity=activity,
            title=title,
            **kw,
        )


def meeting(mentorship, when, minutes=60, status=MeetingStatus.HELD):
    with system_access():
        m = Meeting.objects.create(
            mentorship=mentorship,
            status=status,
            starts_at=when,
            duration_minutes=minutes,
            mode="face_to_face",
            location="Room 4, the secret staffroom",
            topics=TOPICS,
            recorded_by=mentorship.mentor,
        )
        PrivateNote.objects.create(meeting=m, author=mentorship.mentor, text=NOTE)
    return m


def time_entry(mentorship, person, kind, on, minutes):
    with system_access():
        return TimeEntry.objects.create(
            mentorship=mentorship,
            person=person,
            kind=kind,
            on=on,
            minutes=minutes,
            note="Confidential note about the mentee",
        )


def observation(mentorship, when, *, observer, observed, joint=None, status="recorded"):
    with system_access():
        return Observation.objects.create(
            mentorship=mentorship,
            observer=observer,
            observed=observed,
            joint_observer=joint,
            purpose="formative",
            purpose_declared_at=when - timedelta(days=7),
            scheduled_for=when,
            session="Level 3 Business: the secret session",
            duration_minutes=60,
            status=status,
        )


def completion(person, organisation, module, when, run):
    with system_access():
        enrolment, _ = Enrolment.objects.get_or_create(
            run=run,
            person=person,
            defaults={"organisation": organisation, "enrolled_at": when - timedelta(days=30)},
        )
        return ModuleCompletion.objects.create(
            enrolment=enrolment, module=module, completed_at=when
        )


@pytest.fixture
def pair(cast):
    """Mina Patel (the cast's mentor) mentoring Tom Reyes at Riverside."""
    return make_mentorship(cast, "own")


@pytest.fixture
def year_2025(cast, pair):
    """A year (2025/26) of Mina's CPD from every source."""
    world = build_course(cast.northgate, title="Partner course", shared=True)
    entry(cast.mentor, cast.riverside, date(2025, 10, 1), "2", "training", "Regional conference")
    meeting(pair, at(2025, 11, 1, 10, 0), minutes=90)
    meeting(pair, at(2025, 11, 8, 10, 0), minutes=60, status=MeetingStatus.CANCELLED)
    time_entry(pair, cast.mentor, "preparation", date(2025, 11, 2), 30)
    time_entry(pair, cast.mentor, "supervision", date(2025, 12, 1), 60)
    time_entry(pair, cast.mentor, "training", date(2025, 12, 2), 45)
    time_entry(pair, cast.mentor, "other", date(2025, 12, 3), 15)
    observation(pair, at(2026, 2, 1, 11, 0), observer=cast.mentor, observed=cast.mentee)
    observation(
        pair, at(2026, 2, 8, 11, 0), observer=cast.mentor, observed=cast.mentee, status="planned"
    )
    completion(cast.mentor, cast.riverside, world.modules[0], at(2026, 1, 10, 12, 0), world.run)
    return world


def test_academic_years():
    assert cpd.academic_year_of(date(2026, 7, 31)) == 2025
    assert cpd.academic_year_of(date(2026, 8, 1)) == 2026
    assert cpd.year_label(2025) == "2025/26"
    assert cpd.year_label(2099) == "2099/00"
    assert cpd.year_bounds(2025) == (date(2025, 8, 1), date(2026, 7, 31))


def test_totals_add_automatic_and_manual_rows(cast, year_2025):
    actor = cast.actor("mentor")
    rows = cpd.cpd_rows(actor, cast.mentor, 2025)
    totals = cpd.cpd_totals(actor, cast.mentor, 2025, rows)
    by = {value: hours for value, _, hours in totals.by_activity}
    assert by == {
        "training": Decimal("10.75"),  # 2 by hand + 0.75 time record + 8 GLH of a unit
        "mentoring": Decimal("2.00"),  # a 90-minute meeting + 30 minutes' preparation
        "supervision": Decimal("1.00"),
        "observation": Decimal("1.00"),  # the planned one does not count
        "other": Decimal("0.25"),
    }
    assert totals.total == Decimal("15.00")
    assert totals.target == 30
    assert totals.percentage == 50
    assert {r.source for r in rows} == {"manual", "course", "meeting", "observation", "time record"}
    assert all(r.hours == r.hours.quantize(Decimal("0.01")) for r in rows)
    course_row = next(r for r in rows if r.source == "course")
    assert course_row.on == date(2026, 1, 10)
    assert course_row.title == "Workbook 1 — Partner course"
    meeting_row = next(r for r in rows if r.source == "meeting")
    assert meeting_row.title == "Meeting with Tom Reyes — mentoring practice"
    # The past year is over: the wording says so.
    assert "not met" in totals.standing and "15.00 hours short" in totals.standing
    # Nothing of it counts in another year.
    assert cpd.cpd_rows(actor, cast.mentor, 2024) == []


def test_observed_and_joint_observer_count_too(cast, pair):
    observation(pair, at(2025, 9, 10, 9, 0), observer=cast.mentee, observed=cast.mentor)
    observation(
        pair, at(2025, 9, 11, 9, 0), observer=cast.mentor, observed=cast.mentee, joint=cast.tutor
    )
    mentor_rows = cpd.cpd_rows(cast.actor("mentor"), cast.mentor, 2025)
    tutor_rows = cpd.cpd_rows(cast.actor("tutor"), cast.tutor, 2025)
    assert [r.activity for r in mentor_rows] == ["observation", "observation"]
    assert "Observed by Tom Reyes" in mentor_rows[-1].title
    assert [r.title for r in tutor_rows] == [
        "Joint observation of Tom Reyes with Mina Patel (formative)"
    ]


def test_year_boundary_in_uk_time(cast, pair):
    assert settings.TIME_ZONE == "Europe/London"
    entry(cast.mentor, cast.riverside, date(2026, 7, 31), "1", title="Last day")
    entry(cast.mentor, cast.riverside, date(2026, 8, 1), "1", title="First day")
    # 23:30 on 31 July in British Summer Time is 22:30 UTC: still 31 July.
    late = at(2025, 7, 31, 23, 30)
    assert late.astimezone(UTC).hour == 22
    meeting(pair, late)
    # 00:30 on 1 August is 23:30 UTC on 31 July: already the new year.
    early = at(2025, 8, 1, 0, 30)
    assert early.astimezone(UTC).day == 31
    meeting(pair, early)
    actor = cast.actor("mentor")
    assert [r.title for r in cpd.cpd_rows(actor, cast.mentor, 2025)] == [
        "Last day",
        "Meeting with Tom Reyes — mentoring practice",
    ]
    assert [r.title for r in cpd.cpd_rows(actor, cast.mentor, 2026)] == ["First day"]
    last_year = cpd.cpd_rows(actor, cast.mentor, 2024)
    assert [(r.on, r.title) for r in last_year] == [
        (date(2025, 7, 31), "Meeting with Tom Reyes — mentoring practice")
    ]
    first = cpd.cpd_rows(actor, cast.mentor, 2025)[-1]
    assert first.on == date(2025, 8, 1)


def test_target_is_the_highest_of_the_persons_organisations(cast):
    assert cpd.target_of(cast.mentor) == 30
    with system_access():
        cast.riverside.cpd_target_hours = 40
        cast.riverside.save()
        northgate = cast.northgate
        northgate.cpd_target_hours = 50
        northgate.save()
        f.MembershipFactory(person=cast.mentor, organisation=northgate, role="mentor")
    assert cpd.target_of(cast.mentor) == 50
    assert cpd.target_of(cast.stranger) == 30
    totals = cpd.cpd_totals(cast.actor("mentor"), cast.mentor, 2025)
    assert totals.target == 50 and totals.total == 0 and totals.percentage == 0


def test_on_track_wording_is_pro_rata_through_the_year(cast):
    actor = cast.actor("mentor")
    entry(cast.mentor, cast.riverside, date(2025, 9, 1), "10")
    # Half way through the year (31 January), 10 of 30 hours is behind the pace of 15.
    totals = cpd.cpd_totals(actor, cast.mentor, 2025, today=date(2026, 1, 31))
    assert not totals.on_track and totals.standing.startswith("Behind")
    # In early October it is ahead of the pace.
    totals = cpd.cpd_totals(actor, cast.mentor, 2025, today=date(2025, 10, 1))
    assert totals.on_track and totals.standing.startswith("On track: 20.00 hours to go")
    entry(cast.mentor, cast.riverside, date(2025, 9, 2), "20")
    totals = cpd.cpd_totals(actor, cast.mentor, 2025, today=date(2025, 10, 1))
    assert totals.on_track and totals.standing == "Target of 30 hours met"
    assert totals.percentage == 100


# --- pages -------------------------------------------------------------------------------


def test_own_record_page(cast, login, year_2025):
    response = login(cast.mentor).get(reverse("training:cpd_record") + "?year=2025")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your CPD record: 2025/26" in text
    assert "15.00 of 30 hours" in text
    assert "Meeting with Tom Reyes — mentoring practice" in text
    assert "Regional conference" in text
    assert reverse("training:cpd_csv", args=[cast.mentor.uuid, 2025]) in text


def test_year_defaults_to_the_current_academic_year(cast, login):
    response = login(cast.mentor).get(reverse("training:cpd_record") + "?year=rubbish")
    current = cpd.academic_year_of(timezone.localdate())
    assert response.status_code == 200
    assert cpd.year_label(current) in response.content.decode()


@pytest.mark.parametrize(
    ("who", "whose", "status"),
    [
        ("mentor", "mentor", 200),
        ("coordinator", "mentor", 200),
        ("coordinator", "mentee", 200),
        ("line_manager", "mentee", 200),
        ("line_manager", "mentor", 404),
        ("mentee", "mentor", 404),
        ("tutor", "mentor", 404),
        ("trainer", "mentor", 404),
        ("partner_coordinator", "mentor", 404),
        ("outsider_coordinator", "mentor", 404),
        ("partnership_admin", "mentor", 404),
        ("stranger", "mentor", 404),
    ],
)
def test_who_may_see_a_persons_record(cast, login, year_2025, who, whose, status):
    person = cast.people[whose]
    client = login(cast.people[who])
    page = client.get(reverse("training:person_cpd", args=[person.uuid]) + "?year=2025")
    assert page.status_code == status
    assert client.get(reverse("training:cpd_csv", args=[person.uuid, 2025])).status_code == status
    assert cpd.can_see_cpd_of(cast.actor(who), person) == (status == 200)


def test_managers_up_the_chain_see_the_record(cast, login):
    with system_access():
        boss = f.person_with_account("boss@riverside.example", "Bea", "Boss")
        f.MembershipFactory(person=boss, organisation=cast.riverside, role="line_manager")
        f.LineManagementFactory(organisation=cast.riverside, manager=boss, report=cast.line_manager)
    response = login(boss).get(reverse("training:person_cpd", args=[cast.mentee.uuid]))
    assert response.status_code == 200


def test_a_coordinator_of_a_former_organisation_does_not(cast, login):
    with system_access():
        membership = cast.mentee.memberships.get(organisation=cast.riverside)
        membership.ends_on = timezone.localdate() - timedelta(days=1)
        membership.starts_on = timezone.localdate() - timedelta(days=400)
        membership.save()
    response = login(cast.coordinator).get(reverse("training:person_cpd", args=[cast.mentee.uuid]))
    assert response.status_code == 404


def test_signed_out_is_sent_to_sign_in(client, cast):
    response = client.get(reverse("training:cpd_record"))
    assert response.status_code == 302


def test_meeting_content_never_appears(cast, login, year_2025):
    client = login(cast.coordinator)
    url = reverse("training:person_cpd", args=[cast.mentor.uuid]) + "?year=2025"
    pieces = [
        client.get(url).content.decode(),
        client.get(reverse("training:cpd_csv", args=[cast.mentor.uuid, 2025])).content.decode(),
        cpd.cpd_record(cast.actor("coordinator"), cast.mentor, 2025).__repr__(),
    ]
    from tandem.training.cpd_views import pdf_html

    pieces.append(pdf_html(cpd.cpd_record(cast.actor("coordinator"), cast.mentor, 2025)))
    for text in pieces:
        for secret in (TOPICS, "anxiety", NOTE, "secret", "Confidential note"):
            assert secret not in text


def test_csv_export(cast, login, year_2025):
    response = login(cast.mentor).get(reverse("training:cpd_csv", args=[cast.mentor.uuid, 2025]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="cpd-mina-patel-2025-26.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Date", "Activity", "Title", "Hours", "Source"]
    assert ["2025-10-01", "Training", "Regional conference", "2.00", "manual"] in rows
    assert [
        "2025-11-01",
        "Mentoring practice",
        "Meeting with Tom Reyes — mentoring practice",
        "1.50",
        "meeting",
    ] in rows
    assert ["2026-01-10", "Training", "Workbook 1 — Partner course", "8.00", "course"] in rows
    assert ["", "All activities", "", "15.00", ""] in rows
    assert ["", "Target", "", "30.00", ""] in rows


def test_csv_cells_are_never_formulas(cast, login):
    entry(cast.mentor, cast.riverside, date(2025, 10, 1), "1", title="=HYPERLINK(1)")
    response = login(cast.mentor).get(reverse("training:cpd_csv", args=[cast.mentor.uuid, 2025]))
    assert "'=HYPERLINK(1)" in response.content.decode()


def test_pdf_export(cast, login, year_2025):
    response = login(cast.line_manager).get(
        reverse("training:cpd_pdf", args=[cast.mentee.uuid, 2025])
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    response = login(cast.stranger).get(reverse("training:cpd_pdf", args=[cast.mentor.uuid, 2025]))
    assert response.status_code == 404


def test_an_impossible_year_is_not_found(cast, login):
    client = login(cast.mentor)
    assert client.get(reverse("training:cpd_csv", args=[cast.mentor.uuid, 1900])).status_code == 404


def test_links_only_where_the_viewer_may_follow(cast, year_2025):
    mentor_rows = cpd.cpd_rows(cast.actor("mentor"), cast.mentor, 2025)
    meeting_row = next(r for r in mentor_rows if r.source == "meeting")
    assert meeting_row.link == reverse("relationships:meeting_detail", args=[meeting_row_uuid()])
    # The coordinator of Riverside sees the meetings of its mentorships.
    coordinator_rows = cpd.cpd_rows(cast.actor("coordinator"), cast.mentor, 2025)
    assert next(r for r in coordinator_rows if r.source == "meeting").link
    # Time records have no page of their own.
    assert not any(r.link for r in coordinator_rows if r.source == "time record")


def test_a_line_manager_gets_no_links_into_meetings_or_training(cast, pair):
    world = build_course(cast.riverside, title="Riverside course")
    completion(cast.mentee, cast.riverside, world.modules[0], at(2025, 10, 1, 9, 0), world.run)
    observation(pair, at(2025, 10, 2, 9, 0), observer=cast.mentee, observed=cast.mentor)
    rows = cpd.cpd_rows(cast.actor("line_manager"), cast.mentee, 2025)
    assert {r.source for r in rows} == {"course", "observation"}
    assert not any(r.link for r in rows)


def meeting_row_uuid():
    with system_access():
        return Meeting.objects.get(status=MeetingStatus.HELD).uuid


# --- manual entries ----------------------------------------------------------------------


def _post(client, data, url=None, **files):
    return client.post(url or reverse("training:cpd_entry_new"), {**data, **files})


GOOD = {
    "on": "2025-10-01",
    "activity": "training",
    "hours": "1.5",
    "title": "Regional mentoring conference",
    "description": "Sessions on coaching conversations",
}


def test_add_an_entry_with_evidence(cast, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = login(cast.mentor)
    evidence = SimpleUploadedFile("certificate.pdf", b"%PDF-1.4 test", "application/pdf")
    response = _post(client, GOOD, evidence=evidence)
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2025")
    with system_access():
        saved = CPDEntry.objects.get()
    assert saved.person == cast.mentor and saved.organisation == cast.riverside
    assert saved.hours == Decimal("1.50") and saved.evidence_name == "certificate.pdf"
    # Served only through the view, and only to those who see the entry.
    url = reverse("training:cpd_evidence", args=[saved.uuid])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert login(cast.coordinator).get(url).status_code == 200
    assert login(cast.stranger).get(url).status_code == 404
    assert login(cast.partner_coordinator).get(url).status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"hours": "0"}, "hours", "Hours must be more than 0"),
        ({"hours": "-1"}, "hours", "Hours must be more than 0"),
        ({"hours": "24.5"}, "hours", "Hours must be 24 or fewer"),
        ({"hours": "lots"}, "hours", "Enter the hours as a number"),
        ({"hours": ""}, "hours", "Enter the hours spent"),
        ({"on": "2999-01-01"}, "on", "cannot be in the future"),
        ({"on": "31/02/2025"}, "on", "as a real date"),
        ({"title": ""}, "title", "Enter what the activity was"),
        ({"activity": "golf"}, "activity", "Select a valid choice"),
    ],
)
def test_bad_entries_name_the_field(cast, login, change, field, message):
    response = _post(login(cast.mentor), {**GOOD, **change})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert "There is a problem" in response.content.decode()
    with system_access():
        assert not CPDEntry.objects.exists()


def test_a_renamed_program_is_refused_as_evidence(cast, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    evidence = SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00 a program", "application/pdf")
    response = _post(login(cast.mentor), GOOD, evidence=evidence)
    assert response.status_code == 200
    assert "does not look like a PDF file" in response.context["form"].errors["evidence"][0]
    with system_access():
        assert not CPDEntry.objects.exists()
    assert not list(tmp_path.rglob("*"))


def test_service_rules(cast):
    actor = cast.actor("mentor")
    with pytest.raises(Exception) as caught:
        cpd.add_entry(
            actor,
            cast.mentor,
            organisation=cast.riverside,
            on=timezone.localdate() + timedelta(days=1),
            hours=Decimal("30"),
            activity="other",
            title="",
        )
    errors = caught.value.message_dict
    assert set(errors) == {"on", "hours", "title"}
    with pytest.raises(Exception) as caught:
        cpd.add_entry(
            actor, cast.mentor, organisation=cast.eastfield, **{**GOOD, "on": date(2025, 10, 1)}
        )
    assert "organisation" in caught.value.message_dict
    with pytest.raises(Exception) as caught:
        cpd.add_entry(
            cast.actor("partner_coordinator"),
            cast.mentor,
            organisation=cast.riverside,
            **{**GOOD, "on": date(2025, 10, 1)},
        )
    assert type(caught.value).__name__ == "PermissionDenied"


def test_a_coordinator_adds_for_a_member(cast, login):
    url = reverse("training:cpd_entry_new") + f"?person={cast.mentor.uuid}"
    client = login(cast.coordinator)
    assert client.get(url).status_code == 200
    response = _post(client, GOOD, url=url)
    assert response.status_code == 302
    assert reverse("training:person_cpd", args=[cast.mentor.uuid]) in response["Location"]
    with system_access():
        assert CPDEntry.objects.get().person == cast.mentor
    # A partner's coordinator cannot.
    other = reverse("training:cpd_entry_new") + f"?person={cast.mentor.uuid}"
    assert login(cast.partner_coordinator).get(other).status_code == 404
    # A line manager sees the record but adds nothing to it.
    lm = reverse("training:cpd_entry_new") + f"?person={cast.mentee.uuid}"
    assert login(cast.line_manager).get(lm).status_code == 403


def test_someone_without_an_organisation_cannot_add(cast, login):
    assert login(cast.stranger).get(reverse("training:cpd_entry_new")).status_code == 403
    assert login(cast.stranger).get(reverse("training:cpd_record")).status_code == 200


def test_edit_and_delete(cast, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    made = entry(cast.mentee, cast.riverside, date(2025, 10, 1), "2", title="Reading")
    edit = reverse("training:cpd_entry_edit", args=[made.uuid])
    delete = reverse("training:cpd_entry_delete", args=[made.uuid])
    # The line manager sees the entry but may not change it; strangers do not see it.
    assert login(cast.line_manager).get(edit).status_code == 403
    assert login(cast.line_manager).post(delete).status_code == 403
    assert login(cast.stranger).get(edit).status_code == 404
    client = login(cast.mentee)
    response = client.post(edit, {**GOOD, "hours": "25"})
    assert response.status_code == 200
    assert "24 or fewer" in response.context["form"].errors["hours"][0]
    response = client.post(edit, {**GOOD, "hours": "3.25", "title": "Reading, chapter 2"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.hours == Decimal("3.25") and made.title == "Reading, chapter 2"
    # The coordinator of the entry's organisation may delete it.
    coordinator = login(cast.coordinator)
    assert coordinator.get(delete).status_code == 200
    assert coordinator.post(delete).status_code == 302
    with system_access():
        assert not CPDEntry.objects.exists()


def test_record_page_offers_change_links_only_to_those_who_may(cast, login):
    made = entry(cast.mentee, cast.riverside, date(2025, 10, 1), "2", title="Reading")
    edit = reverse("training:cpd_entry_edit", args=[made.uuid])
    url = reverse("training:person_cpd", args=[cast.mentee.uuid]) + "?year=2025"
    assert edit in login(cast.coordinator).get(url).content.decode()
    text = login(cast.line_manager).get(url).content.decode()
    assert "Reading" in text and edit not in text


# --- the organisation's target -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"), [("1", True), ("200", True), ("0", False), ("201", False)]
)
def test_organisation_settings_take_the_target(cast, login, value, ok):
    url = reverse("organisations:organisation_edit", args=[cast.riverside.uuid])
    client = login(cast.coordinator)
    assert "Annual CPD target" in client.get(url).content.decode()
    data = {"name": cast.riverside.name, "kind": cast.riverside.kind, "cpd_target_hours": value}
    response = client.post(url, data)
    cast.riverside.refresh_from_db()
    if ok:
        assert response.status_code == 302
        assert cast.riverside.cpd_target_hours == int(value)
    else:
        assert response.status_code == 200
        assert "cpd_target_hours" in response.context["form"].errors
        assert cast.riverside.cpd_target_hours == 30
