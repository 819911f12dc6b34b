"""Reads for matching runs, always starting from what the actor may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from tandem.core.tenancy import access_object, system_access
from tandem.matching.models import MatchRun, MentoringRequest, Proposal, RequestStatus, RunStatus
from tandem.relationships.models import Mentorship

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.organisations.models import Person


def access_run(actor: Actor, uuid: Any, *, for_write: bool = False) -> MatchRun:
    return access_object(actor, MatchRun, uuid, for_write=for_write)


def access_proposal(actor: Actor, uuid: Any, *, for_write: bool = False) -> Proposal:
    return access_object(actor, Proposal, uuid, for_write=for_write)


def access_cohort(actor: Actor, uuid: Any, *, for_write: bool = False) -> Any:
    from tandem.programmes.models import Cohort

    return access_object(actor, Cohort, uuid, for_write=for_write)


def runs_of(actor: Actor, organisation: Any) -> QuerySet[MatchRun]:
    return (
        MatchRun.objects.visible_to(actor)
        .filter(organisation=organisation)
        .select_related("cohort__programme", "created_by", "published_by")
    )


def runs_of_cohort(actor: Actor, cohort: Any) -> QuerySet[MatchRun]:
    return MatchRun.objects.visible_to(actor).filter(cohort=cohort).select_related("created_by")


def proposals_of(actor: Actor, run: MatchRun) -> QuerySet[Proposal]:
    return (
        Proposal.objects.visible_to(actor)
        .filter(run=run)
        .select_related(
            "run__organisation",
            "request__mentee",
            "request__subject__sector",
            "mentor",
            "mentor_organisation",
            "edited_by",
        )
        .order_by("request__mentee__family_name", "request__mentee__given_name", "pk")
    )


def waiting_requests(actor: Actor, cohort: Any) -> int:
    return (
        MentoringRequest.objects.visible_to(actor)
        .filter(cohort=cohort, status=RequestStatus.OPEN)
        .count()
    )


def mentorships_of_run(actor: Actor, run: MatchRun) -> QuerySet[Mentorship]:
    """The relationships publishing this run created, and offers made since for its mentees."""
    if run.status != RunStatus.PUBLISHED or run.published_at is None:
        return Mentorship.objects.visible_to(actor).none()
    return (
        Mentorship.objects.visible_to(actor)
        .filter(
            request__in=run.proposals.values("request"),
            created_at__gte=run.published_at,
        )
        .select_related("mentor", "mentee", "mentor_organisation")
        .order_by("mentee__family_name", "mentee__given_name", "created_at")
    )


def offered_mentor(run: MatchRun, uuid: Any) -> Person | None:
    """A mentor a coordinator may name for a proposal of this run, by person id.

    Only mentors with a profile in the run's organisation or a partner that shares
    its mentors: anyone else is "not found", whoever they are.
    """
    from tandem.matching.adapter import partner_organisations
    from tandem.mentors.models import MentorProfile

    organisations = {run.organisation_id} | set(partner_organisations(run.organisation_id))
    with system_access():
        profile = (
            MentorProfile.objects.filter(person__uuid=uuid, organisation_id__in=organisations)
            .select_related("person")
            .first()
        )
    return profile.person if profile else None
