"""The meeting log (D3): log a meeting that was held, plan one, edit, confirm, private notes.

The person who logs a held meeting confirms it by logging it; the other half of
the pair confirms it afterwards. Editing a held meeting asks the other party to
confirm again. Scheduling the next meeting creates a planned meeting. Every
save sends the pair a calendar invitation (D9) once the transaction commits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.core import audit, policies
from tandem.relationships.models import (
    Action,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    PrivateNote,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor

MAX_MINUTES = 600
FUTURE_HELD = "A meeting in the future can't be logged as held — plan it instead"
PAST_PLANNED = "A meeting in the past can't be planned — log it as held instead"
DURATION = "Duration must be between 1 minute and 10 hours"
NEXT_BEFORE = "The next meeting must be after this one"
STALE = (
    "Someone else changed this meeting since you opened it; your changes were not saved. "
    "Reload to see theirs."
)
OWNERS = ("mentor", "mentee")
# Fields of a meeting a person edits; the audit log names them, never the topics' text.
FIELDS = (
    "status",
    "starts_at",
    "duration_minutes",
    "mode",
    "location",
    "topics",
    "next_meeting_at",
)


# --- who may do what -------------------------------------------------------------------


def is_pair(actor: Actor, mentorship: Mentorship) -> bool:
    return actor.person_id is not None and actor.person_id in (
        mentorship.mentor_id,
        mentorship.mentee_id,
    )


def can_log(actor: Actor, mentorship: Mentorship) -> bool:
    """The pair and the mentee's coordinators, while the mentorship is active."""
    if mentorship.status != MentorshipStatus.ACTIVE:
        return False
    return policies.can_change(actor, Meeting(mentorship=mentorship))


def can_confirm(actor: Actor, meeting: Meeting) -> bool:
    """The half of the pair that has not yet confirmed a held meeting."""
    if meeting.status != MeetingStatus.HELD or not is_pair(actor, meeting.mentorship):
        return False
    if actor.person_id == meeting.mentorship.mentor_id:
        return meeting.mentor_confirmed_at is None
    return meeting.mentee_confirmed_at is None


def can_add_note(actor: Actor, meeting: Meeting) -> bool:
    return is_pair(actor, meeting.mentorship)


# --- checks ----------------------------------------------------------------------------


def _owner(mentorship: Mentorship, owner: Any) -> Any:
    """The person owning an action: "mentor" or "mentee" (or the person themself)."""
    if owner in ("mentor", mentorship.mentor_id, mentorship.mentor):
        return mentorship.mentor
    if owner in ("mentee", mentorship.mentee_id, mentorship.mentee):
        return mentorship.mentee
    return None


