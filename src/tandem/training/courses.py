"""Building courses (E1, E5): every write, one function per use case.

Each function checks permission (raising PermissionDenied), validates its input
(raising ValidationError naming the field), writes in one transaction and
records an audit event. Text that may hold formatting goes through
``sanitise.text_to_html``; when cleaning removed something the returned record
carries ``cleaning_note`` (a sentence for the author).
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max

from tandem.core import audit, policies
from tandem.core.tenancy import system_access
from tandem.training import sanitise, selectors
from tandem.training.models import (
    Activity,
    ActivityKind,
    Answer,
    CompletionRule,
    ContentPage,
    Course,
    CourseRun,
    CourseStatus,
    EnrolmentMode,
    EnrolmentStatus,
    LiveSession,
    Module,
    ModuleCompletion,
    ReleaseMode,
    Submission,
    UnitKind,
)
from tandem.training.selectors import day
from tandem.training.uploads import check_upload

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.organisations.models import Organisation

COURSE_FIELDS = (
    "title",
    "summary",
    "description_html",
    "glh",
    "practice_hours_required",
    "release_mode",
    "enrolment_mode",
    "completion_rule",
    "minimum_units",
    "is_mentor_training",
    "shared_with_partnerships",
    "awards_certificate",
    "credits",
    "level",
    "validating_body",
)
RUN_FIELDS = (
    "name",
    "enrolment_opens_on",
    "enrolment_closes_on",
    "starts_on",
    "ends_on",
    "places",
)
MODULE_FIELDS = (
    "kind",
    "title",
    "summary",
    "glh",
    "requires_previous",
    "release_after_days",
    "awards_badge",
)
PAGE_FIELDS = ("title", "body_html", "link_url", "link_label")
ACTIVITY_FIELDS = ("kind", "title", "prompt", "word_guide", "required")
SESSION_FIELDS = (
    "title",
    "starts_at",
    "duration_minutes",
    "joining_url",
    "recording_url",
    "module",
)

STALE = (
    "Someone else saved this course while you were editing it. Nothing of yours was "
    "saved: reload the page to see their changes, then edit again."
)
WEB_ADDRESS = URLValidator(schemes=["http", "https"])
# The longest description or page text, before cleaning.
MAX_RICH_CHARS = 100_000
# The most units a course may ask for (the column is a small integer).
MAX_UNITS = 32_767


# --- helpers -------------------------------------------------------------------------------


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _unknown(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(
            {field: "This field cannot be changed here" for field in sorted(unknown)}
        )


def _text(
    errors: dict[str, list[str]],
    data: dict[str, Any],
    field: str,
    label: str,
    *,
    limit: int,
    required: bool = False,
    hint: str = "",
) -> None:
    if field not in data:
        return
    value = data[field]
    if value is None:
        value = ""
    if not isinstance(value, str):
        _add(errors, field, f"{label} must be text")
        return
    value = value.strip()
    if required and not value:
        _add(errors, field, f"Enter {hint or label.lower()}")
    elif len(value) > limit:
        _add(errors, field, f"{label} must be {limit:,} characters or fewer")
    data[field] = value


def _number(
    errors: dict[str, list[str]],
    data: dict[str, Any],
    field: str,
    label: str,
    *,
    low: Decimal,
    high: Decimal,
    optional: bool = False,
) -> None:
    """A number of hours or credits with at most one decimal place."""
    if field not in data:
        return
    value = data[field]
    if value in (None, ""):
        if optional:
            data[field] = None
            return
        _add(errors, field, f"Enter the {label.lower()}, or 0 for none")
        return
    if isinstance(value, bool):
        _add(errors, field, f"{label} must be a number, for example 12 or 7.5")
        return
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        _add(errors, field, f"{label} must be a number, for example 12 or 7.5")
        return
    if not number.is_finite() or not low <= number <= high:
        _add(errors, field, f"{label} must be from {low:g} to {high:g}")
    elif number != number.quantize(Decimal("0.1")):
        _add(errors, field, f"{label} can have at most one digit after the point, like 7.5")
    else:
        data[field] = number.quantize(Decimal("0.1"))


def _whole(
    errors: dict[str, list[str]],
    data: dict[str, Any],
    field: str,
    label: str,
    *,
    low: int,
    high: int,
    optional: bool = False,
) -> None:
    if field not in data:
        return
    value = data[field]
    if value in (None, "") and optional:
        data[field] = None
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        _add(errors, field, f"{label} must be a whole number from {low:,} to {high:,}")


def _too_many_units(units: int) -> str:
    return (
        f"Minimum units must be from 1 to {units}: the course has {units} "
        f"unit{'s' if units != 1 else ''}"
    )


def _minimum(errors: dict[str, list[str]], data: dict[str, Any], units: int) -> None:
    """The minimum number of units, whenever it is sent (empty: none)."""
    if "minimum_units" not in data:
        return
    value = data["minimum_units"]
    if value in (None, ""):
        data["minimum_units"] = None
    elif isinstance(value, bool) or not isinstance(value, int):
        _add(errors, "minimum_units", "Minimum units must be a whole number, like 3")
    elif value < 1:
        _add(errors, "minimum_units", "Minimum units must be at least 1")
    elif units and value > units:
        _add(errors, "minimum_units", _too_many_units(units))
    elif value > MAX_UNITS:
        _add(errors, "minimum_units", f"Minimum units must be from 1 to {MAX_UNITS:,}")


def _long_text(errors: dict[str, list[str]], data: dict[str, Any], field: str, label: str) -> None:
    """Text that may hold formatting: text, and no longer than MAX_RICH_CHARS."""
    if field not in data:
        return
    value = data[field] or ""
    if not isinstance(value, str):
        _add(errors, field, f"{label} must be text")
    elif len(value) > MAX_RICH_CHARS:
        _add(errors, field, f"{label} must be {MAX_RICH_CHARS:,} characters or fewer")


def _choice(
    errors: dict[str, list[str]], data: dict[str, Any], field: str, label: str, choices: Any
) -> None:
    if field not in data:
        return
    value = getattr(data[field], "value", data[field])
    if value not in choices.values:
        names = ", ".join(str(c) for c in choices.labels)
        _add(errors, field, f"Choose the {label.lower()}: {names}")
    else:
        data[field] = value


def _yes_no(errors: dict[str, list[str]], data: dict[str, Any], *fields: str) -> None:
    for field in fields:
        if field in data and not isinstance(data[field], bool):
            _add(errors, field, "Answer yes or no")


def _web_address(
    errors: dict[str, list[str]], data: dict[str, Any], field: str, label: str
) -> None:
    if field not in data:
        return
    value = (data[field] or "").strip() if isinstance(data[field], str | None) else data[field]
    if not isinstance(value, str):
        _add(errors, field, f"{label} must be a web address")
        return
    data[field] = value
    if not value:
        return
    if len(value) > 500:
        _add(errors, field, f"{label} must be 500 characters or fewer")
        return
    try:
        WEB_ADDRESS(value)
    except ValidationError:
        _add(errors, field, f"Enter {label.lower()} as a full web address starting https://")


def _date(errors: dict[str, list[str]], data: dict[str, Any], field: str, label: str) -> None:
    value = data.get(field)
    if value is None:
        return
    if isinstance(value, datetime) or not isinstance(value, date):
        _add(errors, field, f"Enter the {label.lower()} as a real date")


def _rich(data: dict[str, Any], field: str) -> str:
    """Clean a text-or-HTML field in place; return the note for the author ("" if none)."""
    if field not in data:
        return ""
    original = data[field] or ""
    data[field] = sanitise.text_to_html(original)
    return sanitise.removal_note(original, data[field])


def _changes(obj: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [getattr(obj, name), value]
        for name, value in data.items()
        if getattr(obj, name) != value
    }


def _next_position(related: Any) -> int:
    return (related.aggregate(top=Max("position"))["top"] or 0) + 1


def _drop_file_after_commit(name: str) -> None:
    if not name:
        return
    from django.core.files.storage import default_storage

    transaction.on_commit(lambda: default_storage.delete(name))


# --- who may build -------------------------------------------------------------------------


def _require_change(actor: Actor, obj: Any, what: str) -> None:
    if not policies.can_change(actor, obj):
        raise PermissionDenied(f"You can see this {what} but not change it")


# --- courses -------------------------------------------------------------------------------


def _title_taken(organisation_id: int, title: str, exclude: int | None) -> bool:
    with system_access():
        qs = Course.objects.filter(organisation_id=organisation_id, title__iexact=title)
        if exclude is not None:
            qs = qs.exclude(pk=exclude)
        return qs.exists()


def _course_errors(
    data: dict[str, Any], merged: dict[str, Any], *, units: int, organisation: Any, pk: Any
) -> dict[str, list[str]]:
    """Check and normalise ``data`` (the fields given); ``merged`` is the course after."""
    errors: dict[str, list[str]] = {}
    _text(errors, data, "title", "Title", limit=200, required=True, hint="a title for the course")
    _text(errors, data, "summary", "Summary", limit=500)
    _text(errors, data, "level", "Level", limit=100)
    _text(errors, data, "validating_body", "Validating body", limit=200)
    _long_text(errors, data, "description_html", "Description")
    _number(errors, data, "glh", "Guided learning hours", low=Decimal(0), high=Decimal(9999))
    _number(
        errors,
        data,
        "practice_hours_required",
        "Mentoring practice hours required",
        low=Decimal(0),
        high=Decimal(1000),
    )
    _number(errors, data, "credits", "Credits", low=Decimal(0), high=Decimal(999), optional=True)
    _choice(errors, data, "release_mode", "Release of units", ReleaseMode)
    _choice(errors, data, "enrolment_mode", "Enrolment", EnrolmentMode)
    _choice(errors, data, "completion_rule", "Completion rule", CompletionRule)
    _yes_no(errors, data, "is_mentor_training", "shared_with_partnerships", "awards_certificate")
    if (
        "title" in data
        and "title" not in errors
        and _title_taken(organisation.pk, data["title"], pk)
    ):
        _add(
            errors,
            "title",
            f"{organisation} already has a course called '{data['title']}': choose another title",
        )
    _minimum(errors, data, units)
    merged = {**merged, **{k: v for k, v in data.items() if k not in errors}}
    if merged.get("completion_rule") == CompletionRule.MINIMUM_UNITS:
        minimum = merged.get("minimum_units")
        if "minimum_units" in errors:
            pass
        elif minimum is None:
            _add(
                errors,
                "minimum_units",
                "Enter how many units a learner must complete, as a whole number",
            )
        elif units and minimum > units:
            _add(errors, "minimum_units", _too_many_units(units))
    elif "completion_rule" in data and "completion_rule" not in errors:
        data["minimum_units"] = None
    return errors


def _save_unique(obj: Any, field: str, message: str, taken: Callable[[], bool]) -> None:
    """Save, turning a lost race on the unique ``field`` into a field error.

    Only a clash on that field becomes the field error (``taken`` checks it again);
    any other integrity error is a fault and is raised as it is.
    """
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        if taken():
            raise ValidationError({field: message}) from None
        raise


@transaction.atomic
def create_course(actor: Actor, organisation: Organisation, **data: Any) -> Course:
    """A draft course of an organisation (its trainers and coordinators)."""
    if not selectors.can_build_for(actor, organisation.pk):
        raise PermissionDenied(
            f"Only the trainers and coordinators of {organisation} build courses"
        )
    _unknown(data, COURSE_FIELDS)
    data.setdefault("title", "")
    defaults = {f.name: f.get_default() for f in Course._meta.fields if f.name in COURSE_FIELDS}
    errors = _course_errors(data, defaults, units=0, organisation=organisation, pk=None)
    _raise(errors)
    note = _rich(data, "description_html")
    course = Course(organisation=organisation, created_by=actor.person, **data)
    _save_unique(
        course,
        "title",
        f"{organisation} already has a course called '{course.title}'",
        lambda: _title_taken(organisation.pk, course.title, None),
    )
    audit.record(
        actor,
        "training.course.created",
        course,
        organisation=organisation,
        changes={k: v for k, v in data.items() if k != "description_html"},
    )
    course.cleaning_note = note
    return course


@transaction.atomic
def edit_course(actor: Actor, course: Course, *, expected_version: int, **data: Any) -> Course:
    """Change a course's details (send only what changes). A stale version is refused."""
    _require_change(actor, course, "course")
    _unknown(data, COURSE_FIELDS)
    locked = Course._base_manager.select_for_update(of=("self",)).get(pk=course.pk)
    if locked.version != expected_version:
        raise ValidationError(STALE)
    current = {name: getattr(locked, name) for name in COURSE_FIELDS}
    errors = _course_errors(
        data,
        current,
        units=locked.modules.count(),
        organisation=locked.organisation,
        pk=locked.pk,
    )
    _raise(errors)
    note = _rich(data, "description_html")
    changes = _changes(locked, data)
    locked.cleaning_note = note
    if not changes:
        return locked
    for name, value in data.items():
        setattr(locked, name, value)
    locked.version += 1
    _save_unique(
        locked,
        "title",
        f"{locked.organisation} already has a course called '{locked.title}'",
        lambda: _title_taken(locked.organisation_id, locked.title, locked.pk),
    )
    if "description_html" in changes:
        changes["description_html"] = "changed"
    audit.record(
        actor,
        "training.course.changed",
        locked,
        organisation=locked.organisation_id,
        changes=changes,
    )
    return locked


