"""Every write to organisations and people: one function per use case.

Each function checks permission through ``tandem.core.policies``, validates,
writes in one transaction and records an audit event.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.core import audit, policies
from tandem.core.roles import PartnershipRoleKind, Role
from tandem.core.tenancy import system_access
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


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


# --- partnerships and organisations ---------------------------------------------------


@transaction.atomic
def create_partnership(
    actor: Actor, *, name: str, description: str = "", region: str = ""
) -> Partnership:
    _require(
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
    _require(policies.can_change(actor, partnership), "You cannot change this partnership")
    changes = audit.diff(partnership, data)
    for field, value in data.items():
        setattr(partnership, field, value)
    with system_access():
        partnership.full_clean()
    partnership.save()
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
    _require(
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
    _require(policies.can_change(actor, organisation), "You cannot change this organisation")
    changes = audit.diff(organisation, data)
    for field, value in data.items():
        setattr(organisation, field, value)
    with system_access():
        organisation.full_clean()
    organisation.save()
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
    _require(
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
    _require(
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
    _require(
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
    _require(policies.can_change(actor, site), "You cannot change this organisation's sites")
    changes = audit.diff(site, data) if site.pk else data
    for field, value in data.items():
        setattr(site, field, value)
    with system_access():
        site.full_clean()
    site.save()
    audit.record(
        actor, "organisations.site.saved", site, organisation=organisation, changes=changes
    )
    return site


# --- people, roles and line management -----------------------------------------------


def link_user_to_person(user: Any) -> Person | None:
    """Attach a new account to the person record with the same email, if any."""
    with system_access():
        person = Person.objects.filter(email__iexact=user.email, user__isnull=True).first()
        if person is not None:
            person.user = user
            person.save(update_fields=["user"])
    return person


@transaction.atomic
def create_person(
    actor: Actor,
    organisation: Organisation,
    *,
    given_name: str,
    family_name: str,
    email: str,
    roles: list[str],
    phone: str = "",
    job_title: str = "",
    site: Site | None = None,
    starts_on: date | None = None,
) -> Person:
    _require(
        policies.can_add_person_to(actor, organisation),
        "Only the organisation's coordinators add people",
    )
    email = normalise_email(email)
    if not roles:
        raise ValidationError({"roles": "Choose at least one role"})
    with system_access():
        if Person.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                {
                    "email": "Someone with this email address is already in Tandem; "
                    "add a role to them instead"
                }
            )
    person = Person(
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        email=email,
        phone=phone.strip(),
        job_title=job_title.strip(),
    )
    with system_access():
        person.full_clean()
    person.save()
    for role in roles:
        Membership.objects.create(
            person=person,
            organisation=organisation,
            role=role,
            site=site,
            starts_on=starts_on or timezone.localdate(),
        )
    _link_existing_account(person)
    audit.record(
        actor,
        "organisations.person.created",
        person,
        organisation=organisation,
        changes={"roles": roles},
    )
    return person


def _link_existing_account(person: Person) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email__iexact=person.email, person__isnull=True).first()
    if user is not None:
        person.user = user
        person.save(update_fields=["user"])


@transaction.atomic
def update_person(actor: Actor, person: Person, **data: Any) -> Person:
    _require(policies.can_change(actor, person), "You cannot change this person's record")
    changes = audit.diff(person, data)
    if "email" in data:
        data["email"] = normalise_email(data["email"])
        changes = audit.diff(person, data)
        if "email" in changes:
            if not policies.can_change_identity(actor, person):
                raise ValidationError(
                    {
                        "email": "This email address is how the person signs in and is known "
                        "to every organisation they belong to; only they can change it, "
                        "under Your account"
                        if person.user_id
                        else "This person also belongs to an organisation you do not "
                        "coordinate, so you cannot change their email address"
                    }
                )
            with system_access():
                taken = Person.objects.filter(email__iexact=data["email"]).exclude(pk=person.pk)
                if taken.exists():
                    raise ValidationError({"email": "Someone else already uses this email address"})
    for field, value in data.items():
        setattr(person, field, value)
    with system_access():
        person.full_clean()
        organisation_ids = set(
            Membership.objects.current()
            .filter(person=person)
            .values_list("organisation_id", flat=True)
        )
        organisations = list(Organisation.objects.filter(id__in=organisation_ids)) or [None]
    person.save()
    # One event per organisation, so each coordinator's activity log shows it.
    for organisation in organisations:
        audit.record(
            actor,
            "organisations.person.updated",
            person,
            organisation=organisation,
            changes=changes,
        )
    return person


def sync_person_email(user: Any) -> None:
    """Keep the person's email the same as the address they sign in with."""
    email = normalise_email(user.email)
    with system_access():
        person = Person.objects.filter(user=user).first()
        if person is None or person.email == email:
            return
        if Person.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
            return
        before = person.email
        person.email = email
        person.save(update_fields=["email"])
    audit.record(
        None, "organisations.person.email_synced", person, changes={"email": [before, email]}
    )


@transaction.atomic
def grant_role(
    actor: Actor,
    person: Person,
    organisation: Organisation,
    role: str,
    *,
    site: Site | None = None,
    starts_on: date | None = None,
) -> Membership:
    _require(
        policies.can_manage_people_of(actor, organisation),
        "Only the organisation's coordinators change roles",
    )
    if role not in Role.values:
        raise ValidationError({"role": f"'{role}' is not a role in Tandem"})
    with system_access():
        membership = Membership.objects.filter(
            person=person, organisation=organisation, role=role
        ).first()
    if membership is not None and membership.is_current:
        raise ValidationError(
            {"role": f"{person} is already {membership.get_role_display().lower()} here"}
        )
    if membership is None:
        membership = Membership(person=person, organisation=organisation, role=role)
    membership.site = site
    membership.starts_on = starts_on or timezone.localdate()
    membership.ends_on = None
    membership.save()
    audit.record(
        actor,
        "organisations.membership.granted",
        membership,
        organisation=organisation,
        changes={"role": role},
    )
    return membership


@transaction.atomic
def end_role(actor: Actor, membership: Membership, *, ends_on: date | None = None) -> Membership:
    _require(
        policies.can_change(actor, membership), "Only the organisation's coordinators end roles"
    )
    ends_on = ends_on or timezone.localdate()
    if membership.ends_on is not None and membership.ends_on <= ends_on:
        raise ValidationError(
            {"ends_on": f"This role already ended on {membership.ends_on:%-d %B %Y}"}
        )
    if ends_on < membership.starts_on:
        raise ValidationError({"ends_on": "The role cannot end before it started"})
    membership.ends_on = ends_on
    membership.save(update_fields=["ends_on"])
    audit.record(
        actor,
        "organisations.membership.ended",
        membership,
        organisation=membership.organisation,
        changes={"ends_on": ends_on},
    )
    return membership


@transaction.atomic
def set_membership_site(actor: Actor, membership: Membership, site: Site | None) -> Membership:
    """Move a role to another site of the same organisation (or to no site)."""
    _require(
        policies.can_change(actor, membership), "Only the organisation's coordinators change roles"
    )
    if site is not None and site.organisation_id != membership.organisation_id:
        raise ValidationError({"site": f"{site} is not a site of {membership.organisation}"})
    old = membership.site
    membership.site = site
    membership.save(update_fields=["site"])
    audit.record(
        actor,
        "organisations.membership.site_changed",
        membership,
        organisation=membership.organisation,
        changes={"site": [old, site]},
    )
    return membership


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
    _require(
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
