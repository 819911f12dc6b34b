"""Stored records to the engine's inputs, and the engine's answers back to records.

Mentees are mentoring requests (engine id = request uuid); mentors are approved
mentor profiles (engine id = person uuid) of the organisation and, when asked
for, of partner organisations that share their mentors in the partnership
directory. Everything the hard constraints need is read here in a fixed
number of queries, whatever the size of the cohort.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching.availability import slots
from tandem.matching.engine.candidates import MentorPool
from tandem.matching.engine.model import Constraints, MenteeNeed, MentorOffer, Weights
from tandem.matching.models import MentoringRequest
from tandem.mentors.models import MentorProfile, ProfileStatus, TrainingStatus
from tandem.organisations.models import Membership, PartnershipMember, Person
from tandem.organisations.services.line_management import managers_above
from tandem.relationships.models import HOLDING, EndReason, Mentorship

TRAINED = "mentor_training"


@dataclass
class Inputs:
    mentees: list[MenteeNeed]
    mentors: list[MentorOffer]
    constraints: Constraints
    weights: Weights
    requests: dict[str, MentoringRequest] = field(default_factory=dict)
    profiles: dict[str, MentorProfile] = field(default_factory=dict)

    def pool(self) -> MentorPool:
        return MentorPool(self.mentors)

    def person(self, mentor_id: str) -> Person:
        return self.profiles[mentor_id].person


def weights_of(programme: Any) -> Weights:
    return Weights(**programme.weights())


def partner_organisations(organisation_id: int) -> frozenset[int]:
    """Organisations sharing mentors with this one: opted in to a shared partnership."""
    with system_access():
        partnerships = PartnershipMember.objects.filter(organisation_id=organisation_id).values(
            "partnership_id"
        )
        return frozenset(
            PartnershipMember.objects.filter(partnership_id__in=partnerships, in_directory=True)
            .exclude(organisation_id=organisation_id)
            .values_list("organisation_id", flat=True)
        )


def _offers(
    home_ids: set[int], partner_ids: set[int]
) -> tuple[list[MentorOffer], dict[str, MentorProfile]]:
    """Approved mentors at home, and partner mentors listed in the partnership directory."""
    mentor_roles = Membership.objects.current().filter(
        role=Role.MENTOR, organisation_id=OuterRef("organisation_id")
    )
    held = (
        Mentorship.objects.filter(mentor_id=OuterRef("person_id"), status__in=HOLDING)
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    profiles = list(
        MentorProfile.objects.filter(
            Q(organisation_id__in=home_ids)
            | Q(organisation_id__in=partner_ids - home_ids, listed_in_directory=True),
            Exists(mentor_roles.filter(person_id=OuterRef("person_id"))),
            status=ProfileStatus.APPROVED,
        )
        .select_related("person", "organisation", "site")
        .annotate(held=Coalesce(Subquery(held), 0))
        .prefetch_related("specialisms")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    offers, by_id = [], {}
    for p in profiles:
        mentor_id = str(p.person.uuid)
        subjects = list(p.specialisms.all())
        offers.append(
            MentorOffer(
                id=mentor_id,
                organisation=str(p.organisation.uuid),
                subjects=frozenset(str(s.uuid) for s in subjects),
                sectors=frozenset(str(s.sector_id) for s in subjects),
                generic=p.generic_pool,
                capacity=max(p.capacity - p.held, 0),
                trained_for=frozenset({TRAINED})
                if p.training_status == TrainingStatus.TRAINED
                else frozenset(),
                consents=p.consents_to_matching,
                willing_outside=p.willing_outside,
                modes=frozenset(p.modes),
                availability=slots(p.availability),
                site=f"site:{p.site.uuid}" if p.site else "",
                region=(p.region or p.organisation.region).strip().lower(),
                experience_years=float(max(p.years_teaching, p.years_mentoring)),
            )
        )
        by_id[mentor_id] = p
    return offers, by_id


def _needs(requests: Sequence[MentoringRequest], programme: Any) -> list[MenteeNeed]:
    people = {r.mentee_id for r in requests}
    above = managers_above(people)
    uuid_of = dict(
        Person.objects.filter(pk__in=set().union(*above.values(), people)).values_list("pk", "uuid")
    )
    sites = dict(
        Membership.objects.current()
        .filter(person_id__in=people, role=Role.MENTEE, site__isnull=False)
        .values_list("person_id", "site__uuid")
    )
    required = frozenset({TRAINED}) if programme.requires_trained_mentor else frozenset()
    needs = []
    for r in requests:
        chosen = r.chosen_mentor
        needs.append(
            MenteeNeed(
                id=str(r.uuid),
                organisation=str(r.organisation.uuid),
                subject=str(r.subject.uuid),
                sector=str(r.subject.sector_id),
                managers=frozenset(str(uuid_of[m]) for m in above[r.mentee_id]),
                required_training=required,
                modes=frozenset(r.modes),
                availability=slots(r.availability),
                site=f"site:{sites[r.mentee_id]}" if r.mentee_id in sites else "",
                region=r.organisation.region.strip().lower(),
                preferred_mentor=str(chosen.uuid) if chosen else None,
            )
        )
    return needs


def build_inputs(
    requests: Sequence[MentoringRequest],
    programme: Any,
    *,
    include_partners: bool = True,
) -> Inputs:
    """The engine's view of these requests (all from one organisation) and their mentors."""
    with system_access():
        requests = list(requests)
        home_ids: set[int] = {r.organisation_id for r in requests}
        partner_ids: set[int] = set()
        partners: dict[str, frozenset[str]] = {}
        org_uuid: dict[int, str] = {r.organisation_id: str(r.organisation.uuid) for r in requests}
        if include_partners:
            for org_id in home_ids:
                partner_ids |= partner_organisations(org_id)
        mentors, profiles = _offers(home_ids, partner_ids)
        if include_partners:
            uuids = {p.organisation_id: str(p.organisation.uuid) for p in profiles.values()}
            for org_id, org in org_uuid.items():
                partners[org] = frozenset(
                    uuids[o] for o in partner_organisations(org_id) if o in uuids
                )
        mentees = _needs(requests, programme)
        # Pairs never to propose: a mentee with themself, and pairs that broke down.
        request_of_person: dict[int, list[str]] = defaultdict(list)
        for r in requests:
            request_of_person[r.mentee_id].append(str(r.uuid))
        forbidden = {(str(r.uuid), str(r.mentee.uuid)) for r in requests}
        for mentee_id, mentor_uuid in Mentorship.objects.filter(
            mentee_id__in=request_of_person, end_reason=EndReason.BROKE_DOWN
        ).values_list("mentee_id", "mentor__uuid"):
            for rid in request_of_person[mentee_id]:
                forbidden.add((rid, str(mentor_uuid)))
    return Inputs(
        mentees=mentees,
        mentors=mentors,
        constraints=Constraints(forbidden_pairs=frozenset(forbidden), partners=partners),
        weights=weights_of(programme),
        requests={str(r.uuid): r for r in requests},
        profiles=profiles,
    )


