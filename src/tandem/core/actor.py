"""Who is acting: resolved once per request (or per API token) and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from tandem.core.roles import PEOPLE_READER_ROLES, STAFF_ROLES, Role
from tandem.core.tenancy import system_access


@dataclass(frozen=True)
class OrganisationRoles:
    organisation_id: int
    organisation_uuid: Any
    organisation_name: str
    roles: frozenset[str]
    require_mfa_for_staff: bool


@dataclass(frozen=True)
class Actor:
    user: Any = None
    person: Any = None
    is_superuser: bool = False
    organisations: tuple[OrganisationRoles, ...] = ()
    # partnerships the person administers, and those their organisations belong to
    administered_partnership_ids: frozenset[int] = frozenset()
    member_partnership_ids: frozenset[int] = frozenset()
    # organisations in partnerships they administer / partnerships of their organisations
    administered_organisation_ids: frozenset[int] = frozenset()
    partner_organisation_ids: frozenset[int] = frozenset()
    require_mfa_for_partnership_admin: bool = False
    active_organisation_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def person_id(self) -> int | None:
        return self.person.pk if self.person is not None else None

    @cached_property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(o.organisation_id for o in self.organisations)

    def roles_in(self, organisation_id: int | None) -> frozenset[str]:
        for o in self.organisations:
            if o.organisation_id == organisation_id:
                return o.roles
        return frozenset()

    def has_role(self, role: str, organisation_id: int | None = None) -> bool:
        if organisation_id is not None:
            return role in self.roles_in(organisation_id)
        return any(role in o.roles for o in self.organisations)

    def organisations_where(self, roles: frozenset[str] | set[str]) -> frozenset[int]:
        return frozenset(o.organisation_id for o in self.organisations if o.roles & set(roles))

    @cached_property
    def coordinator_of(self) -> frozenset[int]:
        return self.organisations_where({Role.COORDINATOR})

    @cached_property
    def people_reader_of(self) -> frozenset[int]:
        return self.organisations_where(PEOPLE_READER_ROLES)

    @property
    def is_partnership_admin(self) -> bool:
        return bool(self.administered_partnership_ids)

    @cached_property
    def all_roles(self) -> frozenset[str]:
        roles: set[str] = set()
        for o in self.organisations:
            roles |= o.roles
        return frozenset(roles)

    @property
    def mfa_required(self) -> bool:
        if self.is_partnership_admin and self.require_mfa_for_partnership_admin:
            return True
        return any(o.require_mfa_for_staff and o.roles & STAFF_ROLES for o in self.organisations)

    @property
    def active_organisation(self) -> OrganisationRoles | None:
        for o in self.organisations:
            if o.organisation_id == self.active_organisation_id:
                return o
        return self.organisations[0] if self.organisations else None


ANONYMOUS = Actor()


def build_actor(user: Any, active_organisation_id: int | None = None) -> Actor:
    """Resolve the person, roles and partnerships behind a signed-in user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    from tandem.organisations.models import (
        Membership,
        PartnershipMember,
        PartnershipRole,
        Person,
    )

    with system_access():
        person = Person.objects.filter(user=user).first()
        organisations: dict[int, dict[str, Any]] = {}
        administered: set[int] = set()
        require_admin_mfa = False
        if person is not None:
            for m in (
                Membership.objects.current().filter(person=person).select_related("organisation")
            ):
                entry = organisations.setdefault(
                    m.organisation_id,
                    {
                        "uuid": m.organisation.uuid,
                        "name": m.organisation.name,
                        "roles": set(),
                        "mfa": m.organisation.require_mfa_for_staff,
                    },
                )
                entry["roles"].add(m.role)
            for pr in PartnershipRole.objects.filter(person=person).select_related("partnership"):
                administered.add(pr.partnership_id)
                require_admin_mfa = require_admin_mfa or pr.partnership.require_mfa_for_admins
        member_partnerships = set(
            PartnershipMember.objects.filter(organisation_id__in=organisations).values_list(
                "partnership_id", flat=True
            )
        )
        partner_orgs = set(
            PartnershipMember.objects.filter(partnership_id__in=member_partnerships).values_list(
                "organisation_id", flat=True
            )
        )
        administered_orgs = set(
            PartnershipMember.objects.filter(partnership_id__in=administered).values_list(
                "organisation_id", flat=True
            )
        )
    orgs = tuple(
        OrganisationRoles(
            organisation_id=oid,
            organisation_uuid=e["uuid"],
            organisation_name=e["name"],
            roles=frozenset(e["roles"]),
            require_mfa_for_staff=e["mfa"],
        )
        for oid, e in sorted(organisations.items(), key=lambda kv: kv[1]["name"])
    )
    active = active_organisation_id if active_organisation_id in organisations else None
    return Actor(
        user=user,
        person=person,
        is_superuser=bool(user.is_superuser),
        organisations=orgs,
        administered_partnership_ids=frozenset(administered),
        member_partnership_ids=frozenset(member_partnerships),
        administered_organisation_ids=frozenset(administered_orgs),
        partner_organisation_ids=frozenset(partner_orgs),
        require_mfa_for_partnership_admin=require_admin_mfa,
        active_organisation_id=active or (orgs[0].organisation_id if orgs else None),
    )