def _check(
    mentorship: Mentorship,
    *,
    status: str,
    starts_at: datetime | None,
    duration_minutes: Any,
    mode: str,
    location: str,
    next_meeting_at: datetime | None,
    actions: list[dict[str, Any]] | None,
    now: datetime,
    was_planned_at: datetime | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if status not in MeetingStatus.values:
        errors["status"] = "Choose whether the meeting was held, is planned or was cancelled"
    if starts_at is None:
        errors["starts_at"] = "Enter the date and start time of the meeting"
    elif status == MeetingStatus.HELD and starts_at > now:
        errors["starts_at"] = FUTURE_HELD
    elif status == MeetingStatus.PLANNED and starts_at < now and starts_at != was_planned_at:
        errors["starts_at"] = PAST_PLANNED
    if (
        duration_minutes is None
        or isinstance(duration_minutes, bool)
        or not isinstance(duration_minutes, int)
        or not 1 <= duration_minutes <= MAX_MINUTES
    ):
        errors["duration_minutes"] = DURATION
    if mode not in MeetingMode.values:
        errors["mode"] = "Choose how you met: face to face, online, phone or email"
    if len(location or "") > 200:
        errors["location"] = "Location must be 200 characters or fewer"
    if next_meeting_at is not None:
        if starts_at is not None and next_meeting_at <= starts_at:
            errors["next_meeting_at"] = NEXT_BEFORE
        elif status == MeetingStatus.CANCELLED:
            pass
        elif next_meeting_at < now:
            errors["next_meeting_at"] = "The next meeting must be in the future"
    for i, action in enumerate(actions or []):
        prefix = f"actions.{i}."
        description = (action.get("description") or "").strip()
        if not description:
            errors[prefix + "description"] = "Describe the action"
        elif len(description) > 500:
            errors[prefix + "description"] = "Describe the action in 500 characters or fewer"
        if _owner(mentorship, action.get("owner")) is None:
            errors[prefix + "owner"] = "Choose who owns this action: the mentor or the mentee"
        due_on = action.get("due_on")
        if not isinstance(due_on, date):
            errors[prefix + "due_on"] = "Enter the date this action is due"
        elif starts_at is not None and due_on < timezone.localdate(starts_at):
            errors[prefix + "due_on"] = "An action can't be due before the meeting it came from"
    return errors


def _aware(value: Any) -> Any:
    """A date-time without a zone is London time (as a person in England means it)."""
    if isinstance(value, datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_current_timezone())
    return value


def _stamp_confirmation(actor: Actor, meeting: Meeting, now: datetime) -> None:
    """The person saving a held meeting confirms it; the other party confirms afterwards."""
    meeting.mentor_confirmed_at = None
    meeting.mentee_confirmed_at = None
    if meeting.status != MeetingStatus.HELD:
        return
    if actor.person_id == meeting.mentorship.mentor_id:
        meeting.mentor_confirmed_at = now
    elif actor.person_id == meeting.mentorship.mentee_id:
        meeting.mentee_confirmed_at = now


def _save_actions(meeting: Meeting, actions: list[dict[str, Any]]) -> None:
    """Replace the meeting's actions: rows with a uuid keep their record (and done date)."""
    existing = {str(a.uuid): a for a in meeting.actions.all()}
    kept: set[str] = set()
    for row in actions:
        key = str(row.get("uuid") or "")
        action = existing.get(key) or Action(meeting=meeting)
        action.description = row["description"].strip()
        action.owner = _owner(meeting.mentorship, row["owner"])
        action.due_on = row["due_on"]
        action.save()
        kept.add(str(action.uuid))
    for key, action in existing.items():
        if key not in kept:
            action.delete()


def _plan_next(actor: Actor, meeting: Meeting, previous_next: datetime | None) -> Meeting | None:
    """The planned meeting that "next meeting" points at: created, or moved with it."""
    if meeting.next_meeting_at is None or meeting.next_meeting_at == previous_next:
        return None
    planned = None
    if previous_next is not None:
        planned = meeting.mentorship.meetings.filter(
            status=MeetingStatus.PLANNED, starts_at=previous_next
        ).first()
    if planned is None:
        planned = Meeting(
            mentorship=meeting.mentorship,
            status=MeetingStatus.PLANNED,
            duration_minutes=meeting.duration_minutes,
            mode=meeting.mode,
            location=meeting.location,
            recorded_by=actor.person,
        )
    else:
        planned.version += 1
    planned.starts_at = meeting.next_meeting_at
    planned.save()
    audit.record(
        actor,
        "relationships.meeting.planned",
        planned,
        organisation=meeting.mentorship.organisation,
        changes={"starts_at": planned.starts_at, "from_meeting": str(meeting.uuid)},
    )
    return planned


def _invite_after_commit(meetings: list[Meeting]) -> None:
    from tandem.relationships.calendar_feed import send_invitations

    ids = [m.pk for m in meetings if m is not None]
    transaction.on_commit(lambda: send_invitations(ids), robust=True)


# --- use cases -------------------------------------------------------------------------


@transaction.atomic
def log_meeting(
    actor: Actor,
    mentorship: Mentorship,
    *,
    starts_at: datetime | None,
    duration_minutes: Any,
    mode: str = MeetingMode.FACE_TO_FACE,
    location: str = "",
    topics: str = "",
    actions: list[dict[str, Any]] | None = None,
    next_meeting_at: datetime | None = None,
    status: str = MeetingStatus.HELD,
    now: datetime | None = None,
) -> Meeting:
    """Log a meeting that was held (``status`` held) or plan one (``status`` planned)."""
    if not can_log(actor, mentorship):
        raise PermissionDenied("Only the mentor, the mentee and their coordinators log meetings")
    now = now or timezone.now()
    starts_at, next_meeting_at = _aware(starts_at), _aware(next_meeting_at)
    if status == MeetingStatus.PLANNED and (topics or actions):
        raise ValidationError({"topics": "Topics and actions are logged once the meeting is held"})
    if status == MeetingStatus.CANCELLED:
        raise ValidationError({"status": "Choose whether the meeting was held or is planned"})
    errors = _check(
        mentorship,
        status=status,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        location=location,
        next_meeting_at=next_meeting_at,
        actions=actions,
        now=now,
    )
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        mentorship=mentorship,
        status=status,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        location=(location or "").strip(),
        topics=(topics or "").strip(),
        next_meeting_at=next_meeting_at,
        recorded_by=actor.person,
    )
    _stamp_confirmation(actor, meeting, now)
    meeting.save()
    _save_actions(meeting, actions or [])
    audit.record(
        actor,
        "relationships.meeting.recorded"
        if status == MeetingStatus.HELD
        else "relationships.meeting.planned",
        meeting,
        organisation=mentorship.organisation,
        changes={
            "status": status,
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "mode": mode,
            "actions": len(actions or []),
            "next_meeting_at": next_meeting_at,
        },
    )
    planned = _plan_next(actor, meeting, None)
    _invite_after_commit([meeting, planned])
    return meeting


