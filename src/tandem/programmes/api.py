"""The programmes API (same selectors, services and policy as the pages).

Programme templates, programmes and their rules (B1, B2), cohorts and
academic calendars (B3). Thin, like the views: resolve records through the
selectors (404 when absent or invisible, 403 when read-only), call the
services, shape the answer.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.api.schemas import ERRORS, Input, OrganisationRef, Page, PartnershipRef
from tandem.organisations import selectors as org_selectors
from tandem.programmes import rules, selectors, services
from tandem.programmes.models import (
    CohortStatus,
    ObservationPolicy,
    Purpose,
    RelationshipType,
)

router = Router(tags=["programmes"])

CONTACT_RULES_HELP = (
    "Rows of {period: half_term|term|month|year, kind: discussion|observation|report, "
    "minimum: 0-50, periods: [positions in the academic year; empty = every one], label}"
)
REPORTS_HELP = "Rows of {name, due: 'MM-DD', recipients: [tutor|coordinator|line_manager|...]}"


# --- shapes ----------------------------------------------------------------------------------


class ProgrammeContactRuleOut(Schema):
    period: str
    kind: str
    minimum: int
    periods: list[int] = []
    label: str = ""


class ProgrammeReportOut(Schema):
    name: str
    due: str = Field(description="Month and day, MM-DD")
    recipients: list[str]


class ProgrammeRulesOut(Schema):
    purpose: Purpose
    relationship_type: RelationshipType
    contact_rules: list[ProgrammeContactRuleOut]
    contact_rules_in_words: list[str]
    required_documents: list[str]
    mentor_hours_per_mentee: int
    remission_hours_per_mentee: int
    payment_per_placement_pence: int = Field(description="Money as whole pence")
    supervision_hours_per_mentor: int
    report_schedule: list[ProgrammeReportOut]
    report_recipients: list[str]
    line_manager_reports: bool
    observation_policy: ObservationPolicy
    requires_trained_mentor: bool
    weight_subject: float
    weight_mode: float
    weight_availability: float
    weight_place: float
    weight_experience: float
    weight_preferred: float
    offer_response_days: int

    @staticmethod
    def resolve_contact_rules_in_words(obj: Any) -> list[str]:
        return rules.describe_contact_rules(obj.contact_rules)


class ProgrammeTemplateOut(ProgrammeRulesOut):
    uuid: UUID
    code: str
    name: str
    description: str


class ProgrammeOut(ProgrammeRulesOut):
    uuid: UUID
    name: str
    description: str
    organisation: OrganisationRef | None
    partnership: PartnershipRef | None
    template: str | None = Field(description="Code of the template it started from")
    is_active: bool
    version: int = Field(description="Send it back with a change; a stale version is refused")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_template(obj: Any) -> str | None:
        return obj.template.code if obj.template_id else None


class ProgrammeCreate(Input):
    template: str = Field(description="The template's code (or id), from GET /programme-templates")
    name: str = Field("", max_length=200, description="Default: the template's name")


class ProgrammeUpdate(Input):
    """Send the version you read and only the fields to change."""

    version: int = Field(description="The version you read")
    name: str = Field(None, max_length=200)
    description: str = Field(None)
    purpose: Purpose = Field(None)
    relationship_type: RelationshipType = Field(None)
    contact_rules: list[Any] = Field(None, description=CONTACT_RULES_HELP)
    required_documents: list[Any] = Field(
        None, description="Document codes: " + ", ".join(rules.DOCUMENTS)
    )
    mentor_hours_per_mentee: int = Field(None)
    remission_hours_per_mentee: int = Field(None)
    payment_per_placement_pence: int = Field(None, description="Money as whole pence")
    supervision_hours_per_mentor: int = Field(None)
    report_schedule: list[Any] = Field(None, description=REPORTS_HELP)
    line_manager_reports: bool = Field(None)
    observation_policy: ObservationPolicy = Field(None)
    requires_trained_mentor: bool = Field(None)
    weight_subject: float = Field(None)
    weight_mode: float = Field(None)
    weight_availability: float = Field(None)
    weight_place: float = Field(None)
    weight_experience: float = Field(None)
    weight_preferred: float = Field(None)
    offer_response_days: int = Field(None)


class ProgrammeRecordRef(Schema):
    uuid: UUID
    name: str


class CohortOut(Schema):
    uuid: UUID
    name: str
    programme: ProgrammeRecordRef
    organisation: OrganisationRef
    calendar: ProgrammeRecordRef
    starts_on: date
    ends_on: date
    status: CohortStatus
    created_at: datetime


class CohortCreate(Input):
    name: str = Field(max_length=150)
    calendar: UUID = Field(description="One of the organisation's academic calendars")
    starts_on: date
    ends_on: date
    status: CohortStatus = CohortStatus.PLANNED
    organisation: UUID | None = Field(
        None,
        description="Where the cohort runs: needed only for a partnership's programme "
        "(default: the calendar's organisation)",
    )


class CohortUpdate(Input):
    """Send only the fields to change."""

    name: str = Field(None, max_length=150)
    calendar: UUID = Field(None)
    starts_on: date = Field(None)
    ends_on: date = Field(None)
    status: CohortStatus = Field(None)


class CalendarPeriodOut(Schema):
    uuid: UUID
    kind: str = Field(description="term or half_term")
    position: int = Field(description="Terms 1-3, half-terms 1-6")
    name: str
    starts_on: date
    ends_on: date


class AcademicCalendarOut(Schema):
    uuid: UUID
    name: str
    organisation: OrganisationRef
    starts_on: date
    ends_on: date


class AcademicCalendarDetailOut(AcademicCalendarOut):
    periods: list[CalendarPeriodOut]

    @staticmethod
    def resolve_periods(obj: Any) -> list[Any]:
        return list(obj.api_periods)


class AcademicCalendarCreate(Input):
    start_year: int = Field(
        description="The year the academic year starts (2026 for September 2026 to August 2027)"
    )


class CalendarPeriodUpdate(Input):
    starts_on: date
    ends_on: date


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {k: getattr(v, "value", v) for k, v in data.items()}


# --- templates -------------------------------------------------------------------------------


@router.get("/programme-templates", response={200: list[ProgrammeTemplateOut], **ERRORS})
@paginate(Page)
def list_templates(request: HttpRequest) -> Any:
    """The ready templates a programme starts from, with their rules."""
    return selectors.templates()


# --- programmes ------------------------------------------------------------------------------


def _organisation_for_programmes(actor: Any, uuid: UUID) -> Any:
    organisation = org_selectors.access_organisation(actor, uuid)
    if not selectors.can_see_programmes_of(actor, organisation):
        raise PermissionDenied(f"The programmes of {organisation} are for the people in it")
    return organisation


def _template(code: str) -> Any:
    template = selectors.template_by_code(code) or selectors.template_by_uuid(code)
    if template is None:
        raise ValidationError(
            {"template": "No template with this code; see GET /programme-templates"}
        )
    return template


@router.get("/organisations/{uuid}/programmes", response={200: list[ProgrammeOut], **ERRORS})
@paginate(Page)
def list_programmes(request: HttpRequest, uuid: UUID) -> Any:
    """The organisation's programmes and those shared by its partnerships."""
    actor = _actor(request)
    return selectors.programmes_of(actor, _organisation_for_programmes(actor, uuid))


