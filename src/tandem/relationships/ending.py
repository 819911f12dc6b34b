"""Ending and transfer (D8): the closing review, re-matching, moving a mentee elsewhere.

A coordinator of the mentee's organisation closes an active mentorship with a
closing review: the final status of each objective in the plan, what the
mentee will do next, notes, and — later — the mentee's and the mentor's own
reflections, each written by that person. The review is a ``Report`` of kind
"closing". The mentor or mentee can ask the coordinator to end it.

Closing may open a new mentoring request for the mentee on the same
programme, cohort and subject (re-matching). A pair that broke down is never
proposed again: the matching engine and ``pair_problems`` both refuse it.

A transfer moves the mentee to another organisation of a partnership both
belong to. The mentorship ends ("transferred"); every record of it (agreement,
plan, meetings, private notes, observations, reports) stays with it and keeps
its rules, so the receiving organisation's staff do not read it, while the
mentee still does. The mentee becomes a mentee of the receiving organisation
and a request there lets its coordinator find them a mentor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.core import audit, policies
from tandem.core.notify import notify
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.organisations.models import Membership, Organisation, PartnershipMember
from tandem.relationships import services
from tandem.relationships.models import (
    HOLDING,
    EndReason,
    Mentorship,
    MentorshipStatus,
    Objective,
    ObjectiveStatus,
    Report,
    ReportKind,
    ReportStatus,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.matching.models import MentoringRequest

CLOSING_NAME = "Closing review"
MAX_TEXT = 5000
MAX_NOTE = 1000
PARTIES = ("mentee", "mentor")
CONCURRENT = (
    "Someone else changed this closing review since you opened it; your changes were not "
    "saved. Reload to see theirs."
)
# Reasons a coordinator chooses when closing; a transfer has its own page.
CLOSING_REASONS = [(value, label) for value, label in EndReason.choices if value != "transferred"]


def _day(d: Any) -> str:
    return f"{d.day} {d:%B %Y}" if d else ""


# --- reads ---------------------------------------------------------------------------------


def closing_review(actor: Actor, mentorship: Mentorship) -> Report | None:
    """The mentorship's closing review, if the actor may read it."""
    return (
        Report.objects.visible_to(actor)
        .filter(mentorship=mentorship, kind=ReportKind.CLOSING)
        .first()
    )


def objectives_of(mentorship: Mentorship) -> list[Objective]:
    """The plan's objectives (the caller reached the mentorship through the policy)."""
    if not _has_plan(mentorship):
        return []
    return list(mentorship.plan.objectives.all().order_by("due_on", "pk"))


def _has_plan(mentorship: Mentorship) -> bool:
    from tandem.relationships.models import DevelopmentPlan

    try:
        return mentorship.plan is not None
    except DevelopmentPlan.DoesNotExist:
        return False


def party_of(actor: Actor, mentorship: Mentorship) -> str | None:
    if actor.person_id is None:
        return None
    if actor.person_id == mentorship.mentee_id:
        return "mentee"
    if actor.person_id == mentorship.mentor_id:
        return "mentor"
    return None


def can_close(actor: Actor, mentorship: Mentorship) -> bool:
    return mentorship.status == MentorshipStatus.ACTIVE and policies.can_change(actor, mentorship)


def can_propose_ending(actor: Actor, mentorship: Mentorship) -> bool:
    return mentorship.status == MentorshipStatus.ACTIVE and party_of(actor, mentorship) is not None


def history_line(mentorship: Mentorship) -> str:
    """'Continuing from Amara Mensah mentoring Nisha Chauhan (…, 1 October 2026 to …).'"""
    dates = _day(mentorship.starts_on)
    if mentorship.ends_on:
        dates = f"{dates} to {_day(mentorship.ends_on)}"
    where = f"{mentorship.programme} at {mentorship.organisation}"
    return f"Continuing from {mentorship} ({where}{', ' + dates if dates else ''})."


# --- the closing review --------------------------------------------------------------------


@dataclass
class Closed:
    mentorship: Mentorship
    review: Report
    request: MentoringRequest | None = None


