"""Reports (D5): the schedule, writing and sending, activity reports to line managers (figures,
never content), who reads which report, pages and API."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tandem.core.tenancy import system_access
from tandem.relationships import compliance_selectors as cs
from tandem.relationships import reports
from tandem.relationships.models import Report, ReportKind, ReportStatus
from tests.relationships import compliance_fixtures as cf

pytestmark = pytest.mark.django_db

SCHEDULE = [
    {"name": "Initial review", "due": "10-31", "recipients": ["tutor"]},
    {"name": "January review", "due": "01-31", "recipients": ["tutor", "coordinator"]},
    {"name": "Summer review", "due": "06-30", "recipients": ["tutor", "line_manager"]},
]
SECRET_TOPICS = "Worries about the head of department"
SECRET_NOTE = "Feels like leaving the profession"


@pytest.fixture
def prog(cast: Any) -> Any:
    return cf.programme(cast.riverside, [], report_schedule=SCHEDULE, line_manager_reports=True)


@pytest.fixture
def mship(cast: Any, prog: Any) -> Any:
    return cf.mentorship(cast.mentee, cast.mentor, prog, starts_on=date(2026, 9, 7))


def scheduled(m: Any) -> list[Report]:
    with system_access():
        return list(
            Report.objects.filter(mentorship=m, kind=ReportKind.SCHEDULED).order_by("due_on")
        )


def fresh(report: Report) -> Report:
    with system_access():
        return Report.objects.get(pk=report.pk)


# --- the schedule ----------------------------------------------------------------------------


def test_the_schedule_creates_each_report_of_the_year_once(
    cast: Any, mship: Any, prog: Any
) -> None:
    late = cf.mentorship(cast.partner_mentee, cast.mentor, prog, starts_on=date(2026, 12, 1))
    assert reports.schedule_reports(today=date(2026, 11, 20)) == 5
    assert reports.schedule_reports(today=date(2026, 11, 20)) == 0
    assert reports.schedule_reports(today=date(2027, 3, 1)) == 0
    rows = scheduled(mship)
    assert [(r.name, r.due_on, r.status) for r in rows] == [
        ("Initial review 2026/27", date(2026, 10, 31), ReportStatus.DRAFT),
        ("January review 2026/27", date(2027, 1, 31), ReportStatus.DRAFT),
        ("Summer review 2026/27", date(2027, 6, 30), ReportStatus.DRAFT),
    ]
    # Started in December: the October review is not asked of it.
    assert [r.name for r in scheduled(late)] == ["January review 2026/27", "Summer review 2026/27"]
    # A new academic year brings its own reports.
    assert reports.schedule_reports(today=date(2027, 9, 10)) == 6


def test_ended_and_proposed_relationships_get_no_scheduled_reports(cast: Any, prog: Any) -> None:
    cf.mentorship(cast.mentee, cast.mentor, prog, starts_on=date(2026, 9, 7), status="proposed")
    cf.mentorship(
        cast.partner_mentee,
        cast.mentor,
        prog,
        starts_on=date(2026, 9, 7),
        ends_on=date(2026, 10, 1),
    )
    assert reports.schedule_reports(today=date(2026, 11, 20)) == 0


# --- writing and sending ---------------------------------------------------------------------


def test_the_mentor_writes_and_sends_to_the_tutors(cast: Any, mship: Any) -> None:
    reports.schedule_reports(today=date(2026, 11, 20))
    report = scheduled(mship)[1]  # January review: tutor and coordinator
    mentor = cast.actor("mentor")
    saved = reports.save_report(mentor, report, body="  Good progress.  ", expected_version=1)
    assert (saved.body, saved.version) == ("Good progress.", 2)
    mail.outbox.clear()
    sent = reports.send_report(mentor, fresh(report), expected_version=2)
    assert sent.status == ReportStatus.SENT and sent.sent_at is not None
    assert set(sent.recipients.all()) == {cast.tutor, cast.coordinator}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.tutor.email, cast.coordinator.email]
    )
    assert "January review 2026/27" in mail.outbox[0].subject
    assert (
        reverse("relationships:report_detail", kwargs={"uuid": report.uuid}) in mail.outbox[0].body
    )


def test_a_scheduled_report_never_goes_to_the_line_manager(cast: Any, mship: Any) -> None:
    reports.schedule_reports(today=date(2026, 11, 20))
    summer = scheduled(mship)[2]
    assert summer.figures["recipient_roles"] == ["tutor"]
    assert reports.recipients_for(summer) == [cast.tutor]


def test_sending_checks_the_version_the_body_and_the_writer(cast: Any, mship: Any) -> None:
    reports.schedule_reports(today=date(2026, 11, 20))
    report = scheduled(mship)[0]
    mentor = cast.actor("mentor")
    with pytest.raises(ValidationError) as empty:
        reports.send_report(mentor, report, expected_version=1)
    assert empty.value.message_dict == {"body": ["Write the report before you send it"]}
    reports.save_report(cast.actor("coordinator"), report, body="First words", expected_version=1)
    with pytest.raises(ValidationError) as stale:
        reports.save_report(mentor, fresh(report), body="Mine", expected_version=1)
    assert "Someone else changed this report" in stale.value.message_dict["__all__"][0]
    assert fresh(report).body == "First words"
    for who in ("mentee", "tutor", "line_manager"):
        with pytest.raises(PermissionDenied):
            reports.save_report(cast.actor(who), fresh(report), body="x", expected_version=2)
    reports.send_report(mentor, fresh(report), body="Final words", expected_version=2)
    with pytest.raises(PermissionDenied):
        reports.save_report(mentor, fresh(report), body="Changed", expected_version=3)
    assert fresh(report).body == "Final words"


def test_with_no_tutor_the_report_stays_a_draft(cast: Any, mship: Any) -> None:
    from tandem.organisations.models import Membership

    reports.schedule_reports(today=date(2026, 11, 20))
    report = scheduled(mship)[0]
    with system_access():
        Membership.objects.filter(person=cast.tutor).delete()
    with pytest.raises(ValidationError) as error:
        reports.send_report(cast.actor("mentor"), report, body="Text", expected_version=1)
    assert "has no personal tutor or course leader" in error.value.messages[0]
    assert fresh(report).status == ReportStatus.DRAFT
    assert fresh(report).body == ""


def test_adding_a_report_names_bad_input(cast: Any, mship: Any) -> None:
    mentor = cast.actor("mentor")
    with pytest.raises(ValidationError) as error:
        reports.add_report(mentor, mship, name=" ", due_on=None)
    assert error.value.message_dict == {
        "name": ["Enter the report's name"],
        "due_on": ["Enter the date the report is due"],
    }
    reports.add_report(mentor, mship, name="Cause for concern", due_on=date(2026, 12, 1))
    with pytest.raises(ValidationError) as twice:
        reports.add_report(mentor, mship, name="cause for concern", due_on=date(2026, 12, 1))
    assert "already has a report called" in twice.value.message_dict["name"][0]
    with pytest.raises(PermissionDenied):
        reports.add_report(cast.actor("tutor"), mship, name="X", due_on=date(2026, 12, 1))


# --- activity reports to line managers -------------------------------------------------------


def test_activity_reports_fortnightly_then_monthly(cast: Any, mship: Any) -> None:
    assert reports.send_line_manager_reports(today=date(2026, 9, 20)) == 0  # not finished
    assert reports.send_line_manager_reports(today=date(2026, 9, 21)) == 1
    assert reports.send_line_manager_reports(today=date(2026, 9, 21)) == 0
    assert reports.send_line_manager_reports(today=date(2026, 10, 5)) == 1
    assert reports.send_line_manager_reports(today=date(2026, 11, 4)) == 0
    assert reports.send_line_manager_reports(today=date(2026, 11, 5)) == 1
    with system_access():
        periods = list(
            Report.objects.filter(kind=ReportKind.LINE_MANAGER)
            .order_by("period_start")
            .values_list("period_start", "period_end")
        )
    assert periods == [
        (date(2026, 9, 7), date(2026, 9, 20)),
        (date(2026, 9, 21), date(2026, 10, 4)),
        (date(2026, 10, 5), date(2026, 11, 4)),
    ]
    assert reports.activity_periods(date(2026, 1, 31), date(2026, 4, 1))[2:4] == [
        (date(2026, 2, 28), date(2026, 3, 27)),
        (date(2026, 3, 28), date(2026, 4, 27)),
    ]


def activity_report(cast: Any, mship: Any) -> Report:
    held = cf.meeting(
        mship,
        cf.at(date(2026, 9, 10), 15),
        minutes=90,
        topics=SECRET_TOPICS,
        next_meeting_at=cf.at(date(2026, 9, 24), 15),
    )
    cf.private_note(held, SECRET_NOTE)
    cf.meeting(mship, date(2026, 9, 15), status="cancelled", topics=SECRET_TOPICS)
    cf.observation(mship, date(2026, 9, 17))
    mail.outbox.clear()
    assert reports.send_line_manager_reports(today=date(2026, 9, 21)) == 1
    with system_access():
        return Report.objects.get(kind=ReportKind.LINE_MANAGER)


def test_an_activity_report_shows_figures_and_never_content(
    cast: Any, mship: Any, login: Any
) -> None:
    report = activity_report(cast, mship)
    assert report.figures == {
        "meetings_held": 1,
        "observations_recorded": 1,
        "hours": 2.5,
        "next_meeting_on": "2026-09-24",
    }
    assert list(report.recipients.all()) == [cast.line_manager]
    assert [m.to for m in mail.outbox] == [[cast.line_manager.email]]
    email = mail.outbox[0].body
    assert "Meetings held: 1" in email and "24 September 2026" in email
    page = login(cast.line_manager).get(
        reverse("relationships:report_detail", kwargs={"uuid": report.uuid})
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hours of mentoring" in html and "2.5" in html
    for text in (email, html):
        assert SECRET_TOPICS not in text
        assert SECRET_NOTE not in text
    received = login(cast.line_manager).get(reverse("relationships:received_reports"))
    assert report.name in received.content.decode()


def test_no_line_manager_no_activity_report(cast: Any, prog: Any) -> None:
    cf.mentorship(cast.partner_mentee, cast.mentor, prog, starts_on=date(2026, 9, 7))
    assert reports.send_line_manager_reports(today=date(2026, 9, 21)) == 0


# --- who reads which report ------------------------------------------------------------------


@pytest.fixture
def both(cast: Any, mship: Any) -> dict[str, Report]:
    reports.schedule_reports(today=date(2026, 11, 20))
    written = scheduled(mship)[0]
    reports.send_report(cast.actor("mentor"), written, body="Secret body", expected_version=1)
    return {"scheduled": fresh(written), "line_manager": activity_report(cast, mship)}


@pytest.mark.parametrize(
    ("who", "sees_scheduled", "sees_activity", "writes"),
    [
        ("mentor", True, True, False),  # sent: nobody writes any more
        ("mentee", True, True, False),
        ("coordinator", True, True, False),
        ("tutor", True, True, False),
        ("line_manager", False, True, False),
        ("partner_coordinator", False, False, False),
        ("outsider_coordinator", False, False, False),
        ("partnership_admin", False, False, False),
        ("stranger", False, False, False),
    ],
)
def test_report_permission_matrix(
    cast: Any, both: Any, who: str, sees_scheduled: bool, sees_activity: bool, writes: bool
) -> None:
    from django.http import Http404

    actor = cast.actor(who)
    for kind, expected in (("scheduled", sees_scheduled), ("line_manager", sees_activity)):
        report = both[kind]
        if expected:
            assert cs.access_report(actor, report.uuid) == report
        else:
            with pytest.raises(Http404):
                cs.access_report(actor, report.uuid)
        assert reports.can_write(actor, report) is writes
    received = {r.kind for r in cs.received_reports(actor)}
    expected_received = {
        "tutor": {ReportKind.SCHEDULED},
        "line_manager": {ReportKind.LINE_MANAGER},
    }.get(who, set())
    assert received == expected_received


def test_a_draft_is_written_by_the_mentor_and_a_coordinator_only(cast: Any, mship: Any) -> None:
    reports.schedule_reports(today=date(2026, 11, 20))
    draft = scheduled(mship)[0]
    writers = {
        who
        for who in ("mentor", "mentee", "coordinator", "tutor", "line_manager", "stranger")
        if reports.can_write(cast.actor(who), draft)
    }
    assert writers == {"mentor", "coordinator"}


# --- pages -----------------------------------------------------------------------------------


def test_the_mentor_writes_and_sends_on_the_page(cast: Any, mship: Any, login: Any) -> None:
    reports.schedule_reports(today=date(2026, 11, 20))
    report = scheduled(mship)[0]
    url = reverse("relationships:report_detail", kwargs={"uuid": report.uuid})
    client = login(cast.mentor)
    page = client.get(url)
    assert page.status_code == 200
    assert "Tariq Hussain" in page.content.decode()  # who it will go to
    saved = client.post(url, {"body": "Draft text", "version": 1, "save": ""})
    assert saved.status_code == 302
    assert fresh(report).body == "Draft text"
    stale = client.post(url, {"body": "Other text", "version": 1, "send": ""})
    assert stale.status_code == 200
    assert "Someone else changed this report" in stale.content.decode()
    assert fresh(report).status == ReportStatus.DRAFT
    empty = client.post(url, {"body": "", "version": 2, "send": ""})
    assert "Write the report before you send it" in empty.content.decode()
    sent = client.post(url, {"body": "Final text", "version": 2, "send": ""})
    assert sent.status_code == 302
    assert fresh(report).status == ReportStatus.SENT
    assert login(cast.tutor).get(url).status_code == 200
    assert login(cast.tutor).post(url, {"body": "x", "version": 3}).status_code == 403
    assert login(cast.line_manager).get(url).status_code == 404
    assert login(cast.outsider_coordinator).get(url).status_code == 404


def test_the_reports_page_lists_and_adds(cast: Any, mship: Any, login: Any) -> None:
    reports.schedule_reports(today=date(2026, 11, 20))
    url = reverse("relationships:mentorship_reports", kwargs={"uuid": mship.uuid})
    page = login(cast.mentor).get(url)
    assert page.status_code == 200
    assert "Initial review 2026/27" in page.content.decode()
    bad = login(cast.mentor).post(url, {"name": "", "due_on_0": "31", "due_on_1": "2"})
    assert bad.status_code == 200
    assert "There is a problem" in bad.content.decode()
    good = login(cast.mentor).post(
        url, {"name": "Cause for concern", "due_on_0": "1", "due_on_1": "12", "due_on_2": "2026"}
    )
    assert good.status_code == 302
    assert login(cast.tutor).post(url, {"name": "X"}).status_code == 403
    assert login(cast.outsider_coordinator).get(url).status_code == 404
    # A line manager sees the relationship but none of its scheduled reports.
    lm = login(cast.line_manager).get(url)
    assert lm.status_code == 200
    assert "Initial review" not in lm.content.decode()


# --- API -------------------------------------------------------------------------------------


def test_api_reports(cast: Any, mship: Any, api_as: Any) -> None:
    reports.schedule_reports(today=date(2026, 11, 20))
    listing = api_as("mentor").get(f"/mentorships/{mship.uuid}/reports").json()
    assert listing["count"] == 3
    first = listing["items"][0]
    path = f"/reports/{first['uuid']}"
    assert first["recipient_roles"] == ["tutor"]
    stale = api_as("mentor").patch(path, {"body": "Text", "version": 7})
    assert stale.status_code == 422
    assert stale.json()["errors"][0]["field"] is None
    edited = api_as("mentor").patch(path, {"body": "Text", "version": 1})
    assert edited.status_code == 200 and edited.json()["version"] == 2
    assert api_as("tutor").patch(path, {"body": "x", "version": 2}).status_code == 403
    assert (
        api_as("outsider_coordinator").patch(path, {"body": "x", "version": 2}).status_code == 404
    )
    unknown = api_as("mentor").patch(path, {"body": "x", "version": 2, "colour": "red"})
    assert unknown.status_code == 422
    sent = api_as("mentor").post(f"{path}/send", {"version": 2})
    assert sent.status_code == 200
    assert sent.json()["status"] == "sent"
    assert [p["name"] for p in sent.json()["recipients"]] == ["Tariq Hussain"]
    again = api_as("mentor").post(f"{path}/send", {"version": 3})
    assert again.status_code == 403
    assert api_as("tutor").get("/reports/received").json()["count"] == 1
    assert api_as("line_manager").get(path).status_code == 404


def test_api_add_report(cast: Any, mship: Any, api_as: Any) -> None:
    path = f"/mentorships/{mship.uuid}/reports"
    created = api_as("mentor").post(path, {"name": "Cause for concern", "due_on": "2026-12-01"})
    assert created.status_code == 201
    assert created.json()["status"] == "draft"
    bad = api_as("mentor").post(path, {"name": "X", "due_on": "2026-12-01", "recipients": ["boss"]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "recipients"
    assert api_as("tutor").post(path, {"name": "Y", "due_on": "2026-12-01"}).status_code == 403


def test_the_demonstration_reports_are_made_once(cast: Any, mship: Any) -> None:
    from tandem.relationships.compliance_demo import seed_compliance

    mail.outbox.clear()
    first = seed_compliance(today=date(2026, 11, 20))
    assert (first["scheduled"], first["sent"]) == (3, 1)
    assert first["activity"] >= 1
    assert mail.outbox == []  # demonstration data sends no email
    again = seed_compliance(today=date(2026, 11, 20))
    assert (again["scheduled"], again["activity"], again["sent"]) == (0, 0, 0)
    assert [r.status for r in scheduled(mship)][0] == ReportStatus.SENT
