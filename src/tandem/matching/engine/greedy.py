"""The greedy baseline: mentees in order, each takes its best mentor with capacity left."""

from __future__ import annotations

import numpy as np


def greedy(
    n_mentees: int,
    capacities: np.ndarray,
    pair_mentee: np.ndarray,
    pair_mentor: np.ndarray,
    scores: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mentee, mentor, score) arrays; ties go to the lower mentor index."""
    order = np.lexsort((pair_mentor, -scores.astype(np.int64), pair_mentee))
    pm, pr, ps = pair_mentee[order], pair_mentor[order], scores[order]
    starts = np.searchsorted(pm, np.arange(n_mentees + 1))
    left = capacities.astype(np.int64).tolist()
    mentors = pr.tolist()
    out_i, out_j, out_s = [], [], []
    for i in range(n_mentees):
        for k in range(int(starts[i]), int(starts[i + 1])):
            j = mentors[k]
            if left[j] > 0:
                left[j] -= 1
                out_i.append(i)
                out_j.append(j)
                out_s.append(int(ps[k]))
                break
    return (
        np.array(out_i, dtype=np.int64),
        np.array(out_j, dtype=np.int64),
        np.array(out_s, dtype=np.int64),
    )
