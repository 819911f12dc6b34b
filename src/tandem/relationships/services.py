"""The mentorship's life: proposed, brokered, accepted or declined, active, ended.

Every route to a relationship (a coordinator's allocation, a published match,
a mentee's shortlist choice, a self-identified mentor, a brokered mentor) ends
in ``propose``, which checks the hard constraints on the stored records, holds
a place in the mentor's capacity and asks the mentor. A mentor in another
organisation is first approved by that organisation's coordinator (brokerage).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.core import audit
from tandem.core.notify import notify
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.organisations.models import Membership, PartnershipMember, Person
from tandem.organisations.services.line_management import managers_above
from tandem.relationships.models import (
    HOLDING,
    PENDING,
    EndReason,
    Mentorship,
    MentorshipEvent,
    MentorshipStatus,
    Source,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor


# --- hard constraints on stored records ----------------------------------------------


def mentor_organisation_of(mentor: Person) -> Any:
    """The organisation a person mentors for: their profile's, else their mentor role's."""
    from tandem.mentors.models import MentorProfile

    with system_access():
        profile = MentorProfile.objects.filter(person=mentor).select_related("organisation").first()
        if profile is not None:
            return profile.organisation
        membership = (
            Membership.objects.current()
            .filter(person=mentor, role=Role.MENTOR)
            .select_related("organisation")
            .first()
        )
    return membership.organisation if membership else None


def shared_partnership(organisation: Any, other: Any) -> Any:
    """A partnership both organisations belong to, or None."""
    with system_access():
        member = (
            PartnershipMember.objects.filter(
                organisation=organisation,
                partnership__in=PartnershipMember.objects.filter(organisation=other).values(
                    "partnership"
                ),
            )
            .select_related("partnership")
            .order_by("partnership__name", "pk")
            .first()
        )
    return member.partnership if member else None


def sharing_partnership(organisation: Any, mentor_organisation: Any) -> Any:
    """A partnership of both whose directory lists ``mentor_organisation``'s mentors, or None."""
    with system_access():
        member = (
            PartnershipMember.objects.filter(
                organisation=mentor_organisation,
                in_directory=True,
                partnership__in=PartnershipMember.objects.filter(organisation=organisation).values(
                    "partnership"
                ),
            )
            .select_related("partnership")
            .order_by("partnership__name", "pk")
            .first()
        )
    return member.partnership if member else None


def pair_problems(
    *,
    mentee: Person,
    mentor: Person,
    organisation: Any,
    programme: Any,
    ignore: Mentorship | None = None,
) -> list[str]:
    """Every hard constraint this pair breaks, worded for the person deciding.

    ``organisation`` is the mentee's (it runs the relationship); ``ignore`` is a
    pending mentorship being replaced, which does not count against capacity.
    A mentor needs an approved profile and a current mentor role where they
    mentor; a mentor from another organisation must also be offered to the
    mentee's organisation through a partnership directory both belong to.
    """
    from tandem.mentors.models import MentorProfile, ProfileStatus, TrainingStatus

    if mentor.pk == mentee.pk:
        return ["Nobody can mentor themself."]
    problems: list[str] = []
    if mentor.pk in managers_above({mentee.pk})[mentee.pk]:
        problems.append(
            f"{mentor} line-manages {mentee} (directly or further up the line); "
            "a line manager never mentors their own staff."
        )
    mentor_org = mentor_organisation_of(mentor)
    if mentor_org is None:
        return problems + [f"{mentor} is not a mentor in any organisation."]
    with system_access():
        profile = MentorProfile.objects.filter(person=mentor).first()
        has_role = (
            Membership.objects.current()
            .filter(person=mentor, organisation=mentor_org, role=Role.MENTOR)
            .exists()
        )
        holding = Mentorship.objects.filter(mentor=mentor, status__in=HOLDING)
        mentee_holding = Mentorship.objects.filter(
            mentee=mentee, programme=programme, status__in=HOLDING
        )
        if ignore is not None:
            holding = holding.exclude(pk=ignore.pk)
            mentee_holding = mentee_holding.exclude(pk=ignore.pk)
        held = holding.count()
        broke_down = Mentorship.objects.filter(
            mentor=mentor, mentee=mentee, end_reason=EndReason.BROKE_DOWN
        ).exists()
        already = mentee_holding.exists()
    if profile is None or profile.status != ProfileStatus.APPROVED:
        problems.append(f"{mentor} has no approved mentor profile.")
    if not has_role:
        problems.append(f"{mentor} no longer holds a mentor role at {mentor_org}.")
    capacity = profile.capacity if profile is not None else 1
    if profile is not None and not profile.consents_to_matching:
        problems.append(f"{mentor} has asked not to be given new mentees.")
    if held >= capacity:
        problems.append(
            f"{mentor} already has {held} mentee{'s' if held != 1 else ''} "
            f"and can take {capacity} at once."
        )
    if programme.requires_trained_mentor and (
        profile is None or profile.training_status != TrainingStatus.TRAINED
    ):
        problems.append(f"{programme} needs a mentor who has completed mentor training.")
    if broke_down:
        problems.append(f"An earlier mentorship between {mentor} and {mentee} broke down.")
    if already:
        problems.append(f"{mentee} already has a mentor, proposed or agreed, on {programme}.")
    if mentor_org.pk != organisation.pk:
        if shared_partnership(organisation, mentor_org) is None:
            problems.append(
                f"{mentor} mentors for {mentor_org}, which is not in a partnership "
                f"with {organisation}."
            )
        elif profile is None or not profile.willing_outside:
            problems.append(f"{mentor} has not offered to mentor outside {mentor_org}.")
        elif (
            not profile.listed_in_directory or sharing_partnership(organisation, mentor_org) is None
        ):
            problems.append(
                f"{mentor} is not offered to other organisations in the partnership directory."
            )
    return problems


