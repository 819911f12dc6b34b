"""Brokerage between organisations and the directory opt-in (C2, C5): one function per use case.

A coordinator asks for a mentor listed in the partnership directory — to talk
first, or for one of their organisation's open mentoring requests, in which
case the relationship is proposed at once and waits for the brokerage. The
mentor's coordinator accepts or declines; only an accepted request shares the
mentor's contact details with the asking organisation's coordinators. Credits
change hands when a brokered mentor accepts a mentee (see
``relationships.services.accept``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tandem.core import audit
from tandem.core.notify import notify
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching.models import MentoringRequest, RequestStatus
from tandem.mentors import directory
from tandem.mentors.models import BrokerageRequest, BrokerageStatus, MentorProfile
from tandem.organisations.models import (
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    Person,
)
from tandem.relationships.models import PENDING, MentorshipStatus, Source

if TYPE_CHECKING:
    from tandem.core.actor import Actor

MESSAGE_MAX = 2000
NOTE_MAX = 500


def _coordinators(organisation_id: int) -> list[Person]:
    with system_access():
        return list(
            Person.objects.filter(
                memberships__in=Membership.objects.current().filter(
                    organisation_id=organisation_id, role=Role.COORDINATOR
                )
            ).distinct()
        )


def _listed_in(profile: MentorProfile, partnership: Partnership) -> bool:
    with system_access():
        return MentorProfile.objects.filter(
            directory._listed_q([partnership.pk]), pk=profile.pk
        ).exists()


def _member(organisation: Organisation, partnership: Partnership) -> bool:
    with system_access():
        return PartnershipMember.objects.filter(
            partnership=partnership, organisation=organisation
        ).exists()


@transaction.atomic
def request_brokerage(
    actor: Actor,
    *,
    profile: MentorProfile,
    organisation: Organisation,
    partnership: Partnership,
    message: str = "",
    request: MentoringRequest | None = None,
) -> BrokerageRequest:
    """Ask the mentor's coordinator for a directory mentor, to talk or for a mentee.

    ``organisation`` is the asking organisation (the actor coordinates it);
    ``request``, if given, is one of its open mentoring requests: the mentorship
    is proposed now and waits for the brokerage.
    """
    if not (actor.is_superuser or organisation.pk in actor.coordinator_of):
        raise PermissionDenied(f"Only coordinators of {organisation} ask for mentors for it")
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise ValidationError({"message": f"Keep the message to {MESSAGE_MAX} characters or fewer"})
    if profile.organisation_id == organisation.pk:
        raise ValidationError(
            {"__all__": f"{profile.person} is in your own organisation: no brokerage is needed."}
        )
    if not _member(organisation, partnership):
        raise ValidationError({"partnership": f"{organisation} is not a member of {partnership}."})
    if not _listed_in(profile, partnership):
        raise ValidationError(
            {"__all__": f"{profile.person} is not listed in the directory of {partnership}."}
        )
    # Serialise requests for one mentor so two clicks cannot make two.
    MentorProfile._base_manager.select_for_update().filter(pk=profile.pk).first()
    if request is None:
        return _request_to_talk(actor, profile, organisation, partnership, message)
    return _request_for_mentee(actor, profile, organisation, partnership, message, request)


def _request_to_talk(
    actor: Actor,
    profile: MentorProfile,
    organisation: Organisation,
    partnership: Partnership,
    message: str,
) -> BrokerageRequest:
    with system_access():
        waiting = BrokerageRequest.objects.filter(
            mentor_profile=profile,
            requesting_organisation=organisation,
            status=BrokerageStatus.PENDING,
            mentorship__isnull=True,
        ).exists()
    if waiting:
        raise ValidationError(
            {
                "__all__": f"{organisation} already has a request for {profile.person} waiting "
                f"for {profile.organisation}'s coordinator."
            }
        )
    if not message:
        raise ValidationError(
            {"message": "Say why you would like to talk to this mentor, for the coordinator"}
        )
    brokerage = BrokerageRequest.objects.create(
        partnership=partnership,
        requesting_organisation=organisation,
        mentor_organisation=profile.organisation,
        mentor_profile=profile,
        message=message,
        requested_by=actor.person,
    )
    audit.record(
        actor,
        "mentors.brokerage.requested",
        brokerage,
        organisation=organisation,
        partnership=partnership,
        changes={"mentor": str(profile.person), "to_talk": True},
    )
    notify(
        _coordinators(profile.organisation_id),
        "mentors/email/brokerage_requested.txt",
        {"brokerage": brokerage},
    )
    return brokerage


def _request_for_mentee(
    actor: Actor,
    profile: MentorProfile,
    organisation: Organisation,
    partnership: Partnership,
    message: str,
    request: MentoringRequest,
) -> BrokerageRequest:
    from tandem.relationships.services import propose

    locked = MentoringRequest._base_manager.select_for_update().get(pk=request.pk)
    if locked.organisation_id != organisation.pk:
        raise ValidationError({"request": f"Choose a mentoring request of {organisation}."})
    if locked.status != RequestStatus.OPEN:
        raise ValidationError(
            {"request": f"{locked.mentee}'s request is no longer waiting for a mentor."}
        )
    mentorship = propose(
        actor,
        mentee=locked.mentee,
        mentor=profile.person,
        organisation=organisation,
        programme=locked.programme,
        cohort=locked.cohort,
        request=locked,
        source=Source.BROKERAGE,
        brokerage_message=message,
    )
    MentoringRequest._base_manager.filter(pk=locked.pk).update(
        status=RequestStatus.MATCHED, version=F("version") + 1
    )
    brokerage = mentorship.brokerage_requests.get()
    if brokerage.partnership_id != partnership.pk:
        # Ledger entries belong to the directory the mentor was found in.
        brokerage.partnership = partnership
        brokerage.save(update_fields=["partnership"])
    return brokerage


@transaction.atomic
def decide_brokerage(
    actor: Actor, brokerage: BrokerageRequest, *, accepted: bool, note: str = ""
) -> BrokerageRequest:
    """The mentor's coordinator accepts or declines; an accepted request shares contacts."""
    if not directory.can_decide(actor, brokerage):
        raise PermissionDenied(
            f"Only coordinators of {brokerage.mentor_organisation} decide on requests for "
            "its mentors"
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"Keep the note to {NOTE_MAX} characters or fewer"})
    locked = BrokerageRequest._base_manager.select_for_update().get(pk=brokerage.pk)
    if locked.status != BrokerageStatus.PENDING:
        raise ValidationError(
            {"__all__": f"This request has already been decided: {locked.get_status_display()}."}
        )
    mentorship = locked.mentorship
    if mentorship is not None and mentorship.status != MentorshipStatus.AWAITING_BROKERAGE:
        raise ValidationError(
            {
                "__all__": "The proposal this request was for is no longer waiting "
                f"({mentorship.get_status_display()})."
            }
        )
    locked.status = BrokerageStatus.ACCEPTED if accepted else BrokerageStatus.DECLINED
    locked.decided_by = actor.person
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        actor,
        f"mentors.brokerage.{locked.status}",
        locked,
        organisation=locked.mentor_organisation_id,
        partnership=locked.partnership_id,
        changes={"status": [BrokerageStatus.PENDING, locked.status], "note": note},
    )
    if mentorship is not None:
        from tandem.relationships.services import brokerage_decided

        brokerage_decided(actor, mentorship, accepted=accepted)
    recipients = _coordinators(locked.requesting_organisation_id)
    if locked.requested_by is not None:
        recipients.insert(0, locked.requested_by)
    notify(recipients, "mentors/email/brokerage_decided.txt", {"brokerage": locked})
    return locked


