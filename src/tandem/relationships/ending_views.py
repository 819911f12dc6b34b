"""Pages for ending a mentorship (closing review, asking to end, reflections) and transfer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.core import policies
from tandem.core.forms import apply_errors, bound_data
from tandem.relationships import ending, selectors
from tandem.relationships.ending_forms import (
    CloseForm,
    ProposeEndingForm,
    ReflectionForm,
    TransferForm,
)
from tandem.relationships.models import Mentorship, MentorshipStatus, Report


def _review_page(
    request: HttpRequest,
    mentorship: Mentorship,
    review: Report | None,
    *,
    reflection_form: ReflectionForm | None = None,
) -> HttpResponse:
    actor = request.actor
    party = ending.party_of(actor, mentorship)
    figures = (review.figures or {}) if review else {}
    if review is not None and party and reflection_form is None:
        mine = (figures.get("reflections") or {}).get(party) or {}
        reflection_form = ReflectionForm(
            initial={"text": mine.get("text", ""), "expected_version": review.version}
        )
    reflections = figures.get("reflections") or {}
    return render(
        request,
        "relationships/ending_review.html",
        {
            "mentorship": mentorship,
            "review": review,
            "figures": figures,
            "reflections": [(p, p.capitalize(), reflections.get(p)) for p in ending.PARTIES],
            "party": party,
            "form": reflection_form,
            "new_request": ending.request_of(actor, review) if review else None,
        },
        status=400 if reflection_form is not None and reflection_form.errors else 200,
    )


@login_required
def close(request: HttpRequest, uuid: str) -> HttpResponse:
    """Coordinators close an active mentorship; afterwards everyone allowed reads the review."""
    actor = request.actor
    mentorship = selectors.access_mentorship(actor, uuid)
    if mentorship.status != MentorshipStatus.ACTIVE:
        review = ending.closing_review(actor, mentorship)
        if review is None and not (
            policies.can_change(actor, mentorship) or ending.party_of(actor, mentorship)
        ):
            raise PermissionDenied("You can see this mentorship but not its closing review")
        if request.method == "POST":
            messages.error(request, "This mentorship is not active, so it cannot be closed.")
        return _review_page(request, mentorship, review)
    if not policies.can_change(actor, mentorship):
        if ending.party_of(actor, mentorship):
            return render(
                request,
                "relationships/ending_propose.html",
                {"mentorship": mentorship, "form": ProposeEndingForm()},
            )
        raise PermissionDenied("Only the mentee's coordinators close a mentorship")
    objectives = ending.objectives_of(mentorship)
    form = CloseForm(bound_data(request), objectives=objectives)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            closed = ending.close(
                actor,
                mentorship,
                reason=data["reason"],
                ends_on=data["ends_on"],
                outcomes=form.outcomes(),
                next_steps=data["next_steps"],
                notes=data["notes"],
                rematch=data["rematch"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            text = "The mentorship has ended and its closing review is saved."
            if closed.request is not None:
                text += " A new request is open for a coordinator to find another mentor."
            messages.success(request, text)
            return redirect("relationships:mentorship_close", uuid=mentorship.uuid)
    return render(
        request,
        "relationships/ending_close.html",
        {"mentorship": mentorship, "form": form, "objectives": objectives},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def propose_ending(request: HttpRequest, uuid: str) -> HttpResponse:
    """The mentor or mentee asks the coordinators to end the mentorship."""
    actor = request.actor
    mentorship = selectors.access_mentorship(actor, uuid)
    form = ProposeEndingForm(request.POST)
    if form.is_valid():
        try:
            ending.propose_ending(
                actor,
                mentorship,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Your coordinator has been asked to end the mentorship.")
            return redirect(mentorship)
    if ending.party_of(actor, mentorship) is None:
        raise PermissionDenied("Only the mentor and the mentee can ask for this")
    return render(
        request,
        "relationships/ending_propose.html",
        {"mentorship": mentorship, "form": form},
        status=400,
    )


@login_required
@require_POST
def reflection(request: HttpRequest, uuid: str) -> HttpResponse:
    """The mentee or mentor writes their own part of the closing review."""
    actor = request.actor
    mentorship = selectors.access_mentorship(actor, uuid)
    review = ending.closing_review(actor, mentorship)
    if review is None or ending.party_of(actor, mentorship) is None:
        raise PermissionDenied("Only the mentee and the mentor write their reflections")
    form = ReflectionForm(request.POST)
    if form.is_valid():
        try:
            ending.reflect(
                actor,
                review,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Your reflection is saved.")
            return redirect("relationships:mentorship_close", uuid=mentorship.uuid)
    return _review_page(request, mentorship, review, reflection_form=form)


@login_required
def transfer(request: HttpRequest, uuid: str) -> HttpResponse:
    """Move the mentee to another organisation of a partnership, history intact."""
    actor = request.actor
    mentorship = selectors.access_mentorship(actor, uuid)
    if not ending.may_transfer_from(actor, mentorship):
        raise PermissionDenied("Only the mentee's coordinators move a mentee elsewhere")
    context: dict[str, Any] = {"mentorship": mentorship, "form": None}
    if mentorship.status != MentorshipStatus.ACTIVE:
        return render(request, "relationships/transfer.html", context)
    organisations = ending.receiving_organisations(actor, mentorship)
    form = TransferForm(
        bound_data(request),
        organisations=organisations,
        programmes=ending.receiving_programmes(actor, organisations),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = ending.transfer_mentee(
                actor, mentorship, data["to_organisation"], data["programme"], note=data["note"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"{mentorship.mentee} has moved to {data['to_organisation']}. A request there "
                "is open for its coordinator to find a mentor.",
            )
            return redirect("relationships:mentorship_close", uuid=moved.mentorship.uuid)
    context.update(form=form, has_choices=organisations.exists())
    return render(
        request, "relationships/transfer.html", context, status=400 if form.errors else 200
    )
