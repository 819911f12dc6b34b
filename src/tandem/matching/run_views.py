"""Pages for matching a cohort: start, watch, review, change, publish (thin views)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from tandem.core import policies
from tandem.core.forms import apply_errors, bound_data
from tandem.matching import run_selectors as selectors
from tandem.matching import services
from tandem.matching.engine.model import Rung
from tandem.matching.models import MatchRun, Objective, RunStatus
from tandem.matching.run_forms import ChangeProposalForm, StartRunForm, VersionForm
from tandem.organisations import selectors as org_selectors

PER_PAGE = 100


def _plain_errors(form: Any, error: ValidationError) -> None:
    """A service's errors about things that are not fields of the form, without a prefix."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for e in errors:
                for message in e.messages:
                    form.add_error(name if name in form.fields else None, message)
    else:
        apply_errors(form, error)


@login_required
def match_cohort(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    cohort = selectors.access_cohort(actor, uuid, for_write=True)
    form = StartRunForm(bound_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_run(
                actor,
                cohort,
                objective=form.cleaned_data["objective"],
                include_partners=form.cleaned_data["include_partners"],
            )
        except ValidationError as exc:
            _plain_errors(form, exc)
        else:
            if run.status == RunStatus.READY:
                messages.success(request, "Matching finished: review the proposals, then publish.")
            return redirect(run)
    runs = selectors.runs_of_cohort(actor, cohort)
    return render(
        request,
        "matching/run_start.html",
        {
            "cohort": cohort,
            "form": form,
            "waiting": selectors.waiting_requests(actor, cohort),
            "runs": runs[:5],
            "under_way": runs.filter(status__in=services.IN_PROGRESS).first(),
        },
    )


def _run_page(
    request: HttpRequest,
    run: MatchRun,
    *,
    change_form: ChangeProposalForm | None = None,
    action_form: VersionForm | None = None,
) -> HttpResponse:
    actor = request.actor
    # Matched first, then those left unmatched; each by the mentee's name.
    proposals = (
        selectors.proposals_of(actor, run)
        .annotate(unmatched=Case(When(mentor__isnull=True, then=1), default=0))
        .order_by("unmatched", "request__mentee__family_name", "request__mentee__given_name", "pk")
    )
    page = Paginator(proposals, PER_PAGE).get_page(request.GET.get("page"))
    can_change = policies.can_change(actor, run)
    rows = []
    for p in page.object_list:
        if change_form is not None and change_form.proposal.pk == p.pk:
            form = change_form
        else:
            form = ChangeProposalForm(proposal=p, initial={"version": run.version})
        rung = Rung(p.rung).label if p.rung else ""
        rows.append({"proposal": p, "form": form, "rung_label": rung})
    mentorships = list(selectors.mentorships_of_run(actor, run))
    context = {
        "run": run,
        "cohort": run.cohort,
        "in_progress": run.status in services.IN_PROGRESS,
        "objective": Objective(run.objective).label,
        "page": page,
        "matched_rows": [r for r in rows if r["proposal"].mentor_id],
        "unmatched_rows": [r for r in rows if not r["proposal"].mentor_id],
        "can_change": can_change,
        "reviewable": can_change and run.status == RunStatus.READY,
        "change_form": change_form,
        "action_form": action_form,
        "has_errors": bool(
            (change_form is not None and change_form.errors)
            or (action_form is not None and action_form.errors)
        ),
        "mentorships": mentorships,
        "version_form": VersionForm(initial={"version": run.version}),
    }
    return render(request, "matching/run_detail.html", context)


@login_required
def run_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    run = selectors.access_run(request.actor, uuid)
    if request.htmx:
        if run.status in services.IN_PROGRESS:
            return render(request, "matching/run_detail.html#progress", {"run": run})
        return HttpResponseClientRefresh()  # finished: load the whole page
    return _run_page(request, run)


@login_required
@require_POST
def proposal_change(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    proposal = selectors.access_proposal(actor, uuid, for_write=True)
    run = proposal.run
    form = ChangeProposalForm(request.POST, proposal=proposal)
    if form.is_valid():
        chosen = form.chosen_uuid()
        mentor = selectors.offered_mentor(run, chosen) if chosen else None
        if chosen and mentor is None:
            form.add_error("mentor", "Choose one of the mentors listed")
        else:
            try:
                services.edit_proposal(
                    actor, proposal, mentor, expected_version=form.cleaned_data["version"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                mentee = proposal.request.mentee
                if mentor is None:
                    messages.success(request, f"{mentee} is left unmatched in this run.")
                else:
                    messages.success(request, f"{mentee} will be proposed to {mentor}.")
                return redirect(f"{run.get_absolute_url()}#proposal-{proposal.uuid}")
    return _run_page(request, run, change_form=form)


@login_required
@require_POST
def run_publish(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    run = selectors.access_run(actor, uuid, for_write=True)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            created = services.publish(actor, run, expected_version=form.cleaned_data["version"])
        except ValidationError as exc:
            _plain_errors(form, exc)
        else:
            n = len(created)
            messages.success(
                request,
                f"Published {n} match{'es' if n != 1 else ''}: each mentor has been asked to "
                "accept or decline (through their coordinator for another organisation).",
            )
            return redirect(run)
    run.refresh_from_db()
    return _run_page(request, run, action_form=form)


@login_required
@require_POST
def run_discard(request: HttpRequest, uuid: str) -> HttpResponse:
    actor = request.actor
    run = selectors.access_run(actor, uuid, for_write=True)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            services.discard_run(actor, run, expected_version=form.cleaned_data["version"])
        except ValidationError as exc:
            _plain_errors(form, exc)
        else:
            messages.success(request, "The matching run was discarded. Nothing was published.")
            return redirect(run)
    run.refresh_from_db()
    return _run_page(request, run, action_form=form)


def _coordinated(request: HttpRequest, uuid: str) -> Any:
    actor = request.actor
    organisation = org_selectors.access_organisation(actor, uuid)
    if not (actor.is_superuser or organisation.pk in actor.coordinator_of):
        raise PermissionDenied(f"Only coordinators of {organisation} see its matching")
    return organisation


@login_required
def organisation_runs(request: HttpRequest, uuid: str) -> HttpResponse:
    organisation = _coordinated(request, uuid)
    runs = selectors.runs_of(request.actor, organisation)
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/run_list.html",
        {"organisation": organisation, "page": page},
    )


@login_required
def hard_to_match(request: HttpRequest, uuid: str) -> HttpResponse:
    organisation = _coordinated(request, uuid)
    report = services.hard_to_match_report(request.actor, organisation)
    return render(
        request,
        "matching/run_hard_to_match.html",
        {"organisation": organisation, "report": report},
    )
