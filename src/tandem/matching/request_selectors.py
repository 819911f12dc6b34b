"""Reads for mentoring requests, always starting from what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from tandem.core.roles import Role
from tandem.core.tenancy import access_object, system_access
from tandem.matching.models import MentoringRequest, RequestStatus, Route
from tandem.matching.requests import current_shortlist, mentee_organisation_ids
from tandem.mentors.models import Subject
from tandem.organisations import selectors as org_selectors
from tandem.organisations.models import Organisation, Person
from tandem.programmes.models import Cohort, CohortStatus, Programme
from tandem.relationships.models import Mentorship

if TYPE_CHECKING:
    from tandem.core.actor import Actor

RELATED = ("mentee", "organisation", "programme", "cohort", "subject__sector", "chosen_mentor")


def access_request(actor: Actor, uuid: Any, *, for_write: bool = False) -> MentoringRequest:
    """One request: 404 when absent or invisible, 403 when visible but not changeable."""
    return access_object(actor, MentoringRequest, uuid, for_write=for_write)


def requests(actor: Actor) -> QuerySet[MentoringRequest]:
    return MentoringRequest.objects.visible_to(actor).select_related(*RELATED)


def own_requests(actor: Actor) -> QuerySet[MentoringRequest]:
    if actor.person_id is None:
        return requests(actor).none()
    return requests(actor).filter(mentee_id=actor.person_id)


def requests_of(
    actor: Actor,
    organisation: Organisation,
    *,
    status: str = "",
    programme: Programme | None = None,
    cohort: Cohort | None = None,
    subject: Subject | None = None,
) -> QuerySet[MentoringRequest]:
    qs = requests(actor).filter(organisation=organisation)
    if status:
        qs = qs.filter(status=status)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if cohort is not None:
        qs = qs.filter(cohort=cohort)
    if subject is not None:
        qs = qs.filter(subject=subject)
    return qs.order_by("-created_at", "-pk")


def sees_organisation_requests(actor: Actor, organisation: Organisation) -> bool:
    """The organisation's coordinators and tutors (course leaders) see its requests."""
    return actor.is_superuser or organisation.pk in actor.organisations_where(
        {Role.COORDINATOR, Role.TUTOR}
    )


def awaiting_decision(actor: Actor) -> QuerySet[MentoringRequest]:
    """Requests whose chosen mentor waits for this actor's approval, oldest first."""
    qs = requests(actor).filter(status=RequestStatus.AWAITING_APPROVAL)
    if not actor.is_superuser:
        qs = qs.filter(
            Q(
                route=Route.SELF_IDENTIFIED,
                organisation_id__in=actor.organisations_where({Role.TUTOR, Role.COORDINATOR}),
            )
            | Q(route=Route.SHORTLIST, organisation_id__in=actor.coordinator_of)
        ).exclude(mentee_id=actor.person_id)
    return qs.order_by("created_at", "pk")


def offered_mentor(request: MentoringRequest, uuid: Any) -> Person | None:
    """A mentor the mentee may name by id: one with a profile in the request's organisation
    or a partner sharing its mentors. Anyone else is "not found", whoever they are."""
    from tandem.matching.adapter import partner_organisations
    from tandem.mentors.models import MentorProfile

    organisations = {request.organisation_id} | set(partner_organisations(request.organisation_id))
    with system_access():
        profile = (
            MentorProfile.objects.filter(person__uuid=uuid, organisation_id__in=organisations)
            .select_related("person")
            .first()
        )
    return profile.person if profile else None


def mentorships_of(actor: Actor, request: MentoringRequest) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.visible_to(actor)
        .filter(request=request)
        .select_related("mentor", "mentor_organisation")
        .order_by("-created_at")
    )


# --- what a request form offers -------------------------------------------------------------


def mentee_organisations(actor: Actor) -> QuerySet[Organisation]:
    """Organisations where the signed-in person is a mentee today."""
    return org_selectors.organisations(actor).filter(id__in=mentee_organisation_ids(actor.person))


