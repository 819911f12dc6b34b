"""Cohort matching runs (C4, C5): start, review, change by hand, publish; the next best offer.

A coordinator starts a run for a cohort; the engine works in a background task
(``tandem.matching.tasks``) and stores one proposal per waiting request. While
the run is ready to review the coordinator may change a proposal; the new pair
must pass every hard constraint, checked on the stored records. Publishing
proposes every matched pair to its mentor in one transaction: if any pair can no
longer be made, nothing is published. When a mentor declines, or does not answer
in time, ``offer_next_best`` asks the next best allowed mentor.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from tandem.core import audit, policies
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching.models import (
    MatchRun,
    MentoringRequest,
    Objective,
    Proposal,
    RequestStatus,
    RunStatus,
)
from tandem.relationships.models import HOLDING, Mentorship, MentorshipStatus, Source

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.organisations.models import Person

logger = logging.getLogger(__name__)

IN_PROGRESS = (RunStatus.QUEUED, RunStatus.RUNNING)
STALE = (
    "Someone else changed this matching run while you were looking at it. Nothing was "
    "changed: reload the page to see the run as it is now, then try again."
)
# What each named score part means to a coordinator (the programme's weight labels).
PART_LABELS = {
    "subject": "Subject fit",
    "mode": "Ways of meeting",
    "availability": "Availability",
    "place": "Same site or region",
    "experience": "Mentor experience",
    "preferred": "Mentor the mentee asked for",
}


# --- wording shared with the task ------------------------------------------------------


def why_lines(parts: dict[str, float], rung_label: str, weights: dict[str, float]) -> list[str]:
    """ "Why this match": each weighted part's points out of 100, then the rung."""
    total = sum(weights.values()) or 1.0
    lines = []
    for name, value in parts.items():
        weight = weights.get(name, 0.0)
        if weight <= 0:
            continue
        points = 100 * weight * value / total
        label = PART_LABELS.get(name, name.capitalize())
        lines.append(f"{label}: {points:.1f} points ({value:.0%} fit, weight {weight:g})")
    lines.append(f"Found on the fallback ladder at: {rung_label}")
    return lines


def option(
    profile: Any, score: int, rung: int, rung_label: str, parts: dict, why: list[str]
) -> dict[str, Any]:
    """One mentor a proposal could have, as stored in ``Proposal.alternatives``."""
    return {
        "mentor": str(profile.person.uuid),
        "name": str(profile.person),
        "organisation": profile.organisation.name,
        "score": int(score),
        "rung": int(rung),
        "rung_label": rung_label,
        "parts": parts,
        "why": why,
    }


# --- starting a run ---------------------------------------------------------------------


def _require_coordinator(actor: Actor, organisation: Any, doing: str) -> None:
    if not (actor.is_superuser or organisation.pk in actor.coordinator_of):
        raise PermissionDenied(f"Only coordinators of {organisation} {doing}")


