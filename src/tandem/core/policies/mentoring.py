"""Rules for programmes, cohorts, requests, matching, mentorships, the directory and credits.

Line managers and partnership administrators never reach the content of a
relationship through these rules; later records that hold private content
(meeting notes) get their own, narrower rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from tandem.core.policies.common import NOTHING, Rule, _line_report_ids, _model
from tandem.core.roles import Confidentiality, Role

if TYPE_CHECKING:
    from tandem.core.actor import Actor


def _staff_orgs(actor: Actor) -> frozenset[int]:
    """Organisations where the actor runs or supports the scheme."""
    return actor.organisations_where({Role.COORDINATOR, Role.TUTOR})


def _tutor_of(actor: Actor) -> frozenset[int]:
    return actor.organisations_where({Role.TUTOR})


# --- programmes, calendars, cohorts: the scheme's own set-up ---------------------------


def _see_programme(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return Q(organisation_id__in=actor.organisation_ids | actor.administered_organisation_ids) | Q(
        partnership_id__in=actor.member_partnership_ids | actor.administered_partnership_ids
    )


def _change_programme(actor: Actor, obj: Any) -> bool:
    if obj.partnership_id is not None:
        return obj.partnership_id in actor.administered_partnership_ids
    return obj.organisation_id in actor.coordinator_of


def _see_in_organisation(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return Q(organisation_id__in=actor.organisation_ids | actor.administered_organisation_ids)


def _change_in_organisation(actor: Actor, obj: Any) -> bool:
    return obj.organisation_id in actor.coordinator_of


def _see_period(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return Q(
        calendar__organisation_id__in=actor.organisation_ids | actor.administered_organisation_ids
    )


def _change_period(actor: Actor, obj: Any) -> bool:
    return obj.calendar.organisation_id in actor.coordinator_of


# --- mentoring requests and matching runs -----------------------------------------------


def _see_request(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return Q(mentee_id=actor.person_id) | Q(organisation_id__in=_staff_orgs(actor))


def _change_request(actor: Actor, obj: Any) -> bool:
    return obj.organisation_id in actor.coordinator_of or obj.mentee_id == actor.person_id


def _see_run(actor: Actor) -> Q:
    return Q(organisation_id__in=actor.coordinator_of)


def _see_proposal(actor: Actor) -> Q:
    return Q(run__organisation_id__in=actor.coordinator_of)


def _change_proposal(actor: Actor, obj: Any) -> bool:
    return obj.run.organisation_id in actor.coordinator_of


# --- the relationship itself ------------------------------------------------------------


def _see_mentorship(actor: Actor) -> Q:
    """The pair; coordinators of either side; the mentee's tutors; their line managers.

    Line managers see that mentoring happens (and, later, activity and time),
    never what is said: content records have their own rules.
    """
    if actor.person_id is None:
        return NOTHING
    q = Q(mentor_id=actor.person_id) | Q(mentee_id=actor.person_id)
    q |= Q(organisation_id__in=actor.coordinator_of | _tutor_of(actor))
    q |= Q(mentor_organisation_id__in=actor.coordinator_of)
    reports = _line_report_ids(actor)
    if reports:
        q |= Q(mentee_id__in=reports)
    return q


def _change_mentorship(actor: Actor, obj: Any) -> bool:
    return obj.organisation_id in actor.coordinator_of


def _see_mentorship_event(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    mentorship = _model("relationships.Mentorship")
    return Q(mentorship__in=mentorship.objects.filter(_see_mentorship(actor)).values("pk"))


# --- the partnership directory, brokerage and credits -----------------------------------


def _see_brokerage(actor: Actor) -> Q:
    if actor.person_id is None:
        return NOTHING
    return (
        Q(requesting_organisation_id__in=actor.coordinator_of)
        | Q(mentor_organisation_id__in=actor.coordinator_of)
        | Q(partnership_id__in=actor.administered_partnership_ids)
        | Q(mentor_profile__person_id=actor.person_id)
    )


def _change_brokerage(actor: Actor, obj: Any) -> bool:
    return (
        obj.mentor_organisation_id in actor.coordinator_of
        or obj.requesting_organisation_id in actor.coordinator_of
    )


def _see_credit_entry(actor: Actor) -> Q:
    """The ledger is the partnership's: its administrators and members' coordinators."""
    if actor.person_id is None:
        return NOTHING
    member = _model("organisations.PartnershipMember")
    coordinated_partnerships = member.objects.filter(
        organisation_id__in=actor.coordinator_of
    ).values("partnership_id")
    return Q(partnership_id__in=actor.administered_partnership_ids) | Q(
        partnership_id__in=coordinated_partnerships
    )


def _never(actor: Actor, obj: Any) -> bool:
    return False


RULES: dict[str, Rule] = {
    "programmes.programme": (Confidentiality.ORGANISATION, _see_programme, _change_programme),
    "programmes.academiccalendar": (
        Confidentiality.ORGANISATION,
        _see_in_organisation,
        _change_in_organisation,
    ),
    "programmes.calendarperiod": (Confidentiality.ORGANISATION, _see_period, _change_period),
    "programmes.cohort": (
        Confidentiality.ORGANISATION,
        _see_in_organisation,
        _change_in_organisation,
    ),
    "matching.mentoringrequest": (Confidentiality.PROGRAMME, _see_request, _change_request),
    "matching.matchrun": (Confidentiality.PROGRAMME, _see_run, _change_in_organisation),
    "matching.proposal": (Confidentiality.PROGRAMME, _see_proposal, _change_proposal),
    "relationships.mentorship": (
        Confidentiality.PROGRAMME,
        _see_mentorship,
        _change_mentorship,
    ),
    "relationships.mentorshipevent": (Confidentiality.PROGRAMME, _see_mentorship_event, _never),
    "mentors.brokeragerequest": (Confidentiality.PARTNERSHIP, _see_brokerage, _change_brokerage),
    "mentors.creditentry": (Confidentiality.PARTNERSHIP, _see_credit_entry, _never),
}
