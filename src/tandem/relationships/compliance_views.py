"""Pages for compliance (D6) and reports (D5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tandem.core.forms import apply_errors, bound_data
from tandem.core.roles import Role
from tandem.organisations import selectors as org_selectors
from tandem.relationships import compliance_forms as forms
from tandem.relationships import compliance_selectors as cs
from tandem.relationships import reports, selectors
from tandem.relationships.models import ReportKind

PAGE_SIZE = 50


# --- compliance ------------------------------------------------------------------------------


@login_required
def staff_compliance(request: HttpRequest) -> HttpResponse:
    """The compliance view of the organisation the user coordinates or tutors in."""
    actor = request.actor
    staff_of = actor.organisations_where({Role.COORDINATOR, Role.TUTOR})
    if not staff_of:
        raise PermissionDenied("Only coordinators and tutors follow an organisation's compliance")
    active = actor.active_organisation_id
    target = active if active in staff_of else min(staff_of)
    organisation = org_selectors.organisations(actor).get(id=target)
    return redirect("relationships:organisation_compliance", uuid=organisation.uuid)


def _filters(form: forms.ComplianceFilterForm) -> cs.Filters:
    if not form.is_bound or not form.is_valid():
        return cs.Filters()
    data = form.cleaned_data
    return cs.Filters(
        standing=data.get("standing") or "",
        at_risk=bool(data.get("at_risk")),
        programme=data.get("programme"),
        cohort=data.get("cohort"),
        q=(data.get("q") or "").strip(),
    )


@login_required
def organisation_compliance(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = org_selectors.access_organisation(actor, uuid)
    if not cs.can_follow_organisation(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators and tutors see compliance")
    form = forms.ComplianceFilterForm(
        request.GET or None,
        programmes=selectors.programmes_for(actor, organisation, open_only=False),
        cohorts=selectors.cohorts_for(actor, organisation),
    )
    filters = _filters(form)
    result = cs.organisation_compliance(
        actor, organisation, today=timezone.localdate(), filters=filters
    )
    page = Paginator(result.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = cs.attach(actor, page.object_list)
    return render(
        request,
        "relationships/compliance_organisation.html",
        {
            "organisation": organisation,
            "form": form,
            "filtered": filters.any,
            "page": page,
            "counts": result.counts,
            "base": reverse("relationships:organisation_compliance", kwargs={"uuid": uuid}),
        },
    )


@login_required
def mentorship_compliance(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    mentorship = selectors.access_mentorship(actor, uuid)
    if not cs.can_follow_mentorship(actor, mentorship):
        raise PermissionDenied("Only the pair and the programme's staff follow this relationship")
    today = timezone.localdate()
    result = cs.mentorship_compliance(mentorship, today=today)
    return render(
        request,
        "relationships/compliance_mentorship.html",
        {"mentorship": mentorship, "compliance": result, "today": today},
    )


@login_required
def partnership_compliance(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    partnership = org_selectors.access_partnership(actor, uuid)
    if not cs.can_follow_partnership(actor, partnership):
        raise PermissionDenied("Only the partnership's administrators see its figures")
    figures = cs.partnership_summary(partnership, today=timezone.localdate())
    return render(
        request,
        "relationships/compliance_partnership.html",
        {"partnership": partnership, "figures": figures, "total": cs.totals(figures)},
    )


# --- reports ---------------------------------------------------------------------------------


@login_required
def mentorship_reports(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    mentorship = selectors.access_mentorship(actor, uuid)
    can_add = reports.can_add_report(actor, mentorship)
    form = forms.AddReportForm(bound_data(request)) if can_add else None
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied("Only the mentor and the coordinators add reports")
        if form.is_valid():
            try:
                report = reports.add_report(actor, mentorship, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"“{report.name}” added. Write it, then send it.")
                return redirect("relationships:report_detail", uuid=report.uuid)
    return render(
        request,
        "relationships/report_list.html",
        {
            "mentorship": mentorship,
            "reports": list(cs.reports_of(actor, mentorship)),
            "form": form,
            "can_add": can_add,
        },
    )


@login_required
def received_reports(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    page = Paginator(cs.received_reports(actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "relationships/report_received.html", {"page": page})


@login_required
def report_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    report = cs.access_report(actor, uuid)
    writable = reports.can_write(actor, report)
    form = None
    if writable:
        form = forms.ReportForm(
            bound_data(request), initial={"body": report.body, "version": report.version}
        )
    if request.method == "POST":
        if not writable:
            raise PermissionDenied("You can read this report but not change it")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if "send" in request.POST:
                    sent = reports.send_report(
                        actor, report, body=data["body"], expected_version=data["version"]
                    )
                    names = ", ".join(str(p) for p in sent.recipients.all())
                    messages.success(request, f"Report sent to {names}.")
                else:
                    reports.save_report(
                        actor, report, body=data["body"], expected_version=data["version"]
                    )
                    messages.success(request, "Draft saved.")
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("relationships:report_detail", uuid=report.uuid)
    mentorship = report.mentorship
    return render(
        request,
        "relationships/report_detail.html",
        {
            "report": report,
            "mentorship": mentorship,
            "form": form,
            "figures_only": report.kind == ReportKind.LINE_MANAGER,
            "next_meeting": reports.next_meeting_of(report),
            "recipients": list(report.recipients.all()),
            "will_go_to": reports.recipients_for(report) if writable else [],
            "can_open_mentorship": cs.can_follow_mentorship(actor, mentorship),
        },
    )
