"""The programmes API: same services and policy as the pages; errors name their field."""

from __future__ import annotations

import pytest

from tandem.core.tenancy import system_access
from tandem.programmes.models import Programme
from tests.api.conftest import field_errors
from tests.programmes.conftest import ensure_templates, set_up


@pytest.fixture(autouse=True)
def _templates(db):
    ensure_templates()


def test_templates_are_listed_with_their_rules(cast, api_as):
    response = api_as("mentee").get("/programme-templates")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    placement = next(t for t in body["items"] if t["code"] == "itt-pre-service-placement")
    assert placement["contact_rules"][0] == {
        "period": "term",
        "kind": "discussion",
        "minimum": 3,
        "periods": [1],
        "label": "to the end of December",
    }
    assert placement["contact_rules_in_words"][0].startswith("Term 1 (to the end of December)")


def test_signing_in_is_required(cast, api_as):
    response = api_as(None).get("/programme-templates")
    assert response.status_code == 401
    assert api_as(None).get(f"/organisations/{cast.riverside.uuid}/programmes").status_code == 401


def test_listing_an_organisations_programmes(cast, api_as):
    programme, _, _ = set_up(cast.riverside)
    url = f"/organisations/{cast.riverside.uuid}/programmes"
    body = api_as("mentee").get(url).json()
    assert [p["uuid"] for p in body["items"]] == [str(programme.uuid)]
    assert body["items"][0]["template"] == "itt-pre-service-placement"
    assert api_as("partner_coordinator").get(url).status_code == 403
    assert api_as("outsider_coordinator").get(url).status_code == 404
    assert api_as("mentee").get(url, limit=101).status_code == 422


def test_creating_a_programme(cast, api_as):
    url = f"/organisations/{cast.riverside.uuid}/programmes"
    response = api_as("coordinator").post(
        url, {"template": "learning-support-staff", "name": "LSA mentoring"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "LSA mentoring" and body["version"] == 1
    assert body["organisation"]["uuid"] == str(cast.riverside.uuid)
    assert body["line_manager_reports"] is True
    again = api_as("coordinator").post(
        url, {"template": "learning-support-staff", "name": "LSA mentoring"}
    )
    assert again.status_code == 422
    assert field_errors(again) == {
        "name": ["Riverside College already has a programme called 'LSA mentoring'"]
    }
    unknown = api_as("coordinator").post(url, {"template": "knitting"})
    assert field_errors(unknown) == {
        "template": ["No template with this code; see GET /programme-templates"]
    }
    assert (
        api_as("coordinator").post(url, {"template": "new-managers", "colour": "red"}).status_code
        == 422
    )
    assert api_as("mentee").post(url, {"template": "new-managers"}).status_code == 403
    assert api_as("outsider_coordinator").post(url, {"template": "new-managers"}).status_code == 404


def test_partnership_programmes(cast, api_as):
    url = f"/partnerships/{cast.north.uuid}/programmes"
    created = api_as("partnership_admin").post(url, {"template": "new-managers"})
    assert created.status_code == 201
    assert created.json()["partnership"]["uuid"] == str(cast.north.uuid)
    assert api_as("coordinator").post(url, {"template": "new-managers"}).status_code == 403
    assert api_as("partner_coordinator").get(url).json()["count"] == 1
    assert api_as("outsider_coordinator").get(url).status_code == 404


def test_reading_and_changing_a_programme(cast, api_as):
    programme, _, _ = set_up(cast.riverside)
    url = f"/programmes/{programme.uuid}"
    got = api_as("mentee").get(url)
    assert got.status_code == 200
    assert got.json()["version"] == 1
    assert api_as("outsider_coordinator").get(url).status_code == 404
    assert api_as("partner_coordinator").get(url).status_code == 404

    changed = api_as("coordinator").patch(
        url,
        {
            "version": 1,
            "weight_subject": 6,
            "contact_rules": [{"period": "half_term", "kind": "discussion", "minimum": 2}],
            "report_schedule": [{"name": "Review", "due": "03-31", "recipients": ["tutor"]}],
            "observation_policy": "may_assess",
        },
    )
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert body["version"] == 2 and body["weight_subject"] == 6.0
    assert body["contact_rules_in_words"] == ["Per half-term: 2 discussions"]
    assert body["report_recipients"] == ["tutor"]
    assert body["observation_policy"] == "may_assess"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"weight_subject": -1}, "weight_subject", "Subject fit must not be negative, got -1.0"),
        (
            {
                "contact_rules": [
                    {"period": "term", "kind": "discussion", "minimum": 1},
                    {"period": "term", "kind": "report", "minimum": 99},
                ]
            },
            "contact_rules.1.minimum",
            "Contact table row 2: minimum must be a whole number from 0 to 50",
        ),
        (
            {"report_schedule": [{"name": "R", "due": "31-01", "recipients": ["tutor"]}]},
            "report_schedule.0.due",
            "Report schedule row 1: due must be a day of the year as MM-DD, for example 01-31",
        ),
        ({"mentor_hours_per_mentee": -5}, "mentor_hours_per_mentee", "Mentor hours must be"),
        ({"purpose": "fun"}, "purpose", None),
        ({"name": None}, "name", None),
    ],
)
def test_bad_changes_are_422_naming_the_field(cast, api_as, body, field, message):
    programme, _, _ = set_up(cast.riverside)
    response = api_as("coordinator").patch(f"/programmes/{programme.uuid}", {"version": 1} | body)
    assert response.status_code == 422
    errors = field_errors(response)
    assert field in errors, errors
    if message:
        assert errors[field][0].startswith(message)
    with system_access():
        assert Programme.objects.get(pk=programme.pk).version == 1


