"""An independent exact solver for cross-checking ``solve`` (SciPy, not OR-Tools).

Each mentor of capacity c becomes c slot columns, and each mentee gets one dummy column
("unmatched") of its own, so every mentee can always be assigned. A maximum-weight full
matching of mentee rows (``scipy.sparse.csgraph.min_weight_full_bipartite_matching``, the
LAPJVsp algorithm) then reproduces the objective:

- ``participation_first``: a real pair weighs ``score + 100 * n + 2`` and a dummy 1, so one
  more match (``100 * n + 1`` more) outweighs any difference of total score (at most
  ``100 * n``): most matches first, then the highest total score;
- ``quality_first``: a real pair weighs ``score * (n + 1) + 2`` and a dummy 1 (as ``solve``).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .model import OBJECTIVES, EngineError


def slot_graph(
    n_mentees: int,
    capacities: np.ndarray,
    pair_mentee: np.ndarray,
    pair_mentor: np.ndarray,
    scores: np.ndarray,
    objective: str,
) -> tuple[csr_matrix, np.ndarray]:
    """The biadjacency matrix (mentees x slots + dummies) and the pair of each column entry."""
    if objective not in OBJECTIVES:
        raise EngineError(f"objective: must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    caps = capacities.astype(np.int64)
    slot_start = np.concatenate([[0], np.cumsum(caps)])
    n_slots = int(slot_start[-1])
    scores = scores.astype(np.int64)
    if objective == "participation_first":
        weight = scores + 100 * n_mentees + 2
    else:
        weight = scores * (n_mentees + 1) + 2
    rep = caps[pair_mentor]
    total = int(rep.sum())
    pair_of = np.repeat(np.arange(len(pair_mentee), dtype=np.int64), rep)
    offset = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(rep) - rep, rep)
    rows = np.concatenate([pair_mentee[pair_of], np.arange(n_mentees)])
    cols = np.concatenate(
        [slot_start[pair_mentor[pair_of]] + offset, n_slots + np.arange(n_mentees)]
    )
    data = np.concatenate([weight[pair_of], np.ones(n_mentees, dtype=np.int64)]).astype(np.float64)
    graph = csr_matrix((data, (rows, cols)), shape=(n_mentees, n_slots + n_mentees))
    slot_mentor = np.repeat(np.arange(len(caps), dtype=np.int64), caps)
    return graph, slot_mentor


def solve_exact(
    n_mentees: int,
    capacities: np.ndarray,
    pair_mentee: np.ndarray,
    pair_mentor: np.ndarray,
    scores: np.ndarray,
    objective: str = "participation_first",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mentee, mentor, score) arrays of an optimal assignment."""
    e = np.empty(0, dtype=np.int64)
    if n_mentees == 0:
        return e, e, e
    graph, slot_mentor = slot_graph(
        n_mentees, capacities, pair_mentee, pair_mentor, scores, objective
    )
    rows, cols = min_weight_full_bipartite_matching(graph, maximize=True)
    real = cols < len(slot_mentor)
    mentee, mentor = rows[real].astype(np.int64), slot_mentor[cols[real]]
    lookup = dict(
        zip(
            (pair_mentee.astype(np.int64) * len(capacities) + pair_mentor).tolist(),
            scores.tolist(),
            strict=True,
        )
    )
    score = np.array(
        [lookup[k] for k in (mentee * len(capacities) + mentor).tolist()], dtype=np.int64
    )
    return mentee, mentor, score
