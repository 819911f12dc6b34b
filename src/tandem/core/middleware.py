"""Resolve the actor once per request; enforce an organisation's MFA rule."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from tandem.core.actor import build_actor

ACTIVE_ORGANISATION_KEY = "tandem_active_organisation"


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not hasattr(request, "actor"):
            request.actor = SimpleLazyObject(  # type: ignore[attr-defined]
                lambda: build_actor(request.user, request.session.get(ACTIVE_ORGANISATION_KEY))
            )
        return self.get_response(request)


class RequireMfaMiddleware:
    """Staff of an organisation that requires MFA must set up TOTP first."""

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/api/", "/verify/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and request.actor.mfa_required  # type: ignore[attr-defined]
            and not _has_totp(request.user)
        ):
            messages.warning(
                request,
                "Your organisation asks staff to use two-factor authentication. "
                "Set up an authenticator app to continue.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_totp(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