@router.post("/organisations/{uuid}/programmes", response={201: ProgrammeOut, **ERRORS})
def create_programme(request: HttpRequest, uuid: UUID, payload: ProgrammeCreate) -> Any:
    """Set up a programme from a template (the organisation's coordinators)."""
    actor = _actor(request)
    organisation = org_selectors.access_organisation(actor, uuid)
    programme = services.create_programme(
        actor, _template(payload.template), organisation=organisation, name=payload.name
    )
    return Status(201, programme)


@router.get("/partnerships/{uuid}/programmes", response={200: list[ProgrammeOut], **ERRORS})
@paginate(Page)
def list_partnership_programmes(request: HttpRequest, uuid: UUID) -> Any:
    """Programmes a partnership shares with its member organisations."""
    actor = _actor(request)
    return selectors.programmes_of_partnership(actor, org_selectors.access_partnership(actor, uuid))


@router.post("/partnerships/{uuid}/programmes", response={201: ProgrammeOut, **ERRORS})
def create_partnership_programme(request: HttpRequest, uuid: UUID, payload: ProgrammeCreate) -> Any:
    """Set up a programme shared by the partnership (its administrators)."""
    actor = _actor(request)
    partnership = org_selectors.access_partnership(actor, uuid)
    programme = services.create_programme(
        actor, _template(payload.template), partnership=partnership, name=payload.name
    )
    return Status(201, programme)


