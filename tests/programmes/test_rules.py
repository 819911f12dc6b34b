"""Checking programme rules field by field, and saying them in plain English."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tandem.programmes import rules


def row(**kw):
    return {"period": "half_term", "kind": "discussion", "minimum": 3, "periods": [], **kw}


def problems(rows):
    return dict(rules.contact_rule_problems(rows))


def test_a_sound_table_has_no_problems():
    assert problems([row(), row(kind="observation", minimum=1), row(period="year")]) == {}


@pytest.mark.parametrize("minimum", [-1, 51, "3", 2.5, True, None])
def test_minimum_must_be_a_whole_number_from_0_to_50(minimum):
    found = problems([row(), row(kind="observation", minimum=minimum)])
    assert found == {
        "contact_rules.1.minimum": (
            "Contact table row 2: minimum must be a whole number from 0 to 50"
        )
    }


def test_unknown_period_kind_and_field_are_named():
    found = problems([row(period="fortnight", kind="chat", colour="red")])
    assert found["contact_rules.0.period"].startswith("Contact table row 1: period must be one of")
    assert "half_term" in found["contact_rules.0.period"]
    assert found["contact_rules.0.kind"].startswith("Contact table row 1: kind must be one of")
    assert found["contact_rules.0.colour"] == (
        "Contact table row 1: 'colour' is not a field of a contact rule"
    )


@pytest.mark.parametrize(
    ("period", "positions", "message"),
    [
        ("half_term", [7], "each half-term must be a whole number from 1 to 6"),
        ("term", [0], "each term must be a whole number from 1 to 3"),
        ("month", [13], "each month must be a whole number from 1 to 12"),
        ("half_term", [2, 2], "a half-term is listed twice"),
        ("year", [2], "a yearly rule takes no positions"),
        ("term", "1", "periods must be a list of positions in the year (empty means every one)"),
    ],
)
def test_positions_must_fit_the_period(period, positions, message):
    found = problems([row(period=period, periods=positions)])
    assert found == {"contact_rules.0.periods": f"Contact table row 1: {message}"}


def test_two_rows_setting_the_same_minimum_are_refused():
    found = problems([row(periods=[1, 2]), row(periods=[2, 3], minimum=1)])
    assert found == {
        "contact_rules.1": "Contact table row 2 repeats row 1: both set the minimum "
        "discussions for half-term 2"
    }
    assert problems([row(periods=[1]), row(periods=[2])]) == {}


def test_the_table_must_be_a_list_of_objects():
    assert problems("3 a term") == {"contact_rules": "Contact table must be a list of rows"}
    assert "must be an object" in problems([3])["contact_rules.0"]


def test_documents_are_known_codes_listed_once():
    assert rules.document_problems(["agreement", "development_plan"]) == []
    found = dict(rules.document_problems(["agreement", "passport", "agreement"]))
    assert found["required_documents.1"].startswith(
        "Required documents: 'passport' is not a document Tandem knows"
    )
    assert found["required_documents"] == "Required documents: a document is listed twice"


@pytest.mark.parametrize("due", ["13-01", "02-30", "1-31", "01/31", "", None, "aa-bb"])
def test_report_due_is_a_real_day_as_mm_dd(due):
    found = dict(rules.report_problems([{"name": "Review", "due": due, "recipients": ["tutor"]}]))
    assert found == {
        "report_schedule.0.due": "Report schedule row 1: due must be a day of the year as "
        "MM-DD, for example 01-31"
    }


def test_29_february_is_a_day_of_the_year():
    assert rules.parse_due("02-29") == (2, 29)


def test_report_recipients_and_names():
    found = dict(
        rules.report_problems(
            [
                {"name": "Review", "due": "01-31", "recipients": []},
                {"name": "review ", "due": "04-30", "recipients": ["governor"]},
                {"name": "", "due": "04-30", "recipients": ["tutor", "tutor"]},
            ]
        )
    )
    assert found["report_schedule.0.recipients"].startswith(
        "Report schedule row 1: recipients must be one or more of"
    )
    assert found["report_schedule.1.name"] == "Report schedule row 2: row 1 already has this name"
    assert "report_schedule.1.recipients" in found
    assert found["report_schedule.2.name"].startswith("Report schedule row 3: name the report")
    assert found["report_schedule.2.recipients"] == (
        "Report schedule row 3: a recipient is listed twice"
    )


def test_check_raises_one_error_naming_every_field():
    with pytest.raises(ValidationError) as caught:
        rules.check(
            contact_rules=[row(minimum=99)],
            required_documents=["passport"],
            report_schedule=[{"name": "R", "due": "99-99", "recipients": ["tutor"]}],
        )
    assert set(caught.value.message_dict) == {
        "contact_rules.0.minimum",
        "required_documents.0",
        "report_schedule.0.due",
    }


def test_rules_in_plain_english():
    assert rules.describe_contact_rules(
        [row(), row(kind="observation", minimum=1), row(kind="report", minimum=1)]
    ) == ["Per half-term: 3 discussions, 1 observation and 1 report"]
    assert rules.describe_contact_rules([row(period="term", periods=[1, 2], minimum=1)]) == [
        "Terms 1 and 2: 1 discussion"
    ]
    assert rules.describe_contact_rules([row(periods=[2, 3, 4, 6], label="after settling in")]) == [
        "Half-terms 2 to 4 and 6 (after settling in): 3 discussions"
    ]
    assert rules.describe_contact_rules([row(period="month", periods=[1, 2])]) == [
        "In September and October: 3 discussions"
    ]
    assert rules.describe_contact_rules([row(period="year", kind="observation", minimum=0)]) == [
        "Each year: no minimum"
    ]
    assert rules.describe_report_schedule(
        [{"name": "Initial review", "due": "11-30", "recipients": ["tutor", "coordinator"]}]
    ) == [
        "Initial review by 30 November, to the personal tutor and course leader and "
        "programme coordinator"
    ]
    assert rules.describe_documents(["agreement"]) == ["Signed mentoring agreement"]


def test_normalising_sorts_positions_and_fills_optional_keys():
    assert rules.normalise_contact_rules(
        [{"period": "half_term", "kind": "report", "minimum": 1, "periods": [4, 2]}]
    ) == [{"period": "half_term", "kind": "report", "minimum": 1, "periods": [2, 4], "label": ""}]
    assert rules.recipients_of(
        [{"recipients": ["mentee", "tutor"]}, {"recipients": ["tutor"]}]
    ) == ["tutor", "mentee"]
