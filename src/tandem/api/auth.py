"""Who is calling the API: a personal access token, or the signed-in session.

Either way the request ends up with ``request.actor`` built by
``tandem.core.actor.build_actor`` for the person's user account, so the API
applies exactly the policy the web interface does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from tandem.api.models import TOKEN_PREFIX, ApiToken, hash_token
from tandem.core.actor import build_actor
from tandem.core.middleware import has_totp
from tandem.core.tenancy import system_access

# Writing last_used_at on every call would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
REJECTED = "This token is not valid: it may have been revoked or have expired"


def token_from_raw(raw: str) -> ApiToken | None:
    """The active token behind a raw ``tdm_…`` string, or None."""
    raw = raw.strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    with system_access():
        token = (
            ApiToken.objects.select_related("person__user")
            .filter(token_hash=hash_token(raw))
            .first()
        )
    if token is None or not token.is_active:
        return None
    user = token.person.user
    if user is None or not user.is_active:
        return None
    return token


def touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        with system_access():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tdm_…`` — a personal access token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = token_from_raw(token)
        if api_token is None:
            # A token was offered and is wrong: say so rather than fall back to the session.
            raise AuthenticationError(message=REJECTED)
        touch(api_token)
        user = api_token.person.user
        # The token acts as its person; history records are attributed to them too.
        request.user = user
        request.actor = build_actor(user)  # type: ignore[attr-defined]
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token


class SessionAuth(APIKeyCookie):
    """The signed-in browser session, so the documentation page can be tried out.

    Unsafe methods need the CSRF token (the docs page sends it); an anonymous
    caller gets 401, not a CSRF error.
    """

    param_name = "sessionid"

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header")
        actor = request.actor  # type: ignore[attr-defined]
        if actor.mfa_required and not has_totp(user):
            raise HttpError(
                403,
                "Your organisation asks staff to use two-factor authentication; set it up first",
            )
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
