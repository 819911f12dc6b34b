"""Programmes, cohorts and calendars: every write, one function per use case (B1–B3).

Each function checks permission (raising PermissionDenied), validates its
input (raising ValidationError naming the field), writes in one transaction
and records an audit event.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tandem.core import audit, policies
from tandem.core.tenancy import system_access
from tandem.matching.engine.model import EngineError, Weights
from tandem.programmes import academic_year, rules
from tandem.programmes.models import (
    AcademicCalendar,
    CalendarPeriod,
    Cohort,
    CohortStatus,
    ObservationPolicy,
    Programme,
    ProgrammeRules,
    ProgrammeTemplate,
    Purpose,
    RelationshipType,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.organisations.models import Organisation, Partnership

# What a template hands on to a programme made from it.
RULE_FIELDS = tuple(f.name for f in ProgrammeRules._meta.fields)
# What a programme's owners may change.
EDITABLE = (
    "name",
    "description",
    *(f for f in RULE_FIELDS if f != "report_recipients"),
)
COHORT_FIELDS = ("name", "calendar", "starts_on", "ends_on", "status")

# Whole-number rules: field → (lowest, highest, how the message names it).
LIMITS = {
    "mentor_hours_per_mentee": (0, 500, "Mentor hours"),
    "remission_hours_per_mentee": (0, 500, "Remission hours"),
    "supervision_hours_per_mentor": (0, 500, "Supervision hours"),
    "payment_per_placement_pence": (0, 10_000_000, "Payment per placement, in pence,"),
    "offer_response_days": (1, 60, "Days to answer an offer"),
}
STALE = (
    "Someone else saved this programme while you were editing it. Nothing of yours was "
    "saved: reload the page to see their changes, then edit again."
)


# --- who may create (changing an existing record is decided by tandem.core.policies) ---------


def can_create_programme(
    actor: Actor,
    *,
    organisation: Organisation | None = None,
    partnership: Partnership | None = None,
) -> bool:
    """An organisation's coordinators set up its programmes; administrators their partnership's."""
    if actor.is_superuser:
        return True
    if organisation is not None:
        return organisation.pk in actor.coordinator_of
    if partnership is not None:
        return partnership.pk in actor.administered_partnership_ids
    return False


def can_manage_calendars_of(actor: Actor, organisation: Organisation) -> bool:
    return actor.is_superuser or organisation.pk in actor.coordinator_of


def can_start_cohort(actor: Actor, programme: Programme, organisation: Organisation) -> bool:
    """Cohorts run at an organisation: its coordinators start them, for its own programmes
    or for a programme shared by one of its partnerships."""
    return actor.is_superuser or organisation.pk in actor.coordinator_of


# --- helpers ---------------------------------------------------------------------------------


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _label(field: str) -> str:
    return str(Programme._meta.get_field(field).verbose_name)


def weight_errors(weights: dict[str, Any]) -> dict[str, list[str]]:
    """The engine's own check of the weights, its message put on the weight's field."""
    try:
        Weights(**weights).validate()
    except EngineError as exc:
        message = str(exc)
        head, _, rest = message.partition(": ")
        if head.startswith("weights."):
            field = "weight_" + head.removeprefix("weights.")
            return {field: [f"{_label(field)} {rest}"]}
        return {
            "weight_subject": [
                "All six weights are zero; give at least one part of the score a positive weight"
            ]
        }
    return {}


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _owner_name_taken(
    name: str, *, organisation_id: int | None, partnership_id: int | None, exclude: int | None
) -> bool:
    with system_access():
        qs = Programme.objects.filter(
            organisation_id=organisation_id, partnership_id=partnership_id, name__iexact=name
        )
        if exclude is not None:
            qs = qs.exclude(pk=exclude)
        return qs.exists()


def _programme_errors(data: dict[str, Any], programme: Programme | None) -> dict[str, list[str]]:
    """Check the fields given (the rest of a programme is assumed sound)."""
    errors: dict[str, list[str]] = {}
    if "name" in data:
        name = data["name"]
        if not isinstance(name, str) or not name.strip():
            _add(errors, "name", "Enter a name for the programme")
        elif len(name.strip()) > 200:
            _add(errors, "name", "Name must be 200 characters or fewer")
    if "description" in data and not isinstance(data["description"], str):
        _add(errors, "description", "Description must be text")
    for field, choices in (
        ("purpose", Purpose),
        ("relationship_type", RelationshipType),
        ("observation_policy", ObservationPolicy),
    ):
        if field in data and data[field] not in choices.values:
            _add(errors, field, f"Choose one of: {', '.join(choices.values)}")
    for field, (low, high, named) in LIMITS.items():
        if field in data and not _whole(data[field], low, high):
            _add(errors, field, f"{named} must be a whole number from {low} to {high:,}")
    for field in ("line_manager_reports", "requires_trained_mentor"):
        if field in data and not isinstance(data[field], bool):
            _add(errors, field, "Answer yes or no")
    problems: list[tuple[str, str]] = []
    if "contact_rules" in data:
        problems += rules.contact_rule_problems(data["contact_rules"])
    if "required_documents" in data:
        problems += rules.document_problems(data["required_documents"])
    if "report_schedule" in data:
        problems += rules.report_problems(data["report_schedule"])
    for path, message in problems:
        _add(errors, path, message)
    weights = {
        name: data.get(name, getattr(programme, name) if programme else 0.0)
        for name in ProgrammeRules.WEIGHT_FIELDS
    }
    if programme is not None or any(name in data for name in ProgrammeRules.WEIGHT_FIELDS):
        for field, messages in weight_errors(
            {k.removeprefix("weight_"): v for k, v in weights.items()}
        ).items():
            errors.setdefault(field, []).extend(messages)
    return errors


def _normalised(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "name" in out:
        out["name"] = out["name"].strip()
    if "contact_rules" in out:
        out["contact_rules"] = rules.normalise_contact_rules(out["contact_rules"])
    if "report_schedule" in out:
        out["report_schedule"] = rules.normalise_report_schedule(out["report_schedule"])
        out["report_recipients"] = rules.recipients_of(out["report_schedule"])
    for name in ProgrammeRules.WEIGHT_FIELDS:
        if name in out:
            out[name] = float(out[name])
    return out


# --- programmes ------------------------------------------------------------------------------


@transaction.atomic
def create_programme(
    actor: Actor,
    template: ProgrammeTemplate | None,
    *,
    organisation: Organisation | None = None,
    partnership: Partnership | None = None,
    name: str = "",
    description: str | None = None,
) -> Programme:
    """A programme for an organisation (or a partnership) with a copy of the template's rules."""
    if (organisation is None) == (partnership is None):
        raise ValidationError("A programme belongs to one organisation or one partnership")
    owner = organisation or partnership
    if not can_create_programme(actor, organisation=organisation, partnership=partnership):
        if organisation is not None:
            raise PermissionDenied(f"Only the coordinators of {owner} set up its programmes")
        raise PermissionDenied(f"Only the administrators of {owner} set up its shared programmes")
    if template is None:
        raise ValidationError({"template": "Choose the template to start from"})
    name = (name or template.name).strip()
    errors = _programme_errors({"name": name}, None)
    if not errors and _owner_name_taken(
        name,
        organisation_id=getattr(organisation, "pk", None),
        partnership_id=getattr(partnership, "pk", None),
        exclude=None,
    ):
        _add(errors, "name", f"{owner} already has a programme called '{name}'")
    _raise(errors)
    programme = Programme(
        organisation=organisation,
        partnership=partnership,
        template=template,
        name=name,
        description=template.description if description is None else description,
        **{field: getattr(template, field) for field in RULE_FIELDS},
    )
    programme.save()
    audit.record(
        actor,
        "programmes.programme.created",
        programme,
        organisation=organisation,
        partnership=partnership,
        changes={"template": template.code, "name": name},
    )
    return programme


