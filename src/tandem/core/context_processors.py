from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.core.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    if actor is None:
        return {}
    return {"actor": actor, "nav_items": navigation_for(actor, request.path)}
