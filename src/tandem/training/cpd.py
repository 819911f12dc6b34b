"""The CPD record (E4): selectors and services.

A person's CPD record for an academic year (1 August to 31 July) is made of rows
entered by hand (``CPDEntry``, with evidence) and rows computed when the record is
read, never copied: units of training completed (their guided learning hours, on
the day of completion), meetings held as a mentor, observations recorded, and the
person's own time records. Titles name the activity and the people involved,
never what was discussed.

Who sees a person's record is decided in one place, ``can_see_cpd_of``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tandem.core import audit, policies
from tandem.core.policies.training import can_see_cpd_of
from tandem.core.tenancy import access_object, system_access
from tandem.training.models import CPDActivity, CPDEntry
from tandem.training.uploads import check_upload

if TYPE_CHECKING:
    from tandem.core.actor import Actor

DEFAULT_TARGET_HOURS = 30
TWO_PLACES = Decimal("0.01")
MAX_HOURS = Decimal("24")

# Where a row comes from.
MANUAL = "manual"
COURSE = "course"
MEETING = "meeting"
OBSERVATION = "observation"
TIME_RECORD = "time record"
SOURCES = {
    MANUAL: "Entered by hand",
    COURSE: "Course",
    MEETING: "Meeting",
    OBSERVATION: "Observation",
    TIME_RECORD: "Time record",
}

# Time records by kind: which CPD activity they count towards.
TIME_KIND_ACTIVITY = {
    "meeting": CPDActivity.MENTORING,
    "preparation": CPDActivity.MENTORING,
    "observation": CPDActivity.OBSERVATION,
    "supervision": CPDActivity.SUPERVISION,
    "training": CPDActivity.TRAINING,
    "other": CPDActivity.OTHER,
}
ACTIVITY_LABELS = dict(CPDActivity.choices)


# --- academic years ------------------------------------------------------------------------


def academic_year_of(day: date) -> int:
    """The year in which the academic year holding ``day`` began (1 August)."""
    return day.year if day.month >= 8 else day.year - 1


def year_label(year: int) -> str:
    """2025 → "2025/26"."""
    return f"{year}/{(year + 1) % 100:02d}"


def year_bounds(year: int) -> tuple[date, date]:
    """First and last day of the academic year starting in ``year``."""
    return date(year, 8, 1), date(year + 1, 7, 31)


def _moment_bounds(year: int) -> tuple[datetime, datetime]:
    """Local midnight on 1 August, and on the next 1 August (exclusive)."""
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime(year, 8, 1), zone),
        timezone.make_aware(datetime(year + 1, 8, 1), zone),
    )


def parse_year(value: Any, *, today: date | None = None) -> int:
    """``?year=2025`` → 2025; anything missing or odd → the current academic year."""
    current = academic_year_of(today or timezone.localdate())
    try:
        year = int(str(value).strip()[:4])
    except (TypeError, ValueError):
        return current
    return year if 2000 <= year <= current + 1 else current


def hours_of_minutes(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _two_places(value: Any) -> Decimal:
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# --- who may see a person's record ---------------------------------------------------------


def _current_organisation_ids(person: Any) -> set[int]:
    from tandem.organisations.models import Membership

    with system_access():
        return set(
            Membership.objects.current()
            .filter(person_id=person.pk)
            .values_list("organisation_id", flat=True)
        )


def access_person_cpd(actor: Actor, uuid: Any) -> Any:
    """The person whose record is asked for: 404 unless the actor may see their record."""
    from tandem.organisations.models import Person

    person = access_object(actor, Person, uuid)
    if not can_see_cpd_of(actor, person):
        raise Http404("No CPD record found")
    return person


# --- rows ----------------------------------------------------------------------------------


@dataclass
class Row:
    on: date
    activity: str
    title: str
    hours: Decimal
    source: str
    link: str = ""
    entry: CPDEntry | None = None
    evidence_url: str = ""
    can_change: bool = False

    @property
    def activity_label(self) -> str:
        return ACTIVITY_LABELS.get(self.activity, self.activity)

    @property
    def source_label(self) -> str:
        return SOURCES.get(self.source, self.source)


def _url(name: str, uuid: Any) -> str:
    try:
        return reverse(name, kwargs={"uuid": uuid})
    except NoReverseMatch:
        return ""


def _visible_pks(actor: Actor, model: Any, pks: set[int]) -> set[int]:
    if not pks:
        return set()
    return set(model.objects.visible_to(actor).filter(pk__in=pks).values_list("pk", flat=True))


def manual_entries(actor: Actor, person: Any, year: int) -> Any:
    """Entries the person made by hand in the year, as far as the actor may see them."""
    first, last = year_bounds(year)
    return (
        CPDEntry.objects.visible_to(actor)
        .filter(person_id=person.pk, on__gte=first, on__lte=last)
        .select_related("organisation")
    )


def _manual_rows(actor: Actor, person: Any, year: int) -> list[Row]:
    rows = []
    for entry in manual_entries(actor, person, year):
        rows.append(
            Row(
                on=entry.on,
                activity=entry.activity,
                title=entry.title,
                hours=_two_places(entry.hours),
                source=MANUAL,
                link=_url("training:cpd_entry_edit", entry.uuid)
                if policies.can_change(actor, entry)
                else "",
                entry=entry,
                evidence_url=_url("training:cpd_evidence", entry.uuid) if entry.evidence else "",
                can_change=policies.can_change(actor, entry),
            )
        )
    return rows


def _training_rows(actor: Actor, person: Any, year: int) -> list[Row]:
    """Units completed on any organisation's course: their guided learning hours."""
    from tandem.training.models import Enrolment, ModuleCompletion

    start, end = _moment_bounds(year)
    # The person's own record, read for a viewer already allowed to see their CPD.
    with system_access():
        completions = list(
            ModuleCompletion.objects.filter(
                enrolment__person_id=person.pk,
                completed_at__gte=start,
                completed_at__lt=end,
                module__glh__gt=0,
            ).select_related("module", "enrolment__run__course")
        )
    followable = _visible_pks(actor, Enrolment, {c.enrolment_id for c in completions})
    rows = []
    for c in completions:
        course = c.enrolment.run.course
        rows.append(
            Row(
                on=timezone.localdate(c.completed_at),
                activity=CPDActivity.TRAINING,
                title=f"{c.module.title} — {course.title}",
                hours=_two_places(c.module.glh),
                source=COURSE,
                link=_url("training:enrolment_detail", c.enrolment.uuid)
                if c.enrolment_id in followable
                else "",
            )
        )
    return rows