@transaction.atomic
def edit_programme(
    actor: Actor, programme: Programme, *, expected_version: int, **data: Any
) -> Programme:
    """Change a programme's name, description or rules. A stale version is refused."""
    if not policies.can_change(actor, programme):
        raise PermissionDenied("You can see this programme but not change it")
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError(
            {field: "This field cannot be changed here" for field in sorted(unknown)}
        )
    locked = Programme._base_manager.select_for_update().get(pk=programme.pk)
    if locked.version != expected_version:
        raise ValidationError(STALE)
    errors = _programme_errors(data, locked)
    new_name = data["name"].strip() if "name" in data and "name" not in errors else None
    if new_name and _owner_name_taken(
        new_name,
        organisation_id=locked.organisation_id,
        partnership_id=locked.partnership_id,
        exclude=locked.pk,
    ):
        owner = locked.organisation or locked.partnership
        _add(errors, "name", f"{owner} already has a programme called '{new_name}'")
    _raise(errors)
    data = _normalised(data)
    changes = {
        name: [getattr(locked, name), value]
        for name, value in data.items()
        if getattr(locked, name) != value
    }
    if not changes:
        return locked
    for name, value in data.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    audit.record(
        actor,
        "programmes.programme.changed",
        locked,
        organisation=locked.organisation_id,
        partnership=locked.partnership_id,
        changes=changes,
    )
    return locked