def test_all_zero_weights_are_refused(cast, api_as):
    programme, _, _ = set_up(cast.riverside)
    zeros = {name: 0 for name in Programme.WEIGHT_FIELDS}
    response = api_as("coordinator").patch(f"/programmes/{programme.uuid}", {"version": 1} | zeros)
    assert response.status_code == 422
    assert field_errors(response)["weight_subject"][0].startswith("All six weights are zero")


def test_version_is_required_and_a_stale_one_is_refused(cast, api_as):
    programme, _, _ = set_up(cast.riverside)
    url = f"/programmes/{programme.uuid}"
    client = api_as("coordinator")
    missing = client.patch(url, {"name": "No version"})
    assert missing.status_code == 422
    assert field_errors(missing) == {"version": ["This field is required"]}
    assert client.patch(url, {"version": 1, "name": "First"}).status_code == 200
    stale = client.patch(url, {"version": 1, "name": "Second"})
    assert stale.status_code == 422
    assert field_errors(stale)[None][0].startswith("Someone else saved this programme")


def test_read_only_people_get_403(cast, api_as):
    programme, _, cohort = set_up(cast.riverside)
    mentee = api_as("mentee")
    assert (
        mentee.patch(f"/programmes/{programme.uuid}", {"version": 1, "name": "x"}).status_code
        == 403
    )
    assert mentee.post(f"/programmes/{programme.uuid}/deactivate").status_code == 403
    assert mentee.patch(f"/cohorts/{cohort.uuid}", {"name": "x"}).status_code == 403


def test_closing_and_reopening(cast, api_as):
    programme, _, _ = set_up(cast.riverside)
    client = api_as("coordinator")
    assert client.post(f"/programmes/{programme.uuid}/deactivate").json()["is_active"] is False
    assert client.post(f"/programmes/{programme.uuid}/deactivate").status_code == 422
    assert client.post(f"/programmes/{programme.uuid}/reactivate").json()["is_active"] is True