def _text(value: Any, field: str, *, limit: int, required: str | None = None) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: required})
    if len(text) > limit:
        raise ValidationError({field: f"Write {limit:,} characters or fewer"})
    return text


def _outcomes(
    objectives: list[Objective], outcomes: dict[str, Any] | None
) -> tuple[dict[int, str], dict[str, str]]:
    """The final status of each objective (unchanged when not given), and errors."""
    outcomes = {str(k): v for k, v in (outcomes or {}).items()}
    known = {str(o.uuid) for o in objectives}
    errors: dict[str, str] = {}
    for key in outcomes:
        if key not in known:
            errors["outcomes"] = f"{key} is not an objective of this mentorship's plan"
    final: dict[int, str] = {}
    for o in objectives:
        status = str(outcomes.get(str(o.uuid), o.status) or "")
        if status not in ObjectiveStatus.values:
            errors[f"outcome_{o.uuid}"] = f"Choose what became of “{o.what}”"
        final[o.pk] = status
    return final, errors


def _figures(
    mentorship: Mentorship,
    objectives: list[Objective],
    *,
    next_steps: str,
    notes: str,
    rematch: bool,
) -> dict[str, Any]:
    labels = dict(ObjectiveStatus.choices)
    return {
        "reason": mentorship.end_reason,
        "reason_label": EndReason(mentorship.end_reason).label if mentorship.end_reason else "",
        "starts_on": mentorship.starts_on.isoformat() if mentorship.starts_on else None,
        "ends_on": mentorship.ends_on.isoformat() if mentorship.ends_on else None,
        "objectives": [
            {
                "uuid": str(o.uuid),
                "what": o.what,
                "measure": o.measure,
                "due_on": o.due_on.isoformat(),
                "status": o.status,
                "status_label": labels.get(o.status, o.status),
            }
            for o in objectives
        ],
        "next_steps": next_steps,
        "notes": notes,
        "rematch": rematch,
        "request": None,
        "transferred_to": None,
        "reflections": {},
    }


def _body(mentorship: Mentorship, figures: dict[str, Any]) -> str:
    """The review in words (the figures hold the same, structured)."""
    lines = [f"Closing review: {mentorship}", ""]
    reason = figures.get("reason_label") or ""
    ended = _day(mentorship.ends_on)
    lines.append(f"Ended on {ended}: {reason.lower()}." if reason else f"Ended on {ended}.")
    lines += ["", "What was achieved against each objective:"]
    rows = figures.get("objectives") or []
    lines += [f"- {row['what']}: {row['status_label']}" for row in rows] or [
        "- No objectives were recorded in the plan."
    ]
    if figures.get("transferred_to"):
        lines += ["", f"The mentee moved to {figures['transferred_to']}."]
    lines += ["", "What the mentee will do next:", figures.get("next_steps") or "Not recorded."]
    if figures.get("notes"):
        lines += ["", "Notes:", figures["notes"]]
    for party in PARTIES:
        part = (figures.get("reflections") or {}).get(party)
        if part:
            lines += ["", f"Reflection of the {party} ({part['name']}):", part["text"]]
    return "\n".join(lines) + "\n"


def _write_review(actor: Actor | None, mentorship: Mentorship, figures: dict[str, Any]) -> Report:
    now = timezone.now()
    review = Report.objects.create(
        mentorship=mentorship,
        kind=ReportKind.CLOSING,
        name=CLOSING_NAME,
        due_on=mentorship.ends_on or timezone.localdate(),
        period_start=mentorship.starts_on,
        period_end=mentorship.ends_on,
        body=_body(mentorship, figures),
        figures=figures,
        status=ReportStatus.SENT,
        author=getattr(actor, "person", None),
        sent_at=now,
    )
    audit.record(
        actor,
        "relationships.closing_review.created",
        review,
        organisation=mentorship.organisation_id,
        changes={"reason": figures.get("reason"), "rematch": figures.get("rematch")},
    )
    return review


