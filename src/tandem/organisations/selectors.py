"""Reads for organisations and people, already scoped by the policy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet

from tandem.core.tenancy import access_object
from tandem.organisations.models import (
    LineManagement,
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    PartnershipRole,
    Person,
    Site,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor


def partnerships(actor: Actor) -> QuerySet[Partnership]:
    return Partnership.objects.visible_to(actor).annotate(member_count=Count("members"))


def organisations(actor: Actor) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(actor)


def people(
    actor: Actor, organisation: Organisation | None = None, *, search: str = "", role: str = ""
) -> QuerySet[Person]:
    qs = Person.objects.visible_to(actor)
    if organisation is not None or role:
        # The subquery only narrows people already visible through the policy
        # (a mentee sees their coordinators, not the coordinators' other roles).
        members = Membership.objects.current()
        if organisation is not None:
            members = members.filter(organisation=organisation)
        if role:
            members = members.filter(role=role)
        qs = qs.filter(id__in=members.values("person_id"))
    if search:
        for word in search.split()[:5]:
            qs = qs.filter(
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(email__icontains=word)
            )
    return qs.order_by("family_name", "given_name", "id")


def with_roles(
    actor: Actor, people_qs: QuerySet[Person], organisation: Organisation | None
) -> QuerySet[Person]:
    members = Membership.objects.visible_to(actor).current().select_related("organisation")
    if organisation is not None:
        members = members.filter(organisation=organisation)
    return people_qs.prefetch_related(
        Prefetch("memberships", queryset=members, to_attr="current_roles")
    )


def memberships_of(actor: Actor, person: Person) -> QuerySet[Membership]:
    return (
        Membership.objects.visible_to(actor)
        .filter(person=person)
        .select_related("organisation", "site")
        .order_by("organisation__name", "role")
    )


def line_managers_of(actor: Actor, person: Person) -> QuerySet[LineManagement]:
    return (
        LineManagement.objects.visible_to(actor)
        .current()
        .filter(report=person)
        .select_related("manager", "organisation")
    )


def reports_of(actor: Actor, person: Person) -> QuerySet[LineManagement]:
    return (
        LineManagement.objects.visible_to(actor)
        .current()
        .filter(manager=person)
        .select_related("report", "organisation")
        .order_by("report__family_name", "report__given_name")
    )


def current_members_of(partnership: Partnership) -> QuerySet[Membership]:
    """Current roles in the partnership's organisations — a subquery to narrow scoped reads."""
    return Membership.objects.current().filter(
        organisation__partnership_memberships__partnership=partnership
    )


def members_of(actor: Actor, partnership: Partnership) -> QuerySet[PartnershipMember]:
    return (
        PartnershipMember.objects.visible_to(actor)
        .filter(partnership=partnership)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def partnerships_of(actor: Actor, organisation: Organisation) -> QuerySet[PartnershipMember]:
    return (
        PartnershipMember.objects.visible_to(actor)
        .filter(organisation=organisation)
        .select_related("partnership")
    )


def admins_of(actor: Actor, partnership: Partnership) -> QuerySet[PartnershipRole]:
    return (
        PartnershipRole.objects.visible_to(actor)
        .filter(partnership=partnership)
        .select_related("person")
    )


def sites_of(actor: Actor, organisation: Organisation) -> QuerySet[Site]:
    return Site.objects.visible_to(actor).filter(organisation=organisation)


def role_counts(actor: Actor, organisation: Organisation) -> dict[str, int]:
    rows = (
        Membership.objects.visible_to(actor)
        .current()
        .filter(organisation=organisation)
        .values("role")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["role"]: r["n"] for r in rows}


def people_without_line_manager(actor: Actor, organisation: Organisation) -> QuerySet[Person]:
    managed = LineManagement.objects.visible_to(actor).current().filter(organisation=organisation)
    return people(actor, organisation).exclude(id__in=managed.values("report_id"))


# One record by UUID: 404 when absent or not visible, 403 when read-only.
def access_partnership(actor: Actor, uuid: Any, *, for_write: bool = False) -> Partnership:
    return access_object(actor, Partnership, uuid, for_write=for_write)


def access_organisation(actor: Actor, uuid: Any, *, for_write: bool = False) -> Organisation:
    return access_object(actor, Organisation, uuid, for_write=for_write)


def access_person(actor: Actor, uuid: Any, *, for_write: bool = False) -> Person:
    return access_object(actor, Person, uuid, for_write=for_write)


def access_membership(actor: Actor, uuid: Any, *, for_write: bool = False) -> Membership:
    return access_object(actor, Membership, uuid, for_write=for_write)


def access_site(actor: Actor, uuid: Any, *, for_write: bool = False) -> Site:
    return access_object(actor, Site, uuid, for_write=for_write)


def access_partnership_member(
    actor: Actor, uuid: Any, *, for_write: bool = False
) -> PartnershipMember:
    return access_object(actor, PartnershipMember, uuid, for_write=for_write)
