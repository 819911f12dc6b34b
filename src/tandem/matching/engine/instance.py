"""The explicit instance format: allowed pairs with integer scores and mentor capacities.

Input::

    {"objective": "participation_first" | "quality_first",
     "mentees": [{"id": "..."}],
     "mentors": [{"id": "...", "capacity": 2}],
     "pairs": [{"mentee": "...", "mentor": "...", "score": 0-100}]}

Output::

    {"matched": N, "total_score": S,
     "assignments": [{"mentee": "...", "mentor": "...", "score": 87}],
     "unmatched": [{"mentee": "...", "reason": "..."}]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import OBJECTIVES, EngineError
from .solve import solve


@dataclass
class Instance:
    objective: str
    mentee_ids: list[str]
    mentor_ids: list[str]
    capacities: np.ndarray
    pair_mentee: np.ndarray
    pair_mentor: np.ndarray
    scores: np.ndarray


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _list_of_objects(data: dict, key: str) -> list[dict]:
    if key not in data:
        raise EngineError(f"{key}: missing; give a list (it may be empty)")
    items = data[key]
    if not isinstance(items, list):
        raise EngineError(f"{key}: must be a list, got {type(items).__name__}")
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise EngineError(f"{key}[{n}]: must be an object, got {type(item).__name__}")
    return items


def _ids(items: list[dict], key: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for n, item in enumerate(items):
        if "id" not in item:
            raise EngineError(f"{key}[{n}].id: missing")
        value = item["id"]
        if not isinstance(value, str) or not value:
            raise EngineError(f"{key}[{n}].id: must be a non-empty string, got {value!r}")
        if value in index:
            raise EngineError(f"{key}[{n}].id: duplicate id {value!r} (also {key}[{index[value]}])")
        index[value] = n
    return index


def parse_instance(data: Any) -> Instance:
    """Check a decoded JSON instance; raise ``EngineError`` naming the field and problem."""
    if not isinstance(data, dict):
        raise EngineError(f"instance: must be a JSON object, got {type(data).__name__}")
    if "objective" not in data:
        raise EngineError(f"objective: missing; give one of {', '.join(OBJECTIVES)}")
    objective = data["objective"]
    if objective not in OBJECTIVES:
        raise EngineError(f"objective: must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    mentees = _list_of_objects(data, "mentees")
    mentors = _list_of_objects(data, "mentors")
    pairs = _list_of_objects(data, "pairs")
    mentee_index = _ids(mentees, "mentees")
    mentor_index = _ids(mentors, "mentors")
    capacities = []
    for n, mentor in enumerate(mentors):
        if "capacity" not in mentor:
            raise EngineError(f"mentors[{n}].capacity: missing")
        cap = mentor["capacity"]
        if not _is_int(cap) or cap < 0:
            raise EngineError(
                f"mentors[{n}].capacity: must be a whole number 0 or more, got {cap!r}"
            )
        capacities.append(cap)
    seen: dict[tuple[str, str], int] = {}
    pm, pr, ps = [], [], []
    for n, pair in enumerate(pairs):
        for key in ("mentee", "mentor", "score"):
            if key not in pair:
                raise EngineError(f"pairs[{n}].{key}: missing")
        mentee, mentor, score = pair["mentee"], pair["mentor"], pair["score"]
        if not isinstance(mentee, str) or mentee not in mentee_index:
            raise EngineError(f"pairs[{n}].mentee: unknown mentee id {mentee!r}")
        if not isinstance(mentor, str) or mentor not in mentor_index:
            raise EngineError(f"pairs[{n}].mentor: unknown mentor id {mentor!r}")
        if not _is_int(score) or not 0 <= score <= 100:
            raise EngineError(f"pairs[{n}].score: must be a whole number 0 to 100, got {score!r}")
        if (mentee, mentor) in seen:
            raise EngineError(
                f"pairs[{n}]: duplicate pair {mentee!r} - {mentor!r} "
                f"(also pairs[{seen[(mentee, mentor)]}])"
            )
        seen[(mentee, mentor)] = n
        pm.append(mentee_index[mentee])
        pr.append(mentor_index[mentor])
        ps.append(score)
    return Instance(
        objective=objective,
        mentee_ids=list(mentee_index),
        mentor_ids=list(mentor_index),
        capacities=np.array(capacities, dtype=np.int64),
        pair_mentee=np.array(pm, dtype=np.int64),
        pair_mentor=np.array(pr, dtype=np.int64),
        scores=np.array(ps, dtype=np.int64),
    )


def loads(text: str) -> Instance:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EngineError(
            f"instance: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from exc
    return parse_instance(data)


def solve_instance(instance: Instance) -> dict:
    """Solve and describe the result in the output format."""
    n = len(instance.mentee_ids)
    a = solve(
        n,
        instance.capacities,
        instance.pair_mentee,
        instance.pair_mentor,
        instance.scores,
        instance.objective,
    )
    order = np.argsort(a.mentee, kind="stable")
    assignments = [
        {
            "mentee": instance.mentee_ids[int(a.mentee[k])],
            "mentor": instance.mentor_ids[int(a.mentor[k])],
            "score": int(instance.scores[a.pair[k]]),
        }
        for k in order
    ]
    matched = np.zeros(n, dtype=bool)
    matched[a.mentee] = True
    unmatched = []
    for i in np.flatnonzero(~matched).tolist():
        rows = np.flatnonzero(instance.pair_mentee == i)
        caps = instance.capacities[instance.pair_mentor[rows]]
        if not len(rows):
            reason = "no allowed pair: no mentor is listed for this mentee in pairs"
        elif not caps.any():
            reason = (
                "its only allowed mentor has capacity 0, so is never matched"
                if len(rows) == 1
                else f"all {len(rows)} allowed mentors have capacity 0, so are never matched"
            )
        else:
            k = int((caps > 0).sum())
            who = (
                "its only allowed mentor with capacity is"
                if k == 1
                else f"all {k} allowed mentors with capacity are"
            )
            reason = f"{who} full with other mentees in the optimal assignment"
        unmatched.append({"mentee": instance.mentee_ids[i], "reason": reason})
    return {
        "matched": len(assignments),
        "total_score": int(sum(x["score"] for x in assignments)),
        "assignments": assignments,
        "unmatched": unmatched,
    }
