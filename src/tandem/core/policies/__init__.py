"""Tenancy and confidentiality: who may see and change which records.

This is the one place these rules live. Selectors, views, the API and
exports all go through ``visible()`` / ``can_change()`` / ``can_create()``;
none of them filters by organisation on its own.

Each record type declares a confidentiality level (``LEVELS``) and a pair of
rules: a visibility filter (a ``Q`` over the model) and a change check.
The rules are tested as a matrix in tests/core/test_permission_matrix.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tandem.core.policies import content, mentoring, people, training
from tandem.core.policies.common import NOTHING, Rule, _line_report_ids, _managed_org_ids, _model
from tandem.core.roles import Confidentiality, Role

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.core.tenancy import TenantQuerySet

RULES: dict[str, Rule] = {
    **people.RULES,
    **mentoring.RULES,
    **content.RULES,
    **training.RULES,
}
LEVELS: dict[str, Confidentiality] = {label: rule[0] for label, rule in RULES.items()}


def _rule(model: Any) -> Rule:
    label = model._meta.label_lower
    try:
        return RULES[label]
    except KeyError:
        raise LookupError(f"No tenancy rule for {label}; add one to core/policies/") from None


def _is_private_to_pair(model: Any) -> bool:
    return LEVELS.get(model._meta.label_lower) == Confidentiality.PAIR


def visible(queryset: TenantQuerySet, actor: Actor) -> TenantQuerySet:
    """Narrow a tenant queryset to what the actor may see.

    Platform administrators see everything except what is private to a
    mentoring pair: for those records they are held to the pair's rule too.
    """
    if actor.is_superuser and not _is_private_to_pair(queryset.model):
        return queryset.scoped()
    if not actor.is_authenticated:
        return queryset.filter(NOTHING).scoped()
    _, see, _ = _rule(queryset.model)
    return queryset.filter(see(actor)).scoped()


def can_see(actor: Actor, obj: Any) -> bool:
    return visible(type(obj)._default_manager.filter(pk=obj.pk), actor).exists()


def can_change(actor: Actor, obj: Any) -> bool:
    if actor.is_superuser and not _is_private_to_pair(type(obj)):
        return True
    if not actor.is_authenticated:
        return False
    _, _, change = _rule(type(obj))
    return bool(change(actor, obj))


# --- creating records: decided by the parent they are created under -------------------


def can_add_person_to(actor: Actor, organisation: Any) -> bool:
    return actor.is_superuser or organisation.pk in actor.coordinator_of


def can_manage_people_of(actor: Actor, organisation: Any) -> bool:
    return can_add_person_to(actor, organisation)


def can_read_people_of(actor: Actor, organisation: Any) -> bool:
    return actor.is_superuser or organisation.pk in _managed_org_ids(actor)


def can_add_organisation_to(actor: Actor, partnership: Any) -> bool:
    return actor.is_superuser or partnership.pk in actor.administered_partnership_ids


def can_approve_mentor_profile(actor: Actor, profile: Any) -> bool:
    """The organisation's coordinators approve mentors — never their own profile."""
    if profile.person_id == actor.person_id and not actor.is_superuser:
        return False
    return actor.is_superuser or profile.organisation_id in actor.coordinator_of


def can_see_content_of(actor: Actor, mentorship: Any) -> bool:
    """Agreement, plan, meetings and observations: the pair and the mentee's programme staff.

    The same rule as the content records' own (policies/content.py), asked of the
    mentorship before any of its records exists. Line managers and the mentor's
    own organisation see that the mentorship exists, not what is in it.
    """
    if actor.is_superuser:
        return True
    if actor.person_id in (mentorship.mentor_id, mentorship.mentee_id):
        return True
    return mentorship.organisation_id in actor.organisations_where({Role.COORDINATOR, Role.TUTOR})


def can_create_partnership(actor: Actor) -> bool:
    return actor.is_superuser


def can_see_contact_details(actor: Actor, person: Any) -> bool:
    """Phone and other contact details beyond the work email.

    The person, staff who read their organisation's people, and people above
    them in line management. Anyone who can see a person sees their name and
    work email (for coordinators, that is how mentees reach them). A mentor
    from the partnership directory: the coordinators of an organisation whose
    brokerage request for them was accepted — not before, and not anyone else.
    """
    if actor.is_superuser or person.pk == actor.person_id:
        return True
    if person.pk in _line_report_ids(actor):
        return True
    membership = _model("organisations.Membership")
    brokerage = _model("mentors.BrokerageRequest")
    from tandem.core.tenancy import system_access

    with system_access():
        if (
            membership.objects.current()
            .filter(person_id=person.pk, organisation_id__in=_managed_org_ids(actor))
            .exists()
        ):
            return True
        return bool(actor.coordinator_of) and (
            brokerage.objects.filter(
                status="accepted",
                requesting_organisation_id__in=actor.coordinator_of,
                mentor_profile__person_id=person.pk,
            ).exists()
        )


def can_change_identity(actor: Actor, person: Any) -> bool:
    """May the actor change the email address that identifies this person?

    Once the person has an account, only they change it (through their
    account, which keeps the record in step). Before that, a coordinator may,
    but only if they coordinate every organisation the person belongs to —
    otherwise one organisation could redirect another's record to itself.
    """
    if actor.is_superuser:
        return True
    if person.user_id is not None:
        return False
    membership = _model("organisations.Membership")
    from tandem.core.tenancy import system_access

    with system_access():
        organisations = set(
            membership.objects.current()
            .filter(person_id=person.pk)
            .values_list("organisation_id", flat=True)
        )
    return bool(organisations) and organisations <= actor.coordinator_of


def has_role(actor: Actor, role: Role | str) -> bool:
    return actor.has_role(role)
