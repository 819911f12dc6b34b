"""Line management: who manages whom, with no loops."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.core import audit, policies
from tandem.core.tenancy import system_access
from tandem.organisations.models import (
    LineManagement,
    Membership,
    Organisation,
    Person,
)
from tandem.organisations.services.common import require_permission

if TYPE_CHECKING:
    from tandem.core.actor import Actor


def manager_chain(person_id: int) -> list[int]:
    """The person's managers, nearest first (current links, any organisation)."""
    chain: list[int] = []
    seen = {person_id}
    current = person_id
    with system_access():
        while True:
            manager_id = (
                LineManagement.objects.current()
                .filter(report_id=current)
                .values_list("manager_id", flat=True)
                .first()
            )
            if manager_id is None or manager_id in seen:
                return chain
            chain.append(manager_id)
            seen.add(manager_id)
            current = manager_id


def managers_above(person_ids: set[int] | frozenset[int]) -> dict[int, set[int]]:
    """Everyone above each person in current line management, any depth, any organisation.

    One query per level for the whole set (chains are short), so the matching
    adapter can ask for a cohort at once.
    """
    above: dict[int, set[int]] = {p: set() for p in person_ids}
    frontier: dict[int, set[int]] = {p: {p} for p in person_ids}  # person -> reached nodes
    with system_access():
        while any(frontier.values()):
            nodes = set().union(*frontier.values())
            links: dict[int, set[int]] = {}
            for report_id, manager_id in (
                LineManagement.objects.current()
                .filter(report_id__in=nodes)
                .values_list("report_id", "manager_id")
            ):
                links.setdefault(report_id, set()).add(manager_id)
            for person, reached in frontier.items():
                new = set().union(*(links.get(n, set()) for n in reached)) - above[person]
                new.discard(person)
                above[person] |= new
                frontier[person] = new
    return above


def check_line_manager(organisation: Organisation, report: Person, manager: Person) -> None:
    """Raise ValidationError if ``manager`` cannot manage ``report`` here."""
    if manager.pk == report.pk:
        raise ValidationError({"manager": "A person cannot be their own line manager"})
    if report.pk in manager_chain(manager.pk):
        raise ValidationError(
            {
                "manager": f"{manager} is managed (directly or up the chain) by {report}; "
                "this would make a line-management loop"
            }
        )
    with system_access():
        current = Membership.objects.current().filter(organisation=organisation)
        if not current.filter(person=report).exists():
            raise ValidationError(
                {"report": f"{report} holds no current role at {organisation} to be managed in"}
            )
        if not current.filter(person=manager).exists():
            raise ValidationError({"manager": f"{manager} holds no current role at {organisation}"})


@transaction.atomic
def set_line_manager(
    actor: Actor,
    organisation: Organisation,
    report: Person,
    manager: Person | None,
    *,
    starts_on: date | None = None,
) -> LineManagement | None:
    """Make ``manager`` the report's line manager here (None ends the current link)."""
    require_permission(
        policies.can_manage_people_of(actor, organisation),
        "Only the organisation's coordinators record line management",
    )
    today = starts_on or timezone.localdate()
    with system_access():
        current = (
            LineManagement.objects.current()
            .select_for_update()
            .filter(organisation=organisation, report=report)
            .first()
        )
        if manager is not None:
            check_line_manager(organisation, report, manager)
        if current is not None and manager is not None and current.manager_id == manager.pk:
            return current
        if current is not None:
            if current.starts_on >= today:
                current.delete()
            else:
                current.ends_on = today
                current.save(update_fields=["ends_on"])
        link = None
        if manager is not None:
            try:
                with transaction.atomic():
                    link = LineManagement.objects.create(
                        organisation=organisation, manager=manager, report=report, starts_on=today
                    )
            except IntegrityError as exc:
                raise ValidationError(
                    {"manager": "This line-management link is not allowed"}
                ) from exc
    audit.record(
        actor,
        "organisations.line_manager.set",
        report,
        organisation=organisation,
        changes={
            "manager": [
                str(current.manager) if current else None,
                str(manager) if manager else None,
            ]
        },
    )
    return link
