"""Property tests: hard constraints always hold and the solver is optimal."""

from itertools import product

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.matching.engine.candidates import explain_pair
from tandem.matching.engine.cohort import match_cohort
from tandem.matching.engine.exact import solve_exact
from tandem.matching.engine.greedy import greedy
from tandem.matching.engine.model import Constraints, MenteeNeed, MentorOffer, Rung
from tandem.matching.engine.shortlist import shortlist
from tandem.matching.engine.solve import solve

SUBJECTS = {"plumbing": "construction", "bricklaying": "construction", "law": "legal"}
ORGS = ("riverside", "northgate", "eastfield")
PARTNERS = {"riverside": frozenset({"northgate"}), "northgate": frozenset({"riverside"})}
SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def cohorts(draw):
    n_mentors = draw(st.integers(0, 8))
    mentor_ids = [f"m{j}" for j in range(n_mentors)]
    mentors = [
        MentorOffer(
            id=m,
            organisation=draw(st.sampled_from(ORGS)),
            subjects=frozenset(draw(st.sets(st.sampled_from(sorted(SUBJECTS)), max_size=2))),
            sectors=frozenset(draw(st.sets(st.sampled_from(["construction", "legal"])))),
            generic=draw(st.booleans()),
            capacity=draw(st.integers(0, 3)),
            trained_for=frozenset(draw(st.sets(st.sampled_from(["itt", "send"])))),
            consents=draw(st.booleans()),
            willing_outside=draw(st.booleans()),
            modes=frozenset(draw(st.sets(st.sampled_from(["online", "phone"])))),
            experience_years=draw(st.integers(0, 15)),
        )
        for m in mentor_ids
    ]
    mentees = []
    for i in range(draw(st.integers(0, 8))):
        subject = draw(st.sampled_from(sorted(SUBJECTS)))
        mentees.append(
            MenteeNeed(
                id=f"e{i}",
                organisation=draw(st.sampled_from(ORGS)),
                subject=subject,
                sector=SUBJECTS[subject],
                managers=frozenset(draw(st.sets(st.sampled_from(mentor_ids))))
                if mentor_ids
                else frozenset(),
                required_training=frozenset(draw(st.sets(st.sampled_from(["itt", "send"])))),
                modes=frozenset(draw(st.sets(st.sampled_from(["online", "phone"])))),
                preferred_mentor=draw(st.sampled_from([None, *mentor_ids])),
            )
        )
    forbidden = frozenset(
        draw(
            st.sets(
                st.tuples(
                    st.sampled_from([m.id for m in mentees] or ["x"]),
                    st.sampled_from(mentor_ids or ["y"]),
                ),
                max_size=4,
            )
        )
    )
    max_rung = Rung(draw(st.integers(1, 4)))
    constraints = Constraints(forbidden_pairs=forbidden, partners=PARTNERS, max_rung=max_rung)
    return mentees, mentors, constraints


@SETTINGS
@given(cohorts(), st.sampled_from(["participation_first", "quality_first"]))
def test_every_hard_constraint_holds_and_capacity_is_never_exceeded(cohort, objective):
    mentees, mentors, constraints = cohort
    result = match_cohort(mentees, mentors, constraints=constraints, objective=objective)
    by_id = {m.id: m for m in mentors}
    needs = {m.id: m for m in mentees}
    allowed = {
        (e.id, m.id) for e in mentees for m in mentors if not explain_pair(e, m, constraints)
    }
    candidates = {
        (mentees[i].id, mentors[j].id)
        for i, j in zip(result.pair_mentee.tolist(), result.pair_mentor.tolist(), strict=True)
    }
    # The candidate generator keeps exactly the pairs no hard constraint excludes.
    assert candidates == allowed
    load: dict[str, int] = {}
    for pair in result.pairs():
        assert pair.mentor not in needs[pair.mentee].managers  # never a line manager
        assert explain_pair(needs[pair.mentee], by_id[pair.mentor], constraints) == []
        assert 0 <= pair.score <= 100
        load[pair.mentor] = load.get(pair.mentor, 0) + 1
    for mentor_id, n in load.items():
        assert n <= by_id[mentor_id].capacity
    assert len({p.mentee for p in result.pairs()}) == result.matched
    assert result.matched + len(result.unmatched) == len(mentees)
    assert all(u.reason for u in result.unmatched)
    e_mentee, _, e_scores = solve_exact(
        len(mentees),
        result.pool.capacity,
        result.pair_mentee,
        result.pair_mentor,
        result.scores,
        objective,
    )
    assert key(objective, result.matched, result.total_score) == key(
        objective, len(e_mentee), int(e_scores.sum())
    )
    for e in mentees:
        for pair in shortlist(e, result.pool, constraints=constraints, k=3):
            assert (pair.mentee, pair.mentor) in allowed


