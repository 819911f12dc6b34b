"""Time (D7): hours entered by hand against a mentorship.

Held meetings and recorded observations count automatically; a person adds
preparation, training, supervision of the mentor and other time here.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.core import audit, policies
from tandem.relationships.models import Mentorship, MentorshipStatus, TimeEntry, TimeKind

if TYPE_CHECKING:
    from tandem.core.actor import Actor

# Meetings and observations count from their own records; entering them here would count twice.
MANUAL_KINDS = (TimeKind.PREPARATION, TimeKind.SUPERVISION, TimeKind.TRAINING, TimeKind.OTHER)
MINUTES = "Time must be between 1 minute and 24 hours"


def can_add_time(actor: Actor, mentorship: Mentorship) -> bool:
    """The pair and the mentee's coordinators, once the mentorship has started."""
    if mentorship.status not in (MentorshipStatus.ACTIVE, MentorshipStatus.ENDED):
        return False
    return (
        actor.is_superuser
        or (
            actor.person_id is not None
            and actor.person_id in (mentorship.mentor_id, mentorship.mentee_id)
        )
        or mentorship.organisation_id in actor.coordinator_of
    )


@transaction.atomic
def add_time_entry(
    actor: Actor,
    mentorship: Mentorship,
    *,
    kind: str,
    on: Any,
    minutes: Any,
    note: str = "",
    today: date | None = None,
) -> TimeEntry:
    """Record time spent. The pair record their own; a coordinator records it for the mentor."""
    if not can_add_time(actor, mentorship):
        raise PermissionDenied("Only the mentor, the mentee and their coordinators record time")
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if kind in (TimeKind.MEETING, TimeKind.OBSERVATION):
        errors["kind"] = (
            "Meetings and observations count automatically: log the meeting or observation instead"
        )
    elif kind not in MANUAL_KINDS:
        errors["kind"] = "Choose what the time was spent on"
    if not isinstance(on, date):
        errors["on"] = "Enter the date the time was spent"
    elif on > today:
        errors["on"] = "Time can't be recorded for a day in the future"
    elif mentorship.starts_on and on < mentorship.starts_on:
        errors["on"] = f"The mentorship started on {mentorship.starts_on:%-d %B %Y}"
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60:
        errors["minutes"] = MINUTES
    note = (note or "").strip()
    if len(note) > 300:
        errors["note"] = "The note must be 300 characters or fewer"
    if errors:
        raise ValidationError(errors)
    in_pair = actor.person_id in (mentorship.mentor_id, mentorship.mentee_id)
    person = actor.person if in_pair else mentorship.mentor
    entry = TimeEntry.objects.create(
        mentorship=mentorship, person=person, kind=kind, on=on, minutes=minutes, note=note
    )
    audit.record(
        actor,
        "relationships.timeentry.added",
        entry,
        organisation=mentorship.organisation,
        changes={"kind": kind, "on": on, "minutes": minutes, "person": str(person.uuid)},
    )
    return entry


@transaction.atomic
def delete_time_entry(actor: Actor, entry: TimeEntry) -> None:
    if not policies.can_change(actor, entry):
        raise PermissionDenied(
            "Only the person who recorded this time, or a coordinator, removes it"
        )
    audit.record(
        actor,
        "relationships.timeentry.removed",
        entry,
        organisation=entry.mentorship.organisation,
        changes={"kind": entry.kind, "on": entry.on, "minutes": entry.minutes},
    )
    TimeEntry._base_manager.filter(pk=entry.pk).delete()


def hours(minutes: int) -> str:
    """Minutes in words: "3 h 30 min", "45 min", "0 h"."""
    h, m = divmod(int(minutes or 0), 60)
    if h and m:
        return f"{h} h {m} min"
    if m:
        return f"{m} min"
    return f"{h} h"


def pounds(pence: int) -> str:
    return f"£{(pence or 0) / 100:,.2f}"
