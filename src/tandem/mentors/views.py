"""Pages for the subject list and mentor profiles (thin: parse, call, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.core import policies
from tandem.core.forms import apply_errors, bound_data
from tandem.core.roles import Role
from tandem.mentors import forms, selectors, services
from tandem.mentors.models import ProfileStatus, SectorKind
from tandem.organisations import selectors as org_selectors


@login_required
def subject_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    sectors = list(selectors.sectors_with_subjects(search))
    groups = [(label, [s for s in sectors if s.kind == kind]) for kind, label in SectorKind.choices]
    return render(
        request,
        "mentors/subject_list.html",
        {"groups": [g for g in groups if g[1]], "search": search},
    )


@login_required
def own_profile(request: HttpRequest) -> HttpResponse:
    """The signed-in mentor's profile, or the way to start one."""
    actor = request.actor
    profile = selectors.own_profile(actor)
    if profile is not None:
        return redirect(profile)
    organisations = org_selectors.organisations(actor).filter(
        id__in=actor.organisations_where({Role.MENTOR})
    )
    if request.method == "POST":
        chosen = organisations.filter(uuid=request.POST.get("organisation") or None).first()
        if chosen is None:
            messages.error(request, "Choose the organisation you mentor for.")
        else:
            profile = services.start_profile(actor, chosen)
            return redirect("mentors:profile_edit", uuid=profile.uuid)
    return render(request, "mentors/profile_start.html", {"organisations": organisations})


@login_required
def profile_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    profile = selectors.access_profile(actor, uuid)
    can_review = policies.can_approve_mentor_profile(actor, profile)
    form = forms.ReviewForm(bound_data(request)) if can_review else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only the organisation's coordinators review mentors")
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == ProfileStatus.APPROVED:
                    services.approve_profile(actor, profile)
                    messages.success(request, f"{profile.person} is approved as a mentor.")
                else:
                    services.request_changes(actor, profile, form.cleaned_data["note"])
                    messages.success(request, f"{profile.person} has been asked for changes.")
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect(profile)
    return render(
        request,
        "mentors/profile_detail.html",
        {
            "profile": profile,
            "is_own": profile.person_id == actor.person_id,
            "can_change": policies.can_change(actor, profile),
            "review_form": form if profile.status == ProfileStatus.SUBMITTED else None,
        },
    )


@login_required
def profile_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    profile = selectors.access_profile(actor, uuid, for_write=True)
    initial = {name: getattr(profile, name) for name in services.PREFERENCES + services.CLAIMS} | {
        "specialisms": profile.specialisms.all(),
        "version": profile.version,
    }
    form = forms.MentorProfileForm(
        bound_data(request),
        initial=initial,
        subjects=selectors.active_subjects(),
        sites=org_selectors.sites_of(actor, profile.organisation),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.save_profile(actor, profile, expected_version=version, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Mentor profile saved.")
            return redirect(profile)
    return render(request, "mentors/profile_edit.html", {"form": form, "profile": profile})


@login_required
@require_POST
def profile_submit(request: HttpRequest, uuid: str) -> HttpResponse:
    profile = selectors.access_profile(request.actor, uuid, for_write=True)
    try:
        services.submit_profile(request.actor, profile)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Sent to your coordinator for approval.")
    return redirect(profile)


@login_required
def profiles(request: HttpRequest) -> HttpResponse:
    """The mentor profiles of the organisation the user is working in."""
    actor = request.actor
    readable = actor.people_reader_of
    active = actor.active_organisation_id
    target = active if active in readable else (min(readable) if readable else None)
    if target is None:
        raise PermissionDenied("Your roles do not include reviewing mentors")
    organisation = org_selectors.organisations(actor).get(id=target)
    return redirect("mentors:organisation_profiles", uuid=organisation.uuid)


@login_required
def organisation_profiles(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = org_selectors.access_organisation(actor, uuid)
    if not policies.can_read_people_of(actor, organisation):
        raise PermissionDenied("Your roles here do not include seeing mentor profiles")
    status = request.GET.get("status", "")
    status = status if status in ProfileStatus.values else ""
    return render(
        request,
        "mentors/organisation_profiles.html",
        {
            "organisation": organisation,
            "profiles": selectors.profiles_of(actor, organisation, status),
            "status": status,
            "statuses": ProfileStatus.choices,
        },
    )
