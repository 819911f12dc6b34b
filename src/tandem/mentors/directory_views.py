"""Pages of the partnership directory, brokerage requests, directory settings and credits."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from tandem.core import policies
from tandem.core.forms import apply_errors, bound_data
from tandem.mentors import brokerage, directory
from tandem.mentors.directory_forms import (
    BrokerageRequestForm,
    DecisionForm,
    DirectoryFilterForm,
    DirectorySettingsForm,
)
from tandem.mentors.models import BrokerageStatus
from tandem.organisations import selectors as org_selectors

PAGE_SIZE = 25


# --- the directory ------------------------------------------------------------------------


@login_required
def directory_entry(request: HttpRequest) -> HttpResponse:
    """The viewer's partnership directory, or the list to choose from."""
    partnerships = list(directory.browsable_partnerships(request.actor))
    if len(partnerships) == 1:
        return redirect("mentors:partnership_directory", uuid=partnerships[0].uuid)
    return render(request, "mentors/directory_choose.html", {"partnerships": partnerships})


def _filter_form(request: HttpRequest, partnership: object) -> DirectoryFilterForm:
    actor = request.actor
    return DirectoryFilterForm(
        request.GET or None,
        organisations=directory.listed_organisations(partnership),
        regions=directory.regions(actor, partnership),
    )