def _subject_for(mentorship: Mentorship) -> Any:
    """The subject the mentee was matched on: their request's, else their latest request's,
    else the mentor's first specialism."""
    from tandem.matching.models import MentoringRequest
    from tandem.mentors.models import MentorProfile

    if mentorship.request_id:
        return mentorship.request.subject
    with system_access():
        previous = (
            MentoringRequest.objects.filter(mentee=mentorship.mentee)
            .select_related("subject")
            .order_by("-created_at")
            .first()
        )
        if previous is not None:
            return previous.subject
        profile = MentorProfile.objects.filter(person=mentorship.mentor).first()
        if profile is not None:
            return profile.specialisms.order_by("name").first()
    return None


def _previous_request(mentorship: Mentorship) -> Any:
    from tandem.matching.models import MentoringRequest

    if mentorship.request_id:
        return mentorship.request
    with system_access():
        return (
            MentoringRequest.objects.filter(mentee=mentorship.mentee)
            .order_by("-created_at")
            .first()
        )


def _open_request(
    actor: Actor | None,
    mentorship: Mentorship,
    *,
    organisation: Any,
    programme: Any,
    cohort: Any,
    subject: Any,
    lead: str,
) -> MentoringRequest:
    """A new request for the mentee, carrying the history of the mentorship that ended."""
    from tandem.matching.models import MentoringRequest, RequestStatus, Route

    previous = _previous_request(mentorship)
    needs = lead
    if previous is not None and previous.development_needs:
        needs = f"{lead}\n\n{previous.development_needs}"
    with system_access():
        waiting = MentoringRequest.objects.filter(
            mentee=mentorship.mentee,
            organisation=organisation,
            programme=programme,
            status__in=[RequestStatus.OPEN, RequestStatus.AWAITING_APPROVAL],
        ).first()
        if waiting is not None:
            return waiting
        request = MentoringRequest.objects.create(
            organisation=organisation,
            mentee=mentorship.mentee,
            programme=programme,
            cohort=cohort,
            subject=subject,
            development_needs=needs,
            modes=list(previous.modes) if previous is not None else [],
            availability=previous.availability if previous is not None else "",
            preferences=previous.preferences if previous is not None else "",
            route=Route.COORDINATOR,
            status=RequestStatus.OPEN,
            created_by=getattr(actor, "person", None),
        )
    audit.record(
        actor,
        "matching.request.created",
        request,
        organisation=organisation,
        changes={"continuing_from": str(mentorship.uuid)},
    )
    return request


@transaction.atomic
def close(
    actor: Actor,
    mentorship: Mentorship,
    *,
    reason: str,
    ends_on: Any = None,
    outcomes: dict[str, Any] | None = None,
    next_steps: str = "",
    notes: str = "",
    rematch: bool = False,
) -> Closed:
    """End an active mentorship with its closing review; optionally look for a new mentor.

    ``outcomes`` maps each objective's uuid to its final status (objectives not
    named keep theirs). Nothing is written unless everything is valid.
    """
    if not policies.can_change(actor, mentorship):
        raise PermissionDenied("Only the mentee's coordinators can close this mentorship")
    errors: dict[str, str] = {}
    if reason == EndReason.TRANSFERRED:
        errors["reason"] = "To move the mentee to another organisation, use “Transfer the mentee”"
    elif reason not in EndReason.values:
        errors["reason"] = "Choose why the mentorship is ending"
    try:
        next_steps = _text(
            next_steps,
            "next_steps",
            limit=MAX_TEXT,
            required="Write what the mentee will do next",
        )
    except ValidationError as exc:
        errors.update({k: v[0].message for k, v in exc.error_dict.items()})
    try:
        notes = _text(notes, "notes", limit=MAX_TEXT)
    except ValidationError as exc:
        errors.update({k: v[0].message for k, v in exc.error_dict.items()})
    objectives = objectives_of(mentorship)
    final, outcome_errors = _outcomes(objectives, outcomes)
    errors.update(outcome_errors)
    subject = _subject_for(mentorship) if rematch else None
    if rematch and subject is None:
        errors["rematch"] = (
            "There is no subject on record to match a new mentor on; open a new request "
            "for the mentee instead"
        )
    if errors:
        raise ValidationError(errors)

    services.end(actor, mentorship, reason=reason, ends_on=ends_on)
    mentorship.refresh_from_db()
    for objective in objectives:
        if objective.status != final[objective.pk]:
            objective.status = final[objective.pk]
            objective.version += 1
            objective.save(update_fields=["status", "version"])
    figures = _figures(mentorship, objectives, next_steps=next_steps, notes=notes, rematch=rematch)
    request = None
    if rematch:
        request = _open_request(
            actor,
            mentorship,
            organisation=mentorship.organisation,
            programme=mentorship.programme,
            cohort=mentorship.cohort,
            subject=subject,
            lead=history_line(mentorship),
        )
        figures["request"] = str(request.uuid)
    review = _write_review(actor, mentorship, figures)
    return Closed(mentorship, review, request)


