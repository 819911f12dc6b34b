"""A ranked shortlist of mentors for one mentee."""

from __future__ import annotations

import numpy as np

from .candidates import MenteeTable, MentorPool
from .model import Constraints, EngineError, MenteeNeed, Pair, Rung, Weights
from .scoring import PART_NAMES, score_parts, total_score


def shortlist(
    mentee: MenteeNeed,
    pool: MentorPool,
    weights: Weights | None = None,
    constraints: Constraints | None = None,
    k: int = 10,
) -> list[Pair]:
    """The top ``k`` allowed mentors by score (then rung, then pool order), with parts."""
    weights = weights or Weights()
    constraints = constraints or Constraints()
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise EngineError(f"k: must be a whole number 1 or more, got {k!r}")
    weights.validate()
    constraints.validate()
    table = MenteeTable.build([mentee], pool)
    j, level, rung = pool.candidates_for(
        mentee.organisation, mentee.subject, mentee.sector, table.required[0], constraints
    )
    excluded = [pool.index_of[m] for m in mentee.managers if m in pool.index_of]
    excluded += [
        pool.index_of[r]
        for e, r in constraints.forbidden_pairs
        if e == mentee.id and r in pool.index_of
    ]
    if excluded:
        keep = ~np.isin(j, np.array(excluded, dtype=np.int64))
        j, level, rung = j[keep], level[keep], rung[keep]
    mi = np.zeros(len(j), dtype=np.int64)
    parts = score_parts(table, pool, mi, j, level)
    scores = total_score(parts, weights)
    if len(j) > k:
        top = np.argpartition(-scores, k - 1)[:k]
        cutoff = scores[top].min()
        top = np.flatnonzero(scores >= cutoff)  # keep ties so the order below is stable
    else:
        top = np.arange(len(j))
    top = top[np.lexsort((j[top], rung[top], -scores[top]))][:k]
    return [
        Pair(
            mentee=mentee.id,
            mentor=pool.ids[int(j[t])],
            score=int(scores[t]),
            rung=Rung(int(rung[t])),
            parts={name: round(float(parts[name][t]), 4) for name in PART_NAMES},
        )
        for t in top
    ]
