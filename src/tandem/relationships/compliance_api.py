"""The API for compliance (D6) and reports (D5): the same selectors, services and policy as
the pages."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.api.schemas import ERRORS, Input, OrganisationRef, Page, PersonRef
from tandem.organisations import selectors as org_selectors
from tandem.relationships import compliance_selectors as cs
from tandem.relationships import reports, selectors
from tandem.relationships.models import Report, ReportKind, ReportStatus

router = Router(tags=["compliance and reports"])


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


# --- schemas ---------------------------------------------------------------------------------


class PeriodOut(Schema):
    kind: str = Field(description="half_term, term, month or year")
    position: int
    name: str = Field(description="For example 'Autumn 1 2026/27' or 'October 2026'")
    starts_on: date
    ends_on: date


class RequirementOut(Schema):
    kind: str = Field(description="discussion, observation or report")
    minimum: int
    done: int = Field(description="Held meetings, recorded observations or sent reports")
    status: str = Field(description="done, due or overdue")
    is_current: bool = Field(description="The period contains today")
    label: str
    period: PeriodOut

    @staticmethod
    def resolve_period(obj: Any) -> dict[str, Any]:
        p = obj.period
        return {
            "kind": p.kind,
            "position": p.position,
            "name": p.title,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
        }


class CompliancePairRef(Schema):
    uuid: UUID
    mentor: PersonRef
    mentee: PersonRef


class ComplianceOut(Schema):
    mentorship: CompliancePairRef
    standing: str = Field(description="overdue, due (this period not met yet) or on_track")
    overdue: int = Field(description="How many requirements are overdue")
    at_risk: bool
    at_risk_reasons: list[str]
    last_meeting_on: date | None
    requirements: list[RequirementOut]


class ComplianceRowOut(Schema):
    mentorship: CompliancePairRef
    programme: str
    cohort: str | None
    standing: str = Field(description="overdue, due (this period not met yet) or on_track")
    overdue: int
    at_risk: bool
    at_risk_reasons: list[str]
    current: list[RequirementOut] = Field(description="This period's requirements")


class ComplianceFilter(Schema):
    standing: Literal["overdue", "due", "on_track"] | None = None
    at_risk: bool = False
    programme: UUID | None = None
    cohort: UUID | None = None
    q: str = Field("", max_length=100, description="Part of the mentor's or mentee's name")


class OrganisationFiguresOut(Schema):
    organisation: OrganisationRef
    active: int
    overdue: int
    due: int
    on_track: int
    at_risk: int


class ReportOut(Schema):
    uuid: UUID
    mentorship: UUID
    kind: ReportKind
    name: str
    status: ReportStatus
    due_on: date
    period_start: date | None
    period_end: date | None
    body: str = Field(description="Written by the mentor; empty for activity reports")
    figures: dict[str, Any] = Field(
        description="Activity reports only: meetings_held, observations_recorded, hours, "
        "next_meeting_on"
    )
    recipient_roles: list[str] = Field(description="Scheduled reports: who it goes to when sent")
    recipients: list[PersonRef]
    sent_at: datetime | None
    version: int

    @staticmethod
    def resolve_mentorship(obj: Any) -> UUID:
        return obj.mentorship.uuid

    @staticmethod
    def resolve_figures(obj: Any) -> dict[str, Any]:
        return dict(obj.figures or {}) if obj.kind == ReportKind.LINE_MANAGER else {}

    @staticmethod
    def resolve_recipient_roles(obj: Any) -> list[str]:
        if obj.kind == ReportKind.LINE_MANAGER:
            return ["line_manager"]
        return list((obj.figures or {}).get("recipient_roles") or [])

    @staticmethod
    def resolve_recipients(obj: Any) -> list[Any]:
        return list(obj.recipients.all())


class NewReport(Input):
    name: str = Field(max_length=150)
    due_on: date
    recipients: list[str] | None = Field(
        None, description="Any of tutor, coordinator, mentee, mentor (default: the programme's)"
    )


class ReportEdit(Input):
    body: str = Field(description="The report's text")
    version: int = Field(description="The version you read; a mismatch changes nothing")


class ReportSend(Input):
    version: int = Field(description="The version you read; a mismatch sends nothing")
    body: str | None = Field(None, description="Save this text first (optional)")


def _row(mentorship: Any, c: Any) -> dict[str, Any]:
    return {
        "mentorship": mentorship,
        "programme": mentorship.programme.name,
        "cohort": mentorship.cohort.name if mentorship.cohort_id else None,
        "standing": c.standing,
        "overdue": c.overdue_count,
        "at_risk": c.is_at_risk,
        "at_risk_reasons": c.at_risk,
        "current": c.current,
    }


class PageOfRows(Sequence):
    """The rows as the paginator sees them: only the slice it takes is fetched in full."""

    def __init__(self, actor: Any, rows: list[Any]) -> None:
        self.actor = actor
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: Any) -> Any:
        chosen = self.rows[index] if isinstance(index, slice) else [self.rows[index]]
        out = [_row(r.mentorship, r.compliance) for r in cs.attach(self.actor, chosen)]
        return out if isinstance(index, slice) else out[0]


# --- compliance ------------------------------------------------------------------------------


@router.get("/organisations/{uuid}/compliance", response={200: list[ComplianceRowOut], **ERRORS})
@paginate(Page)
def organisation_compliance(
    request: HttpRequest, uuid: UUID, filters: Query[ComplianceFilter]
) -> Any:
    """Every active relationship of the organisation: standing, overdue, at risk (most behind
    first). Coordinators and tutors of the organisation."""
    actor = _actor(request)
    organisation = org_selectors.access_organisation(actor, uuid)
    if not cs.can_follow_organisation(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators and tutors see compliance")
    chosen: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, qs in (
        ("programme", selectors.programmes_for(actor, organisation, open_only=False)),
        ("cohort", selectors.cohorts_for(actor, organisation)),
    ):
        wanted = getattr(filters, name)
        if wanted is not None:
            chosen[name] = qs.filter(uuid=wanted).first()
            if chosen[name] is None:
                errors[name] = f"No {name} with this id at {organisation}"
    if errors:
        raise ValidationError(errors)
    result = cs.organisation_compliance(
        actor,
        organisation,
        today=timezone.localdate(),
        filters=cs.Filters(
            standing=filters.standing or "",
            at_risk=filters.at_risk,
            programme=chosen.get("programme"),
            cohort=chosen.get("cohort"),
            q=filters.q.strip(),
        ),
    )
    return PageOfRows(actor, result.rows)


@router.get("/mentorships/{uuid}/compliance", response={200: ComplianceOut, **ERRORS})
def mentorship_compliance(request: HttpRequest, uuid: UUID) -> Any:
    """Every period and requirement of one relationship, and its at-risk reasons."""
    actor = _actor(request)
    mentorship = selectors.access_mentorship(actor, uuid)
    if not cs.can_follow_mentorship(actor, mentorship):
        raise PermissionDenied("Only the pair and the programme's staff follow this relationship")
    c = cs.mentorship_compliance(mentorship, today=timezone.localdate())
    return {
        "mentorship": mentorship,
        "standing": c.standing,
        "overdue": c.overdue_count,
        "at_risk": c.is_at_risk,
        "at_risk_reasons": c.at_risk,
        "last_meeting_on": c.last_meeting_on,
        "requirements": c.requirements,
    }


@router.get(
    "/partnerships/{uuid}/compliance", response={200: list[OrganisationFiguresOut], **ERRORS}
)
@paginate(Page)
def partnership_compliance(request: HttpRequest, uuid: UUID) -> Any:
    """Figures per member organisation (no names). Partnership administrators."""
    actor = _actor(request)
    partnership = org_selectors.access_partnership(actor, uuid)
    if not cs.can_follow_partnership(actor, partnership):
        raise PermissionDenied("Only the partnership's administrators see its figures")
    return cs.partnership_summary(partnership, today=timezone.localdate())


# --- reports ---------------------------------------------------------------------------------


def _fresh(report: Report) -> Report:
    report.refresh_from_db()
    return report


@router.get("/mentorships/{uuid}/reports", response={200: list[ReportOut], **ERRORS})
@paginate(Page)
def list_reports(request: HttpRequest, uuid: UUID) -> Any:
    """The relationship's reports you may read (a line manager: the ones sent to them)."""
    actor = _actor(request)
    mentorship = selectors.access_mentorship(actor, uuid)
    return cs.reports_of(actor, mentorship).select_related("mentorship")


