"""Hard constraints and the fallback ladder, vectorised with numpy.

A ``MentorPool`` indexes mentors by (organisation, subject), (organisation, sector) and
the organisation's generic pool, so candidates for a mentee are gathered from a few index
buckets instead of testing every mentor. Every pair left out can be explained with
``explain_pair`` (reason codes in ``model.REASONS``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .model import (
    REASONS,
    Constraints,
    EngineError,
    Level,
    MenteeNeed,
    MentorOffer,
    Rung,
)

EMPTY = np.empty(0, dtype=np.int64)


class Vocabulary:
    """Strings to small integers, shared by mentors and mentees."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {"": 0}

    def code(self, value: str) -> int:
        return self.codes.setdefault(value, len(self.codes))


class BitVocabulary:
    """Sets of strings to 64-bit masks (at most 64 distinct values per field)."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.bits: dict[str, int] = {}

    def mask(self, values: Iterable[str]) -> int:
        mask = 0
        for value in values:
            bit = self.bits.get(value)
            if bit is None:
                if len(self.bits) >= 64:
                    raise EngineError(f"{self.field}: more than 64 distinct values")
                bit = self.bits[value] = len(self.bits)
            mask |= 1 << bit
        return mask


class Vocabularies:
    def __init__(self) -> None:
        self.places = Vocabulary()
        self.orgs = Vocabulary()
        self.training = BitVocabulary("training")
        self.modes = BitVocabulary("modes")
        self.availability = BitVocabulary("availability")


def _u64(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.uint64) if values else np.empty(0, dtype=np.uint64)


class MentorPool:
    """The mentors of a run, as arrays plus an index for candidate generation."""

    def __init__(
        self,
        mentors: Sequence[MentorOffer],
        vocab: Vocabularies | None = None,
    ) -> None:
        self.vocab = vocab = vocab or Vocabularies()
        self.mentors = list(mentors)
        self.ids = [m.id for m in self.mentors]
        self.index_of: dict[str, int] = {}
        for i, m in enumerate(self.mentors):
            if m.id in self.index_of:
                raise EngineError(f"mentors[{i}].id: duplicate id {m.id!r}")
            if isinstance(m.capacity, bool) or not isinstance(m.capacity, int) or m.capacity < 0:
                raise EngineError(
                    f"mentors[{i}].capacity: must be a whole number 0 or more, got {m.capacity!r}"
                )
            self.index_of[m.id] = i
        ms = self.mentors
        self.org = np.array([vocab.orgs.code(m.organisation) for m in ms], dtype=np.int64)
        self.capacity = np.array([m.capacity for m in ms], dtype=np.int64)
        self.consents = np.array([m.consents for m in ms], dtype=bool)
        self.willing_outside = np.array([m.willing_outside for m in ms], dtype=bool)
        self.trained = _u64([vocab.training.mask(m.trained_for) for m in ms])
        self.modes = _u64([vocab.modes.mask(m.modes) for m in ms])
        self.availability = _u64([vocab.availability.mask(m.availability) for m in ms])
        self.site = np.array([vocab.places.code(m.site) for m in ms], dtype=np.int64)
        self.region = np.array([vocab.places.code(m.region) for m in ms], dtype=np.int64)
        self.experience = np.array([m.experience_years for m in ms], dtype=np.float64)
        by_subject: dict[tuple[str, str], list[int]] = defaultdict(list)
        by_sector: dict[tuple[str, str], list[int]] = defaultdict(list)
        generic: dict[str, list[int]] = defaultdict(list)
        for i, m in enumerate(ms):
            for s in m.subjects:
                by_subject[(m.organisation, s)].append(i)
            for s in m.sectors:
                by_sector[(m.organisation, s)].append(i)
            if m.generic:
                generic[m.organisation].append(i)
        self.by_subject = {k: np.array(v, dtype=np.int64) for k, v in by_subject.items()}
        self.by_sector = {k: np.array(v, dtype=np.int64) for k, v in by_sector.items()}
        self.generic = {k: np.array(v, dtype=np.int64) for k, v in generic.items()}
        # Caches (a pool's mentors do not change): candidates per need, mentors per pool.
        self._cache: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._pools: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def __len__(self) -> int:
        return len(self.mentors)

    def pool_of(
        self, organisation: str, subject: str, sector: str, partners: Iterable[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every mentor on some rung for this need, before hard constraints.

        Returns (mentor index, level, rung), one row per mentor, its best rung.
        """
        idx, level, rung = [], [], []
        for org, org_rung in [(organisation, 0), *((p, 4) for p in sorted(partners))]:
            for bucket, lvl in (
                (self.by_subject.get((org, subject), EMPTY), Level.EXACT),
                (self.by_sector.get((org, sector), EMPTY), Level.SECTOR),
                (self.generic.get(org, EMPTY), Level.GENERIC),
            ):
                if len(bucket):
                    idx.append(bucket)
                    level.append(np.full(len(bucket), int(lvl), dtype=np.int8))
                    rung.append(np.full(len(bucket), org_rung or int(lvl), dtype=np.int8))
        if not idx:
            return EMPTY, np.empty(0, np.int8), np.empty(0, np.int8)
        i, lv, rg = np.concatenate(idx), np.concatenate(level), np.concatenate(rung)
        order = np.lexsort((lv, rg, i))
        i, lv, rg = i[order], lv[order], rg[order]
        first = np.ones(len(i), dtype=bool)
        first[1:] = i[1:] != i[:-1]
        return i[first], lv[first], rg[first]

    def candidates_for(
        self,
        organisation: str,
        subject: str,
        sector: str,
        required_mask: int,
        constraints: Constraints,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mentors passing every hard constraint that depends only on the need (cached).

        Line management and pairs that ended badly depend on the mentee and are removed
        by the caller.
        """
        partners = frozenset(constraints.partners.get(organisation, frozenset()))
        key = (organisation, subject, sector, required_mask, int(constraints.max_rung), partners)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        pool_key = (organisation, subject, sector, partners)
        found = self._pools.get(pool_key)
        if found is None:
            found = self._pools[pool_key] = self.pool_of(organisation, subject, sector, partners)
        i, lv, rg = found
        req = np.uint64(required_mask)
        ok = (
            (self.capacity[i] > 0)
            & self.consents[i]
            & ((self.trained[i] & req) == req)
            & (rg <= int(constraints.max_rung))
            & ((rg < 4) | self.willing_outside[i])
        )
        result = (i[ok], lv[ok], rg[ok])
        self._cache[key] = result
        return result


@dataclass
class MenteeTable:
    """The mentees of a run as arrays, coded with the pool's vocabularies."""

    mentees: list[MenteeNeed]
    index_of: dict[str, int]
    required: list[int]
    modes: np.ndarray
    availability: np.ndarray
    site: np.ndarray
    region: np.ndarray
    preferred: np.ndarray  # mentor index or -1

    @classmethod
    def build(cls, mentees: Sequence[MenteeNeed], pool: MentorPool) -> MenteeTable:
        vocab = pool.vocab
        index_of: dict[str, int] = {}
        for i, m in enumerate(mentees):
            if m.id in index_of:
                raise EngineError(f"mentees[{i}].id: duplicate id {m.id!r}")
            index_of[m.id] = i
        return cls(
            mentees=list(mentees),
            index_of=index_of,
            required=[vocab.training.mask(m.required_training) for m in mentees],
            modes=_u64([vocab.modes.mask(m.modes) for m in mentees]),
            availability=_u64([vocab.availability.mask(m.availability) for m in mentees]),
            site=np.array([vocab.places.code(m.site) for m in mentees], dtype=np.int64),
            region=np.array([vocab.places.code(m.region) for m in mentees], dtype=np.int64),
            preferred=np.array(
                [pool.index_of.get(m.preferred_mentor or "", -1) for m in mentees],
                dtype=np.int64,
            ),
        )


def _pair_keys(
    mentees: Sequence[MenteeNeed], table: MenteeTable, pool: MentorPool, c: Constraints
) -> np.ndarray:
    """Keys (mentee * n_mentors + mentor) of pairs excluded per mentee."""
    n = len(pool)
    keys = []
    for i, m in enumerate(mentees):
        for mgr in m.managers:
            j = pool.index_of.get(mgr)
            if j is not None:
                keys.append(i * n + j)
    for mentee_id, mentor_id in c.forbidden_pairs:
        i, j = table.index_of.get(mentee_id), pool.index_of.get(mentor_id)
        if i is not None and j is not None:
            keys.append(i * n + j)
    return np.unique(np.array(keys, dtype=np.int64))


def candidate_pairs(
    table: MenteeTable, pool: MentorPool, constraints: Constraints
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All allowed pairs: (mentee index, mentor index, level, rung) arrays."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, m in enumerate(table.mentees):
        groups[(m.organisation, m.subject, m.sector, table.required[i])].append(i)
    blocks = []
    total = 0
    for (org, subject, sector, req), members in groups.items():
        j, lv, rg = pool.candidates_for(org, subject, sector, req, constraints)
        if len(j):
            blocks.append((total, np.array(members, dtype=np.int64), j, lv, rg))
            total += len(members) * len(j)
    # Fill preallocated arrays block by block: no per-group temporaries to concatenate.
    mi = np.empty(total, dtype=np.int64)
    mj = np.empty(total, dtype=np.int64)
    lv = np.empty(total, dtype=np.int8)
    rg = np.empty(total, dtype=np.int8)
    for start, g, j, level, rung in blocks:
        shape = (len(g), len(j))
        end = start + shape[0] * shape[1]
        mi[start:end].reshape(shape)[:] = g[:, None]
        mj[start:end].reshape(shape)[:] = j[None, :]
        lv[start:end].reshape(shape)[:] = level[None, :]
        rg[start:end].reshape(shape)[:] = rung[None, :]
    excluded = _pair_keys(table.mentees, table, pool, constraints)
    if len(excluded):
        keys = mi * len(pool) + mj
        at = np.minimum(np.searchsorted(excluded, keys), len(excluded) - 1)
        keep = excluded[at] != keys  # excluded is sorted: a binary search per pair
        del keys, at
        mi, mj, lv, rg = mi[keep], mj[keep], lv[keep], rg[keep]
    return mi, mj, lv, rg


def explain_pair(mentee: MenteeNeed, mentor: MentorOffer, constraints: Constraints) -> list[str]:
    """Reason codes why this pair is excluded; empty when it is allowed."""
    reasons = []
    if mentor.id in mentee.managers:
        reasons.append("line_manager")
    if mentor.capacity <= 0:
        reasons.append("no_capacity")
    if not mentee.required_training <= mentor.trained_for:
        reasons.append("untrained")
    if not mentor.consents:
        reasons.append("no_consent")
    if (mentee.id, mentor.id) in constraints.forbidden_pairs:
        reasons.append("ended_badly")
    outside = mentor.organisation != mentee.organisation
    if outside:
        if mentor.organisation not in constraints.partners.get(mentee.organisation, frozenset()):
            reasons.append("not_in_partnership")
        elif not mentor.willing_outside:
            reasons.append("not_willing_outside")
    level = rung_of(mentee, mentor)
    if level is None:
        reasons.append("no_subject_match")
    elif outside and int(constraints.max_rung) < 4 or level > constraints.max_rung:
        reasons.append("rung_not_allowed")
    return reasons


def rung_of(mentee: MenteeNeed, mentor: MentorOffer) -> Rung | None:
    """The rung ignoring organisations: exact subject, same sector or generic pool."""
    if mentee.subject in mentor.subjects:
        return Rung.EXACT_SUBJECT
    if mentee.sector in mentor.sectors:
        return Rung.SAME_SECTOR
    if mentor.generic:
        return Rung.GENERIC_POOL
    return None


def no_candidate_reason(mentee: MenteeNeed, pool: MentorPool, constraints: Constraints) -> str:
    """Why a mentee has no allowed mentor at all, counted by reason."""
    partners = constraints.partners.get(mentee.organisation, frozenset())
    idx, _, _ = pool.pool_of(mentee.organisation, mentee.subject, mentee.sector, partners)
    if not len(idx):
        return (
            f"no mentor in the subject ({mentee.subject}), sector ({mentee.sector}) or generic "
            "pool, in the organisation or its partnership"
        )
    counts: dict[str, int] = defaultdict(int)
    for j in idx.tolist():
        for code in explain_pair(mentee, pool.mentors[j], constraints):
            counts[code] += 1
    detail = "; ".join(
        f"{n} {'mentor' if n == 1 else 'mentors'} {REASONS[code]}"
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return (
        f"none of the {len(idx)} mentors in the subject, sector or generic pool can be "
        f"matched: {detail}"
    )
