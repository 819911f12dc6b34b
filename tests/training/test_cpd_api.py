"""The CPD record and manual entries in the API: same rules as the pages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tandem.api import services
from tandem.core.tenancy import system_access
from tandem.training.models import CPDEntry
from tests.api.conftest import ApiClient, field_errors
from tests.relationships.plan_fixtures import make_mentorship
from tests.training.test_cpd import TOPICS, at, entry, meeting


@pytest.fixture
def api_of(cast):
    """``api_of("coordinator")`` → an API client with a fresh token of that cast member."""

    def _api_of(name: str) -> ApiClient:
        if name == "anonymous":
            return ApiClient(Client())
        _, raw = services.create_token(cast.actor(name), name=f"{name} token")
        return ApiClient(Client(), raw)

    return _api_of


@pytest.fixture
def record(cast):
    pair = make_mentorship(cast, "own")
    meeting(pair, at(2025, 11, 1, 10, 0), minutes=90)
    return entry(cast.mentor, cast.riverside, date(2025, 10, 1), "2", "training", "Conference")


def test_a_persons_record(cast, api_of, record):
    response = api_of("coordinator").get(f"/people/{cast.mentor.uuid}/cpd", year=2025)
    assert response.status_code == 200
    body = response.json()
    assert body["label"] == "2025/26"
    assert body["starts_on"] == "2025-08-01" and body["ends_on"] == "2026-07-31"
    assert [(r["source"], r["hours"]) for r in body["rows"]] == [
        ("meeting", "1.50"),
        ("manual", "2.00"),
    ]
    assert body["rows"][1]["entry"] == str(record.uuid)
    assert body["totals"]["total"] == "3.50" and body["totals"]["target"] == 30
    assert TOPICS not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentor", 200),
        ("coordinator", 200),
        ("mentee", 404),
        ("line_manager", 404),
        ("partner_coordinator", 404),
        ("stranger", 404),
        ("anonymous", 401),
    ],
)
def test_who_reads_a_record(cast, api_of, record, who, status):
    assert api_of(who).get(f"/people/{cast.mentor.uuid}/cpd").status_code == status


def test_a_bad_year_names_the_field(cast, api_of):
    response = api_of("mentor").get(f"/people/{cast.mentor.uuid}/cpd", year=1850)
    assert response.status_code == 422
    assert "year" in field_errors(response)


def test_add_change_and_delete_an_entry(cast, api_of):
    api = api_of("mentor")
    response = api.post(
        "/cpd-entries",
        {"on": "2025-10-01", "activity": "other", "hours": "1.25", "title": "Reading"},
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["hours"] == "1.25" and made["organisation"]["name"] == "Riverside College"
    url = f"/cpd-entries/{made['uuid']}"
    assert api.patch(url, {"hours": "2"}).json()["hours"] == "2.00"
    # The line manager sees nothing of the mentor's; a coordinator may change it.
    assert api_of("line_manager").get(url).status_code == 404
    assert api_of("coordinator").patch(url, {"title": "Reading, chapter 1"}).status_code == 200
    listed = api.get("/cpd-entries", year=2025).json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "Reading, chapter 1"
    assert api.delete(url).status_code == 204
    with system_access():
        assert not CPDEntry.objects.exists()


def test_read_only_is_403(cast, api_of):
    made = entry(cast.mentee, cast.riverside, date(2025, 10, 1), "1")
    url = f"/cpd-entries/{made.uuid}"
    lm = api_of("line_manager")
    assert lm.get(url).status_code == 200
    assert lm.patch(url, {"hours": "2"}).status_code == 403
    assert lm.delete(url).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "24.01"}, "hours"),
        ({"hours": "1.234"}, "hours"),
        ({"on": (timezone.localdate() + timedelta(days=2)).isoformat()}, "on"),
        ({"title": " "}, "title"),
        ({"activity": "golf"}, "activity"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_422_naming_the_field(cast, api_of, change, field):
    body = {"on": "2025-10-01", "activity": "other", "hours": "1", "title": "Reading", **change}
    response = api_of("mentor").post("/cpd-entries", body)
    assert response.status_code == 422
    assert field in field_errors(response)
    with system_access():
        assert not CPDEntry.objects.exists()


def test_entries_for_others(cast, api_of):
    body = {"on": "2025-10-01", "activity": "other", "hours": "1", "title": "Workshop"}
    ok = api_of("coordinator").post("/cpd-entries", {**body, "person": str(cast.mentor.uuid)})
    assert ok.status_code == 201
    assert ok.json()["person"]["name"] == "Mina Patel"
    refused = api_of("partner_coordinator").post(
        "/cpd-entries", {**body, "person": str(cast.mentor.uuid)}
    )
    assert refused.status_code == 404
    wrong = api_of("mentor").post(
        "/cpd-entries", {**body, "organisation": str(cast.eastfield.uuid)}
    )
    assert wrong.status_code == 422 and "organisation" in field_errors(wrong)


def test_evidence_upload(cast, api_of, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    made = entry(cast.mentor, cast.riverside, date(2025, 10, 1), "1")
    api = api_of("mentor")
    url = f"/api/v1/cpd-entries/{made.uuid}/evidence"
    headers = api._headers()
    good = SimpleUploadedFile("notes.txt", b"What I learned", "text/plain")
    response = api.client.post(url, {"evidence": good}, **headers)
    assert response.status_code == 200, response.content
    assert response.json()["evidence_name"] == "notes.txt"
    assert response.json()["evidence_url"].endswith("/evidence/")
    bad = SimpleUploadedFile("notes.exe", b"MZ", "application/octet-stream")
    response = api.client.post(url, {"evidence": bad}, **headers)
    assert response.status_code == 422 and "evidence" in field_errors(response)
    made.refresh_from_db()
    assert made.evidence_name == "notes.txt" and made.hours == Decimal("1.00")