def check_pair(**kwargs: Any) -> None:
    problems = pair_problems(**kwargs)
    if problems:
        raise ValidationError({"mentor": problems})


# --- the lifecycle --------------------------------------------------------------------


def _log(actor: Actor | None, mentorship: Mentorship, code: str, **detail: Any) -> None:
    event = audit.record(
        actor,
        f"relationships.mentorship.{code}",
        mentorship,
        organisation=mentorship.organisation_id,
        changes=detail,
    )
    MentorshipEvent.objects.create(
        mentorship=mentorship, code=code, actor_name=event.actor_name, detail=event.changes
    )


def _save(mentorship: Mentorship, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(mentorship, name, value)
    mentorship.version += 1
    mentorship.save(update_fields=[*fields, "version"])


def _coordinators(organisation: Any) -> list[Person]:
    with system_access():
        return list(
            Person.objects.filter(
                memberships__in=Membership.objects.current().filter(
                    organisation=organisation, role=Role.COORDINATOR
                )
            ).distinct()
        )


def _requester(actor: Actor | None, organisation: Any) -> Person | None:
    """Who asked, for a brokerage request: a coordinator of the asking organisation only
    (never a mentor whose decline led Tandem to offer the next best)."""
    if actor is None or actor.person is None:
        return None
    if organisation.pk in actor.coordinator_of:
        return actor.person
    return None


@transaction.atomic
def propose(
    actor: Actor | None,
    *,
    mentee: Person,
    mentor: Person,
    organisation: Any,
    programme: Any,
    source: str,
    cohort: Any = None,
    request: Any = None,
    score: int | None = None,
    why: list[str] | None = None,
    replaces: Mentorship | None = None,
    brokerage_message: str = "",
) -> Mentorship:
    """Create the relationship as proposed and ask the mentor (or their coordinator).

    The caller has checked that the actor may do this; the hard constraints
    are checked here, on locked rows, so two runs cannot overfill a mentor.
    """
    from tandem.mentors.models import BrokerageRequest, MentorProfile

    with system_access():
        # Serialise per mentor (capacity) and per mentee (one mentor per programme),
        # locking in a fixed order so two proposals cannot deadlock.
        list(
            Person.objects.select_for_update().filter(pk__in={mentor.pk, mentee.pk}).order_by("pk")
        )
    check_pair(mentee=mentee, mentor=mentor, organisation=organisation, programme=programme)
    mentor_org = mentor_organisation_of(mentor)
    cross = mentor_org.pk != organisation.pk
    mentorship = Mentorship.objects.create(
        organisation=organisation,
        mentor_organisation=mentor_org,
        mentor=mentor,
        mentee=mentee,
        programme=programme,
        cohort=cohort,
        request=request,
        source=source,
        status=MentorshipStatus.AWAITING_BROKERAGE if cross else MentorshipStatus.PROPOSED,
        score=score,
        why=why or [],
        # The mentor (or, first, their coordinator) has this long to answer.
        respond_by=timezone.now() + timedelta(days=programme.offer_response_days),
    )
    _log(
        actor,
        mentorship,
        "proposed",
        mentor=str(mentor),
        source=source,
        replaces=str(replaces.uuid) if replaces else None,
    )
    if cross:
        with system_access():
            profile = MentorProfile.objects.get(person=mentor)
        # Partnership administrators see brokerage requests: the default message
        # does not name the mentee.
        brokerage = BrokerageRequest.objects.create(
            partnership=sharing_partnership(organisation, mentor_org)
            or shared_partnership(organisation, mentor_org),
            requesting_organisation=organisation,
            mentor_organisation=mentor_org,
            mentor_profile=profile,
            request=request,
            mentorship=mentorship,
            message=brokerage_message
            or f"{organisation} would like {mentor} to mentor one of their staff on {programme}.",
            requested_by=_requester(actor, organisation),
        )
        audit.record(
            actor,
            "mentors.brokerage.requested",
            brokerage,
            organisation=organisation,
            partnership=brokerage.partnership_id,
        )
        notify(
            _coordinators(mentor_org),
            "mentors/email/brokerage_requested.txt",
            {"brokerage": brokerage},
        )
    else:
        notify([mentor], "relationships/email/offer.txt", {"mentorship": mentorship})
    return mentorship


@transaction.atomic
def brokerage_decided(actor: Actor, mentorship: Mentorship, *, accepted: bool) -> Mentorship | None:
    """The mentor's coordinator answered: ask the mentor, or offer the next best."""
    mentorship = Mentorship._base_manager.select_for_update().get(pk=mentorship.pk)
    if mentorship.status != MentorshipStatus.AWAITING_BROKERAGE:
        return None
    if accepted:
        _save(
            mentorship,
            status=MentorshipStatus.PROPOSED,
            respond_by=timezone.now() + timedelta(days=mentorship.programme.offer_response_days),
        )
        _log(actor, mentorship, "brokerage_accepted")
        notify([mentorship.mentor], "relationships/email/offer.txt", {"mentorship": mentorship})
        return mentorship
    _save(mentorship, status=MentorshipStatus.DECLINED, responded_at=timezone.now())
    _log(actor, mentorship, "brokerage_declined")
    return _after_no(actor, mentorship)


def _require_mentor(actor: Actor, mentorship: Mentorship) -> Mentorship:
    if actor.person_id != mentorship.mentor_id:
        raise PermissionDenied("Only the proposed mentor can answer this")
    locked = Mentorship._base_manager.select_for_update().get(pk=mentorship.pk)
    if locked.status != MentorshipStatus.PROPOSED:
        status = locked.get_status_display()
        raise ValidationError({"__all__": f"This is no longer waiting for your answer ({status})."})
    if locked.respond_by and locked.respond_by < timezone.now():
        raise ValidationError({"__all__": "The time to answer has passed."})
    return locked


@transaction.atomic
def accept(actor: Actor, mentorship: Mentorship) -> Mentorship:
    """The mentor agrees: the relationship starts today."""
    from tandem.matching.models import RequestStatus
    from tandem.mentors.models import BrokerageStatus, CreditEntry

    mentorship = _require_mentor(actor, mentorship)
    _save(
        mentorship,
        status=MentorshipStatus.ACTIVE,
        responded_at=timezone.now(),
        starts_on=timezone.localdate(),
    )
    _log(actor, mentorship, "accepted")
    if mentorship.request_id:
        request = mentorship.request
        request.status = RequestStatus.MATCHED
        request.save(update_fields=["status"])
    brokerage = mentorship.brokerage_requests.filter(status=BrokerageStatus.ACCEPTED).first()
    if brokerage is not None and not brokerage.credit_entries.exists():
        # The mentee's organisation pays the mentor's organisation for the placement.
        for organisation, amount in (
            (brokerage.mentor_organisation_id, brokerage.credits),
            (brokerage.requesting_organisation_id, -brokerage.credits),
        ):
            CreditEntry.objects.create(
                partnership_id=brokerage.partnership_id,
                organisation_id=organisation,
                amount=amount,
                brokerage=brokerage,
                description=f"{mentorship.mentor} mentoring {mentorship.mentee}",
            )
        audit.record(
            actor,
            "mentors.credits.recorded",
            brokerage,
            partnership=brokerage.partnership_id,
            changes={"credits": brokerage.credits},
        )
    notify(
        [mentorship.mentee, *_coordinators(mentorship.organisation)],
        "relationships/email/accepted.txt",
        {"mentorship": mentorship},
    )
    return mentorship


@transaction.atomic
def decline(actor: Actor, mentorship: Mentorship, reason: str = "") -> Mentorship | None:
    """The mentor says no; the next best allowed mentor is asked. Returns that offer."""
    mentorship = _require_mentor(actor, mentorship)
    _save(
        mentorship,
        status=MentorshipStatus.DECLINED,
        responded_at=timezone.now(),
        decline_reason=reason.strip()[:500],
    )
    _log(actor, mentorship, "declined", reason=mentorship.decline_reason)
    return _after_no(actor, mentorship)


@transaction.atomic
def withdraw(actor: Actor, mentorship: Mentorship) -> None:
    """The coordinator takes back a proposal that has not started."""
    from tandem.core import policies

    if not policies.can_change(actor, mentorship):
        raise PermissionDenied("Only the mentee's coordinators can withdraw this")
    mentorship = Mentorship._base_manager.select_for_update().get(pk=mentorship.pk)
    if mentorship.status not in PENDING:
        raise ValidationError({"__all__": "Only a proposal that has not started can be withdrawn."})
    was_offered = mentorship.status == MentorshipStatus.PROPOSED
    _save(mentorship, status=MentorshipStatus.WITHDRAWN)
    _log(actor, mentorship, "withdrawn")
    _withdraw_brokerage(actor, mentorship)
    _reopen_request(mentorship)
    if was_offered:
        notify([mentorship.mentor], "relationships/email/withdrawn.txt", {"mentorship": mentorship})


def _withdraw_brokerage(actor: Actor, mentorship: Mentorship) -> None:
    """A pending request to the mentor's organisation goes with the proposal it was for."""
    from tandem.mentors.models import BrokerageStatus

    for brokerage in mentorship.brokerage_requests.filter(status=BrokerageStatus.PENDING):
        brokerage.status = BrokerageStatus.WITHDRAWN
        brokerage.decided_at = timezone.now()
        brokerage.save(update_fields=["status", "decided_at"])
        audit.record(
            actor,
            "mentors.brokerage.withdrawn",
            brokerage,
            organisation=mentorship.organisation_id,
            partnership=brokerage.partnership_id,
        )


@transaction.atomic
def end(actor: Actor, mentorship: Mentorship, *, reason: str, ends_on: Any = None) -> Mentorship:
    from tandem.core import policies

    if not policies.can_change(actor, mentorship):
        raise PermissionDenied("Only the mentee's coordinators can end this mentorship")
    if reason not in EndReason.values:
        raise ValidationError({"reason": "Choose why the mentorship ended."})
    mentorship = Mentorship._base_manager.select_for_update().get(pk=mentorship.pk)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError({"__all__": "Only an active mentorship can be ended."})
    ends_on = ends_on or timezone.localdate()
    if mentorship.starts_on and ends_on < mentorship.starts_on:
        raise ValidationError({"ends_on": "The end date must not be before the start date."})
    if ends_on > timezone.localdate():
        raise ValidationError({"ends_on": "The end date must be today or in the past."})
    _save(mentorship, status=MentorshipStatus.ENDED, ends_on=ends_on, end_reason=reason)
    _log(actor, mentorship, "ended", reason=reason)
    return mentorship


def _reopen_request(mentorship: Mentorship) -> None:
    """The request waits for the coordinator again; an earlier choice of mentor is spent."""
    from tandem.matching.models import RequestStatus, Route

    if mentorship.request_id is None:
        return
    request = mentorship.request
    if request.status != RequestStatus.WITHDRAWN:
        request.status = RequestStatus.OPEN
        request.chosen_mentor = None
        request.route = Route.COORDINATOR
        request.version += 1
        request.save(update_fields=["status", "chosen_mentor", "route", "version"])


def _after_no(actor: Actor | None, mentorship: Mentorship) -> Mentorship | None:
    """After a decline, refusal or time-out: ask the next best, or reopen the request."""
    from tandem.matching.services import offer_next_best

    nxt = offer_next_best(actor, mentorship)
    if nxt is None:
        _reopen_request(mentorship)
    notify(
        _coordinators(mentorship.organisation),
        "relationships/email/not_started.txt",
        {"mentorship": mentorship, "next_mentorship": nxt},
    )
    return nxt


def expire_overdue_offers(now: Any = None) -> int:
    """Offers not answered in time expire and the next best is asked. Safe to rerun.

    A proposal waits for the mentor; a mentorship awaiting brokerage waits for
    the mentor's coordinator, whose pending request is closed as not answered.
    """
    now = now or timezone.now()
    waiting = (MentorshipStatus.PROPOSED, MentorshipStatus.AWAITING_BROKERAGE)
    with system_access():
        overdue = list(
            Mentorship.objects.filter(status__in=waiting, respond_by__lt=now)
            .order_by("respond_by", "pk")
            .values_list("pk", flat=True)
        )
    expired = 0
    for pk in overdue:
        with transaction.atomic(), system_access():
            mentorship = Mentorship._base_manager.select_for_update().get(pk=pk)
            if mentorship.status not in waiting or not (
                mentorship.respond_by and mentorship.respond_by < now
            ):
                continue
            was_brokerage = mentorship.status == MentorshipStatus.AWAITING_BROKERAGE
            _save(mentorship, status=MentorshipStatus.EXPIRED)
            _log(None, mentorship, "expired")
            if was_brokerage:
                _expire_brokerage(mentorship, now)
            _after_no(None, mentorship)
            expired += 1
    return expired


def _expire_brokerage(mentorship: Mentorship, now: Any) -> None:
    """The mentor's coordinator did not answer in time: their request is closed."""
    from tandem.mentors.models import BrokerageStatus

    for brokerage in mentorship.brokerage_requests.select_for_update().filter(
        status=BrokerageStatus.PENDING
    ):
        brokerage.status = BrokerageStatus.DECLINED
        brokerage.decided_at = now
        brokerage.decision_note = "Not answered in time"
        brokerage.save(update_fields=["status", "decided_at", "decision_note"])
        audit.record(
            None,
            "mentors.brokerage.expired",
            brokerage,
            organisation=brokerage.mentor_organisation_id,
            partnership=brokerage.partnership_id,
            changes={"status": [BrokerageStatus.PENDING, BrokerageStatus.DECLINED]},
        )


def can_allocate(actor: Actor, organisation: Any) -> bool:
    """Coordinators allocate mentors to their own organisation's mentees."""
    return actor.is_superuser or organisation.pk in actor.coordinator_of


def _check_allocation(*, mentee: Person, organisation: Any, programme: Any, cohort: Any) -> None:
    """The mentee, programme and cohort all belong to the organisation allocating."""
    errors: dict[str, str] = {}
    with system_access():
        is_mentee = (
            Membership.objects.current()
            .filter(person=mentee, organisation=organisation, role=Role.MENTEE)
            .exists()
        )
        shared = programme.partnership_id is not None and (
            PartnershipMember.objects.filter(
                partnership_id=programme.partnership_id, organisation=organisation
            ).exists()
        )
    if not is_mentee:
        errors["mentee"] = f"{mentee} is not a mentee at {organisation}."
    if programme.organisation_id != organisation.pk and not shared:
        errors["programme"] = f"{programme} is not a programme {organisation} runs."
    elif not programme.is_active:
        errors["programme"] = f"{programme} is closed to new mentorships."
    if cohort is not None and (
        cohort.programme_id != programme.pk or cohort.organisation_id != organisation.pk
    ):
        errors["cohort"] = f"{cohort.name} is not a cohort of {programme} at {organisation}."
    if errors:
        raise ValidationError(errors)


def create_by_coordinator(
    actor: Actor,
    *,
    mentee: Person,
    mentor: Person,
    organisation: Any,
    programme: Any,
    cohort: Any = None,
) -> Mentorship:
    """A coordinator allocates a mentor directly (no matching run)."""
    if not can_allocate(actor, organisation):
        raise PermissionDenied(f"Only coordinators of {organisation} allocate its mentors")
    _check_allocation(mentee=mentee, organisation=organisation, programme=programme, cohort=cohort)
    return propose(
        actor,
        mentee=mentee,
        mentor=mentor,
        organisation=organisation,
        programme=programme,
        cohort=cohort,
        source=Source.COORDINATOR,
    )
