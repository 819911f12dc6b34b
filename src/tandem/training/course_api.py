"""The courses API (E1, E5): same selectors, services and policy as the pages.

Courses, their runs, units, content pages, activities and live sessions. Thin:
resolve records through the selectors (404 when absent or invisible, 403 when
read-only), call the services in ``training.courses``, shape the answer. Text
with formatting (``description_html``, ``body_html``) is sanitised; when
something was removed, ``cleaning_note`` says what.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.api.schemas import ERRORS, Input, OrganisationRef, Page
from tandem.organisations import selectors as org_selectors
from tandem.training import courses as services
from tandem.training import selectors
from tandem.training.models import (
    ActivityKind,
    CompletionRule,
    CourseStatus,
    EnrolmentMode,
    ReleaseMode,
    UnitKind,
)

router = Router(tags=["training"])

RICH_HELP = (
    "Plain text (blank lines between paragraphs, '- ' for bullets) or HTML; scripts, styles, "
    "event handlers and unsafe links are removed"
)


# --- shapes ----------------------------------------------------------------------------------


class Ref(Schema):
    uuid: UUID
    title: str


class RunRef(Schema):
    uuid: UUID
    name: str


class CourseOut(Schema):
    uuid: UUID
    organisation: OrganisationRef
    title: str
    summary: str
    description_html: str
    status: CourseStatus
    glh: float = Field(description="Guided learning hours")
    practice_hours_required: float
    release_mode: ReleaseMode
    enrolment_mode: EnrolmentMode
    completion_rule: CompletionRule
    minimum_units: int | None
    is_mentor_training: bool
    shared_with_partnerships: bool
    awards_certificate: bool
    credits: float | None
    level: str
    validating_body: str
    version: int = Field(description="Send it back with a change; a stale version is refused")
    created_at: datetime
    updated_at: datetime
    cleaning_note: str = Field("", description="What sanitising removed from the description")

    @staticmethod
    def resolve_cleaning_note(obj: Any) -> str:
        return getattr(obj, "cleaning_note", "")


class CourseCreate(Input):
    title: str = Field(max_length=200)
    summary: str = Field(None, max_length=500)
    description_html: str = Field(None, description=RICH_HELP)
    glh: Decimal = Field(None, description="Guided learning hours, one decimal place")
    practice_hours_required: Decimal = Field(None)
    release_mode: ReleaseMode = Field(None)
    enrolment_mode: EnrolmentMode = Field(None)
    completion_rule: CompletionRule = Field(None)
    minimum_units: int | None = Field(None, description="With completion_rule 'minimum'")
    is_mentor_training: bool = Field(None)
    shared_with_partnerships: bool = Field(None)
    awards_certificate: bool = Field(None)
    credits: Decimal | None = Field(None)
    level: str = Field(None, max_length=100)
    validating_body: str = Field(None, max_length=200)


class CourseUpdate(CourseCreate):
    """Send the version you read and only the fields to change."""

    version: int = Field(description="The version you read")
    title: str = Field(None, max_length=200)


class RunOut(Schema):
    uuid: UUID
    course: Ref
    name: str
    enrolment_opens_on: date
    enrolment_closes_on: date | None
    starts_on: date
    ends_on: date | None
    places: int | None = Field(description="Null for no limit")
    places_left: int | None = Field(None, description="Null for no limit")

    @staticmethod
    def resolve_places_left(obj: Any) -> int | None:
        return selectors.places_left(obj)


class RunCreate(Input):
    name: str = Field(max_length=200)
    enrolment_opens_on: date
    enrolment_closes_on: date | None = None
    starts_on: date
    ends_on: date | None = None
    places: int | None = None


class RunUpdate(Input):
    """Send only the fields to change."""

    name: str = Field(None, max_length=200)
    enrolment_opens_on: date = Field(None)
    enrolment_closes_on: date | None = Field(None)
    starts_on: date = Field(None)
    ends_on: date | None = Field(None)
    places: int | None = Field(None)


class UnitOut(Schema):
    uuid: UUID
    course: Ref
    position: int
    kind: UnitKind
    title: str
    summary: str
    glh: float
    requires_previous: bool
    release_after_days: int
    awards_badge: bool


class UnitCreate(Input):
    title: str = Field(max_length=200)
    kind: UnitKind = Field(None)
    summary: str = Field(None)
    glh: Decimal = Field(None)
    requires_previous: bool = Field(None)
    release_after_days: int = Field(
        None, description="Used when the course releases units on a schedule"
    )
    awards_badge: bool = Field(None)


class UnitUpdate(UnitCreate):
    """Send only the fields to change."""

    title: str = Field(None, max_length=200)


class UnitMove(Input):
    direction: Literal["up", "down"]


class PageOut(Schema):
    uuid: UUID
    unit: Ref
    position: int
    title: str
    body_html: str
    attachment_name: str
    attachment_url: str | None = Field(description="Download address of the file, if any")
    link_url: str
    link_label: str
    cleaning_note: str = Field("", description="What sanitising removed from the text")

    @staticmethod
    def resolve_unit(obj: Any) -> Any:
        return obj.module

    @staticmethod
    def resolve_attachment_url(obj: Any) -> str | None:
        if not obj.attachment:
            return None
        return reverse("training:page_file", kwargs={"uuid": obj.uuid})

    @staticmethod
    def resolve_cleaning_note(obj: Any) -> str:
        return getattr(obj, "cleaning_note", "")


class PageCreate(Input):
    title: str = Field(max_length=200)
    body_html: str = Field(None, description=RICH_HELP)
    link_url: str = Field(None, max_length=500)
    link_label: str = Field(None, max_length=200)


class PageUpdate(PageCreate):
    """Send only the fields to change."""

    title: str = Field(None, max_length=200)
    remove_attachment: bool = Field(None, description="true to remove the page's file")


class ActivityOut(Schema):
    uuid: UUID
    unit: Ref
    position: int
    kind: ActivityKind
    title: str
    prompt: str
    word_guide: int | None
    required: bool

    @staticmethod
    def resolve_unit(obj: Any) -> Any:
        return obj.module


class ActivityCreate(Input):
    kind: ActivityKind
    title: str = Field(max_length=200)
    prompt: str
    word_guide: int | None = Field(None)
    required: bool = Field(None)


class ActivityUpdate(Input):
    """Send only the fields to change."""

    kind: ActivityKind = Field(None)
    title: str = Field(None, max_length=200)
    prompt: str = Field(None)
    word_guide: int | None = Field(None)
    required: bool = Field(None)


class SessionOut(Schema):
    uuid: UUID
    run: RunRef
    unit: Ref | None
    title: str
    starts_at: datetime
    duration_minutes: int
    joining_url: str = Field(description="Blank unless you run the course or are on the run")
    recording_url: str = Field(description="Blank unless you run the course or are on the run")

    @staticmethod
    def resolve_unit(obj: Any) -> Any:
        return obj.module

    @staticmethod
    def resolve_joining_url(obj: Any, context: Any) -> str:
        return obj.joining_url if _sees_links(context, obj.run) else ""

    @staticmethod
    def resolve_recording_url(obj: Any, context: Any) -> str:
        return obj.recording_url if _sees_links(context, obj.run) else ""


def _sees_links(context: Any, run: Any) -> bool:
    """Whether the requester sees the run's joining links and recordings (once a request)."""
    request = (context or {}).get("request")
    if request is None:
        return False
    seen = request.__dict__.setdefault("_training_session_links", {})
    if run.pk not in seen:
        seen[run.pk] = selectors.sees_session_links(request.actor, run)
    return seen[run.pk]