@router.post("/mentorships/{uuid}/reports", response={201: ReportOut, **ERRORS})
def add_report(request: HttpRequest, uuid: UUID, payload: NewReport) -> Any:
    """Add a report outside the schedule, as a draft. The mentor and the coordinators."""
    actor = _actor(request)
    mentorship = selectors.access_mentorship(actor, uuid)
    report = reports.add_report(
        actor,
        mentorship,
        name=payload.name,
        due_on=payload.due_on,
        recipients=payload.recipients,
    )
    return Status(201, report)


@router.get("/reports/received", response={200: list[ReportOut], **ERRORS})
@paginate(Page)
def received_reports(request: HttpRequest) -> Any:
    """Reports sent to you, newest first."""
    return cs.received_reports(_actor(request))


@router.get("/reports/{uuid}", response={200: ReportOut, **ERRORS})
def get_report(request: HttpRequest, uuid: UUID) -> Any:
    return cs.access_report(_actor(request), uuid)


@router.patch("/reports/{uuid}", response={200: ReportOut, **ERRORS})
def edit_report(request: HttpRequest, uuid: UUID, payload: ReportEdit) -> Any:
    """Save a draft's text. Send the `version` you read: if someone changed it since, 422 and
    nothing is saved."""
    actor = _actor(request)
    report = cs.access_report(actor, uuid)
    if not reports.can_write(actor, report):
        raise PermissionDenied("Only the mentor or a coordinator writes this report, until sent")
    reports.save_report(actor, report, body=payload.body, expected_version=payload.version)
    return _fresh(report)


@router.post("/reports/{uuid}/send", response={200: ReportOut, **ERRORS})
def send_report(request: HttpRequest, uuid: UUID, payload: ReportSend) -> Any:
    """Send the report to its recipients by email. Once sent, it never changes."""
    actor = _actor(request)
    report = cs.access_report(actor, uuid)
    if not reports.can_write(actor, report):
        raise PermissionDenied("Only the mentor or a coordinator sends this report, once")
    reports.send_report(actor, report, body=payload.body, expected_version=payload.version)
    return _fresh(report)