def publish_problems(course: Course) -> list[str]:
    """Why the course cannot be published yet (empty when it can)."""
    problems = []
    units = course.modules.count()
    if units == 0:
        problems.append("Add at least one unit before publishing the course")
    if not course.runs.exists():
        problems.append(
            "Add at least one run, with the dates learners can enrol, before publishing the course"
        )
    if (
        course.completion_rule == CompletionRule.MINIMUM_UNITS
        and units
        and (course.minimum_units or 0) > units
    ):
        problems.append(
            f"The course asks for {course.minimum_units} units to be completed but has "
            f"{units}: lower the minimum or add units"
        )
    return problems


@transaction.atomic
def publish_course(actor: Actor, course: Course) -> Course:
    """Make the course visible to learners (needs a unit and a run)."""
    _require_change(actor, course, "course")
    locked = Course._base_manager.select_for_update(of=("self",)).get(pk=course.pk)
    if locked.status == CourseStatus.PUBLISHED:
        raise ValidationError("This course is already published")
    problems = publish_problems(locked)
    if problems:
        raise ValidationError(problems)
    before = locked.status
    locked.status = CourseStatus.PUBLISHED
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit.record(
        actor,
        "training.course.published",
        locked,
        organisation=locked.organisation_id,
        changes={"status": [before, locked.status]},
    )
    return locked