class SessionCreate(Input):
    title: str = Field(max_length=200)
    starts_at: datetime = Field(description="With its time zone, e.g. 2026-10-07T14:30:00+01:00")
    duration_minutes: int = Field(None)
    joining_url: str = Field(None, max_length=500)
    recording_url: str = Field(None, max_length=500)
    unit: UUID | None = Field(None, description="A unit of the course, or null")


class SessionUpdate(Input):
    """Send only the fields to change."""

    title: str = Field(None, max_length=200)
    starts_at: datetime = Field(None)
    duration_minutes: int = Field(None)
    joining_url: str = Field(None, max_length=500)
    recording_url: str = Field(None, max_length=500)
    unit: UUID | None = Field(None)


# --- helpers ---------------------------------------------------------------------------------

NULLABLE = {"minimum_units", "credits", "enrolment_closes_on", "ends_on", "places", "word_guide"}


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _data(payload: Any, nullable: set[str] = NULLABLE) -> dict[str, Any]:
    """The fields sent, plain values; null only where the field may be empty."""
    data = {k: getattr(v, "value", v) for k, v in payload.model_dump(exclude_unset=True).items()}
    nulls = sorted(k for k, v in data.items() if v is None and k not in nullable)
    if nulls:
        raise ValidationError({k: "This field cannot be null" for k in nulls})
    return data


