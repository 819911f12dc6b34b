"""Pages for mentoring requests: ask, list, see, change, withdraw, choose, decide (thin)."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from tandem.core import policies
from tandem.core.forms import TandemForm, apply_errors, bound_data
from tandem.core.roles import Role
from tandem.matching import request_selectors as selectors
from tandem.matching import requests as services
from tandem.matching.models import MentoringRequest, RequestStatus
from tandem.matching.request_forms import (
    ChoiceForm,
    DecisionForm,
    EditRequestForm,
    NewRequestForm,
    OwnMentorForm,
    VersionForm,
)
from tandem.organisations import selectors as org_selectors

PER_PAGE = 50


def _url(obj: Any) -> str | None:
    """The object's page, if that page exists in this installation."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return None


def _form_page(request: HttpRequest, form: Any, **context: Any) -> HttpResponse:
    return render(request, "matching/request_form.html", {"form": form, **context})


def _request_data(form: Any) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "programme": data["programme"],
        "cohort": data.get("cohort"),
        "subject": data["subject"],
        "development_needs": data["development_needs"],
        "modes": data["modes"],
        "availability": data["availability"],
        "preferences": data["preferences"],
    }


# --- the mentee's own requests ---------------------------------------------------------------


@login_required
def your_requests(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    staff = org_selectors.organisations(actor).filter(
        id__in=actor.organisations_where({Role.COORDINATOR, Role.TUTOR})
    )
    return render(
        request,
        "matching/request_list.html",
        {
            "requests": selectors.own_requests(actor),
            "is_mentee": bool(services.mentee_organisation_ids(actor.person)),
            "staff_organisations": staff,
            "awaiting": selectors.awaiting_decision(actor).count() if staff else 0,
        },
    )


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    """Ask for a mentor (the signed-in mentee, for themself)."""
    actor = request.actor
    organisations = list(selectors.mentee_organisations(actor))
    if not organisations:
        raise PermissionDenied(
            "Only mentees ask for a mentor here. Coordinators add a request for a mentee "
            "from their organisation's list of mentoring requests."
        )
    programmes = selectors.programmes_for(actor, organisations)
    form = NewRequestForm(
        bound_data(request),
        programmes=programmes,
        cohorts=selectors.cohorts_for(actor, organisations),
        subjects=selectors.active_subjects(),
        with_organisation=len(organisations) > 1,
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_request(actor, mentee=actor.person, **_request_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                "Your request is saved. Choose a mentor from your shortlist, or your "
                "coordinator will match you.",
            )
            return redirect(created)
    return _form_page(
        request,
        form,
        title="Ask for a mentor",
        caption=", ".join(o.name for o in organisations),
        intro="Tell us what you would like to develop. Tandem suggests mentors who suit you "
        "— never your own line manager — and you can choose one, or name a mentor you have "
        "found yourself.",
        submit="Ask for a mentor",
        back_url=reverse("matching:request_list"),
        back_label="your requests",
        empty=None
        if programmes.exists()
        else "No programme is open for requests at your organisation yet. Your coordinator "
        "sets programmes up; ask them when yours starts.",
    )


# --- one request ------------------------------------------------------------------------


def _errors_only(message: str) -> TandemForm:
    """A form with no fields that carries one message for the error summary."""
    form = TandemForm(data={})
    form.is_valid()
    form.add_error(None, message)
    return form


def _detail_page(
    request: HttpRequest,
    req: MentoringRequest,
    *,
    own_mentor_form: Any = None,
    decision_form: Any = None,
    choice_errors: Any = None,
) -> HttpResponse:
    actor = request.actor
    is_mentee = req.mentee_id == actor.person_id
    is_open = req.status == RequestStatus.OPEN
    staff = selectors.sees_organisation_requests(actor, req.organisation)
    if is_mentee and is_open and own_mentor_form is None:
        own_mentor_form = OwnMentorForm(initial={"version": req.version})
    may_decide = req.status == RequestStatus.AWAITING_APPROVAL and services.can_decide(actor, req)
    if may_decide and decision_form is None:
        decision_form = DecisionForm(initial={"version": req.version})
    error_form = next(
        (
            f
            for f in (choice_errors, own_mentor_form, decision_form)
            if f is not None and f.is_bound and f.errors
        ),
        None,
    )
    mentorships = [{"mentorship": m, "url": _url(m)} for m in selectors.mentorships_of(actor, req)]
    return render(
        request,
        "matching/request_detail.html",
        {
            "req": req,
            "is_mentee": is_mentee,
            "is_staff": staff,
            "status_words": selectors.status_in_words(req, for_mentee=is_mentee),
            "shortlist": selectors.shortlist(req) if is_open and (is_mentee or staff) else None,
            "can_choose": is_mentee and is_open,
            "own_mentor_form": own_mentor_form if is_mentee and is_open else None,
            "decision_form": decision_form if may_decide else None,
            "error_form": error_form,
            "can_change": is_open and policies.can_change(actor, req),
            "can_withdraw": req.status != RequestStatus.WITHDRAWN
            and policies.can_change(actor, req),
            "mentorships": mentorships,
            "modes": req_mode_labels(req),
            "organisation_url": reverse(
                "matching:organisation_requests", args=[req.organisation.uuid]
            )
            if staff
            else None,
        },
    )


def req_mode_labels(req: MentoringRequest) -> list[str]:
    from tandem.mentors.models import Mode

    return [Mode(m).label for m in req.modes if m in Mode.values]


@login_required
def request_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    return _detail_page(request, selectors.access_request(request.actor, uuid))


@login_required
@require_POST
def request_choose(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    req = selectors.access_request(actor, uuid)
    form = ChoiceForm(request.POST)
    mentor = selectors.offered_mentor(req, form.cleaned_data["mentor"]) if form.is_valid() else None
    if mentor is None:
        return _detail_page(
            request, req, choice_errors=_errors_only("Choose one of the mentors listed.")
        )
    try:
        services.choose_from_shortlist(
            actor, req, mentor, expected_version=form.cleaned_data["version"]
        )
    except ValidationError as exc:
        return _detail_page(request, req, choice_errors=_errors_only(" ".join(exc.messages)))
    messages.success(
        request,
        f"You chose {mentor}. A coordinator will approve your choice, then {mentor} is asked.",
    )
    return redirect(req)


@login_required
@require_POST
def request_own_mentor(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    req = selectors.access_request(actor, uuid)
    form = OwnMentorForm(request.POST)
    if form.is_valid():
        try:
            updated = services.identify_own_mentor(
                actor,
                req,
                form.cleaned_data["email"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Thank you. Your course leader is asked to approve {updated.chosen_mentor} "
                "as your mentor.",
            )
            return redirect(req)
    return _detail_page(request, req, own_mentor_form=form)


@login_required
@require_POST
def request_decide(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    req = selectors.access_request(actor, uuid)
    if req.status != RequestStatus.AWAITING_APPROVAL and req.mentee_id != actor.person_id:
        # Someone else decided first (or the request moved on): say so, not "forbidden".
        status = req.get_status_display().lower()
        messages.error(request, f"{services.NO_LONGER_AWAITING}: it is {status}.")
        return redirect(req)
    if not services.can_decide(actor, req):
        raise PermissionDenied("You cannot approve the mentor for this request")
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        mentor = req.chosen_mentor
        try:
            services.decide(
                actor,
                req,
                approve=approve,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if approve:
                messages.success(request, f"Approved: {mentor} is asked to mentor {req.mentee}.")
            else:
                messages.success(request, f"Not approved: {req.mentee} is told why.")
            return redirect(req)
    return _detail_page(request, req, decision_form=form)


@login_required
def request_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    req = selectors.access_request(actor, uuid, for_write=True)
    if req.status != RequestStatus.OPEN:
        messages.error(request, "Only a request still waiting for a mentor can be changed.")
        return redirect(req)
    initial = {name: getattr(req, name) for name in services.EDITABLE} | {"version": req.version}
    form = EditRequestForm(
        bound_data(request),
        initial=initial,
        cohorts=selectors.cohorts_for(actor, [req.organisation]).filter(programme=req.programme),
        subjects=selectors.active_subjects(),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.update_request(actor, req, expected_version=version, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Request saved.")
            return redirect(req)
    return _form_page(
        request,
        form,
        title="Change the request",
        caption=f"{req.mentee} · {req.programme.name}",
        submit="Save request",
        back_url=req.get_absolute_url(),
        back_label="the request",
    )


@login_required
def request_withdraw(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    req = selectors.access_request(actor, uuid, for_write=True)
    form = VersionForm(bound_data(request), initial={"version": req.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_request(actor, req, expected_version=form.cleaned_data["version"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The request is withdrawn.")
            return redirect(req)
    return render(request, "matching/request_withdraw.html", {"req": req, "form": form})


# --- an organisation's requests, and the approvals queue -------------------------------------


def _pick(options: Any, value: str) -> Any:
    """The option whose uuid is ``value``, or None (for filters from the query string)."""
    try:
        wanted = uuid_lib.UUID(value)
    except (ValueError, TypeError):
        return None
    return next((o for o in options if o.uuid == wanted), None)


@login_required
def organisation_requests(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    organisation = org_selectors.access_organisation(actor, uuid)
    if not selectors.sees_organisation_requests(actor, organisation):
        raise PermissionDenied(
            "Mentoring requests are seen by the organisation's coordinators and course leaders"
        )
    programmes = list(selectors.all_programmes_of(actor, organisation))
    cohorts = list(selectors.cohorts_for(actor, [organisation], current=False))
    subjects = list(selectors.subjects_requested(actor, organisation))
    status = request.GET.get("status", "")
    chosen = {
        "status": status if status in RequestStatus.values else "",
        "programme": _pick(programmes, request.GET.get("programme", "")),
        "cohort": _pick(cohorts, request.GET.get("cohort", "")),
        "subject": _pick(subjects, request.GET.get("subject", "")),
    }
    found = selectors.requests_of(actor, organisation, **chosen)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: (v if isinstance(v, str) else v.uuid) for k, v in chosen.items() if v})
    return render(
        request,
        "matching/request_organisation.html",
        {
            "organisation": organisation,
            "page": page,
            "query": query,
            "filtered": bool(query),
            "statuses": RequestStatus.choices,
            "programmes": programmes,
            "cohorts": cohorts,
            "subjects": subjects,
            "chosen": chosen,
            "can_add": services.can_add_requests_for(actor, organisation),
        },
    )


@login_required
def organisation_request_new(request: HttpRequest, uuid: str) -> HttpResponse:
    """A coordinator records a request for one of the organisation's mentees."""
    actor = request.actor
    organisation = org_selectors.access_organisation(actor, uuid)
    if not services.can_add_requests_for(actor, organisation):
        raise PermissionDenied(f"Only coordinators of {organisation} add requests for its mentees")
    programmes = selectors.programmes_for(actor, [organisation])
    form = NewRequestForm(
        bound_data(request),
        programmes=programmes,
        cohorts=selectors.cohorts_for(actor, [organisation]),
        subjects=selectors.active_subjects(),
        mentees=selectors.mentees_of(actor, organisation),
    )
    back = reverse("matching:organisation_requests", args=[organisation.uuid])
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_request(
                actor,
                mentee=form.cleaned_data["mentee"],
                organisation=organisation,
                **_request_data(form),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Request added for {created.mentee}.")
            return redirect(created)
    return _form_page(
        request,
        form,
        title="Add a request for a mentee",
        caption=organisation.name,
        submit="Add request",
        back_url=back,
        back_label=f"mentoring requests at {organisation.name}",
        empty=None
        if programmes.exists()
        else f"{organisation.name} has no programme open for requests yet. Set up a "
        "programme first, then add requests to it.",
    )


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Mentors chosen or found by mentees, waiting for this person's approval."""
    actor = request.actor
    if not (actor.is_superuser or actor.organisations_where({Role.TUTOR, Role.COORDINATOR})):
        raise PermissionDenied("Course leaders and coordinators approve mentors chosen by mentees")
    page = Paginator(selectors.awaiting_decision(actor), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "matching/request_approvals.html", {"page": page})