def mentors_with_places(organisation: Any, *, include_partners: bool) -> bool:
    """Is there any approved, consenting mentor with a free place to draw on?"""
    from tandem.matching.adapter import partner_organisations
    from tandem.mentors.models import MentorProfile, ProfileStatus
    from tandem.organisations.models import Membership

    with system_access():
        where = Q(organisation_id=organisation.pk)
        if include_partners:
            where |= Q(
                organisation_id__in=partner_organisations(organisation.pk),
                willing_outside=True,
                listed_in_directory=True,
            )
        held = (
            Mentorship.objects.filter(mentor_id=OuterRef("person_id"), status__in=HOLDING)
            .order_by()
            .values("mentor_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        mentors = Membership.objects.current().filter(role=Role.MENTOR)
        return (
            MentorProfile.objects.filter(
                where, status=ProfileStatus.APPROVED, consents_to_matching=True
            )
            .filter(person_id__in=mentors.values("person_id"))
            .annotate(held=Coalesce(Subquery(held), 0))
            .filter(capacity__gt=F("held"))
            .exists()
        )


def start_run(
    actor: Actor,
    cohort: Any,
    *,
    objective: str = Objective.PARTICIPATION_FIRST,
    include_partners: bool = True,
) -> MatchRun:
    """Queue a matching run for the cohort's waiting requests; the task does the work."""
    _require_coordinator(actor, cohort.organisation, "match its cohorts")
    if objective not in Objective.values:
        raise ValidationError(
            {"objective": "Choose whether to match as many mentees as possible or best quality"}
        )
    with transaction.atomic():
        run = _create_run(actor, cohort, str(objective), bool(include_partners))
    _enqueue(run)
    run.refresh_from_db()
    return run


def _create_run(actor: Actor, cohort: Any, objective: str, include_partners: bool) -> MatchRun:
    from tandem.programmes.models import Cohort

    with system_access():
        # One run at a time per cohort: the lock serialises two coordinators' clicks.
        Cohort._base_manager.select_for_update().filter(pk=cohort.pk).first()
        if MatchRun.objects.filter(cohort=cohort, status__in=IN_PROGRESS).exists():
            raise ValidationError(
                {
                    "cohort": f"Matching for {cohort.name} is already under way. Wait for it "
                    "to finish, or discard it, before starting again."
                }
            )
        waiting = MentoringRequest.objects.filter(cohort=cohort, status=RequestStatus.OPEN).count()
    if not waiting:
        raise ValidationError(
            {
                "cohort": f"No mentee in {cohort.name} is waiting for a mentor. Add the "
                "mentees' mentoring requests to the cohort, then match it."
            }
        )
    if not mentors_with_places(cohort.organisation, include_partners=include_partners):
        where = "in your organisation or its partnership" if include_partners else "here"
        raise ValidationError(
            {
                "cohort": f"No approved mentor with free places can be drawn on {where}. "
                "Approve mentor profiles, or look for mentors in partner organisations."
            }
        )
    run = MatchRun.objects.create(
        organisation=cohort.organisation,
        cohort=cohort,
        objective=objective,
        include_partners=include_partners,
        weights=cohort.programme.weights(),
        status=RunStatus.QUEUED,
        stage="Waiting to start",
        mentees=waiting,
        created_by=actor.person,
    )
    audit.record(
        actor,
        "matching.run.started",
        run,
        organisation=run.organisation_id,
        changes={"objective": objective, "include_partners": include_partners},
    )
    return run


def _enqueue(run: MatchRun) -> None:
    from tandem.matching.tasks import fail_run, run_matching

    try:
        result = run_matching.enqueue(run.pk)
    except Exception:
        logger.exception("Could not queue matching run %s", run.uuid)
        fail_run(
            run.pk,
            "The matching could not be started. Try again in a few minutes; if it keeps "
            "failing, tell your administrator.",
        )
        return
    with system_access():
        MatchRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])


# --- reviewing: changes by hand ---------------------------------------------------------


def _lock_run(run: MatchRun, expected_version: int | None, doing: str) -> MatchRun:
    locked = MatchRun._base_manager.select_for_update().get(pk=run.pk)
    if locked.status == RunStatus.PUBLISHED:
        raise ValidationError({"__all__": "This matching run has already been published."})
    if locked.status != RunStatus.READY:
        raise ValidationError(
            {
                "__all__": f"Proposals can only be {doing} while the run is ready to review "
                f"(it is {locked.get_status_display().lower()})."
            }
        )
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError({"__all__": STALE})
    return locked


def _run_capacity_problem(run: MatchRun, proposal: Proposal | None, mentor: Person) -> str | None:
    """Would one more mentee in this run take the mentor over their free places?"""
    from tandem.mentors.models import MentorProfile

    with system_access():
        profile = MentorProfile.objects.filter(person=mentor).first()
        held = Mentorship.objects.filter(mentor=mentor, status__in=HOLDING).count()
        others = Proposal.objects.filter(run_id=run.pk, mentor=mentor).select_related(
            "request__mentee"
        )
        if proposal is not None:
            others = others.exclude(pk=proposal.pk)
        others = list(others)
    free = (profile.capacity if profile else 1) - held
    if free <= 0 or len(others) < free:
        return None  # a full mentor is already reported by pair_problems
    names = ", ".join(str(p.request.mentee) for p in others)
    places = f"{free} more mentee{'s' if free != 1 else ''}"
    return (
        f"{mentor} can take {places}, and this run already proposes them for {names}. "
        "Change one of those proposals first."
    )


