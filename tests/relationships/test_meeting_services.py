"""The meeting log's services: bad input named by field, confirmation, stale edits, notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tandem.relationships import meetings
from tandem.relationships.models import Action, Meeting, MeetingStatus, PrivateNote
from tests.relationships.meeting_fixtures import (  # noqa: F401  (fixtures)
    NOTE_TEXT,
    induction,
    meeting,
    pair,
    past,
)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def log(cast, pair, who="mentor", **overrides):  # noqa: F811
    values = {
        "starts_at": past(),
        "duration_minutes": 60,
        "mode": "face_to_face",
        "topics": "Planning the first observation",
    } | overrides
    return meetings.log_meeting(cast.actor(who), pair, **values)


def test_log_held_meeting_confirms_for_the_logger(cast, pair, django_capture_on_commit_callbacks):  # noqa: F811
    due = timezone.localdate() + timedelta(days=7)
    nxt = timezone.now() + timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        m = log(
            cast,
            pair,
            actions=[{"description": "Draft a seating plan", "owner": "mentee", "due_on": due}],
            next_meeting_at=nxt,
        )
    assert m.status == MeetingStatus.HELD
    assert m.mentor_confirmed_at is not None and m.mentee_confirmed_at is None
    assert not m.is_confirmed
    with system_access():
        action = Action.objects.get(meeting=m)
        planned = Meeting.objects.get(mentorship=pair, status=MeetingStatus.PLANNED)
        assert AuditEvent.objects.filter(code="relationships.meeting.recorded").count() == 1
    assert action.owner == cast.mentee and action.due_on == due
    assert planned.starts_at == nxt.replace(microsecond=nxt.microsecond)
    # One email to each of the pair, each with an .ics per meeting saved.
    assert sorted(e.to[0] for e in mail.outbox) == sorted([cast.mentor.email, cast.mentee.email])
    assert len(mail.outbox[0].attachments) == 2


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        (
            {"starts_at": timezone.now() + timedelta(hours=3)},
            "starts_at",
            meetings.FUTURE_HELD,
        ),
        ({"duration_minutes": 0}, "duration_minutes", meetings.DURATION),
        ({"duration_minutes": -30}, "duration_minutes", meetings.DURATION),
        ({"duration_minutes": 20 * 60}, "duration_minutes", meetings.DURATION),
        ({"duration_minutes": 601}, "duration_minutes", meetings.DURATION),
        (
            {"mode": "carrier_pigeon"},
            "mode",
            "Choose how you met: face to face, online, phone or email",
        ),
    ],
)
def test_bad_meeting_input_is_named_and_nothing_stored(cast, pair, overrides, field, message):  # noqa: F811
    with pytest.raises(ValidationError) as exc:
        log(cast, pair, **overrides)
    assert errors_of(exc)[field] == [message]
    with system_access():
        assert not Meeting.objects.exists()


def test_ten_hours_is_allowed(cast, pair):  # noqa: F811
    assert log(cast, pair, starts_at=past(11), duration_minutes=600).duration_minutes == 600


def test_action_without_owner_or_due_date(cast, pair):  # noqa: F811
    with pytest.raises(ValidationError) as exc:
        log(
            cast,
            pair,
            actions=[
                {"description": "Read the behaviour policy", "owner": None, "due_on": None},
                {"description": "", "owner": "mentor", "due_on": timezone.localdate()},
            ],
        )
    errors = errors_of(exc)
    assert errors["actions.0.owner"] == ["Choose who owns this action: the mentor or the mentee"]
    assert errors["actions.0.due_on"] == ["Enter the date this action is due"]
    assert errors["actions.1.description"] == ["Describe the action"]
    with system_access():
        assert not Meeting.objects.exists() and not Action.objects.exists()


def test_next_meeting_before_this_one(cast, pair):  # noqa: F811
    start = past(5)
    with pytest.raises(ValidationError) as exc:
        log(cast, pair, starts_at=start, next_meeting_at=start - timedelta(days=1))
    assert errors_of(exc)["next_meeting_at"] == [meetings.NEXT_BEFORE]


def test_plan_a_meeting_in_the_past_is_refused_and_topics_wait(cast, pair):  # noqa: F811
    with pytest.raises(ValidationError) as exc:
        meetings.plan_meeting(cast.actor("mentee"), pair, starts_at=past(), duration_minutes=30)
    assert errors_of(exc)["starts_at"] == [meetings.PAST_PLANNED]
    planned = meetings.plan_meeting(
        cast.actor("mentee"),
        pair,
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=30,
    )
    assert planned.status == MeetingStatus.PLANNED
    assert planned.mentor_confirmed_at is None and planned.mentee_confirmed_at is None


def test_the_other_party_confirms(cast, pair):  # noqa: F811
    m = log(cast, pair, who="mentor")
    assert meetings.can_confirm(cast.actor("mentee"), m)
    assert not meetings.can_confirm(cast.actor("mentor"), m)
    assert not meetings.can_confirm(cast.actor("coordinator"), m)
    with pytest.raises(PermissionDenied):
        meetings.confirm_meeting(cast.actor("coordinator"), m)
    meetings.confirm_meeting(cast.actor("mentee"), m)
    m.refresh_from_db()
    assert m.is_confirmed
    with system_access():
        assert AuditEvent.objects.filter(code="relationships.meeting.confirmed").count() == 1


def test_edit_asks_the_other_party_again_and_stale_edit_is_refused(cast, pair):  # noqa: F811
    m = log(cast, pair, who="mentor")
    meetings.confirm_meeting(cast.actor("mentee"), m)
    m.refresh_from_db()
    version = m.version
    meetings.update_meeting(cast.actor("mentee"), m, expected_version=version, duration_minutes=45)
    m.refresh_from_db()
    assert m.duration_minutes == 45 and m.version == version + 1
    assert m.mentee_confirmed_at is not None and m.mentor_confirmed_at is None
    # The mentor still has the old version open: refused, nothing overwritten.
    with pytest.raises(ValidationError) as exc:
        meetings.update_meeting(
            cast.actor("mentor"), m, expected_version=version, duration_minutes=90
        )
    assert errors_of(exc)["__all__"] == [meetings.STALE]
    m.refresh_from_db()
    assert m.duration_minutes == 45


def test_planned_meeting_becomes_held(cast, pair):  # noqa: F811
    planned = meetings.plan_meeting(
        cast.actor("mentor"),
        pair,
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=60,
    )
    with pytest.raises(ValidationError) as exc:  # it has not happened yet
        meetings.update_meeting(
            cast.actor("mentor"), planned, expected_version=planned.version, status="held"
        )
    assert errors_of(exc)["starts_at"] == [meetings.FUTURE_HELD]
    meetings.update_meeting(
        cast.actor("mentor"),
        planned,
        expected_version=planned.version,
        status="held",
        starts_at=past(),
        topics="Lesson planning",
        actions=[
            {"description": "Share a plan", "owner": "mentor", "due_on": timezone.localdate()}
        ],
    )
    planned.refresh_from_db()
    assert planned.status == MeetingStatus.HELD and planned.mentor_confirmed_at is not None
    assert planned.actions.count() == 1


def test_outsiders_cannot_log(cast, pair):  # noqa: F811
    for name in ("tutor", "line_manager", "partner_coordinator", "stranger", "partnership_admin"):
        assert not meetings.can_log(cast.actor(name), pair)
        with pytest.raises(PermissionDenied):
            log(cast, pair, who=name)
    assert meetings.can_log(cast.actor("coordinator"), pair)


def test_private_notes_by_the_pair_only_and_not_audited(cast, meeting):  # noqa: F811
    note = meetings.add_private_note(cast.actor("mentee"), meeting, NOTE_TEXT)
    assert note.author == cast.mentee
    for name in ("coordinator", "tutor", "line_manager"):
        with pytest.raises(PermissionDenied):
            meetings.add_private_note(cast.actor(name), meeting, "x")
    with pytest.raises(ValidationError) as exc:
        meetings.add_private_note(cast.actor("mentor"), meeting, "   ")
    assert errors_of(exc)["text"] == ["Write the note"]
    with system_access():
        assert PrivateNote.objects.count() == 1
        event = AuditEvent.objects.get(code="relationships.privatenote.added")
    assert NOTE_TEXT not in str(event.changes) and NOTE_TEXT not in event.object_label


def test_action_done(cast, pair):  # noqa: F811
    m = log(
        cast,
        pair,
        actions=[
            {
                "description": "Observe a colleague",
                "owner": "mentee",
                "due_on": timezone.localdate(),
            }
        ],
    )
    action = m.actions.get()
    meetings.set_action_done(cast.actor("mentee"), action)
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    with pytest.raises(PermissionDenied):
        meetings.set_action_done(cast.actor("line_manager"), action)


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("90", 90),
        ("1h 30m", 90),
        ("1:30", 90),
        ("2 hours", 120),
        ("45 min", 45),
        ("1h", 60),
        ("-30", -30),
        ("soon", None),
        ("", None),
    ],
)
def test_minutes_from_text(text, minutes):
    assert meetings.minutes_from_text(text) == minutes


def test_editing_an_old_meeting_keeps_its_past_next_meeting(cast, pair):  # noqa: F811
    with system_access():
        m = Meeting.objects.create(
            mentorship=pair,
            starts_at=past(24 * 30),
            duration_minutes=60,
            mode="online",
            next_meeting_at=past(24 * 20),
        )
    meetings.update_meeting(
        cast.actor("mentor"),
        m,
        expected_version=1,
        duration_minutes=50,
        next_meeting_at=m.next_meeting_at,
    )
    m.refresh_from_db()
    assert m.duration_minutes == 50
