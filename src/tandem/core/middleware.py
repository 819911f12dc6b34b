"""Resolve the actor once per request; enforce an organisation's MFA rule."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_htmx.http import HttpResponseClientRedirect

from tandem.core.actor import Actor, build_actor
from tandem.core.roles import STAFF_ROLES

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
    """Staff of an organisation (or administrators of a partnership) that
    requires MFA must set up an authenticator app before anything else.

    Sign-in, sign-out and the MFA pages live under /accounts/, the API uses
    its own tokens, so those paths are exempt. The activation page reads
    ``request.mfa_requirement`` to explain why the person was sent there.
    """

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/api/", "/verify/", "/credentials/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(("/static/", "/api/")):
            return self.get_response(request)
        requirement = SimpleLazyObject(lambda: outstanding_mfa_requirement(request))
        request.mfa_requirement = requirement  # type: ignore[attr-defined]
        if not request.path.startswith(self.EXEMPT_PREFIXES) and requirement:
            url = reverse("mfa_activate_totp")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(url)
            return redirect(url)
        return self.get_response(request)


def mfa_requirement(actor: Actor) -> str:
    """Why this actor must use two-factor authentication, or "" if they need not."""
    if not actor.mfa_required:
        return ""
    reasons = []
    names = sorted(
        o.organisation_name
        for o in actor.organisations
        if o.require_mfa_for_staff and o.roles & STAFF_ROLES
    )
    if names:
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        verb = "requires" if len(names) == 1 else "require"
        reasons.append(f"{who} {verb} staff to use two-factor authentication.")
    if actor.is_partnership_admin and actor.require_mfa_for_partnership_admin:
        reasons.append("Your partnership requires administrators to use two-factor authentication.")
    return " ".join(reasons)


def outstanding_mfa_requirement(request: HttpRequest) -> str:
    """The requirement this signed-in person has not yet met ("" when met or none)."""
    if not request.user.is_authenticated:
        return ""
    reason = mfa_requirement(request.actor)  # type: ignore[attr-defined]
    if reason and not has_totp(request.user):
        return reason
    return ""


def has_totp(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
