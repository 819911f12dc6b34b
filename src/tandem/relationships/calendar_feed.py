"""Calendar (D9): meetings and observations as iCalendar events.

Invitations: each save of a meeting emails the pair an .ics attachment. Feeds:
a person creates a private feed address (a secret token; only its sha256 is
kept) that calendar apps poll without signing in; revoking it makes it 404.

Events never carry what was discussed: no topics, actions or notes — only
who, when, how long, how and where.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from icalendar import Calendar, Event

from tandem.core import audit
from tandem.core.tenancy import system_access
from tandem.relationships.models import (
    CalendarFeed,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Observation,
    ObservationStatus,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor

LONDON = ZoneInfo("Europe/London")
PRODID = "-//Tandem//Mentoring//EN"
UID_DOMAIN = "tandem.mentoring"
# How far back a feed reaches: calendar apps need the recent past, not every year.
FEED_PAST = timedelta(days=400)


# --- events ----------------------------------------------------------------------------


def meeting_summary(meeting: Meeting) -> str:
    m = meeting.mentorship
    return f"Mentoring: {m.mentor} and {m.mentee}"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def meeting_event(meeting: Meeting, *, stamp: datetime | None = None) -> Event:
    """A VEVENT for a meeting: stable UID, London time, duration; no topics or notes."""
    event = Event()
    event.add("uid", f"meeting-{meeting.uuid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(LONDON))
    event.add("duration", timedelta(minutes=meeting.duration_minutes))
    event.add("summary", meeting_summary(meeting))
    mode = MeetingMode(meeting.mode).label if meeting.mode in MeetingMode.values else ""
    where = ", ".join(p for p in (mode, meeting.location) if p)
    if where:
        event.add("location", where)
    url = _absolute(meeting.get_absolute_url())
    event.add("description", f"{mode} mentoring meeting. The record: {url}".strip())
    event.add("url", url)
    event.add("sequence", meeting.version)
    event.add(
        "status",
        {
            MeetingStatus.PLANNED: "CONFIRMED",
            MeetingStatus.HELD: "CONFIRMED",
            MeetingStatus.CANCELLED: "CANCELLED",
        }[MeetingStatus(meeting.status)],
    )
    return event


def observation_event(observation: Observation, *, stamp: datetime | None = None) -> Event:
    event = Event()
    event.add("uid", f"observation-{observation.uuid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", observation.scheduled_for.astimezone(LONDON))
    event.add("duration", timedelta(minutes=observation.duration_minutes or 60))
    event.add("summary", f"Observation: {observation.observer} observes {observation.observed}")
    try:
        url = _absolute(observation.get_absolute_url())
    except Exception:  # the observation pages belong to another part; the feed still works
        url = ""
    purpose = observation.get_purpose_display()
    event.add("description", f"{purpose} observation." + (f" The record: {url}" if url else ""))
    if url:
        event.add("url", url)
    event.add("sequence", observation.version)
    event.add(
        "status", "CANCELLED" if observation.status == ObservationStatus.CANCELLED else "CONFIRMED"
    )
    return event


def calendar_of(events: list[Event], *, name: str = "", method: str = "PUBLISH") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/London")
    for event in events:
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal


def meeting_ics(meeting: Meeting) -> bytes:
    return calendar_of([meeting_event(meeting)]).to_ical()


# --- invitations -----------------------------------------------------------------------


def send_invitations(meeting_ids: list[int]) -> int:
    """Email the pair one message with an .ics for each saved meeting. Returns emails sent."""
    with system_access():
        meetings = list(
            Meeting.objects.filter(pk__in=meeting_ids)
            .select_related("mentorship__mentor", "mentorship__mentee")
            .order_by("starts_at")
        )
    if not meetings:
        return 0
    first = meetings[0]
    people = [first.mentorship.mentor, first.mentorship.mentee]
    sent = 0
    for person in people:
        if not person.email:
            continue
        text = render_to_string(
            "relationships/email/meeting_invitation.txt",
            {
                "meetings": meetings,
                "recipient": person,
                "site_url": settings.SITE_URL,
                "summary": meeting_summary(first),
            },
        )
        subject, _, body = text.strip().partition("\n")
        message = EmailMessage(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject.strip(),
            body.strip() + "\n",
            settings.DEFAULT_FROM_EMAIL,
            [person.email],
        )
        for i, meeting in enumerate(meetings):
            filename = "meeting.ics" if i == 0 else f"meeting-{i + 1}.ics"
            message.attach(filename, meeting_ics(meeting), "text/calendar; method=PUBLISH")
        message.send()
        sent += 1
    return sent


# --- private feeds ---------------------------------------------------------------------


def hash_feed_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_feed(actor: Actor) -> tuple[CalendarFeed, str]:
    """A new feed address for the actor; their earlier one stops working. Returns the raw token."""
    if actor.person is None:
        raise PermissionDenied("Only people recorded in Tandem have a calendar")
    now = timezone.now()
    for old in CalendarFeed.objects.visible_to(actor).filter(revoked_at__isnull=True):
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
        audit.record(actor, "relationships.calendarfeed.revoked", old)
    raw = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(person=actor.person, token_hash=hash_feed_token(raw))
    audit.record(actor, "relationships.calendarfeed.created", feed)
    return feed, raw


@transaction.atomic
def revoke_feed(actor: Actor, feed: CalendarFeed) -> None:
    from tandem.core import policies

    if not policies.can_change(actor, feed):
        raise PermissionDenied("Only the feed's owner revokes it")
    if feed.revoked_at is not None:
        return
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit.record(actor, "relationships.calendarfeed.revoked", feed)


def feed_for_token(raw: str) -> CalendarFeed | None:
    """The active feed behind a raw token, or None (unknown, revoked, or its owner left)."""
    if not raw or len(raw) > 200:
        return None
    with system_access():
        feed = (
            CalendarFeed.objects.select_related("person__user")
            .filter(token_hash=hash_feed_token(raw), revoked_at__isnull=True)
            .first()
        )
    if feed is None or feed.person.user is None or not feed.person.user.is_active:
        return None
    return feed


def feed_calendar(feed: CalendarFeed, *, now: datetime | None = None) -> bytes:
    """The person's planned and held meetings and their observations, as one calendar."""
    from tandem.core.actor import build_actor

    now = now or timezone.now()
    actor = build_actor(feed.person.user)
    me = feed.person.pk
    since = now - FEED_PAST
    meetings = (
        Meeting.objects.visible_to(actor)
        .filter(Q(mentorship__mentor_id=me) | Q(mentorship__mentee_id=me))
        .filter(status__in=(MeetingStatus.PLANNED, MeetingStatus.HELD), starts_at__gte=since)
        .select_related("mentorship__mentor", "mentorship__mentee")
        .order_by("starts_at")
    )
    observations = (
        Observation.objects.visible_to(actor)
        .filter(Q(observer_id=me) | Q(observed_id=me) | Q(joint_observer_id=me))
        .filter(
            status__in=(ObservationStatus.PLANNED, ObservationStatus.RECORDED),
            scheduled_for__gte=since,
        )
        .select_related("observer", "observed")
        .order_by("scheduled_for")
    )
    events: list[Any] = [meeting_event(m, stamp=now) for m in meetings]
    events += [observation_event(o, stamp=now) for o in observations]
    return calendar_of(events, name="Tandem mentoring").to_ical()
