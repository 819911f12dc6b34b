"""Reads of mentorships, already scoped by the policy (core/policies/mentoring.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from tandem.core.roles import Role
from tandem.core.tenancy import access_object, system_access
from tandem.organisations import selectors as org_selectors
from tandem.organisations.models import Membership, Person
from tandem.relationships.models import (
    HOLDING,
    PENDING,
    Mentorship,
    MentorshipEvent,
    MentorshipStatus,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor

# What each status means to the reader, in the order a list shows them.
STATUS_ORDER = [
    MentorshipStatus.AWAITING_BROKERAGE,
    MentorshipStatus.PROPOSED,
    MentorshipStatus.ACTIVE,
    MentorshipStatus.ENDED,
    MentorshipStatus.DECLINED,
    MentorshipStatus.EXPIRED,
    MentorshipStatus.WITHDRAWN,
]
# Statuses of an offer that never started.
NOT_STARTED = (MentorshipStatus.DECLINED, MentorshipStatus.EXPIRED, MentorshipStatus.WITHDRAWN)


def mentorships(actor: Actor) -> QuerySet[Mentorship]:
    """Every mentorship the actor may see, with what a list shows."""
    return Mentorship.objects.visible_to(actor).select_related(
        "mentor", "mentee", "organisation", "mentor_organisation", "programme", "cohort"
    )


def access_mentorship(actor: Actor, uuid: Any, *, for_write: bool = False) -> Mentorship:
    """One mentorship: 404 when absent or invisible, 403 when it is visible but read-only."""
    return access_object(actor, Mentorship, uuid, for_write=for_write)


def sees_reasons(actor: Actor, mentorship: Mentorship) -> bool:
    """Why a mentor declined or a mentorship ended: the mentor and the programme's staff.

    Not the mentee (a refusal's reasons are for the coordinator) and never a line
    manager, who sees that mentoring happens, not what is said about it.
    """
    if actor.is_superuser:
        return True
    return (
        actor.person_id == mentorship.mentor_id
        or mentorship.organisation_id in actor.organisations_where({Role.COORDINATOR, Role.TUTOR})
        or mentorship.mentor_organisation_id in actor.coordinator_of
    )


def events_of(actor: Actor, mentorship: Mentorship) -> QuerySet[MentorshipEvent]:
    return MentorshipEvent.objects.visible_to(actor).filter(mentorship=mentorship)


# --- the signed-in person's own mentoring ---------------------------------------------


def offers_for(actor: Actor) -> QuerySet[Mentorship]:
    """Proposals waiting for the actor's answer as mentor, soonest deadline first."""
    if actor.person_id is None:
        return Mentorship.objects.none()
    return (
        mentorships(actor)
        .filter(mentor_id=actor.person_id, status=MentorshipStatus.PROPOSED)
        .order_by("respond_by", "created_at")
    )


def own_mentoring(actor: Actor) -> dict[str, list[Mentorship]]:
    """The actor's mentoring, as mentor and as mentee, grouped for the "Your mentoring" page."""
    if actor.person_id is None:
        return {"offers": [], "mentoring": [], "mentors": [], "past": [], "not_started": []}
    me = actor.person_id
    mine = mentorships(actor).filter(Q(mentor_id=me) | Q(mentee_id=me))
    rows = list(mine.order_by("-starts_on", "-created_at"))
    return {
        "offers": list(offers_for(actor)),
        "mentoring": [m for m in rows if m.mentor_id == me and m.status == MentorshipStatus.ACTIVE],
        # As mentee: the mentor agreed, or is being asked.
        "mentors": [m for m in rows if m.mentee_id == me and m.status in HOLDING],
        "past": [m for m in rows if m.status == MentorshipStatus.ENDED],
        # Offers to the actor as mentor that did not start.
        "not_started": [m for m in rows if m.mentor_id == me and m.status in NOT_STARTED],
    }


# --- an organisation's mentorships ----------------------------------------------------


def can_list_organisation(actor: Actor, organisation: Any) -> bool:
    """Coordinators and tutors follow their organisation's mentorships."""
    return actor.is_superuser or organisation.pk in actor.organisations_where(
        {Role.COORDINATOR, Role.TUTOR}
    )


def organisation_mentorships(
    actor: Actor,
    organisation: Any,
    *,
    status: str = "",
    programme: Any = None,
    cohort: Any = None,
    search: str = "",
) -> QuerySet[Mentorship]:
    """Mentorships the organisation runs, and those its mentors give to partners."""
    qs = mentorships(actor).filter(
        Q(organisation=organisation) | Q(mentor_organisation=organisation)
    )
    if status:
        qs = qs.filter(status=status)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if cohort is not None:
        qs = qs.filter(cohort=cohort)
    for word in search.split()[:5]:
        qs = qs.filter(
            Q(mentor__given_name__icontains=word)
            | Q(mentor__family_name__icontains=word)
            | Q(mentee__given_name__icontains=word)
            | Q(mentee__family_name__icontains=word)
        )
    return qs.order_by("mentee__family_name", "mentee__given_name", "-created_at")


def status_counts(actor: Actor, organisation: Any) -> list[tuple[str, str, int]]:
    """(status, words, how many) for the organisation's mentorships, every status listed."""
    rows = (
        organisation_mentorships(actor, organisation)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    )
    counts = {r["status"]: r["n"] for r in rows}
    return [(s.value, s.label, counts.get(s.value, 0)) for s in STATUS_ORDER]


def pending_count(actor: Actor, organisation: Any) -> int:
    return organisation_mentorships(actor, organisation).filter(status__in=PENDING).count()


# --- choices for allocating a mentor --------------------------------------------------


def programmes_for(actor: Actor, organisation: Any, *, open_only: bool = True) -> QuerySet[Any]:
    """Programmes the organisation runs, or runs with a partnership it belongs to."""
    from tandem.programmes.models import Programme

    partnerships = org_selectors.partnerships_of(actor, organisation).values("partnership_id")
    qs = Programme.objects.visible_to(actor).filter(
        Q(organisation=organisation) | Q(partnership_id__in=partnerships)
    )
    return (qs.filter(is_active=True) if open_only else qs).order_by("name")


def cohorts_for(actor: Actor, organisation: Any) -> QuerySet[Any]:
    from tandem.programmes.models import Cohort

    return (
        Cohort.objects.visible_to(actor)
        .filter(organisation=organisation)
        .select_related("programme")
        .order_by("programme__name", "-starts_on", "name")
    )


def allocatable_mentees(actor: Actor, organisation: Any) -> QuerySet[Person]:
    return org_selectors.people(actor, organisation, role=Role.MENTEE)


def _partner_mentor_profiles(organisation: Any) -> QuerySet[Any]:
    """Approved mentors listed in the directory and willing to mentor outside, in
    organisations sharing their mentors with this one (``in_directory``).

    The partnership directory: members who opted in share their listed mentors'
    names with the other members (never contact details, which need brokerage).
    """
    from tandem.matching.adapter import partner_organisations
    from tandem.mentors.models import MentorProfile, ProfileStatus

    partners = partner_organisations(organisation.pk)
    mentor_roles = Membership.objects.current().filter(
        role=Role.MENTOR, organisation_id__in=partners
    )
    return (
        MentorProfile.objects.filter(
            organisation_id__in=partners,
            status=ProfileStatus.APPROVED,
            willing_outside=True,
            listed_in_directory=True,
            person__memberships__in=mentor_roles,
        )
        .distinct()
        .select_related("organisation")
    )


def allocatable_mentors(actor: Actor, organisation: Any) -> tuple[QuerySet[Person], dict[int, str]]:
    """People a coordinator may choose as mentor, and the organisation each mentors for.

    The organisation's own current mentors (read through the policy) and, from
    partner organisations, mentors listed by the partnership directory rule.
    """
    own = org_selectors.people(actor, organisation, role=Role.MENTOR)
    own_ids = list(own.values_list("pk", flat=True))
    where = {pk: organisation.name for pk in own_ids}
    with system_access():
        for profile in _partner_mentor_profiles(organisation):
            where.setdefault(profile.person_id, profile.organisation.name)
    chosen = (
        Person.objects.filter(pk__in=list(where))
        .scoped()  # narrowed above: own mentors by the policy, partners by the directory rule
        .order_by("family_name", "given_name", "pk")
    )
    return chosen, where