def _mentoring_rows(actor: Actor, person: Any, year: int) -> list[Row]:
    """Meetings held as the mentor, observations recorded, and the person's time records.

    Only when, how long and with whom: never what the meeting was about."""
    from tandem.relationships.models import Meeting, Observation, TimeEntry

    start, end = _moment_bounds(year)
    first, last = year_bounds(year)
    with system_access():
        meetings = list(
            Meeting.objects.filter(
                mentorship__mentor_id=person.pk,
                status="held",
                starts_at__gte=start,
                starts_at__lt=end,
            )
            .select_related("mentorship__mentee")
            .only("uuid", "starts_at", "duration_minutes", "mentorship__mentee")
        )
        observations = list(
            Observation.objects.filter(
                status="recorded", scheduled_for__gte=start, scheduled_for__lt=end
            )
            .filter(
                Q(observer_id=person.pk) | Q(observed_id=person.pk) | Q(joint_observer_id=person.pk)
            )
            .select_related("observer", "observed")
            .only(
                "uuid",
                "scheduled_for",
                "duration_minutes",
                "purpose",
                "observer",
                "observed",
                "joint_observer_id",
            )
        )
        entries = list(
            TimeEntry.objects.filter(person_id=person.pk, on__gte=first, on__lte=last)
            .select_related("mentorship__mentor", "mentorship__mentee")
            .only("on", "kind", "minutes", "mentorship__mentor", "mentorship__mentee")
        )
    seen_meetings = _visible_pks(actor, Meeting, {m.pk for m in meetings})
    seen_observations = _visible_pks(actor, Observation, {o.pk for o in observations})
    rows = []
    for m in meetings:
        rows.append(
            Row(
                on=timezone.localdate(m.starts_at),
                activity=CPDActivity.MENTORING,
                title=f"Meeting with {m.mentorship.mentee} — mentoring practice",
                hours=hours_of_minutes(m.duration_minutes),
                source=MEETING,
                link=_url("relationships:meeting_detail", m.uuid) if m.pk in seen_meetings else "",
            )
        )
    for o in observations:
        purpose = o.get_purpose_display().lower()
        if o.observed_id == person.pk:
            title = f"Observed by {o.observer} ({purpose} observation)"
        elif o.observer_id == person.pk:
            title = f"Observation of {o.observed} ({purpose})"
        else:
            title = f"Joint observation of {o.observed} with {o.observer} ({purpose})"
        rows.append(
            Row(
                on=timezone.localdate(o.scheduled_for),
                activity=CPDActivity.OBSERVATION,
                title=title,
                hours=hours_of_minutes(o.duration_minutes),
                source=OBSERVATION,
                link=_url("relationships:observation_detail", o.uuid)
                if o.pk in seen_observations
                else "",
            )
        )
    for e in entries:
        pair = f"{e.mentorship.mentor} mentoring {e.mentorship.mentee}"
        rows.append(
            Row(
                on=e.on,
                activity=TIME_KIND_ACTIVITY.get(e.kind, CPDActivity.OTHER),
                title=f"{e.get_kind_display()} — {pair}",
                hours=hours_of_minutes(e.minutes),
                source=TIME_RECORD,
            )
        )
    return rows