def test_cohorts(cast, api_as):
    programme, calendar, cohort = set_up(cast.riverside)
    client = api_as("coordinator")
    url = f"/programmes/{programme.uuid}/cohorts"
    assert client.get(url).json()["count"] == 1
    created = client.post(
        url,
        {
            "name": "January starters",
            "calendar": str(calendar.uuid),
            "starts_on": "2027-01-04",
            "ends_on": "2027-07-22",
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "planned" and body["calendar"]["name"] == "2026/27"
    assert body["programme"]["uuid"] == str(programme.uuid)
    backwards = client.post(
        url,
        {
            "name": "Backwards",
            "calendar": str(calendar.uuid),
            "starts_on": "2027-01-04",
            "ends_on": "2026-12-01",
        },
    )
    assert field_errors(backwards) == {"ends_on": ["The cohort must end after the day it starts"]}
    bad_date = client.post(
        url,
        {
            "name": "X",
            "calendar": str(calendar.uuid),
            "starts_on": "4 Jan",
            "ends_on": "2027-07-01",
        },
    )
    assert bad_date.status_code == 422 and "starts_on" in field_errors(bad_date)
    assert (
        api_as("mentee")
        .post(
            url,
            {
                "name": "Mine",
                "calendar": str(calendar.uuid),
                "starts_on": "2027-01-04",
                "ends_on": "2027-07-22",
            },
        )
        .status_code
        == 403
    )
    assert api_as("mentee").get(f"/cohorts/{cohort.uuid}").status_code == 200
    assert api_as("outsider_coordinator").get(f"/cohorts/{cohort.uuid}").status_code == 404
    renamed = client.patch(f"/cohorts/{cohort.uuid}", {"name": "Renamed", "status": "closed"})
    assert renamed.json()["name"] == "Renamed" and renamed.json()["status"] == "closed"


def test_a_cohort_needs_its_organisations_calendar(cast, api_as):
    programme, _, _ = set_up(cast.riverside)
    _, partner_calendar, _ = set_up(cast.northgate)
    response = api_as("coordinator").post(
        f"/programmes/{programme.uuid}/cohorts",
        {
            "name": "Borrowed",
            "calendar": str(partner_calendar.uuid),
            "starts_on": "2027-01-04",
            "ends_on": "2027-07-22",
        },
    )
    assert field_errors(response) == {
        "calendar": ["No academic calendar with this id at Riverside College"]
    }


def test_calendars(cast, api_as):
    client = api_as("coordinator")
    url = f"/organisations/{cast.riverside.uuid}/calendars"
    created = client.post(url, {"start_year": 2027})
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "2027/28"
    assert [p["name"] for p in body["periods"]] == [
        "Autumn term",
        "Spring term",
        "Summer term",
        "Autumn 1",
        "Autumn 2",
        "Spring 1",
        "Spring 2",
        "Summer 1",
        "Summer 2",
    ]
    again = client.post(url, {"start_year": 2027})
    assert field_errors(again) == {
        "start_year": ["Riverside College already has a calendar for 2027/28"]
    }
    assert field_errors(client.post(url, {"start_year": 1066})).keys() == {"start_year"}
    assert client.get(url).json()["count"] == 1
    assert api_as("mentee").get(f"/calendars/{body['uuid']}").status_code == 200
    assert api_as("mentee").post(url, {"start_year": 2028}).status_code == 403
    assert api_as("outsider_coordinator").get(f"/calendars/{body['uuid']}").status_code == 404
    assert api_as("partner_coordinator").get(url).status_code == 403

    autumn1 = next(p for p in body["periods"] if p["name"] == "Autumn 1")
    period_url = f"/calendars/{body['uuid']}/periods/{autumn1['uuid']}"
    moved = client.patch(period_url, {"starts_on": "2027-09-01", "ends_on": "2027-10-24"})
    assert moved.status_code == 200 and moved.json()["ends_on"] == "2027-10-24"
    bad = client.patch(period_url, {"starts_on": "2027-09-01", "ends_on": "2027-08-01"})
    assert bad.status_code == 422 and "ends_on" in field_errors(bad)
    assert (
        api_as("mentee")
        .patch(period_url, {"starts_on": "2027-09-01", "ends_on": "2027-10-24"})
        .status_code
        == 403
    )
    other = client.post(url, {"start_year": 2028}).json()
    assert (
        client.patch(
            f"/calendars/{other['uuid']}/periods/{autumn1['uuid']}",
            {"starts_on": "2027-09-01", "ends_on": "2027-10-24"},
        ).status_code
        == 404
    )
