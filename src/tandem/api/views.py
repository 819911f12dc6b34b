"""Pages to list, create and revoke personal access tokens (thin: parse, call, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tandem.api import selectors, services
from tandem.api.forms import TokenForm
from tandem.api.models import ApiToken
from tandem.core.forms import apply_errors, bound_data


def status_of(token: ApiToken) -> tuple[str, str]:
    """The token's status and the tag colour that shows it."""
    if token.revoked_at is not None:
        return "Revoked", "govuk-tag--red"
    if token.expires_on is not None and token.expires_on < timezone.localdate():
        return "Expired", "govuk-tag--grey"
    return "Active", "govuk-tag--green"


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    tokens = list(selectors.my_tokens(actor)) if actor.person is not None else []
    rows = [(token, *status_of(token)) for token in tokens]
    return render(request, "api/token_list.html", {"rows": rows, "person": actor.person})


@login_required
def token_new(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if actor.person is None:
        raise PermissionDenied("Only people recorded in Tandem can create API tokens")
    form = TokenForm(bound_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.create_token(actor, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            # Shown in this response only: never stored, never put in the session.
            response = render(request, "api/token_created.html", {"token": token, "raw": raw})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "api/token_form.html", {"form": form})


@login_required
def token_revoke(request: HttpRequest, uuid: str) -> HttpResponse:
    token = selectors.access_token(request.actor, uuid, for_write=True)
    if request.method == "POST":
        try:
            services.revoke_token(request.actor, token)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Token ‘{token.name}’ revoked. It no longer works.")
        return redirect("api_tokens:list")
    return render(request, "api/token_revoke.html", {"token": token})