def _staff_only(actor: Any, course: Any) -> None:
    """Pages and activities through this API are for the course's staff; learners
    reach them through their enrolment, where units open on time."""
    if not selectors.is_course_staff(actor, course):
        raise PermissionDenied("Learners open units through their enrolment")


def _unit_of(actor: Any, course: Any, uuid: UUID | None) -> Any:
    if uuid is None:
        return None
    unit = selectors.units_of(actor, course).filter(uuid=uuid).first()
    if unit is None:
        raise ValidationError({"unit": f"No unit with this id in {course}"})
    return unit


def _with_places(actor: Any, run: Any) -> Any:
    return selectors.with_places(selectors.runs_of(actor, run.course).filter(pk=run.pk)).get()


# --- courses ---------------------------------------------------------------------------------


@router.get("/courses", response={200: list[CourseOut], **ERRORS})
@paginate(Page)
def list_courses(request: HttpRequest, status: CourseStatus | None = None) -> Any:
    """Courses you can see: published ones of your organisations (and of partners, when
    open to partnerships), and drafts of the organisations whose courses you run."""
    qs = selectors.courses(_actor(request)).order_by("title", "pk")
    return qs.filter(status=status.value) if status is not None else qs


@router.post("/organisations/{uuid}/courses", response={201: CourseOut, **ERRORS})
def create_course(request: HttpRequest, uuid: UUID, payload: CourseCreate) -> Any:
    """A draft course (the organisation's trainers and coordinators)."""
    actor = _actor(request)
    organisation = org_selectors.access_organisation(actor, uuid)
    return Status(201, services.create_course(actor, organisation, **_data(payload)))