def requests_for_cohort(cohort: Any) -> list[MentoringRequest]:
    """The cohort's requests still waiting for a mentor, oldest first."""
    from tandem.matching.models import RequestStatus

    with system_access():
        return list(
            MentoringRequest.objects.filter(cohort=cohort, status=RequestStatus.OPEN)
            .select_related("mentee", "organisation", "subject", "chosen_mentor", "programme")
            .order_by("created_at", "pk")
        )


@dataclass
class Candidate:
    """One ranked mentor for one request, with the engine's reasons."""

    profile: MentorProfile
    score: int
    rung: int
    rung_label: str
    parts: dict[str, float]
    why: list[str]

    @property
    def person(self) -> Person:
        return self.profile.person


def shortlist_for_request(
    request: MentoringRequest,
    *,
    k: int = 5,
    exclude: set[int] | frozenset[int] = frozenset(),
    include_partners: bool = True,
) -> list[Candidate]:
    """The best allowed mentors for one request, best first.

    ``exclude`` holds person ids never to offer (for example mentors who already
    declined this request).
    """
    from tandem.matching.engine.shortlist import shortlist

    inputs = build_inputs([request], request.programme, include_partners=include_partners)
    if exclude:
        inputs.mentors = [
            m for m in inputs.mentors if inputs.profiles[m.id].person_id not in exclude
        ]
    if not inputs.mentors:
        return []
    pairs = shortlist(inputs.mentees[0], inputs.pool(), inputs.weights, inputs.constraints, k=k)
    return [
        Candidate(
            profile=inputs.profiles[p.mentor],
            score=p.score,
            rung=int(p.rung),
            rung_label=p.rung.label,
            parts=p.parts,
            why=p.why(inputs.weights),
        )
        for p in pairs
    ]
