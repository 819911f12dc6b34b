"""The relationships API (same selectors, services and policy as the pages)."""

from ninja import Router

router = Router(tags=["relationships"])
