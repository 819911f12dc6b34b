"""The agreement API: same services and policy as the pages, errors named by field."""

# The fixtures are imported from agreement_fixtures; pytest passes them by name.
# ruff: noqa: F811

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.relationships.models import Signature
from tests.api.conftest import api_as, field_errors  # noqa: F401  (fixture)
from tests.relationships.agreement_fixtures import (  # noqa: F401  (fixtures)
    awaiting,
    draft,
    itt_programme,
    mentorship,
    signed,
)

pytestmark = pytest.mark.django_db


def rows(n=3):
    today = timezone.localdate()
    return [
        {
            "what": f"Aim {i}",
            "measure": "Observed twice",
            "by": (today + timedelta(days=40 * i)).isoformat(),
        }
        for i in range(1, n + 1)
    ]


def test_the_whole_journey(cast, api_as, mentorship):
    base = f"/mentorships/{mentorship.uuid}/agreement"
    mentor = api_as("mentor")
    assert mentor.get(base).status_code == 404
    response = mentor.post(base)
    assert response.status_code == 201
    body = response.json()
    assert body["mentorship"] == str(mentorship.uuid)
    assert body["current"]["status"] == "draft"
    assert body["current"]["objectives"] == []
    assert body["current"]["waiting_for"] == ["mentee", "mentor", "institution"]
    assert "## The mentor agrees" in body["current"]["text"]
    assert mentor.post(base).status_code == 422  # only one agreement

    bad = rows()
    bad[1]["measure"] = ""
    response = mentor.patch(f"{base}/draft", {"edit_version": 1, "objectives": bad})
    assert response.status_code == 422
    assert field_errors(response) == {
        "objectives.1.measure": ["Objective 2: say how it will be measured"]
    }
    bad = rows()
    bad[0]["by"] = "31/12/2030"
    response = mentor.patch(f"{base}/draft", {"edit_version": 1, "objectives": bad})
    assert field_errors(response) == {"objectives.0.by": ["Enter a date as YYYY-MM-DD"]}
    response = mentor.patch(f"{base}/draft", {"edit_version": 1, "objectives": rows(2)})
    assert field_errors(response) == {
        "objectives": ["Agree at least 3 objectives; there are 2 so far"]
    }

    response = mentor.patch(
        f"{base}/draft",
        {"edit_version": 1, "objectives": rows(), "meetings": {"place": "Room 4"}},
    )
    assert response.status_code == 200
    current = response.json()["current"]
    assert current["edit_version"] == 2
    assert current["meetings"]["place"] == "Room 4"
    response = api_as("mentee").patch(f"{base}/draft", {"edit_version": 1, "objectives": rows(4)})
    assert response.status_code == 422
    assert "Someone else changed this draft" in field_errors(response)[None][0]

    response = mentor.post(f"{base}/send")
    assert response.status_code == 200
    current = response.json()["current"]
    assert current["status"] == "awaiting_signatures"
    text_hash = current["text_hash"]

    mentee = api_as("mentee")
    response = mentee.post(f"{base}/sign", {"typed_name": "Tom Reyes", "text_hash": "0" * 64})
    assert field_errors(response) == {
        "text_hash": [
            "This agreement changed after you opened it; read the new version before signing"
        ]
    }
    response = mentee.post(f"{base}/sign", {"typed_name": "Tim", "text_hash": text_hash})
    assert field_errors(response) == {
        "typed_name": ["Type your full name as it appears here: Tom Reyes"]
    }
    with system_access():
        assert not Signature.objects.exists()
    response = mentee.post(f"{base}/sign", {"typed_name": "tom reyes", "text_hash": text_hash})
    assert response.status_code == 200
    current = response.json()["current"]
    assert [s["party"] for s in current["signatures"]] == ["mentee"]
    assert current["signatures"][0]["person"]["name"] == "Tom Reyes"
    assert current["waiting_for"] == ["mentor", "institution"]
    assert (
        mentee.post(f"{base}/sign", {"typed_name": "Tom Reyes", "text_hash": text_hash}).status_code
        == 422
    )
    assert (
        api_as("tutor")
        .post(f"{base}/sign", {"typed_name": "Tariq Hussain", "text_hash": text_hash})
        .status_code
        == 403
    )
    mentor.post(f"{base}/sign", {"typed_name": "Mina Patel", "text_hash": text_hash})
    response = api_as("coordinator").post(
        f"{base}/sign", {"typed_name": "Cora Coleman", "text_hash": text_hash}
    )
    body = response.json()
    assert body["current"]["status"] == "signed"
    assert body["in_force"] == 1

    response = api_as("coordinator").post(f"{base}/amend", {"change_summary": "A new aim"})
    assert response.status_code == 201
    body = response.json()
    assert body["current"]["number"] == 2 and body["current"]["status"] == "draft"
    assert body["in_force"] == 1
    assert [v["number"] for v in body["versions"]] == [1, 2]
    first = mentor.get(f"{base}/versions/1").json()
    assert first["status"] == "signed" and first["text_hash"] == text_hash
    assert len(first["signatures"]) == 3
    assert mentor.get(f"{base}/versions/3").status_code == 404


@pytest.mark.parametrize("who", ["line_manager", "partner_coordinator", "outsider_coordinator"])
def test_invisible_outside_the_programme(cast, api_as, mentorship, signed, who):
    base = f"/mentorships/{mentorship.uuid}/agreement"
    client = api_as(who)
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/versions/1").status_code == 404
    assert client.post(f"{base}/amend", {}).status_code == 404


def test_read_only_staff(cast, api_as, mentorship, draft):
    base = f"/mentorships/{mentorship.uuid}/agreement"
    tutor = api_as("tutor")
    assert tutor.get(base).status_code == 200
    assert (
        tutor.patch(f"{base}/draft", {"edit_version": 1, "objectives": rows()}).status_code == 403
    )
    assert tutor.post(f"{base}/send").status_code == 403


def test_anonymous(api_as, mentorship):
    assert api_as(None).get(f"/mentorships/{mentorship.uuid}/agreement").status_code == 401


def test_unknown_fields_are_refused(cast, api_as, mentorship, awaiting):
    response = api_as("mentee").post(
        f"/mentorships/{mentorship.uuid}/agreement/sign",
        {"typed_name": "Tom Reyes", "text_hash": awaiting.text_hash, "party": "mentor"},
    )
    assert field_errors(response) == {"party": ["This field is not accepted here"]}