def _engine_option(
    request: MentoringRequest, mentor: Person, weights: dict[str, float]
) -> tuple[dict[str, Any] | None, list[str]]:
    """The engine's score and reasons for one pair, or why the engine cannot pair them."""
    from tandem.matching.adapter import build_inputs
    from tandem.matching.engine.candidates import MentorPool, explain_pair
    from tandem.matching.engine.model import REASONS, Weights
    from tandem.matching.engine.shortlist import shortlist

    inputs = build_inputs([request], request.programme, include_partners=True)
    offer = next((m for m in inputs.mentors if m.id == str(mentor.uuid)), None)
    if offer is None:
        return None, [
            f"{mentor} is not an approved mentor offered for matching to "
            f"{request.organisation} (in its own staff or the partnership directory)."
        ]
    need = inputs.mentees[0]
    codes = explain_pair(need, offer, inputs.constraints)
    ladder = [c for c in codes if c in ("no_subject_match", "rung_not_allowed")]
    if ladder:
        return None, [f"{mentor} {REASONS[c]}." for c in ladder]
    # Capacity and consent are judged on the stored records (and within the run) by the
    # caller; here the engine only scores the pair.
    pool = MentorPool([replace(offer, capacity=max(offer.capacity, 1), consents=True)])
    pairs = shortlist(need, pool, Weights(**weights), inputs.constraints, k=1)
    if not pairs:
        reasons = [REASONS[c] for c in codes] or ["cannot be paired with this mentee"]
        return None, [f"{mentor} {r}." for r in reasons]
    pair = pairs[0]
    profile = inputs.profiles[offer.id]
    return (
        option(
            profile,
            pair.score,
            int(pair.rung),
            pair.rung.label,
            pair.parts,
            why_lines(pair.parts, pair.rung.label, weights),
        ),
        [],
    )


def _current_option(proposal: Proposal) -> dict[str, Any] | None:
    if proposal.mentor_id is None:
        return None
    from tandem.matching.engine.model import Rung

    rung = proposal.rung or 1
    return {
        "mentor": str(proposal.mentor.uuid),
        "name": str(proposal.mentor),
        "organisation": proposal.mentor_organisation.name if proposal.mentor_organisation else "",
        "score": proposal.score or 0,
        "rung": rung,
        "rung_label": Rung(rung).label,
        "parts": proposal.parts,
        "why": proposal.why,
    }


def _alternatives_after(proposal: Proposal, chosen: str | None) -> list[dict[str, Any]]:
    """The proposal's other options once ``chosen`` (a mentor uuid, or None) is its mentor."""
    options = list(proposal.alternatives)
    current = _current_option(proposal)
    if current is not None:
        options.append(current)
    seen: set[str] = set()
    out = []
    for o in sorted(options, key=lambda o: (-o["score"], o.get("rung", 9), o["name"])):
        if o["mentor"] == chosen or o["mentor"] in seen:
            continue
        seen.add(o["mentor"])
        out.append(o)
    return out


def _refresh_totals(run: MatchRun) -> None:
    with system_access():
        matched = Proposal.objects.filter(run_id=run.pk, mentor__isnull=False)
        run.matched = matched.count()
        run.total_score = sum(matched.values_list("score", flat=True).exclude(score=None))