@transaction.atomic
def archive_course(actor: Actor, course: Course) -> Course:
    """Close the course to new learners; learners on it carry on and keep their credentials."""
    _require_change(actor, course, "course")
    locked = Course._base_manager.select_for_update(of=("self",)).get(pk=course.pk)
    if locked.status == CourseStatus.ARCHIVED:
        raise ValidationError("This course is already archived")
    before = locked.status
    locked.status = CourseStatus.ARCHIVED
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit.record(
        actor,
        "training.course.archived",
        locked,
        organisation=locked.organisation_id,
        changes={"status": [before, locked.status]},
    )
    return locked


# --- runs ----------------------------------------------------------------------------------


def _run_name_taken(course: Course, name: str, exclude: int | None) -> bool:
    taken = course.runs.filter(name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    return taken.exists()


def _run_errors(
    data: dict[str, Any], course: Course, run: CourseRun | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _text(errors, data, "name", "Name", limit=200, required=True, hint="a name for the run")
    for field, label, required in (
        ("enrolment_opens_on", "Date enrolment opens", True),
        ("enrolment_closes_on", "Date enrolment closes", False),
        ("starts_on", "Start date", True),
        ("ends_on", "End date", False),
    ):
        if data.get(field) is None and required:
            _add(errors, field, f"Enter the {label.lower()}")
        else:
            _date(errors, data, field, label)
    _whole(errors, data, "places", "Places", low=1, high=100_000, optional=True)
    opens, closes = data.get("enrolment_opens_on"), data.get("enrolment_closes_on")
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not errors.get("enrolment_closes_on") and opens and closes and closes < opens:
        _add(
            errors,
            "enrolment_closes_on",
            f"Enrolment must close on or after the day it opens ({day(opens)})",
        )
    if not errors.get("ends_on") and starts and ends and ends < starts:
        _add(errors, "ends_on", f"The run must end on or after the day it starts ({day(starts)})")
    if not errors.get("enrolment_closes_on") and ends and closes and closes > ends:
        _add(
            errors,
            "enrolment_closes_on",
            f"Enrolment must close by the end of the run ({day(ends)})",
        )
    if "name" not in errors and _run_name_taken(
        course, data["name"], run.pk if run is not None else None
    ):
        _add(errors, "name", f"{course} already has a run called '{data['name']}'")
    if run is not None and data.get("places") is not None and "places" not in errors:
        taken_places = run.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).count()
        if data["places"] < taken_places:
            _add(
                errors,
                "places",
                f"{taken_places} learners are already on this run: places cannot be fewer",
            )
    return errors


@transaction.atomic
def add_run(actor: Actor, course: Course, **data: Any) -> CourseRun:
    """A run of the course: when learners may enrol and when it starts."""
    _require_change(actor, course, "course")
    _unknown(data, RUN_FIELDS)
    data = {field: data.get(field) for field in RUN_FIELDS}
    _raise(_run_errors(data, course, None))
    run = CourseRun(course=course, **data)
    _save_unique(
        run,
        "name",
        f"{course} already has a run called '{run.name}'",
        lambda: _run_name_taken(course, run.name, None),
    )
    audit.record(
        actor, "training.run.created", run, organisation=course.organisation_id, changes=data
    )
    return run


@transaction.atomic
def edit_run(actor: Actor, run: CourseRun, **data: Any) -> CourseRun:
    """Change a run's name, dates or places (send only what changes)."""
    _require_change(actor, run, "run")
    _unknown(data, RUN_FIELDS)
    locked = CourseRun._base_manager.select_for_update(of=("self",)).get(pk=run.pk)
    merged = {field: data.get(field, getattr(locked, field)) for field in RUN_FIELDS}
    _raise(_run_errors(merged, locked.course, locked))
    changes = _changes(locked, merged)
    if not changes:
        return locked
    for field, value in merged.items():
        setattr(locked, field, value)
    _save_unique(
        locked,
        "name",
        f"{locked.course} already has a run called '{locked.name}'",
        lambda: _run_name_taken(locked.course, locked.name, locked.pk),
    )
    audit.record(
        actor,
        "training.run.changed",
        locked,
        organisation=locked.course.organisation_id,
        changes=changes,
    )
    return locked


@transaction.atomic
def delete_run(actor: Actor, run: CourseRun) -> None:
    """Remove a run nobody has enrolled on."""
    _require_change(actor, run, "run")
    if run.enrolments.exists():
        raise ValidationError(
            "Learners have enrolled on this run, so it cannot be deleted. Close its enrolment "
            "instead by setting the date enrolment closes."
        )
    audit.record(
        actor,
        "training.run.deleted",
        run,
        organisation=run.course.organisation_id,
        changes={"name": run.name},
    )
    run.delete()


# --- units ---------------------------------------------------------------------------------


def _module_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _text(errors, data, "title", "Title", limit=200, required=True, hint="a title for the unit")
    _text(errors, data, "summary", "Summary", limit=5000)
    _choice(errors, data, "kind", "Kind of unit", UnitKind)
    _number(errors, data, "glh", "Guided learning hours", low=Decimal(0), high=Decimal(999))
    _whole(errors, data, "release_after_days", "Opens after (days)", low=0, high=730)
    _yes_no(errors, data, "requires_previous", "awards_badge")
    return errors


@transaction.atomic
def add_module(actor: Actor, course: Course, **data: Any) -> Module:
    """A unit at the end of the course."""
    _require_change(actor, course, "course")
    _unknown(data, MODULE_FIELDS)
    data.setdefault("title", "")
    _raise(_module_errors(data))
    Course._base_manager.select_for_update(of=("self",)).get(pk=course.pk)
    module = Module(course=course, position=_next_position(course.modules.all()), **data)
    module.save()
    audit.record(
        actor, "training.module.created", module, organisation=course.organisation_id, changes=data
    )
    return module


@transaction.atomic
def edit_module(actor: Actor, module: Module, **data: Any) -> Module:
    _require_change(actor, module, "unit")
    _unknown(data, MODULE_FIELDS)
    _raise(_module_errors(data))
    locked = Module._base_manager.select_for_update(of=("self",)).get(pk=module.pk)
    changes = _changes(locked, data)
    if not changes:
        return locked
    for field, value in data.items():
        setattr(locked, field, value)
    locked.save()
    audit.record(
        actor,
        "training.module.changed",
        locked,
        organisation=locked.course.organisation_id,
        changes=changes,
    )
    return locked


def _renumber(items: list[Any]) -> None:
    for index, item in enumerate(items, start=1):
        if item.position != index:
            item.position = index
            item.save(update_fields=["position"])


@transaction.atomic
def move_module(actor: Actor, module: Module, direction: str) -> Module:
    """Swap the unit with the one before ("up") or after ("down") it."""
    _require_change(actor, module, "unit")
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Choose up or down"})
    course = Course._base_manager.select_for_update(of=("self",)).get(pk=module.course_id)
    units = list(course.modules.order_by("position", "pk"))
    index = next(i for i, u in enumerate(units) if u.pk == module.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(units):
        raise ValidationError(
            {
                "direction": "This is already the first unit"
                if direction == "up"
                else "This is already the last unit"
            }
        )
    units[index], units[other] = units[other], units[index]
    _renumber(units)
    moved = units[other]
    audit.record(
        actor,
        "training.module.moved",
        moved,
        organisation=course.organisation_id,
        changes={"position": [index + 1, other + 1]},
    )
    return moved


def module_delete_problem(module: Module) -> str:
    """Why the unit cannot be deleted ("" when it can)."""
    with system_access():
        completed = ModuleCompletion.objects.filter(module=module).count()
        activities = list(module.activities.values_list("pk", flat=True))
        worked = (
            Answer.objects.filter(activity_id__in=activities).exclude(text="").exists()
            or Submission.objects.filter(activity_id__in=activities).exists()
        )
    if completed:
        return (
            f"{completed} learner{' has' if completed == 1 else 's have'} completed "
            f"{module.title}, so it cannot be deleted: their record would be lost"
        )
    if worked:
        return (
            f"Learners have answered or submitted work for {module.title}, so it cannot be "
            "deleted: their work would be lost"
        )
    course = module.course
    units = course.modules.count()
    if (
        course.completion_rule == CompletionRule.MINIMUM_UNITS
        and (course.minimum_units or 0) > units - 1
    ):
        return (
            f"The course asks for {course.minimum_units} units to be completed: lower the "
            "minimum before deleting this unit"
        )
    if course.status == CourseStatus.PUBLISHED and units == 1:
        return "A published course needs at least one unit: add another before deleting this one"
    return ""


@transaction.atomic
def delete_module(actor: Actor, module: Module) -> None:
    """Remove a unit nobody has completed or worked on, with its pages and activities."""
    _require_change(actor, module, "unit")
    course = Course._base_manager.select_for_update(of=("self",)).get(pk=module.course_id)
    problem = module_delete_problem(module)
    if problem:
        raise ValidationError(problem)
    files = [p.attachment.name for p in module.pages.all() if p.attachment]
    with system_access():
        Answer.objects.filter(activity__module=module).delete()  # only empty drafts remain
    audit.record(
        actor,
        "training.module.deleted",
        module,
        organisation=course.organisation_id,
        changes={"title": module.title, "position": module.position},
    )
    module.delete()
    _renumber(list(course.modules.order_by("position", "pk")))
    for name in files:
        _drop_file_after_commit(name)


# --- content pages -------------------------------------------------------------------------


def _page_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _text(errors, data, "title", "Title", limit=200, required=True, hint="a title for the page")
    _text(errors, data, "link_label", "Link text", limit=200)
    _long_text(errors, data, "body_html", "Text")
    _web_address(errors, data, "link_url", "Link")
    if data.get("link_label") and "link_url" in data and not data.get("link_url"):
        _add(errors, "link_url", "Enter the web address the link text goes to")
    return errors


def _store_attachment(page: ContentPage, upload: Any, display_name: str) -> None:
    suffix = PurePath(display_name).suffix.lower()
    page.attachment.save(f"{uuidlib.uuid4().hex}{suffix}", upload, save=False)
    page.attachment_name = display_name


@transaction.atomic
def add_page(actor: Actor, module: Module, *, attachment: Any = None, **data: Any) -> ContentPage:
    """Reading for a unit: text (sanitised), an optional file and an optional link."""
    _require_change(actor, module, "unit")
    _unknown(data, PAGE_FIELDS)
    data.setdefault("title", "")
    errors = _page_errors(data)
    display_name = ""
    if attachment is not None:
        try:
            display_name = check_upload(attachment, "attachment")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    _raise(errors)
    note = _rich(data, "body_html")
    Module._base_manager.select_for_update(of=("self",)).get(pk=module.pk)
    page = ContentPage(module=module, position=_next_position(module.pages.all()), **data)
    if attachment is not None:
        _store_attachment(page, attachment, display_name)
    page.save()
    changes = {k: v for k, v in data.items() if k != "body_html"}
    if display_name:
        changes["attachment"] = display_name
    audit.record(
        actor,
        "training.page.created",
        page,
        organisation=module.course.organisation_id,
        changes=changes,
    )
    page.cleaning_note = note
    return page


@transaction.atomic
def edit_page(
    actor: Actor,
    page: ContentPage,
    *,
    attachment: Any = None,
    remove_attachment: bool = False,
    **data: Any,
) -> ContentPage:
    """Change a page; a new file replaces the old one, ``remove_attachment`` drops it."""
    _require_change(actor, page, "page")
    _unknown(data, PAGE_FIELDS)
    errors = _page_errors(data)
    display_name = ""
    if attachment is not None:
        try:
            display_name = check_upload(attachment, "attachment")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    _raise(errors)
    note = _rich(data, "body_html")
    locked = ContentPage._base_manager.select_for_update(of=("self",)).get(pk=page.pk)
    changes = _changes(locked, data)
    if "body_html" in changes:
        changes["body_html"] = "changed"
    old_file = locked.attachment.name if locked.attachment else ""
    old_name = locked.attachment_name if old_file else ""
    for field, value in data.items():
        setattr(locked, field, value)
    if attachment is not None:
        _store_attachment(locked, attachment, display_name)
        changes["attachment"] = [old_name, display_name]
    elif remove_attachment and old_file:
        changes["attachment"] = [old_name, ""]
        locked.attachment = ""
        locked.attachment_name = ""
    locked.cleaning_note = note
    if not changes:
        return locked
    locked.save()
    if old_file and (attachment is not None or remove_attachment):
        _drop_file_after_commit(old_file)
    audit.record(
        actor,
        "training.page.changed",
        locked,
        organisation=locked.module.course.organisation_id,
        changes=changes,
    )
    return locked


@transaction.atomic
def delete_page(actor: Actor, page: ContentPage) -> None:
    _require_change(actor, page, "page")
    module = page.module
    audit.record(
        actor,
        "training.page.deleted",
        page,
        organisation=module.course.organisation_id,
        changes={"title": page.title, "attachment": page.attachment_name},
    )
    old_file = page.attachment.name if page.attachment else ""
    page.delete()
    _renumber(list(module.pages.order_by("position", "pk")))
    _drop_file_after_commit(old_file)


# --- activities ----------------------------------------------------------------------------


def _activity_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _choice(errors, data, "kind", "Kind of activity", ActivityKind)
    _text(errors, data, "title", "Title", limit=200, required=True, hint="a title for the activity")
    _text(
        errors,
        data,
        "prompt",
        "Question or brief",
        limit=10_000,
        required=True,
        hint="the question or brief the learner sees",
    )
    _whole(errors, data, "word_guide", "Word guide", low=1, high=50_000, optional=True)
    _yes_no(errors, data, "required")
    return errors


def _activity_work_exists(activity: Activity) -> bool:
    with system_access():
        return (
            Answer.objects.filter(activity=activity).exclude(text="").exists()
            or Submission.objects.filter(activity=activity).exists()
        )


@transaction.atomic
def add_activity(actor: Actor, module: Module, **data: Any) -> Activity:
    """A reflective question, an assignment or a programme-design project in a unit."""
    _require_change(actor, module, "unit")
    _unknown(data, ACTIVITY_FIELDS)
    data.setdefault("kind", "")
    data.setdefault("title", "")
    data.setdefault("prompt", "")
    _raise(_activity_errors(data))
    Module._base_manager.select_for_update(of=("self",)).get(pk=module.pk)
    activity = Activity(module=module, position=_next_position(module.activities.all()), **data)
    activity.save()
    audit.record(
        actor,
        "training.activity.created",
        activity,
        organisation=module.course.organisation_id,
        changes=data,
    )
    return activity


@transaction.atomic
def edit_activity(actor: Actor, activity: Activity, **data: Any) -> Activity:
    _require_change(actor, activity, "activity")
    _unknown(data, ACTIVITY_FIELDS)
    _raise(_activity_errors(data))
    locked = Activity._base_manager.select_for_update(of=("self",)).get(pk=activity.pk)
    if "kind" in data and data["kind"] != locked.kind and _activity_work_exists(locked):
        raise ValidationError(
            {"kind": "Learners have already worked on this activity, so its kind cannot change"}
        )
    changes = _changes(locked, data)
    if not changes:
        return locked
    for field, value in data.items():
        setattr(locked, field, value)
    locked.save()
    audit.record(
        actor,
        "training.activity.changed",
        locked,
        organisation=locked.module.course.organisation_id,
        changes=changes,
    )
    return locked


@transaction.atomic
def delete_activity(actor: Actor, activity: Activity) -> None:
    _require_change(actor, activity, "activity")
    if _activity_work_exists(activity):
        raise ValidationError(
            f"Learners have answered or submitted work for {activity.title}, so it cannot be "
            "deleted. Mark it as not needed to complete the unit instead."
        )
    module = activity.module
    with system_access():
        Answer.objects.filter(activity=activity).delete()  # only empty drafts remain
    audit.record(
        actor,
        "training.activity.deleted",
        activity,
        organisation=module.course.organisation_id,
        changes={"title": activity.title, "kind": activity.kind},
    )
    activity.delete()
    _renumber(list(module.activities.order_by("position", "pk")))


# --- live sessions -------------------------------------------------------------------------


def _session_errors(data: dict[str, Any], run: CourseRun) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _text(errors, data, "title", "Title", limit=200, required=True, hint="a title for the session")
    if "starts_at" in data and not isinstance(data["starts_at"], datetime):
        _add(errors, "starts_at", "Enter the date and time the session starts")
    elif isinstance(data.get("starts_at"), datetime) and data["starts_at"].tzinfo is None:
        _add(errors, "starts_at", "Give the time with its time zone")
    _whole(errors, data, "duration_minutes", "Length in minutes", low=1, high=600)
    _web_address(errors, data, "joining_url", "Joining link")
    _web_address(errors, data, "recording_url", "Recording")
    module = data.get("module")
    if module is not None and getattr(module, "course_id", None) != run.course_id:
        _add(errors, "module", f"Choose a unit of {run.course}")
    return errors


@transaction.atomic
def add_session(actor: Actor, run: CourseRun, **data: Any) -> LiveSession:
    """A trainer-led session of a run, optionally for one unit."""
    _require_change(actor, run, "run")
    _unknown(data, SESSION_FIELDS)
    data.setdefault("title", "")
    data.setdefault("starts_at", None)
    _raise(_session_errors(data, run))
    session = LiveSession(run=run, **data)
    session.save()
    audit.record(
        actor,
        "training.live_session.created",
        session,
        organisation=run.course.organisation_id,
        changes=data,
    )
    return session


@transaction.atomic
def edit_session(actor: Actor, session: LiveSession, **data: Any) -> LiveSession:
    """Change a session (send only what changes); add the recording afterwards."""
    _require_change(actor, session, "live session")
    _unknown(data, SESSION_FIELDS)
    locked = LiveSession._base_manager.select_for_update(of=("self",)).get(pk=session.pk)
    _raise(_session_errors(data, locked.run))
    changes = _changes(locked, data)
    if not changes:
        return locked
    for field, value in data.items():
        setattr(locked, field, value)
    locked.save()
    audit.record(
        actor,
        "training.live_session.changed",
        locked,
        organisation=locked.run.course.organisation_id,
        changes=changes,
    )
    return locked


def add_recording(actor: Actor, session: LiveSession, recording_url: str) -> LiveSession:
    """The recording, once the session has happened."""
    if not (recording_url or "").strip():
        raise ValidationError({"recording_url": "Enter the web address of the recording"})
    return edit_session(actor, session, recording_url=recording_url)


@transaction.atomic
def delete_session(actor: Actor, session: LiveSession) -> None:
    _require_change(actor, session, "live session")
    audit.record(
        actor,
        "training.live_session.deleted",
        session,
        organisation=session.run.course.organisation_id,
        changes={"title": session.title, "starts_at": session.starts_at},
    )
    session.delete()