@login_required
def partnership_directory(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    partnership = directory.access_directory(actor, uuid)
    form = _filter_form(request, partnership)
    filters = form.filters()
    page = Paginator(directory.directory(actor, partnership, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "mentors/directory.html"
    if getattr(request, "htmx", False) and request.htmx.target == "directory-results":
        template += "#results"
    return render(
        request,
        template,
        {
            "partnership": partnership,
            "form": form,
            "filters": filters,
            "page": page,
            "shown": directory.contacts_visible(actor, list(page.object_list)),
            "sharing": directory.listed_organisations(partnership),
            "own_organisations": [
                o for o in actor.organisations if o.organisation_id in actor.coordinator_of
            ],
            "can_see_credits": directory.can_view_credits(actor, partnership),
        },
    )


EXPORT_COLUMNS = (
    "Mentor",
    "Organisation",
    "Subjects",
    "Mentor training",
    "Teaching qualification",
    "Mentoring qualification",
    "Years teaching",
    "Years mentoring",
    "Advanced practitioner",
    "Subject learning coach",
    "Mentees at once",
    "Free places",
    "Availability",
    "Region",
    "Ways of meeting",
)


def _safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def directory_export(request: HttpRequest, uuid: str) -> HttpResponse:
    """The filtered directory as CSV. Never with contact details, whoever downloads it."""
    actor = request.actor
    partnership = directory.access_directory(actor, uuid)
    filters = _filter_form(request, partnership).filters()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(f"{partnership.name} directory") or "directory"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for p in directory.directory(actor, partnership, filters).iterator(chunk_size=500):
        writer.writerow(
            _safe(v)
            for v in (
                p.person.full_name,
                p.organisation.name,
                "; ".join(s.name for s in p.specialisms.all()),
                p.get_training_status_display(),
                p.teaching_qualification,
                p.mentoring_qualification,
                p.years_teaching,
                p.years_mentoring,
                "yes" if p.advanced_practitioner else "no",
                "yes" if p.subject_learning_coach else "no",
                p.capacity,
                p.free_places,
                p.availability,
                p.region or p.organisation.region,
                ", ".join(p.mode_labels()),
            )
        )
    return response


@login_required
def directory_mentor(request: HttpRequest, uuid: str) -> HttpResponse:
    """A mentor's card: their profile, and either their contact details or the way to ask."""
    actor = request.actor
    profile, partnerships = directory.directory_profile(actor, uuid)
    shown = directory.contact_visible(actor, profile)
    organisations = directory.requesting_organisations(actor, profile, partnerships)
    form = None
    if organisations and not shown:
        requests = list(directory.open_requests(actor, organisations))
        form = BrokerageRequestForm(
            bound_data(request),
            organisations=organisations,
            partnerships=partnerships,
            requests=requests,
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only coordinators of another member organisation ask here")
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = brokerage.request_brokerage(
                    actor,
                    profile=profile,
                    organisation=data["organisation"],
                    partnership=data["partnership"],
                    message=data["message"],
                    request=data["request"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Request sent to {profile.organisation}'s coordinator. You will get an "
                    "email when they decide.",
                )
                return redirect(created)
    return render(
        request,
        "mentors/directory_mentor.html",
        {
            "profile": profile,
            "partnerships": partnerships,
            "shown": shown,
            "form": form,
            "earlier": list(directory.requests_for_mentor(actor, profile))
            if actor.coordinator_of
            else [],
            "is_tutor_only": not organisations and not shown,
        },
    )


# --- brokerage requests -----------------------------------------------------------------


@login_required
def brokerage_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if actor.coordinator_of:
        context = {
            "incoming": list(directory.incoming(actor)[:200]),
            "outgoing": list(directory.outgoing(actor)[:200]),
            "others": [],
        }
    else:
        context = {
            "incoming": [],
            "outgoing": [],
            "others": list(directory.brokerage_requests(actor).order_by("-created_at")[:200]),
        }
    context["is_coordinator"] = bool(actor.coordinator_of)
    context["has_directory"] = directory.browsable_partnerships(actor).exists()
    return render(request, "mentors/brokerage_list.html", context)


@login_required
def brokerage_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    item = directory.access_brokerage(actor, uuid)
    can_decide = directory.can_decide(actor, item) and item.status == BrokerageStatus.PENDING
    form = DecisionForm(bound_data(request)) if can_decide else None
    if request.method == "POST":
        if form is None:
            if item.status != BrokerageStatus.PENDING:
                messages.error(
                    request, f"This request has already been decided: {item.get_status_display()}."
                )
                return redirect(item)
            raise PermissionDenied(
                f"Only coordinators of {item.mentor_organisation} decide on this request"
            )
        if form.is_valid():
            accepted = form.cleaned_data["decision"] == "accepted"
            try:
                brokerage.decide_brokerage(
                    actor, item, accepted=accepted, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Accepted. {item.requesting_organisation}'s coordinators can now see "
                    f"{item.mentor_profile.person}'s contact details."
                    if accepted
                    else "Declined. The asking organisation has been told.",
                )
                return redirect(item)
    return render(
        request,
        "mentors/brokerage_detail.html",
        {
            "item": item,
            "mentee_shown": directory.mentee_visible(actor, item),
            "form": form,
            "can_withdraw": directory.can_withdraw(actor, item)
            and item.status == BrokerageStatus.PENDING,
            "shown": directory.brokerage_contact_visible(actor, item),
            "mentor": item.mentor_profile.person,
            "can_see_mentorship": item.mentorship_id is not None
            and policies.can_see(actor, item.mentorship),
        },
    )


@login_required
@require_POST
def brokerage_withdraw(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    item = directory.access_brokerage(actor, uuid)
    try:
        brokerage.withdraw_brokerage(actor, item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Request withdrawn.")
    return redirect(item)


# --- an organisation's directory settings --------------------------------------------------


@login_required
def directory_settings(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = org_selectors.access_organisation(actor, uuid)
    if not directory.can_manage_directory_settings(actor, organisation):
        raise PermissionDenied(f"Only coordinators of {organisation} change its directory settings")
    memberships = list(directory.memberships_of(actor, organisation))
    form = DirectorySettingsForm(
        bound_data(request),
        memberships=memberships,
        initial={"shared_in": [str(m.partnership.uuid) for m in memberships if m.in_directory]},
    )
    if request.method == "POST" and memberships and form.is_valid():
        try:
            brokerage.set_directory_opt_ins(
                actor, organisation, shared_in=form.cleaned_data["shared_in"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Directory settings saved.")
            return redirect("mentors:directory_settings", uuid=organisation.uuid)
    return render(
        request,
        "mentors/directory_settings.html",
        {
            "organisation": organisation,
            "form": form,
            "memberships": memberships,
            "summary": directory.own_listing_summary(organisation),
        },
    )


# --- the credit ledger -------------------------------------------------------------------


@login_required
def partnership_credits(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    partnership = directory.access_credits(actor, uuid)
    page = Paginator(directory.credit_entries(actor, partnership), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "mentors/credits.html",
        {
            "partnership": partnership,
            "balances": directory.credit_balances(actor, partnership),
            "page": page,
            "own": actor.coordinator_of,
            "can_browse": directory.can_browse(actor, partnership),
        },
    )
