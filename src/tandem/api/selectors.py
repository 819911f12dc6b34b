"""Reads of API tokens, scoped by the policy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from tandem.api.models import ApiToken
from tandem.core.tenancy import access_object

if TYPE_CHECKING:
    from tandem.core.actor import Actor


def my_tokens(actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own tokens, newest first (a platform administrator sees only theirs too)."""
    return ApiToken.objects.visible_to(actor).filter(person_id=actor.person_id)


def access_token(actor: Actor, uuid: Any, *, for_write: bool = False) -> ApiToken:
    token = access_object(actor, ApiToken, uuid, for_write=for_write)
    if token.person_id != actor.person_id:
        # Even a platform administrator manages only their own tokens here.
        from django.http import Http404

        raise Http404("No API token found")
    return token
