"""The meeting pages: log, plan, see, change, confirm; field messages; 404/403 for others."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.relationships import meetings
from tandem.relationships.models import Action, Meeting, MeetingStatus
from tests.relationships.meeting_fixtures import (  # noqa: F401  (fixtures)
    TOPICS,
    induction,
    meeting,
    pair,
    past,
)


def form_data(when=None, **overrides):
    when = timezone.localtime(when or past(3))
    data = {
        "date": when.strftime("%Y-%m-%d"),
        "start_time": when.strftime("%H:%M"),
        "duration": "1h 15m",
        "mode": "online",
        "location": "",
        "topics": "Assessment feedback",
        "next_date": "",
        "next_time": "",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "20",
        "actions-0-description": "Mark two scripts together",
        "actions-0-owner": "mentee",
        "actions-0-due_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
    }
    return data | overrides


def test_log_form_has_defaults(client, cast, pair):  # noqa: F811
    client.force_login(cast.mentor.user)
    page = client.get(f"/mentorships/{pair.uuid}/meetings/new/").content.decode()
    assert '<h1 class="govuk-heading-l">Log a meeting</h1>' in page
    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert 'value="60"' in page
    assert 'value="face_to_face"' in page and "checked" in page
    assert "Tom Reyes (mentee)" in page


def test_log_a_meeting(client, cast, pair):  # noqa: F811
    client.force_login(cast.mentor.user)
    response = client.post(f"/mentorships/{pair.uuid}/meetings/new/", form_data(), follow=True)
    page = response.content.decode()
    assert "Meeting logged. Tom Reyes is asked to confirm it." in page
    with system_access():
        m = Meeting.objects.get()
        action = Action.objects.get()
    assert m.duration_minutes == 75 and m.mode == "online" and m.recorded_by == cast.mentor
    assert action.owner == cast.mentee
    assert "Waiting for Tom Reyes to confirm" in page


def test_bad_input_gets_field_messages(client, cast, pair):  # noqa: F811
    client.force_login(cast.mentor.user)
    url = f"/mentorships/{pair.uuid}/meetings/new/"
    future = timezone.now() + timedelta(days=1)
    page = client.post(url, form_data(when=future)).content.decode()
    assert "Error: Log a meeting" in page
    assert "A meeting in the future can&#x27;t be logged as held — plan it instead" in page
    page = client.post(url, form_data(duration="11h")).content.decode()
    assert "Duration: Duration must be between 1 minute and 10 hours" in page
    page = client.post(url, form_data(duration="0")).content.decode()
    assert "Duration must be between 1 minute and 10 hours" in page
    page = client.post(url, form_data(duration="a while")).content.decode()
    assert "Enter the duration in minutes, like 45" in page
    page = client.post(
        url, form_data(**{"actions-0-owner": "", "actions-0-due_on": ""})
    ).content.decode()
    assert "Action 1, who will do it: Choose who owns this action" in page
    assert 'href="#id_actions-0-owner_1"' in page
    assert "Action 1, due by: Enter the date this action is due" in page
    when = past(3)
    before = timezone.localtime(when - timedelta(days=2))
    page = client.post(
        url,
        form_data(
            when=when, next_date=before.strftime("%Y-%m-%d"), next_time=before.strftime("%H:%M")
        ),
    ).content.decode()
    assert "The next meeting must be after this one" in page
    with system_access():
        assert not Meeting.objects.exists()


def test_add_another_action_row_without_saving(client, cast, pair):  # noqa: F811
    client.force_login(cast.mentee.user)
    data = form_data(add_action="1")
    page = client.post(f"/mentorships/{pair.uuid}/meetings/new/", data).content.decode()
    assert "Action 2" in page and "There is a problem" not in page
    with system_access():
        assert not Meeting.objects.exists()


def test_plan_a_meeting(client, cast, pair):  # noqa: F811
    client.force_login(cast.mentee.user)
    when = timezone.localtime(timezone.now() + timedelta(days=3))
    response = client.post(
        f"/mentorships/{pair.uuid}/meetings/plan/",
        {
            "date": when.strftime("%Y-%m-%d"),
            "start_time": "10:00",
            "duration": "45",
            "mode": "face_to_face",
            "location": "Library",
        },
        follow=True,
    )
    assert "Meeting planned for" in response.content.decode()
    with system_access():
        assert Meeting.objects.get().status == MeetingStatus.PLANNED


def test_confirm_button_for_the_other_party(client, cast, pair):  # noqa: F811
    m = meetings.log_meeting(
        cast.actor("mentor"), pair, starts_at=past(), duration_minutes=60, topics=TOPICS
    )
    client.force_login(cast.mentor.user)
    assert "Confirm this record" not in client.get(f"/meetings/{m.uuid}/").content.decode()
    client.force_login(cast.mentee.user)
    assert "Confirm this record" in client.get(f"/meetings/{m.uuid}/").content.decode()
    response = client.post(f"/meetings/{m.uuid}/confirm/", follow=True)
    assert "you have confirmed this record" in response.content.decode()
    m.refresh_from_db()
    assert m.is_confirmed
    client.force_login(cast.coordinator.user)
    assert client.post(f"/meetings/{m.uuid}/confirm/").status_code == 403


def test_stale_edit_is_told(client, cast, meeting):  # noqa: F811
    client.force_login(cast.mentee.user)
    url = f"/meetings/{meeting.uuid}/edit/"
    page = client.get(url).content.decode()
    assert 'name="version" value="1"' in page
    with system_access():
        Meeting.objects.filter(pk=meeting.pk).update(version=2, duration_minutes=30)
    data = form_data(when=meeting.starts_at, status="held", version="1")
    data |= {"actions-0-description": "", "actions-0-owner": "", "actions-0-due_on": ""}
    page = client.post(url, data).content.decode()
    assert "Someone else changed this meeting since you opened it" in page
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 30


def test_who_reaches_the_pages(client, cast, meeting, pair):  # noqa: F811
    detail = f"/meetings/{meeting.uuid}/"
    log = f"/mentorships/{pair.uuid}/meetings/new/"
    expected = {
        "mentor": (200, 200),
        "mentee": (200, 200),
        "coordinator": (200, 200),
        "tutor": (200, 403),
        "line_manager": (404, 404),
        "partner_coordinator": (404, 404),
        "outsider_coordinator": (404, 404),
        "stranger": (404, 404),
    }
    for name, (see, write) in expected.items():
        client.force_login(cast.people[name].user)
        assert client.get(detail).status_code == see, name
        assert client.get(log).status_code == write, name
    client.force_login(cast.tutor.user)
    assert TOPICS in client.get(detail).content.decode()
    assert client.get(f"/meetings/{meeting.uuid}/edit/").status_code == 403


def test_edit_removes_an_action(client, cast, pair):  # noqa: F811
    m = meetings.log_meeting(
        cast.actor("mentor"),
        pair,
        starts_at=past(),
        duration_minutes=60,
        topics=TOPICS,
        actions=[{"description": "Old action", "owner": "mentor", "due_on": timezone.localdate()}],
    )
    client.force_login(cast.mentor.user)
    url = f"/meetings/{m.uuid}/edit/"
    page = client.get(url).content.decode()
    assert "Remove this action" in page and 'value="Old action"' in page
    action = m.actions.get()
    data = form_data(when=m.starts_at, status="held", version=str(m.version), topics=TOPICS)
    data |= {
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "1",
        "actions-0-uuid": str(action.uuid),
        "actions-0-description": "Old action",
        "actions-0-owner": "mentor",
        "actions-0-due_on": timezone.localdate().isoformat(),
        "actions-0-DELETE": "on",
        "actions-1-description": "New action",
        "actions-1-owner": "mentee",
        "actions-1-due_on": timezone.localdate().isoformat(),
    }
    response = client.post(url, data, follow=True)
    assert "Meeting saved." in response.content.decode()
    assert [a.description for a in m.actions.all()] == ["New action"]
