"""``manage.py match_file IN.json OUT.json``: the explicit instance format."""

import json

import pytest
from django.core.management import CommandError, call_command

GOOD = {
    "objective": "participation_first",
    "mentees": [{"id": "amira"}, {"id": "ben"}, {"id": "cara"}, {"id": "dev"}],
    "mentors": [{"id": "m1", "capacity": 2}, {"id": "m2", "capacity": 0}],
    "pairs": [
        {"mentee": "amira", "mentor": "m1", "score": 90},
        {"mentee": "ben", "mentor": "m1", "score": 70},
        {"mentee": "cara", "mentor": "m1", "score": 40},
        {"mentee": "dev", "mentor": "m2", "score": 100},
    ],
}


def run(tmp_path, instance, raw=None):
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(raw if raw is not None else json.dumps(instance))
    call_command("match_file", str(source), str(target))
    return json.loads(target.read_text())


def test_solves_the_file_and_explains_the_unmatched(tmp_path):
    out = run(tmp_path, GOOD)
    assert out["matched"] == 2
    assert out["total_score"] == 160
    assert out["assignments"] == [
        {"mentee": "amira", "mentor": "m1", "score": 90},
        {"mentee": "ben", "mentor": "m1", "score": 70},
    ]
    reasons = {u["mentee"]: u["reason"] for u in out["unmatched"]}
    assert "full with other mentees" in reasons["cara"]
    assert reasons["dev"] == "its only allowed mentor has capacity 0, so is never matched"


def test_participation_first_and_quality_first_differ(tmp_path):
    instance = {
        "objective": "participation_first",
        "mentees": [{"id": "a"}, {"id": "b"}],
        "mentors": [{"id": "x", "capacity": 1}, {"id": "y", "capacity": 1}],
        "pairs": [
            {"mentee": "a", "mentor": "x", "score": 10},
            {"mentee": "b", "mentor": "x", "score": 90},
            {"mentee": "b", "mentor": "y", "score": 0},
        ],
    }
    assert (run(tmp_path, instance)["matched"], run(tmp_path, instance)["total_score"]) == (2, 10)
    out = run(tmp_path, {**instance, "objective": "quality_first"})
    assert (out["matched"], out["total_score"]) == (1, 90)
    assert out["unmatched"][0]["mentee"] == "a"


def test_empty_mentee_list_is_valid(tmp_path):
    out = run(tmp_path, {"objective": "quality_first", "mentees": [], "mentors": [], "pairs": []})
    assert out == {"matched": 0, "total_score": 0, "assignments": [], "unmatched": []}


def test_mentee_without_pairs_gets_a_reason(tmp_path):
    out = run(tmp_path, {**GOOD, "mentees": [*GOOD["mentees"], {"id": "eve"}]})
    assert {
        "mentee": "eve",
        "reason": "no allowed pair: no mentor is listed for this mentee in pairs",
    } in out["unmatched"]


def with_pair(**changes):
    return {
        **GOOD,
        "pairs": [*GOOD["pairs"], {"mentee": "amira", "mentor": "m2", "score": 5, **changes}],
    }


@pytest.mark.parametrize(
    ("instance", "message"),
    [
        (with_pair(mentee="zed"), "pairs[4].mentee: unknown mentee id 'zed'"),
        (with_pair(mentor="m9"), "pairs[4].mentor: unknown mentor id 'm9'"),
        (with_pair(mentor="m1"), "pairs[4]: duplicate pair 'amira' - 'm1' (also pairs[0])"),
        (with_pair(score=101), "pairs[4].score: must be a whole number 0 to 100, got 101"),
        (with_pair(score=-1), "pairs[4].score: must be a whole number 0 to 100, got -1"),
        (with_pair(score=7.5), "pairs[4].score: must be a whole number 0 to 100, got 7.5"),
        (with_pair(score=True), "pairs[4].score: must be a whole number 0 to 100, got True"),
        (
            {**GOOD, "mentors": [{"id": "m1", "capacity": -1}, {"id": "m2", "capacity": 1}]},
            "mentors[0].capacity: must be a whole number 0 or more, got -1",
        ),
        (
            {**GOOD, "mentors": [{"id": "m1", "capacity": 1.5}, {"id": "m2", "capacity": 1}]},
            "mentors[0].capacity: must be a whole number 0 or more, got 1.5",
        ),
        (
            {**GOOD, "mentors": [{"id": "m1"}, {"id": "m2", "capacity": 1}]},
            "mentors[0].capacity: missing",
        ),
        (
            {**GOOD, "mentees": [{"id": "amira"}, {"id": "amira"}]},
            "mentees[1].id: duplicate id 'amira' (also mentees[0])",
        ),
        (
            {**GOOD, "mentors": [{"id": "m1", "capacity": 1}, {"id": "m1", "capacity": 1}]},
            "mentors[1].id: duplicate id 'm1' (also mentors[0])",
        ),
        ({**GOOD, "objective": "fastest"}, "objective: must be one of participation_first, "),
        ({k: v for k, v in GOOD.items() if k != "objective"}, "objective: missing"),
        ({k: v for k, v in GOOD.items() if k != "pairs"}, "pairs: missing"),
        ({**GOOD, "mentees": {"id": "amira"}}, "mentees: must be a list, got dict"),
        ({**GOOD, "mentees": [{"name": "amira"}]}, "mentees[0].id: missing"),
        ({**GOOD, "pairs": [{"mentee": "amira", "mentor": "m1"}]}, "pairs[0].score: missing"),
        ([1, 2], "instance: must be a JSON object, got list"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(tmp_path, instance, message):
    with pytest.raises(CommandError) as error:
        run(tmp_path, instance)
    assert message in str(error.value)
    assert not (tmp_path / "out.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.json"]


def test_malformed_json_and_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"instance: not valid JSON \(Expecting"):
        run(tmp_path, None, raw='{"objective": ')
    assert not (tmp_path / "out.json").exists()
    with pytest.raises(CommandError, match="cannot read the instance"):
        call_command("match_file", str(tmp_path / "nope.json"), str(tmp_path / "out.json"))
    assert not (tmp_path / "out.json").exists()
