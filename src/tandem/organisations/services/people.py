"""People and their roles: one function per use case."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.core import audit, policies
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.organisations.models import (
    Membership,
    Organisation,
    Person,
    Site,
)
from tandem.organisations.services.common import (
    apply_changes,
    normalise_email,
    require_permission,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor


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
    require_permission(
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
    require_permission(policies.can_change(actor, person), "You cannot change this person's record")
    if "email" in data:
        data["email"] = normalise_email(data["email"])
        if data["email"] != Person._base_manager.get(pk=person.pk).email:
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
    changes = apply_changes(person, data)
    with system_access():
        organisation_ids = set(
            Membership.objects.current()
            .filter(person=person)
            .values_list("organisation_id", flat=True)
        )
        organisations = list(Organisation.objects.filter(id__in=organisation_ids)) or [None]
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
    require_permission(
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
    require_permission(
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
    require_permission(
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
