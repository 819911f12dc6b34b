"""Pages for the mentorship's life: offers, answers, allocation, the organisation's list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from tandem.core import policies
from tandem.core.forms import apply_errors, bound_data
from tandem.core.roles import Role
from tandem.organisations import selectors as org_selectors
from tandem.relationships import forms, meeting_selectors, selectors, services
from tandem.relationships.models import (
    PENDING,
    EndReason,
    Mentorship,
    MentorshipEvent,
    MentorshipStatus,
    Source,
)

PAGE_SIZE = 50


# --- the signed-in person's mentoring ---------------------------------------------------


@login_required
def your_mentoring(request: HttpRequest) -> HttpResponse:
    return render(
        request, "relationships/your_mentoring.html", selectors.own_mentoring(request.actor)
    )


# --- one mentorship ----------------------------------------------------------------------


def _event_line(event: MentorshipEvent, show_reasons: bool) -> str:
    """One event of the log, in words."""
    who = event.actor_name if event.actor_name != "system" else "Tandem"
    detail = event.detail or {}
    reason = str(detail.get("reason") or "")
    if event.code == "proposed":
        source = Source(detail["source"]).label if detail.get("source") in Source.values else ""
        line = f"{who} proposed {detail.get('mentor', 'a mentor')} as mentor"
        return f"{line} ({source.lower()})." if source else f"{line}."
    if event.code == "declined":
        line = f"{who} declined."
        return f"{line} Reason given: {reason}" if show_reasons and reason else line
    if event.code == "ended":
        label = EndReason(reason).label if show_reasons and reason in EndReason.values else ""
        return (
            f"{who} ended the mentorship: {label.lower()}."
            if label
            else f"{who} ended the mentorship."
        )
    lines = {
        "created": f"{who} recorded the mentorship as agreed.",
        "accepted": f"{who} accepted.",
        "brokerage_accepted": f"{who} agreed, for the mentor's organisation, to the request.",
        "brokerage_declined": f"{who} turned down the request for the mentor's organisation.",
        "withdrawn": f"{who} withdrew the proposal.",
        "expired": "Nobody answered in time, so the offer expired.",
    }
    return lines.get(event.code, f"{who}: {event.code.replace('_', ' ')}.")


def _render_detail(
    request: HttpRequest,
    mentorship: Mentorship,
    *,
    decline_form: Any = None,
    end_form: Any = None,
) -> HttpResponse:
    actor = request.actor
    is_offer = (
        mentorship.mentor_id == actor.person_id and mentorship.status == MentorshipStatus.PROPOSED
    )
    can_change = policies.can_change(actor, mentorship)
    show_reasons = selectors.sees_reasons(actor, mentorship)
    if decline_form is None and is_offer:
        decline_form = forms.DeclineForm(prefix="decline")
    if end_form is None and can_change and mentorship.status == MentorshipStatus.ACTIVE:
        end_form = forms.EndForm(prefix="end")
    failed = next((f for f in (decline_form, end_form) if f is not None and f.errors), None)
    events = [(e, _event_line(e, show_reasons)) for e in selectors.events_of(actor, mentorship)]
    return render(
        request,
        "relationships/mentorship_detail.html",
        {
            "mentorship": mentorship,
            "events": events,
            "is_offer": is_offer,
            "is_pair": actor.person_id in (mentorship.mentor_id, mentorship.mentee_id),
            "can_change": can_change,
            "can_withdraw": can_change and mentorship.status in PENDING,
            "show_reasons": show_reasons,
            "sees_content": policies.can_see_content_of(actor, mentorship),
            "sees_time": meeting_selectors.can_see_time(actor, mentorship),
            "decline_form": decline_form,
            "end_form": end_form,
            "form": failed,  # the error summary shows the form that failed
            "too_late": bool(mentorship.respond_by and mentorship.respond_by < timezone.now()),
        },
    )


@login_required
def mentorship_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    return _render_detail(request, selectors.access_mentorship(request.actor, uuid))


@login_required
@require_POST
def mentorship_accept(request: HttpRequest, uuid: str) -> HttpResponse:
    mentorship = selectors.access_mentorship(request.actor, uuid)
    try:
        services.accept(request.actor, mentorship)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"You are now mentoring {mentorship.mentee}. We have told them and "
            f"{mentorship.organisation}'s coordinators.",
        )
    return redirect(mentorship)


@login_required
@require_POST
def mentorship_decline(request: HttpRequest, uuid: str) -> HttpResponse:
    mentorship = selectors.access_mentorship(request.actor, uuid)
    form = forms.DeclineForm(request.POST, prefix="decline")
    if form.is_valid():
        try:
            services.decline(request.actor, mentorship, form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"You have declined to mentor {mentorship.mentee}. "
                f"{mentorship.organisation}'s coordinators have been told.",
            )
        return redirect(mentorship)
    return _render_detail(request, mentorship, decline_form=form)


@login_required
@require_POST
def mentorship_withdraw(request: HttpRequest, uuid: str) -> HttpResponse:
    mentorship = selectors.access_mentorship(request.actor, uuid, for_write=True)
    try:
        services.withdraw(request.actor, mentorship)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The proposal for {mentorship.mentor} has been withdrawn.")
    return redirect(mentorship)


@login_required
@require_POST
def mentorship_end(request: HttpRequest, uuid: str) -> HttpResponse:
    mentorship = selectors.access_mentorship(request.actor, uuid, for_write=True)
    form = forms.EndForm(request.POST, prefix="end")
    if form.is_valid():
        try:
            services.end(
                request.actor,
                mentorship,
                reason=form.cleaned_data["reason"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The mentorship has ended.")
            return redirect(mentorship)
    return _render_detail(request, mentorship, end_form=form)


# --- an organisation's mentorships --------------------------------------------------------


@login_required
def staff_mentorships(request: HttpRequest) -> HttpResponse:
    """The mentorships of the organisation the user works in as coordinator or tutor."""
    actor = request.actor
    staff_of = actor.organisations_where({Role.COORDINATOR, Role.TUTOR})
    if not staff_of:
        raise PermissionDenied("Only coordinators and tutors follow an organisation's mentorships")
    active = actor.active_organisation_id
    target = active if active in staff_of else min(staff_of)
    organisation = org_selectors.organisations(actor).get(id=target)
    return redirect("relationships:organisation_mentorships", uuid=organisation.uuid)


@login_required
def organisation_mentorships(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = org_selectors.access_organisation(actor, uuid)
    if not selectors.can_list_organisation(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators and tutors see this list")
    form = forms.FilterForm(
        request.GET or None,
        programmes=selectors.programmes_for(actor, organisation, open_only=False),
        cohorts=selectors.cohorts_for(actor, organisation),
    )
    chosen: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        chosen = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    rows = selectors.organisation_mentorships(
        actor,
        organisation,
        status=chosen.get("status", ""),
        programme=chosen.get("programme"),
        cohort=chosen.get("cohort"),
        search=chosen.get("q", ""),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "relationships/organisation_mentorships.html",
        {
            "organisation": organisation,
            "form": form,
            "filtered": bool(chosen),
            "page": page,
            "counts": selectors.status_counts(actor, organisation),
            "can_allocate": services.can_allocate(actor, organisation),
        },
    )


@login_required
def allocate(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = org_selectors.access_organisation(actor, uuid)
    if not services.can_allocate(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators allocate mentors")
    mentors, where = selectors.allocatable_mentors(actor, organisation)
    mentees = selectors.allocatable_mentees(actor, organisation)
    programmes = selectors.programmes_for(actor, organisation)
    form = forms.AllocateForm(
        bound_data(request),
        mentees=mentees,
        mentors=mentors,
        where=where,
        programmes=programmes,
        cohorts=selectors.cohorts_for(actor, organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            mentorship = services.create_by_coordinator(
                actor, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if mentorship.status == MentorshipStatus.AWAITING_BROKERAGE:
                message = (
                    f"{mentorship.mentor_organisation}'s coordinators have been asked to agree "
                    f"to {mentorship.mentor} mentoring {mentorship.mentee}; then "
                    f"{mentorship.mentor} is asked."
                )
            else:
                message = (
                    f"{mentorship.mentor} has been asked to mentor {mentorship.mentee} and has "
                    f"until {date_format(timezone.localtime(mentorship.respond_by), 'j F Y, H:i')} "
                    "to answer."
                )
            messages.success(request, message)
            return redirect(mentorship)
    missing = []
    if not mentees.exists():
        missing.append(f"{organisation} has no mentees yet: add people with the mentee role first.")
    if not programmes.exists():
        missing.append(f"{organisation} runs no open programme yet: set one up first.")
    return render(
        request,
        "relationships/allocate.html",
        {"organisation": organisation, "form": form, "missing": missing},
    )