@transaction.atomic
def propose_ending(actor: Actor, mentorship: Mentorship, *, reason: str, message: str = "") -> None:
    """The mentor or mentee asks the coordinators to end the mentorship."""
    if party_of(actor, mentorship) is None:
        raise PermissionDenied("Only the mentor and the mentee can ask for this")
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError({"__all__": "Only an active mentorship can be ended."})
    if reason not in dict(CLOSING_REASONS):
        raise ValidationError({"reason": "Choose why the mentorship should end"})
    message = _text(message, "message", limit=MAX_NOTE)
    services._log(actor, mentorship, "ending_proposed", reason=reason, message=message)
    coordinators = services._coordinators(mentorship.organisation)
    transaction.on_commit(
        lambda: notify(
            coordinators,
            "relationships/ending_proposed_email.txt",
            {
                "mentorship": mentorship,
                "proposer": actor.person,
                "reason": EndReason(reason).label,
                "message": message,
            },
        )
    )


@transaction.atomic
def reflect(actor: Actor, review: Report, *, text: Any, expected_version: Any = None) -> Report:
    """The mentee or mentor writes (or rewrites) their own part of the closing review."""
    mentorship = review.mentorship
    party = party_of(actor, mentorship)
    if party is None or review.kind != ReportKind.CLOSING:
        raise PermissionDenied("Only the mentee and the mentor write their reflections")
    text = _text(text, "text", limit=MAX_TEXT, required="Write your reflection")
    locked = Report._base_manager.select_for_update().get(pk=review.pk)
    if expected_version not in (None, "") and str(expected_version) != str(locked.version):
        raise ValidationError({"__all__": CONCURRENT})
    figures = dict(locked.figures or {})
    reflections = dict(figures.get("reflections") or {})
    reflections[party] = {
        "text": text,
        "name": str(actor.person),
        "at": timezone.now().isoformat(),
    }
    figures["reflections"] = reflections
    locked.figures = figures
    locked.body = _body(mentorship, figures)
    locked.version += 1
    locked.save(update_fields=["figures", "body", "version"])
    audit.record(
        actor,
        "relationships.closing_review.reflected",
        locked,
        organisation=mentorship.organisation_id,
        changes={"party": party},
    )
    return locked


# --- transfer ------------------------------------------------------------------------------


@dataclass
class Transferred:
    mentorship: Mentorship
    request: MentoringRequest
    review: Report
    membership: Membership


def _partnerships_of(organisation: Any) -> set[int]:
    with system_access():
        return set(
            PartnershipMember.objects.filter(organisation=organisation).values_list(
                "partnership_id", flat=True
            )
        )


def shared_partnerships(organisation: Any, other: Any) -> set[int]:
    return _partnerships_of(organisation) & _partnerships_of(other)


def may_transfer_from(actor: Actor, mentorship: Mentorship) -> bool:
    """Whether the actor can move mentees out of the mentorship's organisation at all."""
    if actor.is_superuser or mentorship.organisation_id in actor.coordinator_of:
        return True
    return bool(_partnerships_of(mentorship.organisation) & actor.administered_partnership_ids)


def may_transfer(actor: Actor, mentorship: Mentorship, to_organisation: Any) -> bool:
    """A coordinator of both organisations, or an administrator of a partnership they share."""
    if actor.is_superuser:
        return True
    if {mentorship.organisation_id, to_organisation.pk} <= actor.coordinator_of:
        return True
    return bool(
        shared_partnerships(mentorship.organisation, to_organisation)
        & actor.administered_partnership_ids
    )


