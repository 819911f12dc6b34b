"""The matching run as a background task, with progress the coordinator can watch.

``run_matching`` is what is queued (it takes the run's id); ``match_run`` does the
work and can be called directly (the demonstration data does). The engine's steps
are called one by one so that each can report its stage. Any failure leaves the
run *failed* with a message for the coordinator, and nothing half-saved.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from tandem.core import audit
from tandem.core.tenancy import system_access
from tandem.matching.adapter import build_inputs, requests_for_cohort
from tandem.matching.engine.candidates import MenteeTable, candidate_pairs
from tandem.matching.engine.cohort import CohortResult, unmatched_reasons
from tandem.matching.engine.model import OBJECTIVES, EngineError, Rung, Weights
from tandem.matching.engine.scoring import PART_NAMES, score_parts, total_score
from tandem.matching.engine.solve import solve
from tandem.matching.models import MatchRun, Proposal, RunStatus
from tandem.matching.services import option, why_lines

logger = logging.getLogger(__name__)

ALTERNATIVES = 5


class NothingToMatch(Exception):
    """The run has nothing to work on any more; the message says why."""


@task()
def run_matching(run_id: int) -> None:
    """Match one cohort (queued by ``services.start_run``)."""
    match_run(run_id)


def _progress(run_id: int, progress: int, stage: str) -> None:
    with system_access():
        MatchRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            progress=progress, stage=stage[:200]
        )


def fail_run(run_id: int, message: str) -> None:
    with system_access():
        MatchRun.objects.filter(pk=run_id, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).update(
            status=RunStatus.FAILED, stage="Failed", error=message, finished_at=timezone.now()
        )


def _message(exc: Exception, run: MatchRun) -> str:
    if isinstance(exc, NothingToMatch):
        return str(exc)
    if isinstance(exc, EngineError):
        return (
            f"The matching could not be completed: {exc}. Nothing was proposed; check the "
            "programme's matching weights, then match the cohort again."
        )
    return (
        "Something went wrong while matching this cohort, and nothing was proposed. Try "
        "again; if it happens again, tell your administrator (quote matching run "
        f"{run.uuid})."
    )


def match_run(run_id: int) -> None:
    """Run the engine over the cohort's waiting requests and store the proposals."""
    with system_access():
        claimed = MatchRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, progress=0, stage="Starting", error=""
        )
        if not claimed:
            logger.info("Matching run %s is not waiting to start; nothing to do", run_id)
            return
        run = MatchRun.objects.select_related("cohort__programme", "organisation").get(pk=run_id)
    try:
        _match(run)
    except Exception as exc:
        logger.exception("Matching run %s failed", run.uuid)
        fail_run(run_id, _message(exc, run))


def _top_rows(result: CohortResult, k: int) -> dict[int, np.ndarray]:
    """Each mentee's best ``k`` allowed pairs (rows), best first, in one sort."""
    order = np.lexsort((result.pair_mentor, -result.scores, result.pair_mentee))
    mentees = result.pair_mentee[order]
    starts = np.searchsorted(mentees, np.arange(len(result.table.mentees)), side="left")
    ends = np.searchsorted(mentees, np.arange(len(result.table.mentees)), side="right")
    return {i: order[s : min(e, s + k)] for i, (s, e) in enumerate(zip(starts, ends, strict=True))}


def _match(run: MatchRun) -> None:
    cohort = run.cohort
    requests = requests_for_cohort(cohort)
    if not requests:
        raise NothingToMatch(
            f"No mentee in {cohort.name} is waiting for a mentor any more, so there was "
            "nothing to match."
        )
    n = len(requests)
    _progress(run.pk, 5, f"Reading {n} request{'s' if n != 1 else ''}")
    inputs = build_inputs(requests, cohort.programme, include_partners=run.include_partners)
    m = len(inputs.mentors)
    _progress(
        run.pk,
        10,
        f"Reading {n} request{'s' if n != 1 else ''} and {m} mentor{'s' if m != 1 else ''}",
    )
    weights = Weights(**run.weights)
    weights.validate()
    inputs.constraints.validate()
    if run.objective not in OBJECTIVES:
        raise EngineError(f"objective: must be one of {', '.join(OBJECTIVES)}")

    _progress(run.pk, 30, "Finding allowed pairs")
    pool = inputs.pool()
    table = MenteeTable.build(inputs.mentees, pool)
    mi, mj, level, rung = candidate_pairs(table, pool, inputs.constraints)

    _progress(run.pk, 50, "Scoring")
    parts = score_parts(table, pool, mi, mj, level)
    scores = total_score(parts, weights)

    _progress(run.pk, 70, "Solving")
    assignment = solve(len(table.mentees), pool.capacity, mi, mj, scores, run.objective)
    result = CohortResult(
        run.objective, weights, table, pool, mi, mj, rung, parts, scores, assignment
    )
    result.unmatched = unmatched_reasons(result, inputs.constraints)

    _progress(run.pk, 90, "Saving proposals")
    proposals = _proposals(run, inputs, result)
    _save(run, inputs, result, proposals)


