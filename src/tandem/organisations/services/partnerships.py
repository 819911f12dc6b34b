"""Partnerships, organisations and sites: one function per use case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.core import audit, policies
from tandem.core.roles import PartnershipRoleKind
from tandem.core.tenancy import system_access
from tandem.organisations.models import (
    Organisation,
    Partnership,
    PartnershipMember,
    PartnershipRole,
    Person,
    Site,
)
from tandem.organisations.services.common import apply_changes, require_permission

if TYPE_CHECKING:
    from tandem.core.actor import Actor


# --- partnerships and organisations ---------------------------------------------------


@transaction.atomic
def create_partnership(
    actor: Actor, *, name: str, description: str = "", region: str = ""
) -> Partnership:
    require_permission(
        policies.can_create_partnership(actor), "Only platform administrators create partnerships"
    )
    with system_access():
        if Partnership.objects.filter(name__iexact=name.strip()).exists():
            raise ValidationError({"name": "A partnership with this name already exists"})
        partnership = Partnership.objects.create(
            name=name.strip(), description=description, region=region
        )
    audit.record(actor, "organisations.partnership.created", partnership, partnership=partnership)
    return partnership


@transaction.atomic
def update_partnership(actor: Actor, partnership: Partnership, **data: Any) -> Partnership:
    require_permission(
        policies.can_change(actor, partnership), "You cannot change this partnership"
    )
    changes = apply_changes(partnership, data)
    audit.record(
        actor,
        "organisations.partnership.updated",
        partnership,
        partnership=partnership,
        changes=changes,
    )
    return partnership


@transaction.atomic
def create_organisation(
    actor: Actor,
    *,
    partnership: Partnership,
    name: str,
    kind: str,
    region: str = "",
    website: str = "",
    require_mfa_for_staff: bool = False,
) -> Organisation:
    require_permission(
        policies.can_add_organisation_to(actor, partnership),
        "Only the partnership's administrators add organisations to it",
    )
    with system_access():
        if Organisation.objects.filter(name__iexact=name.strip()).exists():
            raise ValidationError(
                {
                    "name": "An organisation with this name already exists; "
                    "add it as a member instead"
                }
            )
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        region=region,
        website=website,
        require_mfa_for_staff=require_mfa_for_staff,
    )
    with system_access():
        organisation.full_clean()
    organisation.save()
    PartnershipMember.objects.create(partnership=partnership, organisation=organisation)
    audit.record(
        actor,
        "organisations.organisation.created",
        organisation,
        organisation=organisation,
        partnership=partnership,
    )
    return organisation


@transaction.atomic
def update_organisation(actor: Actor, organisation: Organisation, **data: Any) -> Organisation:
    require_permission(
        policies.can_change(actor, organisation), "You cannot change this organisation"
    )
    changes = apply_changes(organisation, data)
    audit.record(
        actor,
        "organisations.organisation.updated",
        organisation,
        organisation=organisation,
        changes=changes,
    )
    return organisation


@transaction.atomic
def add_partnership_member(
    actor: Actor, partnership: Partnership, organisation: Organisation
) -> PartnershipMember:
    require_permission(
        policies.can_add_organisation_to(actor, partnership),
        "Only the partnership's administrators add members",
    )
    with system_access():
        if PartnershipMember.objects.filter(
            partnership=partnership, organisation=organisation
        ).exists():
            raise ValidationError({"organisation": f"{organisation} is already a member"})
    member = PartnershipMember.objects.create(partnership=partnership, organisation=organisation)
    audit.record(
        actor,
        "organisations.partnership.member_added",
        member,
        organisation=organisation,
        partnership=partnership,
    )
    return member


@transaction.atomic
def remove_partnership_member(actor: Actor, member: PartnershipMember) -> None:
    require_permission(
        policies.can_change(actor, member), "Only the partnership's administrators remove members"
    )
    audit.record(
        actor,
        "organisations.partnership.member_removed",
        member,
        organisation=member.organisation,
        partnership=member.partnership,
    )
    member.delete()


@transaction.atomic
def appoint_partnership_admin(
    actor: Actor, partnership: Partnership, person: Person
) -> PartnershipRole:
    require_permission(
        policies.can_change(actor, partnership),
        "Only the partnership's administrators appoint administrators",
    )
    with system_access():
        role, _ = PartnershipRole.objects.get_or_create(
            partnership=partnership, person=person, role=PartnershipRoleKind.ADMINISTRATOR
        )
    audit.record(actor, "organisations.partnership.admin_appointed", role, partnership=partnership)
    return role


@transaction.atomic
def save_site(
    actor: Actor, organisation: Organisation, site: Site | None = None, **data: Any
) -> Site:
    site = site or Site(organisation=organisation)
    require_permission(
        policies.can_change(actor, site), "You cannot change this organisation's sites"
    )
    changes = apply_changes(site, data)
    audit.record(
        actor, "organisations.site.saved", site, organisation=organisation, changes=changes
    )
    return site
