"""A whole cohort: candidates, scores, the optimal assignment and a reason per unmatched."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .candidates import MenteeTable, MentorPool, candidate_pairs, no_candidate_reason
from .model import (
    OBJECTIVES,
    Constraints,
    EngineError,
    MenteeNeed,
    MentorOffer,
    Pair,
    Rung,
    Unmatched,
    Weights,
)
from .scoring import PART_NAMES, score_parts, total_score
from .solve import Assignment, solve


@dataclass
class CohortResult:
    objective: str
    weights: Weights
    table: MenteeTable
    pool: MentorPool
    pair_mentee: np.ndarray
    pair_mentor: np.ndarray
    rung: np.ndarray
    parts: dict[str, np.ndarray]
    scores: np.ndarray
    assignment: Assignment
    unmatched: list[Unmatched] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return self.assignment.matched

    @property
    def total_score(self) -> int:
        return int(self.scores[self.assignment.pair].sum())

    def pair(self, k: int) -> Pair:
        return Pair(
            mentee=self.table.mentees[int(self.pair_mentee[k])].id,
            mentor=self.pool.ids[int(self.pair_mentor[k])],
            score=int(self.scores[k]),
            rung=Rung(int(self.rung[k])),
            parts={name: round(float(self.parts[name][k]), 4) for name in PART_NAMES},
        )

    def pairs(self) -> list[Pair]:
        """The proposed pairs, each with its score parts ("why this match")."""
        return [self.pair(int(k)) for k in self.assignment.pair]

    def alternatives(self, mentee_id: str, k: int = 5) -> list[Pair]:
        """The best allowed pairs of one mentee, whether or not proposed."""
        i = self.table.index_of[mentee_id]
        rows = np.flatnonzero(self.pair_mentee == i)
        rows = rows[np.lexsort((self.pair_mentor[rows], -self.scores[rows]))][:k]
        return [self.pair(int(r)) for r in rows]

    def hard_to_match(self) -> list[dict]:
        """Unmatched mentees counted by subject and organisation, most first."""
        counts = Counter(
            (m.subject, m.organisation)
            for m in (self.table.mentees[self.table.index_of[u.mentee]] for u in self.unmatched)
        )
        return [
            {"subject": s, "organisation": o, "unmatched": n}
            for (s, o), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]


def match_cohort(
    mentees: Sequence[MenteeNeed],
    mentors: Sequence[MentorOffer] | MentorPool,
    weights: Weights | None = None,
    constraints: Constraints | None = None,
    objective: str = "participation_first",
    explain: bool = True,
) -> CohortResult:
    """Propose the optimal assignment for a cohort under every hard constraint."""
    weights = weights or Weights()
    constraints = constraints or Constraints()
    weights.validate()
    constraints.validate()
    if objective not in OBJECTIVES:
        raise EngineError(f"objective: must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    pool = mentors if isinstance(mentors, MentorPool) else MentorPool(mentors)
    table = MenteeTable.build(mentees, pool)
    mi, mj, level, rung = candidate_pairs(table, pool, constraints)
    parts = score_parts(table, pool, mi, mj, level)
    scores = total_score(parts, weights)
    assignment = solve(len(table.mentees), pool.capacity, mi, mj, scores, objective)
    result = CohortResult(objective, weights, table, pool, mi, mj, rung, parts, scores, assignment)
    if explain:
        result.unmatched = unmatched_reasons(result, constraints)
    return result


def unmatched_reasons(result: CohortResult, constraints: Constraints) -> list[Unmatched]:
    n = len(result.table.mentees)
    matched = np.zeros(n, dtype=bool)
    matched[result.assignment.mentee] = True
    n_candidates = np.bincount(result.pair_mentee, minlength=n)
    out = []
    for i in np.flatnonzero(~matched).tolist():
        mentee = result.table.mentees[i]
        if n_candidates[i] == 0:
            reason = no_candidate_reason(mentee, result.pool, constraints)
        else:
            k = int(n_candidates[i])
            who = "its only allowed mentor is" if k == 1 else f"all {k} allowed mentors are"
            reason = f"{who} at capacity with other mentees in the optimal assignment"
        out.append(Unmatched(mentee.id, reason))
    return out
