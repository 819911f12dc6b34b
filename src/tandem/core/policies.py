"""Tenancy and confidentiality: who may see and change which records.

This is the one place these rules live. Selectors, views, the API and
exports all go through ``visible()`` / ``can_change()`` / ``can_create()``;
none of them filters by organisation on its own.

Each record type declares a confidentiality level (``LEVELS``) and a pair of
rules: a visibility filter (a ``Q`` over the model) and a change check.
The rules are tested as a matrix in tests/core/test_permission_matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Q

from tandem.core.roles import Confidentiality, Role

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.core.tenancy import TenantQuerySet

NOTHING = Q(pk__in=[])


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


# --- visibility: a Q over each model -------------------------------------------------


def _see_partnership(actor: Actor) -> Q:
    return Q(id__in=actor.administered_partnership_ids | actor.member_partnership_ids)


def _see_organisation(actor: Actor) -> Q:
    return Q(
        id__in=actor.organisation_ids
        | actor.partner_organisation_ids
        | actor.administered_organisation_ids
    )


def _see_site(actor: Actor) -> Q:
    return Q(organisation_id__in=actor.organisation_ids | actor.administered_organisation_ids)


def _see_partnership_member(actor: Actor) -> Q:
    return Q(partnership_id__in=actor.administered_partnership_ids | actor.member_partnership_ids)


def _see_person(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    membership = _model("organisations.Membership")
    line_management = _model("organisations.LineManagement")
    managed = _managed_org_ids(actor)
    q = Q(id=actor.person_id)
    if managed:
        q |= Q(
            id__in=membership.objects.current()
            .filter(organisation_id__in=managed)
            .values("person_id")
        )
    reports = _line_report_ids(actor)
    if reports:
        q |= Q(id__in=reports)
    # Everyone sees the coordinators of their own organisations: the scheme's contacts.
    if actor.organisation_ids:
        q |= Q(
            id__in=membership.objects.current()
            .filter(organisation_id__in=actor.organisation_ids, role=Role.COORDINATOR)
            .values("person_id")
        )
    # A person always sees who manages them.
    q |= Q(
        id__in=line_management.objects.current()
        .filter(report_id=actor.person_id)
        .values("manager_id")
    )
    return q


def _see_membership(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    q = Q(person_id=actor.person_id) | Q(organisation_id__in=_managed_org_ids(actor))
    reports = _line_report_ids(actor)
    if reports:
        q |= Q(person_id__in=reports, organisation_id__in=actor.organisation_ids)
    return q


def _see_line_management(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    q = Q(manager_id=actor.person_id) | Q(report_id=actor.person_id)
    q |= Q(organisation_id__in=_managed_org_ids(actor))
    return q


def _see_partnership_role(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return Q(person_id=actor.person_id) | Q(partnership_id__in=actor.administered_partnership_ids)


def _see_audit_event(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return Q(organisation_id__in=actor.coordinator_of | actor.administered_organisation_ids) | Q(
        partnership_id__in=actor.administered_partnership_ids
    )


def _see_api_token(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return Q(person_id=actor.person_id)


def _see_mentor_profile(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return Q(person_id=actor.person_id) | Q(organisation_id__in=_managed_org_ids(actor))


def _see_import_batch(actor: Actor) -> Q:
    return Q(organisation_id__in=actor.coordinator_of)


# --- change: may this actor edit or delete this record? ------------------------------


def _change_partnership(actor: Actor, obj: Any) -> bool:
    return obj.pk in actor.administered_partnership_ids


def _change_organisation(actor: Actor, obj: Any) -> bool:
    return obj.pk in actor.coordinator_of or obj.pk in actor.administered_organisation_ids


def _change_in_organisation(actor: Actor, obj: Any) -> bool:
    return obj.organisation_id in actor.coordinator_of


def _change_site(actor: Actor, obj: Any) -> bool:
    return _change_in_organisation(actor, obj) or (
        obj.organisation_id in actor.administered_organisation_ids
    )


def _change_partnership_member(actor: Actor, obj: Any) -> bool:
    return obj.partnership_id in actor.administered_partnership_ids


def _change_person(actor: Actor, obj: Any) -> bool:
    if obj.pk == actor.person_id:
        return True
    membership = _model("organisations.Membership")
    from tandem.core.tenancy import system_access

    with system_access():
        return (
            membership.objects.current()
            .filter(person_id=obj.pk, organisation_id__in=actor.coordinator_of)
            .exists()
        )


def _change_partnership_role(actor: Actor, obj: Any) -> bool:
    return obj.partnership_id in actor.administered_partnership_ids


def _change_own(actor: Actor, obj: Any) -> bool:
    return actor.person_id is not None and obj.person_id == actor.person_id


def _change_mentor_profile(actor: Actor, obj: Any) -> bool:
    return obj.person_id == actor.person_id or obj.organisation_id in actor.coordinator_of


def _never(actor: Actor, obj: Any) -> bool:
    return False


Rule = tuple[Confidentiality, Callable[["Actor"], Q], Callable[["Actor", Any], bool]]

RULES: dict[str, Rule] = {
    "organisations.partnership": (
        Confidentiality.PARTNERSHIP,
        _see_partnership,
        _change_partnership,
    ),
    "organisations.organisation": (
        Confidentiality.PARTNERSHIP,
        _see_organisation,
        _change_organisation,
    ),
    "organisations.site": (Confidentiality.ORGANISATION, _see_site, _change_site),
    "organisations.partnershipmember": (
        Confidentiality.PARTNERSHIP,
        _see_partnership_member,
        _change_partnership_member,
    ),
    "organisations.person": (Confidentiality.PERSONAL, _see_person, _change_person),
    "organisations.membership": (
        Confidentiality.PERSONAL,
        _see_membership,
        _change_in_organisation,
    ),
    "organisations.linemanagement": (
        Confidentiality.PERSONAL,
        _see_line_management,
        _change_in_organisation,
    ),
    "organisations.partnershiprole": (
        Confidentiality.PARTNERSHIP,
        _see_partnership_role,
        _change_partnership_role,
    ),
    "organisations.importbatch": (
        Confidentiality.ORGANISATION,
        _see_import_batch,
        _change_in_organisation,
    ),
    "mentors.mentorprofile": (
        Confidentiality.PROGRAMME,
        _see_mentor_profile,
        _change_mentor_profile,
    ),
    "core.auditevent": (Confidentiality.ORGANISATION, _see_audit_event, _never),
    "api.apitoken": (Confidentiality.PERSONAL, _see_api_token, _change_own),
}

LEVELS: dict[str, Confidentiality] = {label: rule[0] for label, rule in RULES.items()}


def _rule(model: Any) -> Rule:
    label = model._meta.label_lower
    try:
        return RULES[label]
    except KeyError:
        raise LookupError(f"No tenancy rule for {label}; add one to core/policies.py") from None


def visible(queryset: TenantQuerySet, actor: Actor) -> TenantQuerySet:
    """Narrow a tenant queryset to what the actor may see."""
    if actor.is_superuser:
        return queryset.scoped()
    if not actor.is_authenticated:
        return queryset.filter(NOTHING).scoped()
    _, see, _ = _rule(queryset.model)
    return queryset.filter(see(actor)).scoped()


def can_see(actor: Actor, obj: Any) -> bool:
    return visible(type(obj)._default_manager.filter(pk=obj.pk), actor).exists()


def can_change(actor: Actor, obj: Any) -> bool:
    if actor.is_superuser:
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


def can_create_partnership(actor: Actor) -> bool:
    return actor.is_superuser


def can_see_contact_details(actor: Actor, person: Any) -> bool:
    """Phone and other contact details beyond the work email.

    The person, staff who read their organisation's people, and people above
    them in line management. Anyone who can see a person sees their name and
    work email (for coordinators, that is how mentees reach them).
    """
    if actor.is_superuser or person.pk == actor.person_id:
        return True
    if person.pk in _line_report_ids(actor):
        return True
    membership = _model("organisations.Membership")
    from tandem.core.tenancy import system_access

    with system_access():
        return (
            membership.objects.current()
            .filter(person_id=person.pk, organisation_id__in=_managed_org_ids(actor))
            .exists()
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