@transaction.atomic
def withdraw_brokerage(actor: Actor, brokerage: BrokerageRequest) -> BrokerageRequest:
    """The asking organisation takes back a request still waiting for a decision."""
    if not directory.can_withdraw(actor, brokerage):
        raise PermissionDenied(
            f"Only coordinators of {brokerage.requesting_organisation} withdraw its requests"
        )
    locked = BrokerageRequest._base_manager.select_for_update().get(pk=brokerage.pk)
    if locked.status != BrokerageStatus.PENDING:
        raise ValidationError(
            {
                "__all__": f"Only a waiting request can be withdrawn; this one is "
                f"{locked.get_status_display().lower()}."
            }
        )
    locked.status = BrokerageStatus.WITHDRAWN
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    audit.record(
        actor,
        "mentors.brokerage.withdrawn",
        locked,
        organisation=locked.requesting_organisation_id,
        partnership=locked.partnership_id,
    )
    mentorship = locked.mentorship
    if mentorship is not None and mentorship.status in PENDING:
        from tandem.relationships.services import withdraw

        withdraw(actor, mentorship)
    return locked


@transaction.atomic
def set_directory_opt_ins(
    actor: Actor, organisation: Organisation, *, shared_in: set[Any]
) -> list[PartnershipMember]:
    """Share (or stop sharing) the organisation's mentors in each partnership's directory.

    ``shared_in``: the partnerships (or their ids) whose directory lists the mentors;
    the organisation's other memberships stop sharing.
    """
    if not directory.can_manage_directory_settings(actor, organisation):
        raise PermissionDenied(f"Only coordinators of {organisation} change its directory settings")
    wanted = {getattr(p, "pk", p) for p in shared_in}
    with system_access():
        members = list(
            PartnershipMember.objects.select_for_update()
            .filter(organisation=organisation)
            .select_related("partnership")
        )
    unknown = wanted - {m.partnership_id for m in members}
    if unknown:
        raise ValidationError(
            {"shared_in": f"{organisation} can only share its mentors in its own partnerships."}
        )
    changed = []
    for member in members:
        share = member.partnership_id in wanted
        if member.in_directory == share:
            continue
        member.in_directory = share
        member.save(update_fields=["in_directory"])
        audit.record(
            actor,
            "mentors.directory.opted_in" if share else "mentors.directory.opted_out",
            member,
            organisation=organisation,
            partnership=member.partnership_id,
            changes={"in_directory": [not share, share]},
        )
        changed.append(member)
    return changed