@transaction.atomic
def edit_proposal(
    actor: Actor, proposal: Proposal, mentor: Person | None, *, expected_version: int
) -> Proposal:
    """Give a proposal another mentor, or leave its mentee unmatched (``mentor=None``)."""
    if not policies.can_change(actor, proposal):
        raise PermissionDenied("Only the organisation's coordinators change its proposals")
    run = _lock_run(proposal.run, expected_version, "changed")
    proposal = Proposal._base_manager.select_for_update().get(pk=proposal.pk)
    request = proposal.request
    before = str(proposal.mentor) if proposal.mentor_id else None
    if mentor is not None and mentor.pk == proposal.mentor_id:
        return proposal
    if mentor is None:
        proposal.alternatives = _alternatives_after(proposal, None)
        proposal.mentor = proposal.mentor_organisation = None
        proposal.score = proposal.rung = None
        proposal.parts, proposal.why = {}, []
        proposal.unmatched_reason = f"Left unmatched by {actor.person or 'a coordinator'}"
    else:
        from tandem.relationships.services import pair_problems

        problems = pair_problems(
            mentee=request.mentee,
            mentor=mentor,
            organisation=request.organisation,
            programme=request.programme,
        )
        in_run = _run_capacity_problem(run, proposal, mentor)
        if in_run:
            problems.append(in_run)
        chosen = None
        if not problems:
            chosen, problems = _engine_option(request, mentor, run.weights)
        if problems:
            raise ValidationError({"mentor": problems})
        assert chosen is not None
        proposal.alternatives = _alternatives_after(proposal, chosen["mentor"])
        proposal.mentor = mentor
        from tandem.relationships.services import mentor_organisation_of

        proposal.mentor_organisation = mentor_organisation_of(mentor)
        proposal.score = chosen["score"]
        proposal.rung = chosen["rung"]
        proposal.parts = chosen["parts"]
        proposal.why = chosen["why"]
        proposal.unmatched_reason = ""
    proposal.edited_by = actor.person
    proposal.save()
    _refresh_totals(run)
    run.version += 1
    run.save(update_fields=["matched", "total_score", "version"])
    audit.record(
        actor,
        "matching.proposal.changed",
        proposal,
        organisation=run.organisation_id,
        changes={
            "mentee": str(request.mentee),
            "mentor": [before, str(mentor) if mentor else None],
        },
    )
    return proposal


@transaction.atomic
def discard_run(actor: Actor, run: MatchRun, *, expected_version: int | None = None) -> MatchRun:
    """Set a run aside: nothing of it is published (a running task stops at its end)."""
    if not policies.can_change(actor, run):
        raise PermissionDenied("Only the organisation's coordinators discard its matching runs")
    locked = MatchRun._base_manager.select_for_update().get(pk=run.pk)
    if locked.status == RunStatus.PUBLISHED:
        raise ValidationError(
            {"__all__": "A published run cannot be discarded; withdraw its proposals instead."}
        )
    if locked.status == RunStatus.DISCARDED:
        raise ValidationError({"__all__": "This matching run has already been discarded."})
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError({"__all__": STALE})
    locked.status = RunStatus.DISCARDED
    locked.stage = "Discarded"
    locked.version += 1
    locked.save(update_fields=["status", "stage", "version"])
    audit.record(actor, "matching.run.discarded", locked, organisation=locked.organisation_id)
    return locked


# --- publishing -------------------------------------------------------------------------


def _publish_problems(run: MatchRun, proposals: list[Proposal]) -> list[str]:
    """Every matched proposal that can no longer be made, naming its mentee."""
    from tandem.mentors.models import MentorProfile
    from tandem.relationships.services import pair_problems

    problems: list[str] = []
    by_mentor: dict[int, list[Proposal]] = defaultdict(list)
    for p in proposals:
        request = p.request
        mentee = request.mentee
        if request.status != RequestStatus.OPEN:
            problems.append(
                f"{mentee}: the request is no longer waiting for a mentor "
                f"({request.get_status_display().lower()})."
            )
            continue
        for reason in pair_problems(
            mentee=mentee,
            mentor=p.mentor,
            organisation=request.organisation,
            programme=request.programme,
        ):
            problems.append(f"{mentee}: {reason}")
        by_mentor[p.mentor_id].append(p)
    with system_access():
        capacity = dict(
            MentorProfile.objects.filter(person_id__in=by_mentor).values_list(
                "person_id", "capacity"
            )
        )
        held = dict(
            Mentorship.objects.filter(mentor_id__in=by_mentor, status__in=HOLDING)
            .values("mentor_id")
            .annotate(n=Count("pk"))
            .values_list("mentor_id", "n")
        )
    for mentor_id, given in by_mentor.items():
        free = capacity.get(mentor_id, 1) - held.get(mentor_id, 0)
        if 0 < free < len(given):
            mentor = given[0].mentor
            names = ", ".join(str(p.request.mentee) for p in given[free:])
            problems.append(
                f"{names}: {mentor} has {free} free place{'s' if free != 1 else ''} "
                f"but this run proposes them for {len(given)} mentees."
            )
    return problems


