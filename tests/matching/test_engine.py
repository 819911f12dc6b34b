"""The matching engine: hard constraints, reasons, ladder, score parts, shortlist."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tandem.matching.engine.candidates import MentorPool, explain_pair
from tandem.matching.engine.cohort import match_cohort
from tandem.matching.engine.model import (
    Constraints,
    EngineError,
    MenteeNeed,
    MentorOffer,
    Rung,
    Weights,
)
from tandem.matching.engine.shortlist import shortlist
from tandem.matching.engine.solve import solve

ENGINE = Path(__file__).resolve().parents[2] / "src" / "tandem" / "matching" / "engine"


def mentee(id="e1", org="riverside", subject="plumbing", sector="construction", **kw):
    return MenteeNeed(id=id, organisation=org, subject=subject, sector=sector, **kw)


def mentor(id, org="riverside", subjects=("plumbing",), sectors=(), **kw):
    return MentorOffer(
        id=id, organisation=org, subjects=frozenset(subjects), sectors=frozenset(sectors), **kw
    )


def test_engine_has_no_django_imports():
    for path in ENGINE.glob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+django", path.read_text(), re.M), path.name
    code = (
        "import sys; import tandem.matching.engine.cohort, tandem.matching.engine.instance, "
        "tandem.matching.engine.shortlist, tandem.matching.engine.exact, "
        "tandem.matching.engine.greedy; print('django' in sys.modules)"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and a fixed program
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ENGINE.parents[2])},
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (Weights(mode=-1), "weights.mode: must not be negative"),
        (Weights(0, 0, 0, 0, 0, 0), "weights: all weights are zero"),
        (Weights(subject=float("nan")), "weights.subject: must be a finite number"),
    ],
)
def test_bad_weights_are_refused_naming_the_field(weights, message):
    with pytest.raises(EngineError, match=message):
        match_cohort([mentee()], [mentor("m1")], weights)
    with pytest.raises(EngineError, match=message):
        shortlist(mentee(), MentorPool([mentor("m1")]), weights)


def test_bad_objective_and_duplicate_ids_are_refused():
    with pytest.raises(EngineError, match="objective: must be one of"):
        match_cohort([mentee()], [mentor("m1")], objective="fastest")
    with pytest.raises(EngineError, match=r"mentors\[1\].id: duplicate id 'm1'"):
        match_cohort([mentee()], [mentor("m1"), mentor("m1")])
    with pytest.raises(EngineError, match=r"mentees\[1\].id: duplicate id 'e1'"):
        match_cohort([mentee(), mentee()], [mentor("m1")])
    with pytest.raises(EngineError, match=r"mentors\[0\].capacity"):
        match_cohort([mentee()], [mentor("m1", capacity=-1)])


def test_line_manager_up_the_chain_is_never_proposed_and_the_reason_is_given():
    boss, head = mentor("boss", capacity=3), mentor("head", capacity=3)
    need = mentee(managers=frozenset({"boss", "head"}))
    result = match_cohort([need], [boss, head])
    assert result.matched == 0
    assert explain_pair(need, head, Constraints()) == ["line_manager"]
    (unmatched,) = result.unmatched
    assert "2 mentors is the mentee's line manager" in unmatched.reason
    assert shortlist(need, MentorPool([boss, head])) == []


def test_each_hard_constraint_excludes_the_pair_with_its_reason_code():
    need = mentee(required_training=frozenset({"itt_mentor"}))
    partners = Constraints(
        partners={"riverside": frozenset({"northgate"})},
        forbidden_pairs=frozenset({("e1", "bad")}),
    )
    cases = {
        "full": (mentor("full", capacity=0, trained_for=frozenset({"itt_mentor"})), "no_capacity"),
        "untrained": (mentor("untrained"), "untrained"),
        "refuses": (
            mentor("refuses", consents=False, trained_for=frozenset({"itt_mentor"})),
            "no_consent",
        ),
        "stays": (
            mentor("stays", org="northgate", trained_for=frozenset({"itt_mentor"})),
            "not_willing_outside",
        ),
        "far": (
            mentor("far", org="eastfield", willing_outside=True, trained_for={"itt_mentor"}),
            "not_in_partnership",
        ),
        "bad": (mentor("bad", trained_for=frozenset({"itt_mentor"})), "ended_badly"),
        "other": (
            mentor("other", subjects=("law",), trained_for=frozenset({"itt_mentor"})),
            "no_subject_match",
        ),
    }
    for offer, code in cases.values():
        assert explain_pair(need, offer, partners) == [code]
    result = match_cohort([need], [offer for offer, _ in cases.values()], constraints=partners)
    assert result.matched == 0
    assert len(result.pair_mentee) == 0
    reason = result.unmatched[0].reason
    assert "has no remaining capacity" in reason
    assert "lacks the training the programme requires" in reason
    assert "has not consented to be matched" in reason
    assert "ended badly" in reason


def test_no_mentor_in_pool_reason_names_subject_and_sector():
    result = match_cohort([mentee(subject="upholstery", sector="crafts")], [mentor("m1")])
    assert result.unmatched[0].reason.startswith(
        "no mentor in the subject (upholstery), sector (crafts) or generic pool"
    )
    assert result.hard_to_match() == [
        {"subject": "upholstery", "organisation": "riverside", "unmatched": 1}
    ]


def test_fallback_ladder_records_the_rung_of_each_pair():
    needs = [mentee(f"e{k}") for k in range(4)]
    offers = [
        mentor("exact"),
        mentor("sector", subjects=("bricklaying",), sectors=("construction",)),
        mentor("generic", subjects=(), generic=True),
        mentor("partner", org="northgate", willing_outside=True),
    ]
    constraints = Constraints(partners={"riverside": frozenset({"northgate"})})
    result = match_cohort(needs, offers, constraints=constraints)
    assert result.matched == 4
    rungs = {p.mentor: p.rung for p in result.pairs()}
    assert rungs == {
        "exact": Rung.EXACT_SUBJECT,
        "sector": Rung.SAME_SECTOR,
        "generic": Rung.GENERIC_POOL,
        "partner": Rung.PARTNER_ORGANISATION,
    }
    subject_parts = {p.mentor: p.parts["subject"] for p in result.pairs()}
    assert subject_parts == {"exact": 1.0, "sector": 0.6, "generic": 0.3, "partner": 1.0}
    limited = match_cohort(
        needs, offers, constraints=Constraints(partners=constraints.partners, max_rung=Rung(2))
    )
    assert {p.mentor for p in limited.pairs()} == {"exact", "sector"}
    assert explain_pair(needs[0], offers[2], Constraints(max_rung=Rung(2))) == ["rung_not_allowed"]
    only_generic = match_cohort(needs[:1], offers[2:3], constraints=Constraints(max_rung=Rung(2)))
    assert "this run does not use" in only_generic.unmatched[0].reason


def test_score_parts_explain_the_match_and_the_weights_matter():
    need = mentee(
        modes=frozenset({"online"}),
        availability=frozenset({"mon-am", "tue-am"}),
        site="main",
        region="north",
        preferred_mentor="chosen",
    )
    chosen = mentor(
        "chosen",
        modes=frozenset({"online", "phone"}),
        availability=frozenset({"mon-am"}),
        site="main",
        experience_years=5,
    )
    other = mentor("other", modes=frozenset({"phone"}), region="north", experience_years=20)
    (first, second) = shortlist(need, MentorPool([other, chosen]), k=5)
    assert first.mentor == "chosen"
    assert first.parts == {
        "subject": 1.0,
        "mode": 1.0,
        "availability": 0.5,
        "place": 1.0,
        "experience": 0.5,
        "preferred": 0.0 + 1.0,
    }
    # weights 4,1,1,1,1,2 (sum 10): (4 + 1 + 0.5 + 1 + 0.5 + 2) / 10 = 90
    assert first.score == 90
    assert second.parts["mode"] == 0.0 and second.parts["place"] == 0.5
    why = first.why(Weights())
    assert "subject: 1.00 x weight 4 = 40.0 points" in why
    assert why[-1] == "rung: exact subject"
    experience_only = shortlist(need, MentorPool([other, chosen]), Weights(0, 0, 0, 0, 1, 0))
    assert [p.mentor for p in experience_only] == ["other", "chosen"]
    assert [p.score for p in experience_only] == [100, 50]


def test_participation_first_matches_more_and_quality_first_may_leave_one_out():
    # e0 can only take m0; e1 takes m0 (score 90) or m1 (score 0). Capacities 1.
    args = (2, np.array([1, 1]), np.array([0, 1, 1]), np.array([0, 0, 1]), np.array([10, 90, 0]))
    first = solve(*args, "participation_first")
    assert sorted(zip(first.mentee.tolist(), first.mentor.tolist(), strict=True)) == [
        (0, 0),
        (1, 1),
    ]
    quality = solve(*args, "quality_first")
    assert sorted(zip(quality.mentee.tolist(), quality.mentor.tolist(), strict=True)) == [(1, 0)]


def test_quality_first_breaks_ties_by_more_matches():
    # {e0-m0} scores 50; {e0-m1, e1-m0} scores 50 + 0: equal score, more matches wins.
    args = (2, np.array([1, 1]), np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([50, 50, 0]))
    assert solve(*args, "quality_first").matched == 2


def test_capacity_and_alternatives():
    needs = [mentee(f"e{k}") for k in range(5)]
    result = match_cohort(needs, [mentor("m1", capacity=2), mentor("m2", capacity=1)])
    assert result.matched == 3
    assert np.bincount(result.assignment.mentor).tolist() == [2, 1]
    assert all(
        u.reason == "all 2 allowed mentors are at capacity with other mentees in the optimal "
        "assignment"
        for u in result.unmatched
    )
    assert [p.mentor for p in result.alternatives("e0")] == ["m1", "m2"]


def test_empty_cohort_and_no_mentors():
    empty = match_cohort([], [mentor("m1")])
    assert (empty.matched, empty.total_score, empty.unmatched) == (0, 0, [])
    lonely = match_cohort([mentee()], [])
    assert lonely.matched == 0
    assert "no mentor in the subject" in lonely.unmatched[0].reason


def test_a_shared_pool_follows_each_runs_partnerships_and_shortlist_size():
    need = mentee()
    pool = MentorPool([mentor("partner", org="northgate", willing_outside=True)])
    assert shortlist(need, pool) == []
    partners = Constraints(partners={"riverside": frozenset({"northgate"})})
    assert [p.mentor for p in shortlist(need, pool, constraints=partners)] == ["partner"]
    assert shortlist(need, pool) == []
    with pytest.raises(EngineError, match="k: must be a whole number 1 or more, got 0"):
        shortlist(need, pool, k=0)
