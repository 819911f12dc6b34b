"""The score: named parts, each 0..1, weighted per programme and scaled to 0-100.

Parts:
- ``subject``: 1 for an exact subject, 0.6 for the same sector, 0.3 for the generic pool;
- ``mode``: 1 when mentor and mentee share a mode (face to face, online, phone);
- ``availability``: the share of the mentee's slots the mentor is also free;
- ``place``: 1 on the same site, 0.5 in the same region;
- ``experience``: years of experience, capped at 10, over 10;
- ``preferred``: 1 when the mentor is the one the mentee chose.

A mentee who states no modes (or no availability) is indifferent: that part is 1.
"""

from __future__ import annotations

import numpy as np

from .model import Level, Weights

SUBJECT_VALUE = {Level.EXACT: 1.0, Level.SECTOR: 0.6, Level.GENERIC: 0.3}
PART_NAMES = ("subject", "mode", "availability", "place", "experience", "preferred")
_SUBJECT_BY_LEVEL = np.array([0.0, 1.0, 0.6, 0.3])


def score_parts(table, pool, mi: np.ndarray, mj: np.ndarray, level: np.ndarray) -> dict:
    """Each part as a float32 array over the pairs (mi[k], mj[k]).

    Parts are computed one at a time and kept in single precision (plenty for values 0..1)
    so that a cohort of millions of pairs stays small in memory.
    """
    f32 = np.float32
    parts = {"subject": _SUBJECT_BY_LEVEL.astype(f32)[level.astype(np.intp)]}
    a_mode = table.modes[mi]
    shared_mode = (a_mode & pool.modes[mj]) != 0
    parts["mode"] = np.where(a_mode == 0, True, shared_mode).astype(f32)
    del a_mode, shared_mode
    a_av = table.availability[mi]
    own = np.bitwise_count(a_av).astype(np.float64)
    shared = np.bitwise_count(a_av & pool.availability[mj]).astype(np.float64)
    del a_av
    parts["availability"] = np.divide(shared, own, out=np.ones_like(own), where=own > 0).astype(f32)
    del own, shared
    site, region = table.site[mi], table.region[mi]
    same_site = (site != 0) & (site == pool.site[mj])
    same_region = (region != 0) & (region == pool.region[mj])
    del site, region
    parts["place"] = np.where(same_site, f32(1.0), np.where(same_region, f32(0.5), f32(0.0)))
    del same_site, same_region
    parts["experience"] = (np.minimum(pool.experience[mj], 10.0) / 10.0).astype(f32)
    parts["preferred"] = (table.preferred[mi] == mj).astype(f32)
    return parts


def total_score(parts: dict, weights: Weights) -> np.ndarray:
    """Weighted mean of the parts, scaled to an integer 0-100."""
    w = weights.as_dict()
    denominator = sum(w.values())
    total = np.zeros(len(parts["subject"]), dtype=np.float64)
    for name in PART_NAMES:
        if w[name]:
            total += w[name] * parts[name].astype(np.float64)
    return np.clip(np.rint(100.0 * total / denominator), 0, 100).astype(np.int64)
