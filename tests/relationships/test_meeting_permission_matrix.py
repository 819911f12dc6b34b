"""Who sees and changes meetings, actions, private notes, time entries and calendar feeds.

Every cast actor × a record in their own organisation, a partner organisation and
another partnership × see / change (core/policies/content.py).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from tandem.core import policies
from tandem.core.actor import ANONYMOUS
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.programmes.models import Programme
from tandem.relationships.demo import create_active
from tandem.relationships.models import (
    Action,
    CalendarFeed,
    Meeting,
    PrivateNote,
    TimeEntry,
)
from tests import factories as f
from tests.relationships.conftest import mentor_profile, new_person
from tests.relationships.meeting_fixtures import past

ACTORS = [
    "coordinator",
    "mentor",
    "mentee",
    "tutor",
    "line_manager",
    "trainer",
    "partner_coordinator",
    "partner_mentee",
    "outsider_coordinator",
    "partnership_admin",
    "stranger",
    "superuser",
    "anonymous",
]
WHERE = ["own", "partner", "other"]
STAFF = {"own": "coordinator", "partner": "partner_coordinator", "other": "outsider_coordinator"}

CONTENT_SEE = {
    "own": {"coordinator", "mentor", "mentee", "tutor", "superuser"},
    "partner": {"partner_coordinator", "partner_mentee", "superuser"},
    "other": {"outsider_coordinator", "superuser"},
}
CONTENT_CHANGE = {
    "own": {"coordinator", "mentor", "mentee", "superuser"},
    "partner": {"partner_coordinator", "partner_mentee", "superuser"},
    "other": {"outsider_coordinator", "superuser"},
}
EXPECTED = {
    "meeting": (CONTENT_SEE, CONTENT_CHANGE),
    "action": (CONTENT_SEE, CONTENT_CHANGE),
    # The pair only; the author changes their own. Not even superusers.
    "privatenote": (
        {"own": {"mentor", "mentee"}, "partner": {"partner_mentee"}, "other": set()},
        {"own": {"mentee"}, "partner": {"partner_mentee"}, "other": set()},
    ),
    # Time is activity: line managers of the mentee see it; the person or a coordinator changes.
    "timeentry": (
        {
            "own": CONTENT_SEE["own"] | {"line_manager"},
            "partner": CONTENT_SEE["partner"],
            "other": CONTENT_SEE["other"],
        },
        {
            "own": {"mentor", "coordinator", "superuser"},
            "partner": {"partner_coordinator", "superuser"},
            "other": {"outsider_coordinator", "superuser"},
        },
    ),
    # A person's own feed (a hash and dates): theirs; platform administrators see the row.
    "calendarfeed": (
        {
            "own": {"mentor", "superuser"},
            "partner": {"partner_coordinator", "superuser"},
            "other": {"outsider_coordinator", "superuser"},
        },
        # Platform administrators may revoke any feed (they cannot read its token: only a hash).
        {
            "own": {"mentor", "superuser"},
            "partner": {"partner_coordinator", "superuser"},
            "other": {"outsider_coordinator", "superuser"},
        },
    ),
}


@pytest.fixture
def records(cast):
    with system_access():
        root = f.person_with_account("root@tandem.example", "Ada", "Root")
        root.user.is_superuser = True
        root.user.save()
    cast.people["superuser"] = root
    made = {}
    for key, org, mentee in (
        ("own", cast.riverside, cast.mentee),
        ("partner", cast.northgate, cast.partner_mentee),
        ("other", cast.eastfield, cast.outsider_mentee),
    ):
        with system_access():
            programme = Programme.objects.create(
                organisation=org, name=f"{org.name} induction", purpose="induction"
            )
        mentor = cast.mentor if key == "own" else new_person(org, Role.MENTOR, "Mo", key.title())
        mentor_profile(mentor, org)
        mentorship = create_active(mentee, mentor, programme, org)
        with system_access():
            meeting = Meeting.objects.create(
                mentorship=mentorship,
                starts_at=past(),
                duration_minutes=60,
                mode="online",
                topics="Workload",
            )
            made[("meeting", key)] = meeting
            made[("action", key)] = Action.objects.create(
                meeting=meeting, description="Read", owner=mentee, due_on=timezone.localdate()
            )
            made[("privatenote", key)] = PrivateNote.objects.create(
                meeting=meeting, author=mentee, text="Between us"
            )
            made[("timeentry", key)] = TimeEntry.objects.create(
                mentorship=mentorship,
                person=mentor,
                kind="preparation",
                on=timezone.localdate(),
                minutes=30,
            )
            made[("calendarfeed", key)] = CalendarFeed.objects.create(
                person=getattr(cast, "mentor" if key == "own" else STAFF[key]),
                token_hash=f"{key:0<64}"[:64],
            )
    return made


def actor_of(cast, name):
    return ANONYMOUS if name == "anonymous" else cast.actor(name)


@pytest.mark.parametrize("record", list(EXPECTED))
def test_matrix(cast, records, record):
    see, change = EXPECTED[record]
    problems = []
    for name in ACTORS:
        actor = actor_of(cast, name)
        for where in WHERE:
            obj = records[(record, where)]
            if policies.can_see(actor, obj) != (name in see[where]):
                problems.append(f"{name} see {record}/{where}: expected {name in see[where]}")
            if policies.can_change(actor, obj) != (name in change[where]):
                problems.append(f"{name} change {record}/{where}: expected {name in change[where]}")
    assert not problems, "\n".join(problems)


def test_private_notes_listed_to_the_pair_only(cast, records):
    for name in ACTORS:
        visible = set(
            PrivateNote.objects.visible_to(actor_of(cast, name)).values_list("pk", flat=True)
        )
        expected = {
            records[("privatenote", where)].pk
            for where in WHERE
            if name in EXPECTED["privatenote"][0][where]
        }
        assert visible == expected, name
