"""Pages for people, their roles and line management (thin: parse, call, render)."""

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
from tandem.core.policies.training import can_see_cpd_of
from tandem.core.roles import Role
from tandem.organisations import forms, selectors, services
from tandem.organisations.views.common import form_page

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
    form = forms.NewPersonForm(bound_data(request), sites=selectors.sites_of(actor, organisation))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(actor, organisation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{person} added to {organisation}.")
            return redirect("organisations:person_detail", uuid=person.uuid)
    return form_page(
        request,
        form,
        title=f"Add a person to {organisation}",
        back=organisation,
        submit="Add person",
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
            "can_see_cpd": can_see_cpd_of(actor, person),
            "manageable": manageable,
            "history": person.history.all()[:10] if policies.can_change(actor, person) else [],
        },
    )


@login_required
def person_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    person = selectors.access_person(request.actor, uuid, for_write=True)
    form = forms.PersonForm(bound_data(request), instance=person)
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
    return form_page(request, form, title=f"Edit {person}", back=person, submit="Save changes")


@login_required
def person_grant_role(request: HttpRequest, uuid: str, person_uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = selectors.access_organisation(actor, uuid)
    person = selectors.access_person(actor, person_uuid)
    if not policies.can_manage_people_of(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators change roles")
    form = forms.GrantRoleForm(bound_data(request), sites=selectors.sites_of(actor, organisation))
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
    return form_page(
        request,
        form,
        title=f"Add a role for {person} at {organisation}",
        back=person,
        submit="Add role",
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
        bound_data(request),
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
    return form_page(
        request,
        form,
        title=f"Line manager of {person} at {organisation}",
        back=person,
        submit="Save line manager",
    )