def _set_active(actor: Actor, programme: Programme, active: bool) -> Programme:
    if not policies.can_change(actor, programme):
        raise PermissionDenied("You can see this programme but not change it")
    locked = Programme._base_manager.select_for_update().get(pk=programme.pk)
    if locked.is_active == active:
        raise ValidationError(
            "This programme is already running" if active else "This programme is already closed"
        )
    locked.is_active = active
    locked.version += 1
    locked.save(update_fields=["is_active", "version", "updated_at"])
    audit.record(
        actor,
        "programmes.programme.reactivated" if active else "programmes.programme.deactivated",
        locked,
        organisation=locked.organisation_id,
        partnership=locked.partnership_id,
        changes={"is_active": [not active, active]},
    )
    return locked


@transaction.atomic
def deactivate_programme(actor: Actor, programme: Programme) -> Programme:
    """Close a programme to new cohorts; running cohorts and relationships carry on."""
    return _set_active(actor, programme, False)


@transaction.atomic
def reactivate_programme(actor: Actor, programme: Programme) -> Programme:
    return _set_active(actor, programme, True)


# --- academic calendars ----------------------------------------------------------------------


@transaction.atomic
def create_default_calendar(
    actor: Actor, organisation: Organisation, start_year: Any
) -> AcademicCalendar:
    """England's academic year starting in September of ``start_year``, ready to edit."""
    if not can_manage_calendars_of(actor, organisation):
        raise PermissionDenied(f"Only the coordinators of {organisation} manage its calendars")
    if not _whole(start_year, 2000, 2100):
        raise ValidationError(
            {"start_year": "Enter the year the academic year starts, from 2000 to 2100"}
        )
    spec = academic_year.england(start_year)
    with system_access():
        clash = (
            AcademicCalendar.objects.filter(organisation=organisation)
            .filter(starts_on__lte=spec.ends_on, ends_on__gte=spec.starts_on)
            .first()
        ) or AcademicCalendar.objects.filter(organisation=organisation, name=spec.name).first()
    if clash is not None:
        raise ValidationError(
            {"start_year": f"{organisation} already has a calendar for {clash.name}"}
        )
    calendar = AcademicCalendar.objects.create(
        organisation=organisation, name=spec.name, starts_on=spec.starts_on, ends_on=spec.ends_on
    )
    for p in spec.periods:
        CalendarPeriod.objects.create(
            calendar=calendar,
            kind=p.kind,
            position=p.position,
            name=p.name,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
        )
    audit.record(
        actor,
        "programmes.calendar.created",
        calendar,
        organisation=organisation,
        changes={"name": spec.name, "pattern": "england"},
    )
    return calendar


@transaction.atomic
def edit_period(
    actor: Actor, period: CalendarPeriod, *, starts_on: Any, ends_on: Any
) -> CalendarPeriod:
    """Move a term or half-term. The calendar's periods must still fit together.

    The half-term next to it in the same term, or the half-term that starts or
    ends with a term, moves with it (see ``academic_year.move``).
    """
    if not policies.can_change(actor, period):
        raise PermissionDenied("You can see this calendar but not change it")
    errors: dict[str, list[str]] = {}
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, date):
            _add(errors, field, "Enter a real date, for example 27 10 2026")
    _raise(errors)
    calendar = AcademicCalendar._base_manager.select_for_update().get(pk=period.calendar_id)
    periods = {p.pk: p for p in calendar.periods.all()}
    before = [
        academic_year.Span(p.pk, p.kind, p.position, p.name, p.starts_on, p.ends_on)
        for p in periods.values()
    ]
    after = academic_year.move(before, period.pk, starts_on, ends_on)
    for key, field, message in academic_year.period_problems(
        calendar.starts_on, calendar.ends_on, after
    ):
        # A problem with another period (a half-term left outside its term) is
        # caused by this change: show it on the date being changed.
        if key != period.pk:
            field = "ends_on" if ends_on != period.ends_on else "starts_on"
        if message not in errors.get(field, []):
            _add(errors, field, message)
    _raise(errors)
    changes: dict[str, Any] = {}
    for span in after:
        stored = periods[span.key]
        moved = {
            name: [getattr(stored, name), getattr(span, name)]
            for name in ("starts_on", "ends_on")
            if getattr(stored, name) != getattr(span, name)
        }
        if not moved:
            continue
        if span.key == period.pk:
            changes.update(moved)
        else:
            changes.setdefault("also_moved", {})[stored.name] = moved
        stored.starts_on, stored.ends_on = span.starts_on, span.ends_on
        stored.save(update_fields=["starts_on", "ends_on"])
    if not changes:
        return period
    period.starts_on, period.ends_on = starts_on, ends_on
    audit.record(
        actor,
        "programmes.period.changed",
        period,
        organisation=calendar.organisation_id,
        changes=changes,
    )
    return period