@st.composite
def instances(draw, max_mentees=6, max_mentors=4):
    n = draw(st.integers(0, max_mentees))
    m = draw(st.integers(1, max_mentors))
    caps = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)), dtype=np.int64)
    cells = draw(
        st.lists(st.tuples(st.booleans(), st.integers(0, 100)), min_size=n * m, max_size=n * m)
    )
    pm, pr, sc = [], [], []
    for k, (allowed, score) in enumerate(cells):
        if allowed:
            pm.append(k // m)
            pr.append(k % m)
            sc.append(score)
    arrays = (np.array(v, dtype=np.int64) for v in (pm, pr, sc))
    return (n, caps, *arrays)


def key(objective, matched, score):
    return (matched, score) if objective == "participation_first" else (score, matched)


def brute_force(n, caps, pm, pr, sc, objective):
    options = [[None] + [k for k in range(len(pm)) if pm[k] == i] for i in range(n)]
    best = (0, 0)
    for choice in product(*options):
        used = [k for k in choice if k is not None]
        load = np.bincount(pr[used], minlength=len(caps)) if used else np.zeros(len(caps))
        if (load <= caps).all():
            best = max(best, key(objective, len(used), int(sc[used].sum()) if used else 0))
    return best


@SETTINGS
@given(instances(), st.sampled_from(["participation_first", "quality_first"]))
def test_solve_equals_brute_force_optimum_on_small_instances(instance, objective):
    n, caps, pm, pr, sc = instance
    a = solve(n, caps, pm, pr, sc, objective)
    assert key(objective, a.matched, int(sc[a.pair].sum())) == brute_force(*instance, objective)
    load = np.bincount(a.mentor, minlength=len(caps))
    assert (load <= caps).all()
    assert len(set(a.mentee.tolist())) == a.matched


@SETTINGS
@given(instances(max_mentees=12, max_mentors=6))
def test_participation_first_never_matches_fewer_than_greedy(instance):
    a = solve(*instance, "participation_first")
    g_mentee, _, g_scores = greedy(*instance)
    assert a.matched >= len(g_mentee)
    if a.matched == len(g_mentee):
        assert int(instance[4][a.pair].sum()) >= int(g_scores.sum())


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["participation_first", "quality_first"]))
def test_solve_agrees_with_the_scipy_solver_on_medium_instances(seed, objective):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(20, 120)), int(rng.integers(5, 60))
    caps = rng.integers(0, 5, size=m)
    mask = rng.random((n, m)) < rng.uniform(0.05, 0.4)
    pm, pr = np.nonzero(mask)
    sc = rng.integers(0, 101, size=len(pm))
    a = solve(n, caps, pm, pr, sc, objective)
    e_mentee, e_mentor, e_scores = solve_exact(n, caps, pm, pr, sc, objective)
    assert key(objective, a.matched, int(sc[a.pair].sum())) == key(
        objective, len(e_mentee), int(e_scores.sum())
    )
    assert (np.bincount(e_mentor, minlength=m) <= caps).all()
