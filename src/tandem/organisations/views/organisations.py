"""Pages for partnerships, organisations and sites (thin: parse, call, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.core import policies
from tandem.core.forms import apply_errors, bound_data
from tandem.core.roles import Role
from tandem.organisations import forms, selectors, services
from tandem.organisations.views.common import form_page

# --- partnerships ---------------------------------------------------------------------


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/partnership_list.html",
        {"partnerships": selectors.partnerships(request.actor)},
    )


@login_required
def partnership_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    partnership = selectors.access_partnership(actor, uuid)
    return render(
        request,
        "organisations/partnership_detail.html",
        {
            "partnership": partnership,
            "members": selectors.members_of(actor, partnership),
            "admins": selectors.admins_of(actor, partnership),
            "can_change": policies.can_change(actor, partnership),
        },
    )


@login_required
def partnership_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    partnership = selectors.access_partnership(request.actor, uuid, for_write=True)
    form = forms.PartnershipForm(bound_data(request), instance=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partnership(request.actor, partnership, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Partnership details saved.")
            return redirect("organisations:partnership_detail", uuid=partnership.uuid)
    return form_page(
        request, form, title=f"Edit {partnership}", back=partnership, submit="Save changes"
    )


@login_required
def partnership_new_organisation(request: HttpRequest, uuid: str) -> HttpResponse:
    partnership = selectors.access_partnership(request.actor, uuid)
    if not policies.can_add_organisation_to(request.actor, partnership):
        raise PermissionDenied("Only the partnership's administrators add organisations")
    form = forms.NewOrganisationForm(bound_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(
                request.actor, partnership=partnership, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{organisation} added to {partnership}.")
            return redirect("organisations:partnership_detail", uuid=partnership.uuid)
    return form_page(
        request,
        form,
        title=f"Add a new organisation to {partnership}",
        back=partnership,
        submit="Add organisation",
    )


@login_required
def partnership_add_member(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    partnership = selectors.access_partnership(actor, uuid)
    if not policies.can_add_organisation_to(actor, partnership):
        raise PermissionDenied("Only the partnership's administrators add members")
    candidates = selectors.organisations(actor).exclude(
        id__in=selectors.members_of(actor, partnership).values("organisation_id")
    )
    form = forms.AddMemberForm(bound_data(request), organisations=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_partnership_member(actor, partnership, form.cleaned_data["organisation"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['organisation']} joined {partnership}.")
            return redirect("organisations:partnership_detail", uuid=partnership.uuid)
    return form_page(
        request,
        form,
        title=f"Add an existing organisation to {partnership}",
        back=partnership,
        submit="Add member",
        empty=(
            "Every organisation you can see is already a member." if not candidates.exists() else ""
        ),
    )


@login_required
@require_POST
def partnership_remove_member(request: HttpRequest, uuid: str, member_uuid: str) -> HttpResponse:
    member = selectors.access_partnership_member(request.actor, member_uuid, for_write=True)
    if str(member.partnership.uuid) != str(uuid):
        raise PermissionDenied("This organisation is not a member of that partnership")
    services.remove_partnership_member(request.actor, member)
    messages.success(request, f"{member.organisation} left {member.partnership}.")
    return redirect("organisations:partnership_detail", uuid=member.partnership.uuid)


def _role_rows(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(value, label, counts.get(value, 0)) for value, label in Role.choices]


@login_required
def partnership_appoint_admin(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    partnership = selectors.access_partnership(actor, uuid, for_write=True)
    candidates = (
        selectors.people(actor)
        .filter(id__in=selectors.current_members_of(partnership).values("person_id"))
        .exclude(id__in=selectors.admins_of(actor, partnership).values("person_id"))
        .distinct()
    )
    form = forms.AppointAdminForm(bound_data(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        services.appoint_partnership_admin(actor, partnership, person)
        messages.success(request, f"{person} is now an administrator of {partnership}.")
        return redirect("organisations:partnership_detail", uuid=partnership.uuid)
    return form_page(
        request,
        form,
        title=f"Appoint an administrator of {partnership}",
        back=partnership,
        submit="Appoint administrator",
    )


# --- organisations and sites ---------------------------------------------------------------


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.organisations(request.actor), 50).get_page(request.GET.get("page"))
    return render(request, "organisations/organisation_list.html", {"page": page})


@login_required
def organisation_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = selectors.access_organisation(actor, uuid)
    can_read_people = policies.can_read_people_of(actor, organisation)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "partnerships": selectors.partnerships_of(actor, organisation),
            "sites": selectors.sites_of(actor, organisation),
            "role_rows": _role_rows(selectors.role_counts(actor, organisation))
            if can_read_people
            else None,
            "can_change": policies.can_change(actor, organisation),
            "can_read_people": can_read_people,
            "can_manage_people": policies.can_manage_people_of(actor, organisation),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    organisation = selectors.access_organisation(request.actor, uuid, for_write=True)
    form = forms.OrganisationForm(bound_data(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(request.actor, organisation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Organisation details saved.")
            return redirect("organisations:organisation_detail", uuid=organisation.uuid)
    return form_page(
        request, form, title=f"Edit {organisation}", back=organisation, submit="Save changes"
    )


@login_required
def site_edit(request: HttpRequest, uuid: str, site_uuid: str | None = None) -> HttpResponse:
    actor = request.actor
    organisation = selectors.access_organisation(actor, uuid)
    site = selectors.access_site(actor, site_uuid, for_write=True) if site_uuid else None
    if site is not None and site.organisation_id != organisation.pk:
        raise PermissionDenied("This site belongs to another organisation")
    if site is None and not policies.can_change(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators add sites")
    form = forms.SiteForm(bound_data(request), instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_site(actor, organisation, site, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Site saved.")
            return redirect("organisations:organisation_detail", uuid=organisation.uuid)
    return form_page(
        request,
        form,
        title=f"Edit {site}" if site else f"Add a site to {organisation}",
        back=organisation,
        submit="Save site",
    )
