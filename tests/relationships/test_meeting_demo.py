"""Demonstration meetings: realistic, and idempotent."""

from __future__ import annotations

from tandem.core.tenancy import system_access
from tandem.relationships.meetings import demo_meetings
from tandem.relationships.models import MeetingStatus
from tests.relationships.meeting_fixtures import induction, pair  # noqa: F401  (fixtures)


def test_demo_meetings_once(cast, pair):  # noqa: F811
    assert demo_meetings(pair) == 4
    assert demo_meetings(pair) == 0
    with system_access():
        statuses = sorted(pair.meetings.values_list("status", flat=True))
    assert statuses.count(MeetingStatus.HELD) == 3 and statuses.count(MeetingStatus.PLANNED) == 1
