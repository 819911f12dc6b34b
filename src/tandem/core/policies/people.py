"""Rules for partnerships, organisations, people, roles, imports, tokens and audit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from tandem.core.policies.common import (
    NOTHING,
    Rule,
    _line_report_ids,
    _managed_org_ids,
    _model,
)
from tandem.core.roles import Confidentiality, Role

if TYPE_CHECKING:
    from tandem.core.actor import Actor


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
    # A mentor's coordinator accepted a brokerage request: the asking organisation's
    # coordinators now see that mentor's record (C2). Never before, never for others.
    if actor.coordinator_of:
        q |= Q(id__in=_brokered_mentor_ids(actor))
    return q


def _brokered_mentor_ids(actor: Actor) -> Any:
    """Mentors whose organisation accepted a brokerage request from one the actor coordinates."""
    brokerage = _model("mentors.BrokerageRequest")
    return brokerage.objects.filter(
        status="accepted", requesting_organisation_id__in=actor.coordinator_of
    ).values("mentor_profile__person_id")


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
