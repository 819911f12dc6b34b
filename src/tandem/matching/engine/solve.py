"""Optimal cohort assignment as a min-cost flow (OR-Tools ``SimpleMinCostFlow``).

Network: source -> each mentee (capacity 1) -> each allowed mentor (capacity 1, cost minus
the pair's weight) -> sink (capacity = the mentor's remaining capacity). An integral flow is
exactly a b-matching, and min-cost flow has integral optima, so the cheapest flow is a
maximum-weight assignment.

- ``participation_first``: ``solve_max_flow_with_min_cost`` finds, among the flows of
  maximum value (= the most mentees that can be matched at all), the one of least cost,
  i.e. the largest total score. That is the lexicographic objective, with no big-M weights.
- ``quality_first``: a bypass arc source -> sink (capacity = number of mentees, cost 0)
  lets any mentee stay unmatched for free, so the maximum flow is always every mentee and
  the least cost is the largest total of pair weights. The weight of a pair is
  ``score * (n + 1) + 1``: the ``+ 1`` per match adds at most ``n`` < ``n + 1``, one score
  point, so it only breaks ties of total score in favour of more matches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .model import OBJECTIVES, EngineError


@dataclass
class Assignment:
    mentee: np.ndarray  # mentee index per assigned pair
    mentor: np.ndarray  # mentor index
    pair: np.ndarray  # index into the candidate pair arrays

    @property
    def matched(self) -> int:
        return len(self.mentee)


def pair_weights(scores: np.ndarray, n_mentees: int, objective: str) -> np.ndarray:
    if objective == "participation_first":
        return scores.astype(np.int64)
    return scores.astype(np.int64) * (n_mentees + 1) + 1


def solve(
    n_mentees: int,
    capacities: np.ndarray,
    pair_mentee: np.ndarray,
    pair_mentor: np.ndarray,
    scores: np.ndarray,
    objective: str = "participation_first",
) -> Assignment:
    """The optimal assignment over explicit allowed pairs with integer scores >= 0."""
    if objective not in OBJECTIVES:
        raise EngineError(f"objective: must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    n_mentors = len(capacities)
    n_pairs = len(pair_mentee)
    empty = Assignment(*(np.empty(0, dtype=np.int64) for _ in range(3)))
    if n_mentees == 0 or n_pairs == 0:
        return empty
    source, sink = n_mentees + n_mentors, n_mentees + n_mentors + 1
    mentee_nodes = np.arange(n_mentees, dtype=np.int64)
    used_mentors = np.unique(pair_mentor)
    tails = [
        np.full(n_mentees, source, dtype=np.int64),
        pair_mentee.astype(np.int64),
        used_mentors + n_mentees,
    ]
    heads = [
        mentee_nodes,
        pair_mentor.astype(np.int64) + n_mentees,
        np.full_like(used_mentors, sink),
    ]
    caps = [
        np.ones(n_mentees, dtype=np.int64),
        np.ones(n_pairs, dtype=np.int64),
        capacities[used_mentors].astype(np.int64),
    ]
    costs = [
        np.zeros(n_mentees, dtype=np.int64),
        -pair_weights(scores, n_mentees, objective),
        np.zeros(len(used_mentors), dtype=np.int64),
    ]
    if objective == "quality_first":
        tails.append(np.array([source], dtype=np.int64))
        heads.append(np.array([sink], dtype=np.int64))
        caps.append(np.array([n_mentees], dtype=np.int64))
        costs.append(np.zeros(1, dtype=np.int64))
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(caps), np.concatenate(costs)
    )
    del tails, heads, caps, costs  # OR-Tools holds its own copy of the graph
    flow.set_node_supply(source, n_mentees)
    flow.set_node_supply(sink, -n_mentees)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise EngineError(f"solver: min-cost flow did not find an optimum (status {status})")
    pair_arcs = np.arange(n_mentees, n_mentees + n_pairs, dtype=np.int64)
    chosen = np.flatnonzero(flow.flows(pair_arcs) > 0)
    return Assignment(
        pair_mentee[chosen].astype(np.int64), pair_mentor[chosen].astype(np.int64), chosen
    )