def cpd_rows(actor: Actor, person: Any, year: int) -> list[Row]:
    """Every row of the person's record in the academic year starting in ``year``,
    newest first. Raises PermissionDenied unless the actor may see the record."""
    if not can_see_cpd_of(actor, person):
        raise PermissionDenied("This CPD record is for the person, their coordinators and managers")
    rows = (
        _manual_rows(actor, person, year)
        + _training_rows(actor, person, year)
        + _mentoring_rows(actor, person, year)
    )
    rows.sort(key=lambda r: (r.on, r.source, r.title), reverse=True)
    return rows


# --- totals --------------------------------------------------------------------------------


@dataclass
class Totals:
    year: int
    by_activity: list[tuple[str, str, Decimal]] = field(default_factory=list)
    total: Decimal = Decimal("0.00")
    target: int = DEFAULT_TARGET_HOURS
    percentage: int = 0
    standing: str = ""
    on_track: bool = False

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(self.target) - self.total, Decimal("0.00")).quantize(TWO_PLACES)


def target_of(person: Any) -> int:
    """The highest annual target of the organisations the person belongs to now (default 30)."""
    from tandem.organisations.models import Organisation

    ids = _current_organisation_ids(person)
    if not ids:
        return DEFAULT_TARGET_HOURS
    with system_access():
        targets = list(
            Organisation.objects.filter(pk__in=ids).values_list("cpd_target_hours", flat=True)
        )
    return max(targets) if targets else DEFAULT_TARGET_HOURS


def _standing(total: Decimal, target: int, year: int, today: date) -> tuple[str, bool]:
    first, last = year_bounds(year)
    target_d = Decimal(target)
    if total >= target_d:
        return f"Target of {target} hours met", True
    short = (target_d - total).quantize(TWO_PLACES)
    if today > last:
        return f"Target not met: {short} hours short of {target}", False
    if today < first:
        return "This academic year has not started", True
    days = (last - first).days + 1
    elapsed = (today - first).days + 1
    expected = (target_d * elapsed / days).quantize(TWO_PLACES)
    if total >= expected:
        return f"On track: {short} hours to go by 31 July {last.year}", True
    return (
        f"Behind: {expected} hours would be on track by now; {short} hours to go by "
        f"31 July {last.year}",
        False,
    )