@router.get("/courses/{uuid}", response={200: CourseOut, **ERRORS})
def get_course(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.access_course(_actor(request), uuid)


@router.patch("/courses/{uuid}", response={200: CourseOut, **ERRORS})
def update_course(request: HttpRequest, uuid: UUID, payload: CourseUpdate) -> Any:
    """Change a course. Send the version you read."""
    actor = _actor(request)
    course = selectors.access_course(actor, uuid, for_write=True)
    data = _data(payload)
    version = data.pop("version")
    return services.edit_course(actor, course, expected_version=version, **data)


@router.post("/courses/{uuid}/publish", response={200: CourseOut, **ERRORS})
def publish_course(request: HttpRequest, uuid: UUID) -> Any:
    """Publish a draft (or archived) course: it needs at least one unit and one run."""
    actor = _actor(request)
    return services.publish_course(actor, selectors.access_course(actor, uuid, for_write=True))


@router.post("/courses/{uuid}/archive", response={200: CourseOut, **ERRORS})
def archive_course(request: HttpRequest, uuid: UUID) -> Any:
    """Stop new enrolments; learners on the course carry on."""
    actor = _actor(request)
    return services.archive_course(actor, selectors.access_course(actor, uuid, for_write=True))


# --- runs ------------------------------------------------------------------------------------


@router.get("/courses/{uuid}/runs", response={200: list[RunOut], **ERRORS})
@paginate(Page)
def list_runs(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    course = selectors.access_course(actor, uuid)
    return selectors.with_places(selectors.runs_of(actor, course).select_related("course"))


@router.post("/courses/{uuid}/runs", response={201: RunOut, **ERRORS})
def create_run(request: HttpRequest, uuid: UUID, payload: RunCreate) -> Any:
    actor = _actor(request)
    course = selectors.access_course(actor, uuid, for_write=True)
    run = services.add_run(actor, course, **_data(payload))
    return Status(201, _with_places(actor, run))


@router.get("/runs/{uuid}", response={200: RunOut, **ERRORS})
def get_run(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    return _with_places(actor, selectors.access_run(actor, uuid))


@router.patch("/runs/{uuid}", response={200: RunOut, **ERRORS})
def update_run(request: HttpRequest, uuid: UUID, payload: RunUpdate) -> Any:
    actor = _actor(request)
    run = selectors.access_run(actor, uuid, for_write=True)
    return _with_places(actor, services.edit_run(actor, run, **_data(payload)))


@router.delete("/runs/{uuid}", response={204: None, **ERRORS})
def delete_run(request: HttpRequest, uuid: UUID) -> Any:
    """Delete a run nobody has enrolled on."""
    actor = _actor(request)
    services.delete_run(actor, selectors.access_run(actor, uuid, for_write=True))
    return Status(204, None)


# --- units -----------------------------------------------------------------------------------


@router.get("/courses/{uuid}/units", response={200: list[UnitOut], **ERRORS})
@paginate(Page)
def list_units(request: HttpRequest, uuid: UUID) -> Any:
    """The units of a course, in order."""
    actor = _actor(request)
    course = selectors.access_course(actor, uuid)
    return selectors.units_of(actor, course).select_related("course")


@router.post("/courses/{uuid}/units", response={201: UnitOut, **ERRORS})
def create_unit(request: HttpRequest, uuid: UUID, payload: UnitCreate) -> Any:
    """Add a unit at the end of the course."""
    actor = _actor(request)
    course = selectors.access_course(actor, uuid, for_write=True)
    return Status(201, services.add_module(actor, course, **_data(payload)))


@router.get("/units/{uuid}", response={200: UnitOut, **ERRORS})
def get_unit(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.access_module(_actor(request), uuid)


@router.patch("/units/{uuid}", response={200: UnitOut, **ERRORS})
def update_unit(request: HttpRequest, uuid: UUID, payload: UnitUpdate) -> Any:
    actor = _actor(request)
    module = selectors.access_module(actor, uuid, for_write=True)
    return services.edit_module(actor, module, **_data(payload))


@router.post("/units/{uuid}/move", response={200: list[UnitOut], **ERRORS})
def move_unit(request: HttpRequest, uuid: UUID, payload: UnitMove) -> Any:
    """Swap the unit with the one before (up) or after (down); answers the new order."""
    actor = _actor(request)
    module = selectors.access_module(actor, uuid, for_write=True)
    services.move_module(actor, module, payload.direction)
    return list(selectors.units_of(actor, module.course).select_related("course"))


@router.delete("/units/{uuid}", response={204: None, **ERRORS})
def delete_unit(request: HttpRequest, uuid: UUID) -> Any:
    """Delete a unit nobody has completed or worked on."""
    actor = _actor(request)
    services.delete_module(actor, selectors.access_module(actor, uuid, for_write=True))
    return Status(204, None)


# --- content pages ---------------------------------------------------------------------------


@router.get("/units/{uuid}/pages", response={200: list[PageOut], **ERRORS})
@paginate(Page)
def list_pages(request: HttpRequest, uuid: UUID) -> Any:
    """The pages of a unit (the course's staff)."""
    actor = _actor(request)
    module = selectors.access_module(actor, uuid)
    _staff_only(actor, module.course)
    return selectors.pages_of(actor, module).select_related("module")


@router.post("/units/{uuid}/pages", response={201: PageOut, **ERRORS})
def create_page(request: HttpRequest, uuid: UUID, payload: PageCreate) -> Any:
    """Add a page; send its file afterwards to POST /pages/{uuid}/attachment."""
    actor = _actor(request)
    module = selectors.access_module(actor, uuid, for_write=True)
    return Status(201, services.add_page(actor, module, **_data(payload)))


@router.get("/pages/{uuid}", response={200: PageOut, **ERRORS})
def get_page(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    page = selectors.access_page(actor, uuid)
    _staff_only(actor, page.module.course)
    return page


@router.patch("/pages/{uuid}", response={200: PageOut, **ERRORS})
def update_page(request: HttpRequest, uuid: UUID, payload: PageUpdate) -> Any:
    actor = _actor(request)
    page = selectors.access_page(actor, uuid, for_write=True)
    return services.edit_page(actor, page, **_data(payload))


@router.post("/pages/{uuid}/attachment", response={200: PageOut, **ERRORS})
def upload_attachment(request: HttpRequest, uuid: UUID, attachment: File[UploadedFile]) -> Any:
    """multipart/form-data with the file as ``attachment``; it replaces any file the page had."""
    actor = _actor(request)
    page = selectors.access_page(actor, uuid, for_write=True)
    return services.edit_page(actor, page, attachment=attachment)


@router.delete("/pages/{uuid}", response={204: None, **ERRORS})
def delete_page(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    services.delete_page(actor, selectors.access_page(actor, uuid, for_write=True))
    return Status(204, None)


# --- activities ------------------------------------------------------------------------------


@router.get("/units/{uuid}/activities", response={200: list[ActivityOut], **ERRORS})
@paginate(Page)
def list_activities(request: HttpRequest, uuid: UUID) -> Any:
    """The activities of a unit (the course's staff)."""
    actor = _actor(request)
    module = selectors.access_module(actor, uuid)
    _staff_only(actor, module.course)
    return selectors.activities_of(actor, module).select_related("module")


@router.post("/units/{uuid}/activities", response={201: ActivityOut, **ERRORS})
def create_activity(request: HttpRequest, uuid: UUID, payload: ActivityCreate) -> Any:
    actor = _actor(request)
    module = selectors.access_module(actor, uuid, for_write=True)
    return Status(201, services.add_activity(actor, module, **_data(payload)))


@router.get("/activities/{uuid}", response={200: ActivityOut, **ERRORS})
def get_activity(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    activity = selectors.access_activity(actor, uuid)
    _staff_only(actor, activity.module.course)
    return activity


@router.patch("/activities/{uuid}", response={200: ActivityOut, **ERRORS})
def update_activity(request: HttpRequest, uuid: UUID, payload: ActivityUpdate) -> Any:
    actor = _actor(request)
    activity = selectors.access_activity(actor, uuid, for_write=True)
    return services.edit_activity(actor, activity, **_data(payload))


@router.delete("/activities/{uuid}", response={204: None, **ERRORS})
def delete_activity(request: HttpRequest, uuid: UUID) -> Any:
    """Delete an activity nobody has worked on."""
    actor = _actor(request)
    services.delete_activity(actor, selectors.access_activity(actor, uuid, for_write=True))
    return Status(204, None)


# --- live sessions ---------------------------------------------------------------------------


@router.get("/runs/{uuid}/live-sessions", response={200: list[SessionOut], **ERRORS})
@paginate(Page)
def list_sessions(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    run = selectors.access_run(actor, uuid)
    return selectors.sessions_of_run(actor, run).select_related("run__course")


def _session_data(actor: Any, run: Any, payload: Any) -> dict[str, Any]:
    data = _data(payload, NULLABLE | {"unit"})
    if "unit" in data:
        data["module"] = _unit_of(actor, run.course, data.pop("unit"))
    return data


@router.post("/runs/{uuid}/live-sessions", response={201: SessionOut, **ERRORS})
def create_session(request: HttpRequest, uuid: UUID, payload: SessionCreate) -> Any:
    actor = _actor(request)
    run = selectors.access_run(actor, uuid, for_write=True)
    return Status(201, services.add_session(actor, run, **_session_data(actor, run, payload)))


@router.get("/live-sessions/{uuid}", response={200: SessionOut, **ERRORS})
def get_session(request: HttpRequest, uuid: UUID) -> Any:
    """A live session; its joining link and recording are blank unless you run the course
    or are on the run."""
    return selectors.access_session(_actor(request), uuid)


@router.patch("/live-sessions/{uuid}", response={200: SessionOut, **ERRORS})
def update_session(request: HttpRequest, uuid: UUID, payload: SessionUpdate) -> Any:
    """Change a session; send ``recording_url`` once it has happened."""
    actor = _actor(request)
    session = selectors.access_session(actor, uuid, for_write=True)
    data = _session_data(actor, session.run, payload)
    return services.edit_session(actor, session, **data)


@router.delete("/live-sessions/{uuid}", response={204: None, **ERRORS})
def delete_session(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    services.delete_session(actor, selectors.access_session(actor, uuid, for_write=True))
    return Status(204, None)