def plan_meeting(actor: Actor, mentorship: Mentorship, **fields: Any) -> Meeting:
    """Plan a meeting: when, how long, how and where."""
    return log_meeting(actor, mentorship, status=MeetingStatus.PLANNED, **fields)


@transaction.atomic
def update_meeting(
    actor: Actor,
    meeting: Meeting,
    *,
    expected_version: int,
    actions: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Meeting:
    """Change a meeting (a planned one may become held or cancelled); nothing is overwritten.

    ``fields`` are any of FIELDS; ``actions`` (when given) replaces the actions, rows
    carrying a ``uuid`` keeping their record.
    """
    if not policies.can_change(actor, meeting):
        raise PermissionDenied("Only the mentor, the mentee and their coordinators change meetings")
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Unknown meeting fields: {', '.join(sorted(unknown))}")
    locked = Meeting._base_manager.select_for_update().get(pk=meeting.pk)
    if locked.version != expected_version:
        raise ValidationError({"__all__": STALE})
    now = now or timezone.now()
    fields = {k: _aware(v) for k, v in fields.items()}
    before = {name: getattr(locked, name) for name in FIELDS}
    after = before | fields
    after["location"] = (after["location"] or "").strip()
    after["topics"] = (after["topics"] or "").strip()
    if after["status"] == MeetingStatus.PLANNED and (after["topics"] or actions):
        raise ValidationError({"topics": "Topics and actions are logged once the meeting is held"})
    errors = _check(
        meeting.mentorship,
        status=after["status"],
        starts_at=after["starts_at"],
        duration_minutes=after["duration_minutes"],
        mode=after["mode"],
        location=after["location"],
        # An unchanged next meeting (perhaps long past) is not checked again.
        next_meeting_at=(
            after["next_meeting_at"]
            if after["next_meeting_at"] != before["next_meeting_at"]
            or after["starts_at"] != before["starts_at"]
            else None
        ),
        actions=actions,
        now=now,
        was_planned_at=before["starts_at"] if before["status"] == MeetingStatus.PLANNED else None,
    )
    if errors:
        raise ValidationError(errors)
    changes = {n: [before[n], after[n]] for n in FIELDS if before[n] != after[n]}
    if "topics" in changes:
        changes["topics"] = "changed"
    old_actions = [(str(a.uuid), a.description, a.owner_id, a.due_on) for a in locked.actions.all()]
    if actions is not None:
        _save_actions(locked, actions)
        new_actions = [
            (str(a.uuid), a.description, a.owner_id, a.due_on) for a in locked.actions.all()
        ]
        if new_actions != old_actions:
            changes["actions"] = len(new_actions)
    if not changes:
        return locked
    for name in FIELDS:
        setattr(locked, name, after[name])
    _stamp_confirmation(actor, locked, now)
    locked.version += 1
    locked.save()
    audit.record(
        actor,
        "relationships.meeting.changed",
        locked,
        organisation=locked.mentorship.organisation,
        changes=changes,
    )
    planned = _plan_next(actor, locked, before["next_meeting_at"])
    _invite_after_commit([locked, planned])
    meeting.refresh_from_db()
    return locked


@transaction.atomic
def confirm_meeting(actor: Actor, meeting: Meeting, *, now: datetime | None = None) -> Meeting:
    """The other half of the pair agrees the record is right."""
    if not is_pair(actor, meeting.mentorship):
        raise PermissionDenied("Only the mentor and the mentee confirm a meeting record")
    locked = Meeting._base_manager.select_for_update().get(pk=meeting.pk)
    if locked.status != MeetingStatus.HELD:
        raise ValidationError({"status": "Only a meeting that was held can be confirmed"})
    now = now or timezone.now()
    field = (
        "mentor_confirmed_at"
        if actor.person_id == locked.mentorship.mentor_id
        else "mentee_confirmed_at"
    )
    if getattr(locked, field) is not None:
        return locked
    setattr(locked, field, now)
    locked.save(update_fields=[field])
    audit.record(
        actor,
        "relationships.meeting.confirmed",
        locked,
        organisation=locked.mentorship.organisation,
        changes={field: now},
    )
    meeting.refresh_from_db()
    return locked


@transaction.atomic
def set_action_done(actor: Actor, action: Action, *, done: bool = True) -> Action:
    if not policies.can_change(actor, action):
        raise PermissionDenied("Only the mentor, the mentee and their coordinators update actions")
    done_on = timezone.localdate() if done else None
    if action.done_on == done_on or (done and action.done_on is not None):
        return action
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    audit.record(
        actor,
        "relationships.action.done" if done else "relationships.action.reopened",
        action,
        organisation=action.meeting.mentorship.organisation,
        changes={"done_on": done_on},
    )
    return action


@transaction.atomic
def add_private_note(actor: Actor, meeting: Meeting, text: str) -> PrivateNote:
    """A note only the mentor and the mentee read. The audit log keeps no word of it."""
    if not can_add_note(actor, meeting):
        raise PermissionDenied("Only the mentor and the mentee write private notes")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the note"})
    if len(text) > 5000:
        raise ValidationError({"text": "A note must be 5,000 characters or fewer"})
    note = PrivateNote.objects.create(meeting=meeting, author=actor.person, text=text)
    audit.record(
        actor, "relationships.privatenote.added", note, changes={"meeting": str(meeting.uuid)}
    )
    return note


def minutes_from_text(value: str) -> int | None:
    """ "90", "1h 30m", "1:30", "2 hours", "45 min" as minutes; None when unreadable."""
    import re

    text = (value or "").strip().lower()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if m := re.fullmatch(r"(\d+):([0-5]\d)", text):
        return int(m[1]) * 60 + int(m[2])
    m = re.fullmatch(
        r"(?:(\d+)\s*h(?:ours?|rs?)?)?\s*(?:and\s*)?(?:(\d+)\s*m(?:in(?:ute)?s?)?)?", text
    )
    if m and (m[1] or m[2]):
        return int(m[1] or 0) * 60 + int(m[2] or 0)
    return None


def default_start(now: datetime | None = None) -> datetime:
    """A held meeting's default start: the last full hour that leaves an hour before now."""
    now = timezone.localtime(now or timezone.now())
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    if start.date() != now.date():
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start


# --- demonstration data ----------------------------------------------------------------


def demo_meetings(mentorship: Mentorship, *, now: datetime | None = None) -> int:
    """Realistic meetings, actions, a private note and time for a demo mentorship.

    Idempotent: a mentorship that already has meetings is left as it is. Sends no
    email. Returns how many meetings were created.
    """
    from tandem.core.tenancy import system_access
    from tandem.relationships.models import TimeEntry, TimeKind

    now = timezone.localtime(now or timezone.now())
    at_ten = now.replace(hour=10, minute=0, second=0, microsecond=0)
    mentor, mentee = mentorship.mentor, mentorship.mentee
    held = [
        (
            35,
            60,
            MeetingMode.FACE_TO_FACE,
            "Getting started: timetable, the agreement and objectives",
        ),
        (21, 45, MeetingMode.ONLINE, "Behaviour for learning with the level 2 group"),
        (7, 60, MeetingMode.FACE_TO_FACE, "Feedback on the formative observation; questioning"),
    ]
    with system_access(), transaction.atomic():
        if mentorship.meetings.exists():
            return 0
        made = 0
        for i, (days, minutes, mode, topics) in enumerate(held):
            starts = at_ten - timedelta(days=days)
            last = i == len(held) - 1
            meeting = Meeting.objects.create(
                mentorship=mentorship,
                status=MeetingStatus.HELD,
                starts_at=starts,
                duration_minutes=minutes,
                mode=mode,
                location="Staff room, main site" if mode == MeetingMode.FACE_TO_FACE else "",
                topics=topics,
                next_meeting_at=at_ten + timedelta(days=7) if last else None,
                recorded_by=mentor,
                mentor_confirmed_at=starts + timedelta(hours=2),
                # The latest is waiting for the mentee to confirm it.
                mentee_confirmed_at=None if last else starts + timedelta(days=1),
            )
            made += 1
            if i == 1:
                Action.objects.create(
                    meeting=meeting,
                    description="Try the new seating plan with group 2 and note what changes",
                    owner=mentee,
                    due_on=(starts + timedelta(days=7)).date(),
                    done_on=(starts + timedelta(days=6)).date(),
                )
                PrivateNote.objects.create(
                    meeting=meeting,
                    author=mentee,
                    text="I am finding the Thursday group hard and did not want to say so "
                    "in front of the team.",
                )
            if last:
                Action.objects.create(
                    meeting=meeting,
                    description="Plan three open questions for the next lesson",
                    owner=mentee,
                    due_on=(at_ten + timedelta(days=5)).date(),
                )
                Action.objects.create(
                    meeting=meeting,
                    description="Share the department's questioning resources",
                    owner=mentor,
                    due_on=(at_ten + timedelta(days=3)).date(),
                )
        Meeting.objects.create(
            mentorship=mentorship,
            status=MeetingStatus.PLANNED,
            starts_at=at_ten + timedelta(days=7),
            duration_minutes=60,
            mode=MeetingMode.FACE_TO_FACE,
            location="Staff room, main site",
            recorded_by=mentor,
        )
        made += 1
        for days, kind, minutes, note in (
            (20, TimeKind.PREPARATION, 45, "Reading lesson plans before the observation"),
            (10, TimeKind.SUPERVISION, 60, "Supervision with the mentoring coordinator"),
        ):
            TimeEntry.objects.create(
                mentorship=mentorship,
                person=mentor,
                kind=kind,
                on=(now - timedelta(days=days)).date(),
                minutes=minutes,
                note=note,
            )
    return made