def cpd_totals(
    actor: Actor,
    person: Any,
    year: int,
    rows: list[Row] | None = None,
    *,
    today: date | None = None,
) -> Totals:
    """Hours by activity and overall against the person's target, with a few words on
    whether they are on track (pro rata through the year)."""
    if rows is None:
        rows = cpd_rows(actor, person, year)
    sums: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for r in rows:
        sums[r.activity] += r.hours
    total = sum(sums.values(), Decimal("0.00")).quantize(TWO_PLACES)
    target = target_of(person)
    standing, on_track = _standing(total, target, year, today or timezone.localdate())
    return Totals(
        year=year,
        by_activity=[
            (value, label, sums[value].quantize(TWO_PLACES)) for value, label in CPDActivity.choices
        ],
        total=total,
        target=target,
        percentage=int((total * 100 / Decimal(target)).to_integral_value(ROUND_HALF_UP))
        if target
        else 0,
        standing=standing,
        on_track=on_track,
    )


@dataclass
class Record:
    person: Any
    year: int
    rows: list[Row]
    totals: Totals

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def starts_on(self) -> date:
        return year_bounds(self.year)[0]

    @property
    def ends_on(self) -> date:
        return year_bounds(self.year)[1]


def cpd_record(actor: Actor, person: Any, year: int) -> Record:
    rows = cpd_rows(actor, person, year)
    return Record(person, year, rows, cpd_totals(actor, person, year, rows))


# --- manual entries: services --------------------------------------------------------------


def organisations_for_entries(actor: Actor, person: Any) -> list[Any]:
    """Organisations an entry for the person may be recorded with by the actor: the
    person's current organisations (all of them for the person; for anyone else, those
    they coordinate)."""
    from tandem.organisations.models import Organisation

    ids = _current_organisation_ids(person)
    if actor.person_id != person.pk:
        ids &= set(actor.coordinator_of)
    with system_access():
        return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def can_add_entry_for(actor: Actor, person: Any) -> bool:
    return bool(organisations_for_entries(actor, person))


