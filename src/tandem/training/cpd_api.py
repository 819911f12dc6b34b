"""The CPD record (E4) and course statistics (E6) in the API: the same selectors,
services and policy as the pages.

A person's record of a year: GET /people/{uuid}/cpd?year=2025 (the academic year
2025/26). Entries made by hand: /cpd-entries (list, add), /cpd-entries/{uuid} (read,
change, delete), /cpd-entries/{uuid}/evidence (attach a file). Hours are decimals with
two places. Course figures: GET /courses/{uuid}/statistics?run=.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, File, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.api.schemas import ERRORS, Input, OrganisationRef, Page, PersonRef
from tandem.training import cpd, statistics
from tandem.training.models import CPDActivity, CPDEntry

router = Router(tags=["training"])

HOURS_HELP = "Hours, more than 0 and at most 24, to two decimal places (for example 1.5)"


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


# --- shapes ----------------------------------------------------------------------------------


class CPDRowOut(Schema):
    date: date
    activity: CPDActivity
    title: str
    hours: Decimal
    source: str = Field(description="manual, course, meeting, observation or time record")
    link: str = Field(description="The page of the record, where the caller may follow it")
    entry: UUID | None = Field(description="The manual entry's id (source manual)")


class CPDActivityTotal(Schema):
    activity: CPDActivity
    label: str
    hours: Decimal


class CPDTotalsOut(Schema):
    by_activity: list[CPDActivityTotal]
    total: Decimal
    target: int = Field(description="The highest annual target of the person's organisations")
    percentage: int
    on_track: bool
    standing: str


class CPDRecordOut(Schema):
    person: PersonRef
    year: int
    label: str = Field(description="For example 2025/26")
    starts_on: date
    ends_on: date
    rows: list[CPDRowOut]
    totals: CPDTotalsOut


class CPDEntryOut(Schema):
    uuid: UUID
    person: PersonRef
    organisation: OrganisationRef
    on: date
    activity: CPDActivity
    hours: Decimal
    title: str
    description: str
    evidence_name: str = Field(description="Empty when no evidence is attached")
    evidence_url: str = Field(description="Where the evidence is downloaded, or empty")
    created_at: datetime

    @staticmethod
    def resolve_evidence_url(obj: Any) -> str:
        return cpd._url("training:cpd_evidence", obj.uuid) if obj.evidence else ""


class CPDEntryCreate(Input):
    person: UUID | None = Field(None, description="Whose record; default the caller")
    organisation: UUID | None = Field(
        None, description="Recorded with (its coordinators see it); needed if several"
    )
    on: date
    activity: CPDActivity
    hours: Decimal = Field(description=HOURS_HELP)
    title: str = Field(max_length=200)
    description: str = ""


class CPDEntryUpdate(Input):
    """Only the fields to change."""

    on: date = Field(None)
    activity: CPDActivity = Field(None)
    hours: Decimal = Field(None, description=HOURS_HELP)
    title: str = Field(None, max_length=200)
    description: str = Field(None)
    remove_evidence: bool = Field(False, description="Remove the evidence attached")


class RunRef(Schema):
    uuid: UUID
    name: str
    starts_on: date


class FiguresOut(Schema):
    run: RunRef | None = Field(description="Null for all runs together")
    registrations: int
    active_learners: int
    units_completed: int
    badges_issued: int
    completions: int
    completion_rate: Decimal | None = Field(
        description="Completions / registrations, per cent to one decimal place"
    )


class UnitFiguresOut(Schema):
    uuid: UUID
    position: int
    title: str
    completed: int
    of_registrations: Decimal | None


class CourseStatisticsOut(Schema):
    course: UUID
    title: str
    active_definition: str
    runs: list[FiguresOut]
    total: FiguresOut
    focus: FiguresOut | None
    units: list[UnitFiguresOut] = Field(description="For the run focused on, or all runs")


def _figures(f: statistics.Figures) -> dict[str, Any]:
    return {
        "run": f.run,
        "registrations": f.registrations,
        "active_learners": f.active,
        "units_completed": f.units_completed,
        "badges_issued": f.badges,
        "completions": f.completions,
        "completion_rate": f.completion_rate,
    }


# --- a person's record -----------------------------------------------------------------------


@router.get("/people/{uuid}/cpd", response={200: CPDRecordOut, **ERRORS})
def person_cpd(request: HttpRequest, uuid: UUID, year: int | None = None) -> Any:
    """The person's CPD record of a year, computed now: the person, their coordinators
    and their line managers. ``year`` is the year the academic year starts in (2025 =
    1 August 2025 to 31 July 2026); the current one by default."""
    actor = _actor(request)
    person = cpd.access_person_cpd(actor, uuid)
    chosen = cpd.parse_year(year)
    if year is not None and chosen != year:
        raise ValidationError({"year": "Give an academic year from 2000 to next year"})
    record = cpd.cpd_record(actor, person, chosen)
    return {
        "person": person,
        "year": record.year,
        "label": record.label,
        "starts_on": record.starts_on,
        "ends_on": record.ends_on,
        "rows": [
            {
                "date": r.on,
                "activity": r.activity,
                "title": r.title,
                "hours": r.hours,
                "source": r.source,
                "link": r.link,
                "entry": r.entry.uuid if r.entry else None,
            }
            for r in record.rows
        ],
        "totals": {
            "by_activity": [
                {"activity": value, "label": label, "hours": hours}
                for value, label, hours in record.totals.by_activity
            ],
            "total": record.totals.total,
            "target": record.totals.target,
            "percentage": record.totals.percentage,
            "on_track": record.totals.on_track,
            "standing": record.totals.standing,
        },
    }


# --- entries made by hand --------------------------------------------------------------------


@router.get("/cpd-entries", response={200: list[CPDEntryOut], **ERRORS})
@paginate(Page)
def list_entries(request: HttpRequest, person: UUID | None = None, year: int | None = None) -> Any:
    """Entries the caller may see, newest first; ``person`` and ``year`` narrow them."""
    actor = _actor(request)
    entries = CPDEntry.objects.visible_to(actor).select_related("person", "organisation")
    if person is not None:
        entries = entries.filter(person__uuid=person)
    if year is not None:
        first, last = cpd.year_bounds(year)
        entries = entries.filter(on__gte=first, on__lte=last)
    return entries


@router.post("/cpd-entries", response={201: CPDEntryOut, **ERRORS})
def add_entry(request: HttpRequest, payload: CPDEntryCreate) -> Any:
    """Record CPD by hand, for yourself or (coordinators) for a member of your organisation."""
    actor = _actor(request)
    if payload.person is None:
        if actor.person is None:
            raise ValidationError({"person": "Say whose record this is for"})
        person = actor.person
    else:
        person = cpd.access_person_cpd(actor, payload.person)
    allowed = cpd.organisations_for_entries(actor, person)
    if payload.organisation is None:
        organisation = allowed[0] if len(allowed) == 1 else None
        if organisation is None and allowed:
            raise ValidationError(
                {"organisation": "Say which organisation to record this with (there are several)"}
            )
    else:
        organisation = next((o for o in allowed if o.uuid == payload.organisation), None)
        if organisation is None and allowed:
            raise ValidationError(
                {"organisation": "Choose one of the organisations the person belongs to"}
            )
    data = payload.model_dump(exclude={"person", "organisation"})
    entry = cpd.add_entry(actor, person, organisation=organisation, **data)
    return Status(201, entry)


@router.get("/cpd-entries/{uuid}", response={200: CPDEntryOut, **ERRORS})
def get_entry(request: HttpRequest, uuid: UUID) -> Any:
    return cpd.access_entry(_actor(request), uuid)


@router.patch("/cpd-entries/{uuid}", response={200: CPDEntryOut, **ERRORS})
def update_entry(request: HttpRequest, uuid: UUID, payload: CPDEntryUpdate) -> Any:
    actor = _actor(request)
    entry = cpd.access_entry(actor, uuid, for_write=True)
    data = payload.model_dump(exclude_unset=True)
    remove = bool(data.pop("remove_evidence", False))
    nulls = [k for k, v in data.items() if v is None]
    if nulls:
        raise ValidationError({k: "This field cannot be null" for k in nulls})
    return cpd.edit_entry(actor, entry, remove_evidence=remove, **data)


@router.post("/cpd-entries/{uuid}/evidence", response={200: CPDEntryOut, **ERRORS})
def attach_evidence(request: HttpRequest, uuid: UUID, evidence: File[UploadedFile]) -> Any:
    """multipart/form-data with the file as ``evidence``; it replaces any evidence there was."""
    actor = _actor(request)
    entry = cpd.access_entry(actor, uuid, for_write=True)
    return cpd.edit_entry(actor, entry, evidence=evidence)


@router.delete("/cpd-entries/{uuid}", response={204: None, **ERRORS})
def delete_entry(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    cpd.delete_entry(actor, cpd.access_entry(actor, uuid, for_write=True))
    return Status(204, None)


# --- course statistics -----------------------------------------------------------------------


@router.get("/courses/{uuid}/statistics", response={200: CourseStatisticsOut, **ERRORS})
def course_statistics(request: HttpRequest, uuid: UUID, run: UUID | None = None) -> Any:
    """Registrations, active learners, units completed, badges issued, completions and
    completion rate, per run and for the course; the course's staff and its partnership's
    administrators."""
    actor = _actor(request)
    course = statistics.access_course_statistics(actor, uuid)
    stats = statistics.course_statistics(actor, course, run_uuid=run)
    return {
        "course": course.uuid,
        "title": course.title,
        "active_definition": statistics.ACTIVE_DEFINITION,
        "runs": [_figures(f) for f in stats.runs],
        "total": _figures(stats.total),
        "focus": _figures(stats.focus) if stats.focus else None,
        "units": [
            {
                "uuid": u.module.uuid,
                "position": u.module.position,
                "title": u.module.title,
                "completed": u.completed,
                "of_registrations": u.of_registrations,
            }
            for u in stats.units
        ],
    }