def check_may_transfer(actor: Actor, mentorship: Mentorship, to_organisation: Any) -> None:
    if not may_transfer(actor, mentorship, to_organisation):
        raise PermissionDenied(
            f"Moving a mentee from {mentorship.organisation} to {to_organisation} needs someone "
            "who coordinates both, or an administrator of a partnership they share. "
            f"Ask a coordinator of {to_organisation} or your partnership administrator."
        )


def receiving_organisations(actor: Actor, mentorship: Mentorship) -> QuerySet[Organisation]:
    """Organisations the actor may move this mentee to, by name."""
    from tandem.organisations import selectors as org_selectors

    partnerships = _partnerships_of(mentorship.organisation)
    qs = (
        org_selectors.organisations(actor)
        .filter(partnership_memberships__partnership_id__in=partnerships)
        .exclude(pk=mentorship.organisation_id)
        .distinct()
    )
    if not actor.is_superuser:
        administered = partnerships & actor.administered_partnership_ids
        qs = qs.filter(
            Q(pk__in=actor.coordinator_of)
            | Q(partnership_memberships__partnership_id__in=administered)
        )
    return qs.order_by("name")


def receiving_programmes(actor: Actor, organisations: Any) -> QuerySet[Any]:
    """Open programmes the receiving organisations run, or run with their partnerships."""
    from tandem.programmes.models import Programme

    ids = list(organisations.values_list("pk", flat=True))
    with system_access():
        partnerships = set(
            PartnershipMember.objects.filter(organisation_id__in=ids).values_list(
                "partnership_id", flat=True
            )
        )
    return (
        Programme.objects.visible_to(actor)
        .filter(Q(organisation_id__in=ids) | Q(partnership_id__in=partnerships), is_active=True)
        .select_related("organisation", "partnership")
        .order_by("name", "pk")
    )


def _check_transfer(
    mentorship: Mentorship, to_organisation: Any, programme: Any, cohort: Any
) -> None:
    errors: dict[str, str] = {}
    if to_organisation is None:
        errors["to_organisation"] = "Choose the organisation the mentee is moving to"
    elif to_organisation.pk == mentorship.organisation_id:
        errors["to_organisation"] = (
            f"{mentorship.mentee} is already at {to_organisation}; choose another organisation"
        )
    elif not shared_partnerships(mentorship.organisation, to_organisation):
        errors["to_organisation"] = (
            f"{to_organisation} is not in a partnership with {mentorship.organisation}; "
            "a mentee can move only within a partnership"
        )
    if programme is None:
        errors["programme"] = "Choose the programme the mentee joins"
    elif to_organisation is not None and "to_organisation" not in errors:
        runs = programme.organisation_id == to_organisation.pk or (
            programme.partnership_id is not None
            and programme.partnership_id in _partnerships_of(to_organisation)
        )
        if not runs:
            errors["programme"] = f"{programme} is not a programme {to_organisation} runs"
        elif not programme.is_active:
            errors["programme"] = f"{programme} is closed to new mentorships"
    if (
        cohort is not None
        and programme is not None
        and to_organisation is not None
        and (cohort.programme_id != programme.pk or cohort.organisation_id != to_organisation.pk)
    ):
        errors["cohort"] = f"{cohort.name} is not a cohort of {programme} at {to_organisation}"
    if errors:
        raise ValidationError(errors)


def _end_for_transfer(actor: Actor, mentorship: Mentorship) -> Mentorship:
    """End with reason "transferred"; a partnership administrator may do it too."""
    if policies.can_change(actor, mentorship):
        return services.end(actor, mentorship, reason=EndReason.TRANSFERRED)
    locked = Mentorship._base_manager.select_for_update().get(pk=mentorship.pk)
    if locked.status != MentorshipStatus.ACTIVE:
        raise ValidationError({"__all__": "Only an active mentorship can be ended."})
    services._save(
        locked,
        status=MentorshipStatus.ENDED,
        ends_on=timezone.localdate(),
        end_reason=EndReason.TRANSFERRED,
    )
    services._log(actor, locked, "ended", reason=EndReason.TRANSFERRED)
    return locked


