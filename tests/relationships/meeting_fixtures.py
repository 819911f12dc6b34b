"""Records for the meeting, time and calendar tests: an active mentorship and its meetings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.programmes.models import Programme
from tandem.relationships.demo import create_active
from tandem.relationships.models import Meeting, MeetingStatus, PrivateNote
from tests.relationships.conftest import mentor_profile

NOTE_TEXT = "Tom is thinking of leaving teaching; keep this between us"
TOPICS = "Behaviour management with the level 2 group"


def aware(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args), timezone.get_current_timezone())


def past(hours: int = 2) -> datetime:
    return (timezone.now() - timedelta(hours=hours)).replace(second=0, microsecond=0)


@pytest.fixture
def induction(cast: Any) -> Programme:
    with system_access():
        return Programme.objects.create(
            organisation=cast.riverside,
            name="New staff induction",
            purpose="induction",
            mentor_hours_per_mentee=20,
            remission_hours_per_mentee=38,
            payment_per_placement_pence=25000,
            supervision_hours_per_mentor=6,
        )


@pytest.fixture
def pair(cast: Any, induction: Programme) -> Any:
    """Mina Patel mentoring Tom Reyes at Riverside, active."""
    mentor_profile(cast.mentor, cast.riverside)
    return create_active(cast.mentee, cast.mentor, induction, cast.riverside)


def held_meeting(
    mentorship: Any, *, when: datetime | None = None, minutes: int = 60, **kw: Any
) -> Meeting:
    with system_access():
        return Meeting.objects.create(
            mentorship=mentorship,
            status=kw.pop("status", MeetingStatus.HELD),
            starts_at=when or past(),
            duration_minutes=minutes,
            mode=kw.pop("mode", "face_to_face"),
            topics=kw.pop("topics", TOPICS),
            recorded_by=mentorship.mentor,
            **kw,
        )


@pytest.fixture
def meeting(pair: Any) -> Meeting:
    return held_meeting(pair)


@pytest.fixture
def noted_meeting(meeting: Meeting, cast: Any) -> Meeting:
    with system_access():
        PrivateNote.objects.create(meeting=meeting, author=cast.mentee, text=NOTE_TEXT)
    return meeting
