"""Calendar (D9): .ics invitations on every save, and a private, revocable feed per person."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from tandem.core.tenancy import system_access
from tandem.relationships import calendar_feed, meetings
from tandem.relationships.models import CalendarFeed, Observation, PrivateNote
from tests.relationships.meeting_fixtures import (  # noqa: F401  (fixtures)
    NOTE_TEXT,
    TOPICS,
    held_meeting,
    induction,
    pair,
    past,
)


def events_of(ics: bytes) -> list:
    return [c for c in Calendar.from_ical(ics).walk("VEVENT")]


def attachments(message) -> list[bytes]:
    return [
        content if isinstance(content, bytes) else content.encode()
        for _, content, _ in message.attachments
    ]


def test_invitation_ics(cast, pair, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        m = meetings.log_meeting(
            cast.actor("mentor"),
            pair,
            starts_at=past(3),
            duration_minutes=75,
            mode="online",
            location="Teams",
            topics=TOPICS,
        )
    assert {e.to[0] for e in mail.outbox} == {cast.mentor.email, cast.mentee.email}
    message = mail.outbox[0]
    assert message.subject.startswith("[Tandem] Mentoring: Mina Patel and Tom Reyes")
    assert TOPICS not in message.body
    (ics,) = attachments(message)
    (event,) = events_of(ics)
    assert str(event["UID"]) == f"meeting-{m.uuid}@tandem.mentoring"
    assert str(event["SUMMARY"]) == "Mentoring: Mina Patel and Tom Reyes"
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/London"
    assert start == m.starts_at
    assert event.decoded("DURATION") == timedelta(minutes=75)
    assert str(event["LOCATION"]) == "Online, Teams"
    assert TOPICS not in ics.decode()
    assert b"VTIMEZONE" in ics and b"TZID=Europe/London" in ics

    # An edit sends a new invitation for the same event: the same UID, a later sequence.
    mail.outbox.clear()
    meetings.add_private_note(cast.actor("mentee"), m, NOTE_TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        meetings.update_meeting(cast.actor("mentee"), m, expected_version=1, duration_minutes=80)
    (event2,) = events_of(attachments(mail.outbox[0])[0])
    assert event2["UID"] == event["UID"]
    assert int(event2["SEQUENCE"]) > int(event["SEQUENCE"])
    assert NOTE_TEXT not in attachments(mail.outbox[0])[0].decode()
    assert NOTE_TEXT not in mail.outbox[0].body


def test_planned_meeting_invitation(cast, pair, django_capture_on_commit_callbacks):  # noqa: F811
    when = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        meetings.plan_meeting(cast.actor("mentee"), pair, starts_at=when, duration_minutes=30)
    assert len(mail.outbox) == 2
    assert "planned for" in mail.outbox[0].body
    (event,) = events_of(attachments(mail.outbox[0])[0])
    assert event.decoded("DTSTART") == when


@pytest.fixture
def feed_url(client, cast, pair):  # noqa: F811
    client.force_login(cast.mentee.user)
    page = client.get("/account/calendar/").content.decode()
    assert "Create a calendar address" in page
    response = client.post("/account/calendar/")
    assert "no-store" in response["Cache-Control"]
    url = re.search(r'value="(http[^"]+\.ics)"', response.content.decode())[1]
    client.logout()
    return url


def test_feed_lists_meetings_and_observations_without_content(client, cast, pair, feed_url):  # noqa: F811
    held = held_meeting(pair, topics=TOPICS)
    planned = held_meeting(
        pair, when=timezone.now() + timedelta(days=3), status="planned", topics=""
    )
    held_meeting(pair, when=timezone.now() + timedelta(days=4), status="cancelled", topics="")
    with system_access():
        PrivateNote.objects.create(meeting=held, author=cast.mentee, text=NOTE_TEXT)
        obs = Observation.objects.create(
            mentorship=pair,
            observer=cast.mentor,
            observed=cast.mentee,
            purpose="formative",
            purpose_declared_at=timezone.now(),
            scheduled_for=timezone.now() + timedelta(days=6),
            session="Level 2 plumbing, pipe bending",
        )
    token = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    with system_access():
        stored = CalendarFeed.objects.get()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash

    response = client.get(feed_url.replace("http://testserver", ""))  # not signed in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    ics = response.content
    uids = {str(e["UID"]) for e in events_of(ics)}
    assert uids == {
        f"meeting-{held.uuid}@tandem.mentoring",
        f"meeting-{planned.uuid}@tandem.mentoring",
        f"observation-{obs.uuid}@tandem.mentoring",
    }
    text = ics.decode()
    for secret in (TOPICS, NOTE_TEXT, "pipe bending"):
        assert secret not in text


def test_revoked_feed_is_404(client, cast, pair, feed_url):  # noqa: F811
    path = feed_url.replace("http://testserver", "")
    assert client.get(path).status_code == 200
    client.force_login(cast.mentee.user)
    with system_access():
        feed = CalendarFeed.objects.get()
    # Nobody else revokes it.
    client.force_login(cast.mentor.user)
    assert client.post(f"/account/calendar/{feed.uuid}/revoke/").status_code == 404
    client.force_login(cast.mentee.user)
    response = client.post(f"/account/calendar/{feed.uuid}/revoke/", follow=True)
    assert "Calendar address revoked" in response.content.decode()
    client.logout()
    assert client.get(path).status_code == 404
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_new_address_replaces_the_old(client, cast, pair, feed_url):  # noqa: F811
    client.force_login(cast.mentee.user)
    client.post("/account/calendar/")
    client.logout()
    assert client.get(feed_url.replace("http://testserver", "")).status_code == 404
    with system_access():
        assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_feed_of_a_deactivated_account_is_404(cast, pair):  # noqa: F811
    feed, raw = calendar_feed.create_feed(cast.actor("mentor"))
    assert calendar_feed.feed_for_token(raw) == feed
    with system_access():
        cast.mentor.user.is_active = False
        cast.mentor.user.save()
    assert calendar_feed.feed_for_token(raw) is None