def _option_of(inputs: Any, result: CohortResult, row: int, weights: dict) -> dict[str, Any]:
    pair = result.pair(row)
    return option(
        inputs.profiles[pair.mentor],
        pair.score,
        int(pair.rung),
        pair.rung.label,
        pair.parts,
        why_lines(pair.parts, pair.rung.label, weights),
    )


def _readable(reason: str, request: Any) -> str:
    """The engine names subjects and sectors by id; say their names."""
    need_subject = str(request.subject.uuid)
    need_sector = str(request.subject.sector_id)
    reason = reason.replace(f"({need_subject})", f"({request.subject.name})")
    reason = reason.replace(f"sector ({need_sector})", f"sector ({request.subject.sector.name})")
    return (reason[:1].upper() + reason[1:]).rstrip(".") + "."


def _proposals(run: MatchRun, inputs: Any, result: CohortResult) -> list[Proposal]:
    weights = dict(run.weights)
    chosen = {
        result.table.mentees[int(result.pair_mentee[k])].id: int(k)
        for k in result.assignment.pair.tolist()
    }
    reasons = {u.mentee: u.reason for u in result.unmatched}
    top = _top_rows(result, ALTERNATIVES + 1)
    out = []
    for i, need in enumerate(result.table.mentees):
        request = inputs.requests[need.id]
        row = chosen.get(need.id)
        alternatives = [
            _option_of(inputs, result, int(r), weights) for r in top[i] if int(r) != row
        ][:ALTERNATIVES]
        proposal = Proposal(run=run, request=request, alternatives=alternatives)
        if row is None:
            proposal.unmatched_reason = _readable(
                reasons.get(need.id, "no allowed mentor is free"), request
            )[:500]
        else:
            pair = result.pair(row)
            profile = inputs.profiles[pair.mentor]
            proposal.mentor = profile.person
            proposal.mentor_organisation = profile.organisation
            proposal.score = pair.score
            proposal.rung = int(pair.rung)
            proposal.parts = {name: pair.parts[name] for name in PART_NAMES}
            proposal.why = why_lines(pair.parts, Rung(pair.rung).label, weights)
        out.append(proposal)
    return out


def _hard_to_match(inputs: Any, result: CohortResult) -> list[dict[str, Any]]:
    counts: Counter[tuple[str, str]] = Counter()
    for u in result.unmatched:
        request = inputs.requests[u.mentee]
        counts[(request.subject.name, request.organisation.name)] += 1
    return [
        {"subject": subject, "organisation": organisation, "count": count}
        for (subject, organisation), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _save(run: MatchRun, inputs: Any, result: CohortResult, proposals: list[Proposal]) -> None:
    with transaction.atomic(), system_access():
        locked = MatchRun._base_manager.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.RUNNING:
            logger.info("Matching run %s was %s while it ran", run.uuid, locked.status)
            return
        Proposal.objects.filter(run_id=run.pk).delete()
        Proposal.objects.bulk_create(proposals, batch_size=500)
        locked.status = RunStatus.READY
        locked.progress = 100
        locked.stage = "Done"
        locked.mentees = len(result.table.mentees)
        locked.mentors = len(result.pool)
        locked.matched = result.matched
        locked.total_score = result.total_score
        locked.hard_to_match = _hard_to_match(inputs, result)
        locked.finished_at = timezone.now()
        locked.version += 1
        locked.save()
        audit.record(
            None,
            "matching.run.ready",
            locked,
            organisation=locked.organisation_id,
            changes={"mentees": locked.mentees, "matched": locked.matched},
        )