def programmes_for(actor: Actor, organisations: Any) -> QuerySet[Programme]:
    """Active programmes the organisations run or take part in through a partnership."""
    ids = [o.pk for o in organisations]
    return (
        Programme.objects.visible_to(actor)
        .filter(is_active=True)
        .filter(Q(organisation_id__in=ids) | Q(partnership__members__organisation_id__in=ids))
        .distinct()
        .select_related("organisation", "partnership")
        .order_by("name", "pk")
    )


def all_programmes_of(actor: Actor, organisation: Organisation) -> QuerySet[Programme]:
    """Every programme, open or closed, the organisation runs or takes part in (filters)."""
    return (
        Programme.objects.visible_to(actor)
        .filter(Q(organisation=organisation) | Q(partnership__members__organisation=organisation))
        .distinct()
        .order_by("name", "pk")
    )


def cohorts_for(actor: Actor, organisations: Any, *, current: bool = True) -> QuerySet[Cohort]:
    qs = Cohort.objects.visible_to(actor).filter(organisation__in=[o.pk for o in organisations])
    if current:
        qs = qs.exclude(status=CohortStatus.CLOSED)
    return qs.select_related("programme", "organisation").order_by(
        "programme__name", "-starts_on", "name"
    )


def active_subjects() -> QuerySet[Subject]:
    return Subject.objects.filter(is_active=True).select_related("sector")


def subjects_requested(actor: Actor, organisation: Organisation) -> QuerySet[Subject]:
    """Subjects that appear on the organisation's requests (for the filter)."""
    asked = requests(actor).filter(organisation=organisation).values("subject_id")
    return Subject.objects.filter(pk__in=asked).select_related("sector").order_by("name")


def mentees_of(actor: Actor, organisation: Organisation) -> QuerySet[Person]:
    return org_selectors.people(actor, organisation, role=Role.MENTEE)


# --- the shortlist as a mentee sees it ---------------------------------------------------


@dataclass
class ShortlistRow:
    """One mentor the mentee may choose: who, where, what they offer, and why.

    Names are shown (the mentee has to choose); contact details are not.
    """

    mentor_uuid: Any
    name: str
    organisation: str
    specialisms: list[str]
    score: int
    rung_label: str
    why: list[str]


def shortlist(request: MentoringRequest, k: int = 5) -> list[ShortlistRow]:
    """The best allowed mentors for the request now, best first, with "why this mentor"."""
    from tandem.matching.services import why_lines

    weights = request.programme.weights()
    rows = []
    for c in current_shortlist(request, k=k):
        profile = c.profile
        rows.append(
            ShortlistRow(
                mentor_uuid=profile.person.uuid,
                name=str(profile.person),
                organisation=profile.organisation.name,
                specialisms=[s.name for s in profile.specialisms.all()],
                score=c.score,
                rung_label=c.rung_label,
                why=why_lines(c.parts, c.rung_label, weights),
            )
        )
    return rows


def status_in_words(request: MentoringRequest, *, for_mentee: bool) -> str:
    """Where the request stands, in a sentence for the person reading it."""
    mentor = request.chosen_mentor
    if request.status == RequestStatus.OPEN:
        if for_mentee:
            return (
                "Waiting for a mentor. Choose one from your shortlist, tell us about a mentor "
                "you have found, or your coordinator will match you."
            )
        return "Waiting for a mentor."
    if request.status == RequestStatus.AWAITING_APPROVAL and mentor is not None:
        who = "a coordinator" if request.route == Route.SHORTLIST else "the course leader"
        if for_mentee:
            return f"You chose {mentor}. Waiting for {who} to approve."
        how = "chose" if request.route == Route.SHORTLIST else "found"
        source = " from the shortlist" if request.route == Route.SHORTLIST else " themself"
        return f"{request.mentee} {how} {mentor}{source}. Waiting for {who} to approve."
    if request.status == RequestStatus.MATCHED:
        return "A mentor has been proposed or has agreed: see the mentorship below."
    return "Withdrawn: no mentor is being looked for."