@transaction.atomic
def publish(actor: Actor, run: MatchRun, *, expected_version: int) -> list[Mentorship]:
    """Propose every matched pair to its mentor, all or nothing."""
    from tandem.organisations.models import Person
    from tandem.relationships.services import propose

    if not policies.can_change(actor, run):
        raise PermissionDenied("Only the organisation's coordinators publish its matching runs")
    run = _lock_run(run, expected_version, "published")
    with system_access():
        proposals = list(
            Proposal.objects.filter(run_id=run.pk, mentor__isnull=False)
            .select_related(
                "mentor",
                "request__mentee",
                "request__organisation",
                "request__programme",
            )
            .order_by("pk")
        )
        if not proposals:
            raise ValidationError(
                {
                    "__all__": "No mentee in this run has a proposed mentor, so there is "
                    "nothing to publish. Change a proposal, or discard the run."
                }
            )
        # Lock the requests, then the mentors (each in a fixed order), so no other
        # run, choice or allocation can serve a request or take a mentor's place
        # between the checks below and the proposals.
        current = {
            pk: (status, version)
            for pk, status, version in MentoringRequest._base_manager.select_for_update()
            .filter(pk__in={p.request_id for p in proposals})
            .order_by("pk")
            .values_list("pk", "status", "version")
        }
        for p in proposals:  # checked below as they are now, not as first read
            p.request.status, p.request.version = current[p.request_id]
        list(
            Person._base_manager.select_for_update()
            .filter(pk__in={p.mentor_id for p in proposals})
            .order_by("pk")
        )
    problems = _publish_problems(run, proposals)
    if problems:
        raise ValidationError(
            {"__all__": ["Nothing was published. Change these proposals first:", *problems]}
        )
    published_at = timezone.now()  # before the mentorships it creates
    created = []
    for p in proposals:
        request = p.request
        try:
            mentorship = propose(
                actor,
                mentee=request.mentee,
                mentor=p.mentor,
                organisation=request.organisation,
                programme=request.programme,
                source=Source.MATCH_RUN,
                cohort=run.cohort,
                request=request,
                score=p.score,
                why=p.why,
            )
        except ValidationError as exc:
            reasons = " ".join(exc.messages)
            raise ValidationError(
                {"__all__": [f"Nothing was published. {request.mentee}: {reasons}"]}
            ) from exc
        MentoringRequest._base_manager.filter(pk=request.pk).update(
            status=RequestStatus.MATCHED, version=F("version") + 1
        )
        created.append(mentorship)
    run.status = RunStatus.PUBLISHED
    run.published_by = actor.person
    run.published_at = published_at
    run.version += 1
    run.save(update_fields=["status", "published_by", "published_at", "version"])
    audit.record(
        actor,
        "matching.run.published",
        run,
        organisation=run.organisation_id,
        changes={"mentorships": len(created)},
    )
    return created


# --- after a decline or a time-out ------------------------------------------------------

TRIED = (MentorshipStatus.DECLINED, MentorshipStatus.EXPIRED)


