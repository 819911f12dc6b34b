"""Helpers shared by the policy modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Q

from tandem.core.roles import Confidentiality

if TYPE_CHECKING:
    from tandem.core.actor import Actor

NOTHING = Q(pk__in=[])

Rule = tuple[Confidentiality, Callable[["Actor"], Q], Callable[["Actor", Any], bool]]


def _model(label: str) -> Any:
    return apps.get_model(label)


def _managed_org_ids(actor: Actor) -> frozenset[int]:
    """Organisations whose people records the actor may read."""
    return actor.people_reader_of | actor.administered_organisation_ids


def _line_report_ids(actor: Actor) -> set[int]:
    """Everyone below the actor in current line management, any depth."""
    if actor.person_id is None:
        return set()
    if "reports" in actor.extra:
        return actor.extra["reports"]
    line_management = _model("organisations.LineManagement")
    from tandem.core.tenancy import system_access

    # Walk down the chain one level per query; chains are short.
    seen: set[int] = set()
    frontier = {actor.person_id}
    with system_access():
        while frontier:
            below = set(
                line_management.objects.current()
                .filter(manager_id__in=frontier)
                .values_list("report_id", flat=True)
            )
            frontier = below - seen - {actor.person_id}
            seen |= frontier
    seen.discard(actor.person_id)
    actor.extra["reports"] = seen
    return seen
