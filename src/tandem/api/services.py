"""Personal access tokens: create and revoke (audited, owner only)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.api.models import ApiToken, hash_token, new_raw_token
from tandem.core import audit, policies

if TYPE_CHECKING:
    from tandem.core.actor import Actor

HINT_LENGTH = 4


@transaction.atomic
def create_token(
    actor: Actor, *, name: str, expires_on: date | None = None
) -> tuple[ApiToken, str]:
    """A new token for the actor's own person. Returns the record and the raw token.

    The raw token is not stored anywhere: only its SHA-256 hash and last four
    characters are kept, so the caller must show it now or never.
    """
    if actor.person is None or actor.user is None:
        raise PermissionDenied("Only people recorded in Tandem can create API tokens")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the token"})
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationError({"name": "The name must be 100 characters or fewer"})
    if expires_on is not None and expires_on <= timezone.localdate():
        raise ValidationError({"expires_on": "The expiry date must be in the future"})
    raw = new_raw_token()
    token = ApiToken.objects.create(
        person=actor.person,
        name=name,
        token_hash=hash_token(raw),
        hint=raw[-HINT_LENGTH:],
        expires_on=expires_on,
    )
    audit.record(
        actor,
        "api.token.created",
        token,
        changes={"name": name, "expires_on": expires_on, "hint": token.hint},
    )
    return token, raw


@transaction.atomic
def revoke_token(actor: Actor, token: ApiToken) -> ApiToken:
    """Stop a token working from now on. Its record stays for the audit trail."""
    if not policies.can_change(actor, token):
        raise PermissionDenied("You can only revoke your own tokens")
    if token.revoked_at is not None:
        raise ValidationError("This token has already been revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor, "api.token.revoked", token, changes={"name": token.name, "hint": token.hint}
    )
    return token