def offer_next_best(actor: Actor | None, mentorship: Mentorship) -> Mentorship | None:
    """Ask the best allowed mentor not yet tried for this mentorship's request.

    Mentors who declined, did not answer or whose organisation refused (for
    this request) are never asked again. Returns the new proposal, or None when
    there is no request to serve or nobody suitable is free. The offer is
    Tandem's own: ``actor`` (whose answer led here) is not recorded as asking.
    """
    from tandem.matching.adapter import shortlist_for_request
    from tandem.relationships.services import pair_problems, propose

    request = mentorship.request
    if request is None or request.status == RequestStatus.WITHDRAWN:
        return None
    with system_access():
        tried = set(
            Mentorship.objects.filter(request=request, status__in=TRIED).values_list(
                "mentor_id", flat=True
            )
        )
        if Mentorship.objects.filter(request=request, status__in=HOLDING).exists():
            return None  # somebody else is already asked or agreed
    tried.add(mentorship.mentor_id)
    source = mentorship.source if mentorship.source == Source.COORDINATOR else Source.MATCH_RUN
    for candidate in shortlist_for_request(request, k=10, exclude=tried):
        mentor = candidate.person
        if pair_problems(
            mentee=request.mentee,
            mentor=mentor,
            organisation=request.organisation,
            programme=request.programme,
        ):
            continue
        try:
            # Tandem asks the next mentor, not the person whose answer led here.
            offer = propose(
                None,
                mentee=request.mentee,
                mentor=mentor,
                organisation=request.organisation,
                programme=request.programme,
                source=source,
                cohort=mentorship.cohort or request.cohort,
                request=request,
                score=candidate.score,
                why=why_lines(candidate.parts, candidate.rung_label, request.programme.weights()),
                replaces=mentorship,
            )
        except ValidationError:
            continue
        MentoringRequest._base_manager.filter(pk=request.pk).update(
            status=RequestStatus.MATCHED, version=F("version") + 1
        )
        return offer
    return None


# --- the hard-to-match report -----------------------------------------------------------


@dataclass
class HardToMatchRow:
    subject: str
    organisation: str
    unmatched_in_runs: int = 0
    without_candidate: int = 0

    @property
    def total(self) -> int:
        return self.unmatched_in_runs + self.without_candidate


@dataclass
class HardToMatchReport:
    organisation: Any
    runs: list[MatchRun] = field(default_factory=list)
    rows: list[HardToMatchRow] = field(default_factory=list)
    open_requests: int = 0


def _without_candidate(requests: list[MentoringRequest]) -> list[MentoringRequest]:
    """The requests for which no mentor at all passes the hard constraints today."""
    import numpy as np

    from tandem.matching.adapter import build_inputs
    from tandem.matching.engine.candidates import MenteeTable, candidate_pairs

    out: list[MentoringRequest] = []
    by_programme: dict[int, list[MentoringRequest]] = defaultdict(list)
    for r in requests:
        by_programme[r.programme_id].append(r)
    for group in by_programme.values():
        inputs = build_inputs(group, group[0].programme, include_partners=True)
        pool = inputs.pool()
        table = MenteeTable.build(inputs.mentees, pool)
        mi, _, _, _ = candidate_pairs(table, pool, inputs.constraints)
        counts = np.bincount(mi, minlength=len(group))
        out += [r for r, n in zip(group, counts.tolist(), strict=True) if n == 0]
    return out


def hard_to_match_report(actor: Actor, organisation: Any) -> HardToMatchReport:
    """Mentees left unmatched in each cohort's latest run, and waiting mentees no mentor
    can be matched with today, counted by subject and organisation."""
    _require_coordinator(actor, organisation, "see its hard-to-match report")
    report = HardToMatchReport(organisation)
    with system_access():
        latest: dict[int, MatchRun] = {}
        for run in (
            MatchRun.objects.filter(
                organisation=organisation, status__in=(RunStatus.READY, RunStatus.PUBLISHED)
            )
            .select_related("cohort__programme")
            .order_by("cohort_id", "-created_at")
        ):
            latest.setdefault(run.cohort_id, run)
        waiting = list(
            MentoringRequest.objects.filter(organisation=organisation, status=RequestStatus.OPEN)
            .select_related("mentee", "organisation", "subject", "chosen_mentor", "programme")
            .order_by("created_at", "pk")
        )
    report.runs = sorted(latest.values(), key=lambda r: r.created_at, reverse=True)
    report.open_requests = len(waiting)
    rows: dict[tuple[str, str], HardToMatchRow] = {}

    def row(subject: str, org: str) -> HardToMatchRow:
        return rows.setdefault((subject, org), HardToMatchRow(subject, org))

    for run in report.runs:
        for entry in run.hard_to_match:
            row(entry["subject"], entry["organisation"]).unmatched_in_runs += entry["count"]
    for r in _without_candidate(waiting) if waiting else []:
        row(r.subject.name, r.organisation.name).without_candidate += 1
    report.rows = sorted(rows.values(), key=lambda x: (-x.total, x.subject, x.organisation))
    return report