def _clean(data: dict[str, Any], *, today: date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    on = data.get("on")
    if on is None:
        errors["on"] = "Enter the date of the activity"
    elif on > today:
        errors["on"] = "The date of the activity cannot be in the future"
    hours = data.get("hours")
    if hours is None:
        errors["hours"] = "Enter the hours spent, for example 1.5"
    else:
        try:
            hours = Decimal(str(hours))
        except ArithmeticError:
            errors["hours"] = "Enter the hours as a number, for example 1.5"
        else:
            if not hours.is_finite():
                errors["hours"] = "Enter the hours as a number, for example 1.5"
            elif hours <= 0:
                errors["hours"] = "Hours must be more than 0"
            elif hours > MAX_HOURS:
                errors["hours"] = "Hours must be 24 or fewer: record each day separately"
            elif hours != hours.quantize(TWO_PLACES):
                errors["hours"] = "Give hours to at most 2 decimal places, for example 1.25"
            else:
                hours = hours.quantize(TWO_PLACES)
    activity = data.get("activity")
    if activity not in ACTIVITY_LABELS:
        errors["activity"] = "Choose the kind of activity"
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = "Enter what the activity was"
    elif len(title) > 200:
        errors["title"] = "What the activity was must be 200 characters or fewer"
    if errors:
        raise ValidationError(errors)
    return {
        "on": on,
        "hours": hours,
        "activity": activity,
        "title": title,
        "description": (data.get("description") or "").strip(),
    }


def _store_evidence(entry: CPDEntry, evidence: Any) -> None:
    name = check_upload(evidence, "evidence")
    entry.evidence_name = name
    entry.evidence.save(name, evidence, save=False)


@transaction.atomic
def add_entry(
    actor: Actor,
    person: Any,
    *,
    organisation: Any,
    evidence: Any = None,
    today: date | None = None,
    **data: Any,
) -> CPDEntry:
    """Record CPD by hand: by the person, or a coordinator of one of their organisations."""
    allowed = organisations_for_entries(actor, person)
    if not allowed:
        raise PermissionDenied(
            "CPD entries are added by the person, or a coordinator of their organisation"
        )
    if organisation is None or organisation.pk not in {o.pk for o in allowed}:
        raise ValidationError(
            {"organisation": "Choose one of the organisations the person belongs to"}
        )
    cleaned = _clean(data, today=today or timezone.localdate())
    if evidence:
        check_upload(evidence, "evidence")
    entry = CPDEntry(person=person, organisation=organisation, **cleaned)
    if evidence:
        _store_evidence(entry, evidence)
    with system_access():
        entry.save()
    audit.record(
        actor,
        "training.cpd_entry.added",
        entry,
        organisation=organisation,
        changes={"hours": str(entry.hours), "activity": entry.activity, "on": str(entry.on)},
    )
    return entry


EDITABLE = ("on", "hours", "activity", "title", "description")


@transaction.atomic
def edit_entry(
    actor: Actor,
    entry: CPDEntry,
    *,
    evidence: Any = None,
    remove_evidence: bool = False,
    today: date | None = None,
    **data: Any,
) -> CPDEntry:
    if not policies.can_change(actor, entry):
        raise PermissionDenied("Only the person and their coordinators change this entry")
    merged = {
        "on": entry.on,
        "hours": entry.hours,
        "activity": entry.activity,
        "title": entry.title,
        "description": entry.description,
        **{
            k: v
            for k, v in data.items()
            if k in ("on", "hours", "activity", "title", "description")
        },
    }
    cleaned = _clean(merged, today=today or timezone.localdate())
    if evidence:
        check_upload(evidence, "evidence")
    changes = {
        k: [str(getattr(entry, k)), str(v)] for k, v in cleaned.items() if getattr(entry, k) != v
    }
    for k, v in cleaned.items():
        setattr(entry, k, v)
    old_file = entry.evidence.name if entry.evidence else ""
    old_name = entry.evidence_name
    if evidence:
        _store_evidence(entry, evidence)
        changes["evidence"] = [old_name, entry.evidence_name]
    elif remove_evidence and entry.evidence:
        entry.evidence = ""
        entry.evidence_name = ""
        changes["evidence"] = [old_name, ""]
    with system_access():
        entry.save()
    if old_file and "evidence" in changes:
        storage = CPDEntry._meta.get_field("evidence").storage
        transaction.on_commit(lambda: storage.delete(old_file))
    audit.record(
        actor,
        "training.cpd_entry.changed",
        entry,
        organisation=entry.organisation_id,
        changes=changes,
    )
    return entry


@transaction.atomic
def delete_entry(actor: Actor, entry: CPDEntry) -> None:
    if not policies.can_change(actor, entry):
        raise PermissionDenied("Only the person and their coordinators delete this entry")
    old_file = entry.evidence.name if entry.evidence else ""
    audit.record(
        actor,
        "training.cpd_entry.deleted",
        entry,
        organisation=entry.organisation_id,
        changes={"title": entry.title, "hours": str(entry.hours), "on": str(entry.on)},
    )
    with system_access():
        CPDEntry.objects.filter(pk=entry.pk).delete()
    if old_file:
        storage = CPDEntry._meta.get_field("evidence").storage
        transaction.on_commit(lambda: storage.delete(old_file))


def access_entry(actor: Actor, uuid: Any, *, for_write: bool = False) -> CPDEntry:
    return access_object(actor, CPDEntry, uuid, for_write=for_write)


def years_around(year: int, today: date | None = None) -> list[int]:
    """Years offered in the year picker: five back from the current one, and ``year``."""
    current = academic_year_of(today or timezone.localdate())
    years = set(range(current - 5, current + 1)) | {year}
    return sorted(years, reverse=True)


def previous_and_next(year: int, today: date | None = None) -> tuple[int, int | None]:
    current = academic_year_of(today or timezone.localdate())
    return year - 1, (year + 1 if year < current else None)
