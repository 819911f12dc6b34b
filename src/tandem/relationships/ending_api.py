"""The API for this part of the relationship (same selectors, services and policy as the pages)."""

from ninja import Router

router = Router(tags=["mentorships"])