@router.get("/programmes/{uuid}", response={200: ProgrammeOut, **ERRORS})
def get_programme(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.access_programme(_actor(request), uuid)


@router.patch("/programmes/{uuid}", response={200: ProgrammeOut, **ERRORS})
def update_programme(request: HttpRequest, uuid: UUID, payload: ProgrammeUpdate) -> Any:
    """Change the name, description or rules. Send the version you read."""
    actor = _actor(request)
    programme = selectors.access_programme(actor, uuid, for_write=True)
    data = _plain(payload.model_dump(exclude_unset=True))
    version = data.pop("version")
    nulls = sorted(k for k, v in data.items() if v is None)
    if nulls:
        raise ValidationError({k: "This field cannot be null" for k in nulls})
    return services.edit_programme(actor, programme, expected_version=version, **data)


@router.post("/programmes/{uuid}/deactivate", response={200: ProgrammeOut, **ERRORS})
def deactivate_programme(request: HttpRequest, uuid: UUID) -> Any:
    """Close the programme to new cohorts; running cohorts carry on."""
    actor = _actor(request)
    return services.deactivate_programme(
        actor, selectors.access_programme(actor, uuid, for_write=True)
    )


@router.post("/programmes/{uuid}/reactivate", response={200: ProgrammeOut, **ERRORS})
def reactivate_programme(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    return services.reactivate_programme(
        actor, selectors.access_programme(actor, uuid, for_write=True)
    )


# --- cohorts ---------------------------------------------------------------------------------


def _calendar_of(actor: Any, organisation: Any, uuid: UUID) -> Any:
    calendar = selectors.calendars_of(actor, organisation).filter(uuid=uuid).first()
    if calendar is None:
        raise ValidationError({"calendar": f"No academic calendar with this id at {organisation}"})
    return calendar


@router.get("/programmes/{uuid}/cohorts", response={200: list[CohortOut], **ERRORS})
@paginate(Page)
def list_cohorts(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    return selectors.cohorts_of(actor, selectors.access_programme(actor, uuid))


@router.post("/programmes/{uuid}/cohorts", response={201: CohortOut, **ERRORS})
def create_cohort(request: HttpRequest, uuid: UUID, payload: CohortCreate) -> Any:
    """Start a cohort (coordinators of the organisation it runs at)."""
    actor = _actor(request)
    programme = selectors.access_programme(actor, uuid)
    data = _plain(payload.model_dump())
    organisation_uuid = data.pop("organisation")
    if organisation_uuid is not None:
        organisation = org_selectors.organisations(actor).filter(uuid=organisation_uuid).first()
        if organisation is None:
            raise ValidationError({"organisation": "No organisation with this id that you see"})
    elif programme.organisation_id is not None:
        organisation = programme.organisation
    else:
        coordinated = org_selectors.organisations(actor).filter(id__in=actor.coordinator_of)
        calendar = selectors.calendars_in(actor, coordinated).filter(uuid=data["calendar"]).first()
        if calendar is None:
            raise ValidationError({"calendar": "No academic calendar with this id that you see"})
        organisation = calendar.organisation
    if not services.can_start_cohort(actor, programme, organisation):
        raise PermissionDenied(f"Only the coordinators of {organisation} start its cohorts")
    data["calendar"] = _calendar_of(actor, organisation, data["calendar"])
    cohort = services.create_cohort(actor, programme, organisation=organisation, **data)
    return Status(201, cohort)


@router.get("/cohorts/{uuid}", response={200: CohortOut, **ERRORS})
def get_cohort(request: HttpRequest, uuid: UUID) -> Any:
    return selectors.access_cohort(_actor(request), uuid)


@router.patch("/cohorts/{uuid}", response={200: CohortOut, **ERRORS})
def update_cohort(request: HttpRequest, uuid: UUID, payload: CohortUpdate) -> Any:
    actor = _actor(request)
    cohort = selectors.access_cohort(actor, uuid, for_write=True)
    data = _plain(payload.model_dump(exclude_unset=True))
    nulls = sorted(k for k, v in data.items() if v is None)
    if nulls:
        raise ValidationError({k: "This field cannot be null" for k in nulls})
    if "calendar" in data:
        data["calendar"] = _calendar_of(actor, cohort.organisation, data["calendar"])
    return services.edit_cohort(actor, cohort, **data)


# --- academic calendars ----------------------------------------------------------------------


def _calendar_detail(actor: Any, calendar: Any) -> Any:
    calendar.api_periods = selectors.periods_of(actor, calendar).order_by(  # type: ignore[attr-defined]
        "-kind", "position"
    )
    return calendar


@router.get("/organisations/{uuid}/calendars", response={200: list[AcademicCalendarOut], **ERRORS})
@paginate(Page)
def list_calendars(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    organisation = _organisation_for_programmes(actor, uuid)
    return selectors.calendars_of(actor, organisation).select_related("organisation")


@router.post("/organisations/{uuid}/calendars", response={201: AcademicCalendarDetailOut, **ERRORS})
def create_calendar(request: HttpRequest, uuid: UUID, payload: AcademicCalendarCreate) -> Any:
    """Add England's academic calendar for a year (the coordinators); every date is editable."""
    actor = _actor(request)
    organisation = org_selectors.access_organisation(actor, uuid)
    calendar = services.create_default_calendar(actor, organisation, payload.start_year)
    return Status(201, _calendar_detail(actor, calendar))


@router.get("/calendars/{uuid}", response={200: AcademicCalendarDetailOut, **ERRORS})
def get_calendar(request: HttpRequest, uuid: UUID) -> Any:
    actor = _actor(request)
    return _calendar_detail(actor, selectors.access_calendar(actor, uuid))


@router.patch(
    "/calendars/{uuid}/periods/{period_uuid}", response={200: CalendarPeriodOut, **ERRORS}
)
def update_period(
    request: HttpRequest, uuid: UUID, period_uuid: UUID, payload: CalendarPeriodUpdate
) -> Any:
    """Move a term or half-term; the calendar's periods must still fit together."""
    actor = _actor(request)
    period = selectors.access_period(actor, period_uuid, for_write=True)
    if period.calendar.uuid != uuid:
        raise Http404("No calendar period found")
    return services.edit_period(actor, period, starts_on=payload.starts_on, ends_on=payload.ends_on)