# --- cohorts ---------------------------------------------------------------------------------


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _cohort_errors(
    data: dict[str, Any], *, programme: Programme, organisation: Organisation, exclude: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        _add(errors, "name", "Enter a name for the cohort, for example September 2026 starters")
    elif len(name.strip()) > 150:
        _add(errors, "name", "Name must be 150 characters or fewer")
    calendar = data.get("calendar")
    if not isinstance(calendar, AcademicCalendar) or calendar.organisation_id != organisation.pk:
        _add(errors, "calendar", f"Choose one of {organisation}'s academic calendars")
        calendar = None
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, date):
            _add(errors, field, "Enter a real date, for example 7 9 2026")
    if isinstance(starts_on, date) and isinstance(ends_on, date):
        if ends_on <= starts_on:
            _add(errors, "ends_on", "The cohort must end after the day it starts")
        if calendar is not None and not calendar.starts_on <= starts_on <= calendar.ends_on:
            _add(
                errors,
                "starts_on",
                f"The cohort must start inside the {calendar.name} calendar "
                f"({_day(calendar.starts_on)} to {_day(calendar.ends_on)})",
            )
    if data.get("status") not in CohortStatus.values:
        _add(errors, "status", f"Choose one of: {', '.join(CohortStatus.values)}")
    if "name" not in errors:
        with system_access():
            taken = Cohort.objects.filter(
                programme=programme, organisation=organisation, name__iexact=name.strip()
            )
            if exclude is not None:
                taken = taken.exclude(pk=exclude)
            if taken.exists():
                _add(errors, "name", f"{programme} already has a cohort called '{name.strip()}'")
    return errors


def _runs_at(programme: Programme, organisation: Organisation) -> bool:
    if programme.organisation_id is not None:
        return programme.organisation_id == organisation.pk
    from tandem.organisations.models import PartnershipMember

    with system_access():
        return PartnershipMember.objects.filter(
            partnership_id=programme.partnership_id, organisation=organisation
        ).exists()


@transaction.atomic
def create_cohort(
    actor: Actor,
    programme: Programme,
    *,
    organisation: Organisation | None = None,
    calendar: AcademicCalendar | None,
    name: str,
    starts_on: date | None,
    ends_on: date | None,
    status: str = CohortStatus.PLANNED,
) -> Cohort:
    """A group of mentees starting the programme together at an organisation."""
    organisation = organisation or programme.organisation
    if organisation is None:
        raise ValidationError({"organisation": "Choose the organisation the cohort runs at"})
    if not can_start_cohort(actor, programme, organisation):
        raise PermissionDenied(f"Only the coordinators of {organisation} start its cohorts")
    if not _runs_at(programme, organisation):
        raise ValidationError({"organisation": f"{organisation} does not run {programme}"})
    # Locked, so the programme cannot be closed while the cohort is added.
    if not Programme._base_manager.select_for_update().get(pk=programme.pk).is_active:
        raise ValidationError(f"{programme} is closed: reopen it before starting a cohort")
    data = {
        "name": name,
        "calendar": calendar,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "status": str(status),
    }
    _raise(_cohort_errors(data, programme=programme, organisation=organisation, exclude=None))
    cohort = Cohort.objects.create(
        programme=programme,
        organisation=organisation,
        calendar=calendar,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
    )
    audit.record(
        actor,
        "programmes.cohort.created",
        cohort,
        organisation=organisation,
        changes={
            "programme": programme.name,
            "name": cohort.name,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )
    return cohort


@transaction.atomic
def edit_cohort(actor: Actor, cohort: Cohort, **data: Any) -> Cohort:
    """Change a cohort's name, calendar, dates or status (send only what changes)."""
    if not policies.can_change(actor, cohort):
        raise PermissionDenied("You can see this cohort but not change it")
    unknown = set(data) - set(COHORT_FIELDS)
    if unknown:
        raise ValidationError(
            {field: "This field cannot be changed here" for field in sorted(unknown)}
        )
    locked = Cohort._base_manager.select_for_update().get(pk=cohort.pk)
    merged = {field: data.get(field, getattr(locked, field)) for field in COHORT_FIELDS}
    if "status" in data:
        merged["status"] = str(data["status"])
    _raise(
        _cohort_errors(
            merged, programme=locked.programme, organisation=locked.organisation, exclude=locked.pk
        )
    )
    merged["name"] = merged["name"].strip()
    changes = {
        field: [getattr(locked, field), value]
        for field, value in merged.items()
        if getattr(locked, field) != value
    }
    if not changes:
        return locked
    for field, value in merged.items():
        setattr(locked, field, value)
    locked.save()
    audit.record(
        actor,
        "programmes.cohort.changed",
        locked,
        organisation=locked.organisation_id,
        changes=changes,
    )
    return locked