@transaction.atomic
def transfer_mentee(
    actor: Actor,
    mentorship: Mentorship,
    to_organisation: Any,
    programme: Any,
    *,
    cohort: Any = None,
    note: str = "",
) -> Transferred:
    """Move the mentee to another organisation of a shared partnership, history intact."""
    if not may_transfer_from(actor, mentorship):
        raise PermissionDenied(
            f"Only a coordinator of {mentorship.organisation} or an administrator of its "
            "partnership can move its mentees"
        )
    note = _text(note, "note", limit=MAX_NOTE)
    _check_transfer(mentorship, to_organisation, programme, cohort)
    check_may_transfer(actor, mentorship, to_organisation)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError({"__all__": "Only an active mentorship can be transferred."})
    subject = _subject_for(mentorship)
    if subject is None:
        raise ValidationError(
            {
                "__all__": "There is no subject on record to match the mentee on at the new "
                "organisation; open a request for them there instead."
            }
        )
    old_organisation = mentorship.organisation
    mentee = mentorship.mentee
    today = timezone.localdate()
    objectives = objectives_of(mentorship)

    mentorship = _end_for_transfer(actor, mentorship)
    mentorship.refresh_from_db()

    with system_access():
        still_here = (
            Mentorship.objects.filter(
                mentee=mentee, organisation=old_organisation, status__in=HOLDING
            )
            .exclude(pk=mentorship.pk)
            .exists()
        )
        ended_memberships = 0
        if not still_here:
            ended_memberships = (
                Membership.objects.current()
                .filter(person=mentee, organisation=old_organisation, role=Role.MENTEE)
                .update(ends_on=today)
            )
        membership = (
            Membership.objects.current()
            .filter(person=mentee, organisation=to_organisation, role=Role.MENTEE)
            .first()
        )
        if membership is None:
            membership = Membership.objects.create(
                person=mentee, organisation=to_organisation, role=Role.MENTEE, starts_on=today
            )

    lead = f"Transferred from {old_organisation}. {history_line(mentorship)}"
    if note:
        lead = f"{lead}\n\n{note}"
    request = _open_request(
        actor,
        mentorship,
        organisation=to_organisation,
        programme=programme,
        cohort=cohort,
        subject=subject,
        lead=lead,
    )
    figures = _figures(
        mentorship,
        objectives,
        next_steps=f"Continues on {programme} at {to_organisation}.",
        notes=note,
        rematch=True,
    )
    figures["transferred_to"] = str(to_organisation)
    figures["request"] = str(request.uuid)
    review = _write_review(actor, mentorship, figures)
    services._log(
        actor,
        mentorship,
        "transferred",
        to_organisation=str(to_organisation),
        programme=str(programme),
        request=str(request.uuid),
    )
    audit.record(
        actor,
        "relationships.mentorship.transferred",
        mentorship,
        organisation=to_organisation,
        changes={
            "from": str(old_organisation),
            "to": str(to_organisation),
            "mentee_memberships_ended": ended_memberships,
            "request": str(request.uuid),
        },
    )
    coordinators = services._coordinators(to_organisation)
    transaction.on_commit(
        lambda: notify(
            coordinators,
            "relationships/transfer_email.txt",
            {
                "mentee": mentee,
                "from_organisation": old_organisation,
                "to_organisation": to_organisation,
                "programme": programme,
                "request": request,
            },
        )
    )
    return Transferred(mentorship, request, review, membership)


def request_of(actor: Actor, review: Report) -> MentoringRequest | None:
    """The request a closing review opened (re-matching or transfer), if the actor sees it."""
    from tandem.matching.models import MentoringRequest

    uuid = (review.figures or {}).get("request")
    if not uuid:
        return None
    return (
        MentoringRequest.objects.visible_to(actor)
        .filter(uuid=uuid)
        .select_related("organisation")
        .first()
    )
