"""Pages for partnerships, organisations, sites and people (thin: parse, call, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.core import policies
from tandem.core.forms import apply_errors
from tandem.core.roles import Role
from tandem.organisations import forms, selectors, services

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
    form = forms.PartnershipForm(_data(request), instance=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partnership(request.actor, partnership, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Partnership details saved.")
            return redirect("organisations:partnership_detail", uuid=partnership.uuid)
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": f"Edit {partnership}",
            "back": partnership,
            "submit": "Save changes",
        },
    )


@login_required
def partnership_new_organisation(request: HttpRequest, uuid: str) -> HttpResponse:
    partnership = selectors.access_partnership(request.actor, uuid)
    if not policies.can_add_organisation_to(request.actor, partnership):
        raise PermissionDenied("Only the partnership's administrators add organisations")
    form = forms.NewOrganisationForm(_data(request))
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
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": f"Add a new organisation to {partnership}",
            "back": partnership,
            "submit": "Add organisation",
        },
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
    form = forms.AddMemberForm(_data(request), organisations=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_partnership_member(actor, partnership, form.cleaned_data["organisation"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['organisation']} joined {partnership}.")
            return redirect("organisations:partnership_detail", uuid=partnership.uuid)
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": f"Add an existing organisation to {partnership}",
            "back": partnership,
            "submit": "Add member",
            "empty": "Every organisation you can see is already a member."
            if not candidates.exists()
            else "",
        },
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


def _data(request: HttpRequest):  # noqa: ANN202
    """Bind forms on POST, even an empty one (``request.POST or None`` would not)."""
    return request.POST if request.method == "POST" else None


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
    form = forms.AppointAdminForm(_data(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        services.appoint_partnership_admin(actor, partnership, person)
        messages.success(request, f"{person} is now an administrator of {partnership}.")
        return redirect("organisations:partnership_detail", uuid=partnership.uuid)
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": f"Appoint an administrator of {partnership}",
            "back": partnership,
            "submit": "Appoint administrator",
        },
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
    form = forms.OrganisationForm(_data(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(request.actor, organisation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Organisation details saved.")
            return redirect("organisations:organisation_detail", uuid=organisation.uuid)
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": f"Edit {organisation}",
            "back": organisation,
            "submit": "Save changes",
        },
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
    form = forms.SiteForm(_data(request), instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_site(actor, organisation, site, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Site saved.")
            return redirect("organisations:organisation_detail", uuid=organisation.uuid)
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": f"Edit {site}" if site else f"Add a site to {organisation}",
            "back": organisation,
            "submit": "Save site",
        },
    )


# --- people ----------------------------------------------------------------------------


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """The people page of the organisation the user is working in."""
    actor = request.actor
    candidates = actor.people_reader_of | actor.administered_organisation_ids
    active = actor.active_organisation_id
    target = active if active in candidates else (min(candidates) if candidates else None)
    if target is None:
        raise PermissionDenied("Your roles do not include managing people")
    organisation = selectors.organisations(actor).get(id=target)
    return redirect("organisations:organisation_people", uuid=organisation.uuid)


@login_required
def organisation_people(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = selectors.access_organisation(actor, uuid)
    if not policies.can_read_people_of(actor, organisation):
        raise PermissionDenied("Your roles here do not include seeing the staff list")
    search = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    qs = selectors.with_roles(
        actor, selectors.people(actor, organisation, search=search, role=role), organisation
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    template = "organisations/organisation_people.html"
    if request.htmx and request.htmx.target == "people-results":
        template += "#results"
    return render(
        request,
        template,
        {
            "organisation": organisation,
            "page": page,
            "search": search,
            "role": role,
            "roles": Role.choices,
            "can_manage": policies.can_manage_people_of(actor, organisation),
        },
    )


@login_required
def person_new(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = selectors.access_organisation(actor, uuid)
    if not policies.can_add_person_to(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators add people")
    form = forms.NewPersonForm(_data(request), sites=selectors.sites_of(actor, organisation))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(actor, organisation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{person} added to {organisation}.")
            return redirect("organisations:person_detail", uuid=person.uuid)
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": f"Add a person to {organisation}",
            "back": organisation,
            "submit": "Add person",
        },
    )


@login_required
def person_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    person = selectors.access_person(actor, uuid)
    memberships = list(selectors.memberships_of(actor, person))
    manageable = [o for o in selectors.organisations(actor).filter(id__in=actor.coordinator_of)]
    if actor.is_superuser:
        manageable = list({m.organisation for m in memberships})
    return render(
        request,
        "organisations/person_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "line_managers": selectors.line_managers_of(actor, person),
            "reports": selectors.reports_of(actor, person),
            "can_change": policies.can_change(actor, person),
            "can_see_contact_details": policies.can_see_contact_details(actor, person),
            "manageable": manageable,
            "history": person.history.all()[:10] if policies.can_change(actor, person) else [],
        },
    )


@login_required
def person_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    person = selectors.access_person(request.actor, uuid, for_write=True)
    form = forms.PersonForm(_data(request), instance=person)
    if not policies.can_change_identity(request.actor, person):
        form.fields["email"].disabled = True
        form.fields["email"].help_text = (
            "Only they can change it, under Your account."
            if person.user_id
            else "They also belong to an organisation you do not coordinate."
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(request.actor, person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Details saved.")
            return redirect("organisations:person_detail", uuid=person.uuid)
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": f"Edit {person}",
            "back": person,
            "submit": "Save changes",
        },
    )


@login_required
def person_grant_role(request: HttpRequest, uuid: str, person_uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = selectors.access_organisation(actor, uuid)
    person = selectors.access_person(actor, person_uuid)
    if not policies.can_manage_people_of(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators change roles")
    form = forms.GrantRoleForm(_data(request), sites=selectors.sites_of(actor, organisation))
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_role(
                actor,
                person,
                organisation,
                form.cleaned_data["role"],
                site=form.cleaned_data["site"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Role added for {person}.")
            return redirect("organisations:person_detail", uuid=person.uuid)
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": f"Add a role for {person} at {organisation}",
            "back": person,
            "submit": "Add role",
        },
    )


@login_required
@require_POST
def membership_end(request: HttpRequest, uuid: str) -> HttpResponse:
    membership = selectors.access_membership(request.actor, uuid, for_write=True)
    try:
        services.end_role(request.actor, membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"{membership.get_role_display()} role ended for {membership.person}."
        )
    return redirect("organisations:person_detail", uuid=membership.person.uuid)


@login_required
def person_line_manager(request: HttpRequest, uuid: str, person_uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = selectors.access_organisation(actor, uuid)
    person = selectors.access_person(actor, person_uuid)
    if not policies.can_manage_people_of(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators record line management")
    current = selectors.line_managers_of(actor, person).filter(organisation=organisation).first()
    candidates = selectors.people(actor, organisation).exclude(id=person.pk)
    form = forms.LineManagerForm(
        _data(request),
        candidates=candidates,
        initial={"manager": current.manager if current else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_line_manager(actor, organisation, person, form.cleaned_data["manager"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Line manager for {person} saved.")
            return redirect("organisations:person_detail", uuid=person.uuid)
    return render(
        request,
        "organisations/form_page.html",
        {
            "form": form,
            "title": f"Line manager of {person} at {organisation}",
            "back": person,
            "submit": "Save line manager",
        },
    )
