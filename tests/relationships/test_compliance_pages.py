"""The coordinator's compliance view, a relationship's compliance page, the partnership's figures,
and the same through the API: who sees what (200/403/404), filters, and a query count that does
not grow with the number of relationships."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.core.roles import Role
from tests.relationships import compliance_fixtures as cf

pytestmark = pytest.mark.django_db

MONTHLY = [{"period": "month", "kind": "discussion", "minimum": 1}]


def org_url(organisation: Any) -> str:
    return reverse("relationships:organisation_compliance", kwargs={"uuid": organisation.uuid})


def mentorship_url(m: Any) -> str:
    return reverse("relationships:mentorship_compliance", kwargs={"uuid": m.uuid})


@pytest.fixture
def scene(cast: Any) -> dict[str, Any]:
    """At Riverside: one overdue relationship (no meeting for 70 days), one on track; at
    Eastfield: one overdue relationship."""
    today = timezone.localdate()
    prog = cf.programme(cast.riverside, MONTHLY)
    late = cf.mentorship(cast.mentee, cast.mentor, prog, starts_on=today - timedelta(days=70))
    keen = cf.person(cast.riverside, Role.MENTEE, "Kim", "Keen")
    fine = cf.mentorship(keen, cast.mentor, prog, starts_on=today.replace(day=1))
    cf.meeting(fine, today)
    cf.signed_agreement(fine)
    mentor_e = cf.person(cast.eastfield, Role.MENTOR, "Eve", "East")
    other = cf.mentorship(
        cast.outsider_mentee,
        mentor_e,
        cf.programme(cast.eastfield, MONTHLY),
        starts_on=today - timedelta(days=70),
    )
    return {"late": late, "fine": fine, "other": other, "programme": prog}


# --- the organisation's view -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("tutor", 200),
        ("mentor", 403),
        ("line_manager", 403),
        ("partner_coordinator", 403),  # sees Riverside as a partner, not its relationships
        ("outsider_coordinator", 404),
        ("stranger", 404),
    ],
)
def test_who_sees_the_organisation_view(
    cast: Any, scene: Any, login: Any, who: str, status: int
) -> None:
    assert login(getattr(cast, who)).get(org_url(cast.riverside)).status_code == status


def test_the_view_lists_the_organisation_s_relationships_with_counts(
    cast: Any, scene: Any, login: Any
) -> None:
    response = login(cast.coordinator).get(org_url(cast.riverside))
    html = response.content.decode()
    assert response.context["counts"] == {
        "active": 2,
        "at_risk": 1,
        "overdue": 1,
        "due": 0,
        "on_track": 1,
    }
    rows = [r.mentorship for r in response.context["page"].object_list]
    assert rows == [scene["late"], scene["fine"]]  # the most behind first
    assert "Tom Reyes" in html and "Kim Keen" in html
    assert "Outsider Mentee" not in html
    assert "No meeting held since the start" in html
    assert html.count("<h1") == 1


def test_filters(cast: Any, scene: Any, login: Any) -> None:
    client = login(cast.coordinator)

    def names(query: dict[str, str]) -> list[str]:
        response = client.get(org_url(cast.riverside), query)
        assert response.status_code == 200
        return [str(r.mentorship.mentee) for r in response.context["page"].object_list]

    assert names({"standing": "overdue"}) == ["Tom Reyes"]
    assert names({"standing": "on_track"}) == ["Kim Keen"]
    assert names({"standing": "due"}) == []
    assert names({"at_risk": "on"}) == ["Tom Reyes"]
    assert names({"q": "keen"}) == ["Kim Keen"]
    assert names({"q": "mina patel"}) == ["Tom Reyes", "Kim Keen"]
    assert names({"programme": str(scene["programme"].uuid)}) == ["Tom Reyes", "Kim Keen"]


def test_a_bad_filter_is_named_and_the_list_still_shows(cast: Any, scene: Any, login: Any) -> None:
    response = login(cast.coordinator).get(
        org_url(cast.riverside), {"standing": "sideways", "programme": "nonsense"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose a status from the list" in html
    assert "Choose a programme from the list" in html
    assert len(response.context["page"].object_list) == 2


def test_the_empty_state_says_what_happens_next(cast: Any, login: Any) -> None:
    html = login(cast.coordinator).get(org_url(cast.riverside)).content.decode()
    assert "has no active relationships yet" in html


def test_staff_compliance_opens_the_organisation_the_user_works_in(cast: Any, login: Any) -> None:
    response = login(cast.tutor).get(reverse("relationships:staff_compliance"))
    assert response.status_code == 302
    assert response.url == org_url(cast.riverside)
    assert login(cast.mentor).get(reverse("relationships:staff_compliance")).status_code == 403


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_number_of_relationships(
    cast: Any, login: Any
) -> None:
    today = timezone.localdate()
    prog = cf.programme(cast.riverside, MONTHLY)
    group = cf.cohort(
        prog, cf.calendar(cast.riverside, "Local year", []), ends_on=today + timedelta(days=200)
    )
    partner_mentor = cf.person(cast.northgate, Role.MENTOR, "Nadia", "Brook")

    def add(n: int, start: int) -> None:
        for i, mentee in enumerate(cf.mentees(cast.riverside, n, family=f"Batch{start}")):
            mentor = partner_mentor if i % 3 == 0 else cast.mentor
            m = cf.mentorship(
                mentee,
                mentor,
                prog,
                starts_on=today - timedelta(days=40 + i),
                cohort=group if i % 2 else None,
            )
            if i % 2:
                cf.meeting(m, today - timedelta(days=i % 20))
                cf.observation(m, today - timedelta(days=1))
                cf.objective(m, today - timedelta(days=3))
            if i % 4 == 0:
                cf.signed_agreement(m)

    client = login(cast.coordinator)
    url = org_url(cast.riverside)
    add(3, 0)
    _queries(client, url)  # warm the session and caches
    few = _queries(client, url)
    add(27, 1)
    many = _queries(client, url)
    assert many == few, (few, many)
    assert few < 40
    filtered = _queries(client, url + "?standing=overdue&at_risk=on&q=batch1")
    assert filtered == few


def test_pages_of_fifty(cast: Any, login: Any) -> None:
    prog = cf.programme(cast.riverside, MONTHLY)
    today = timezone.localdate()
    for mentee in cf.mentees(cast.riverside, 51):
        cf.mentorship(mentee, cast.mentor, prog, starts_on=today)
    client = login(cast.coordinator)
    first = client.get(org_url(cast.riverside))
    assert len(first.context["page"].object_list) == 50
    second = client.get(org_url(cast.riverside), {"page": 2})
    assert len(second.context["page"].object_list) == 1


# --- one relationship ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mentor", 200),
        ("mentee", 200),
        ("coordinator", 200),
        ("tutor", 200),
        ("line_manager", 403),  # sees that mentoring happens, not how it measures up
        ("partner_coordinator", 404),
        ("outsider_coordinator", 404),
        ("stranger", 404),
    ],
)
def test_who_sees_a_relationship_s_compliance(
    cast: Any, scene: Any, login: Any, who: str, status: int
) -> None:
    assert login(getattr(cast, who)).get(mentorship_url(scene["late"])).status_code == status


def test_a_relationship_s_page_lists_every_period(cast: Any, scene: Any, login: Any) -> None:
    response = login(cast.mentee).get(mentorship_url(scene["late"]))
    html = response.content.decode()
    c = response.context["compliance"]
    assert len(c.requirements) >= 3  # months since the start, 70 days ago
    assert "Overdue" in html
    assert "This relationship is at risk" in html
    for r in c.requirements:
        assert r.period.title in html


# --- the partnership's figures ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("partnership_admin", 200), ("coordinator", 403), ("outsider_coordinator", 404)],
)
def test_who_sees_the_partnership_figures(
    cast: Any, scene: Any, login: Any, who: str, status: int
) -> None:
    url = reverse("relationships:partnership_compliance", kwargs={"uuid": cast.north.uuid})
    assert login(getattr(cast, who)).get(url).status_code == status


def test_the_partnership_figures_count_each_member_and_name_nobody(
    cast: Any, scene: Any, login: Any
) -> None:
    url = reverse("relationships:partnership_compliance", kwargs={"uuid": cast.north.uuid})
    response = login(cast.partnership_admin).get(url)
    figures = {row.organisation.name: row for row in response.context["figures"]}
    assert set(figures) == {"Riverside College", "Northgate Training"}
    riverside = figures["Riverside College"]
    assert (riverside.active, riverside.overdue, riverside.on_track, riverside.at_risk) == (
        2,
        1,
        1,
        1,
    )
    assert figures["Northgate Training"].active == 0
    html = response.content.decode()
    assert "Tom Reyes" not in html and "Eastfield" not in html


# --- the API ---------------------------------------------------------------------------------


def test_api_organisation_compliance(cast: Any, scene: Any, api_as: Any) -> None:
    path = f"/organisations/{cast.riverside.uuid}/compliance"
    response = api_as("coordinator").get(path)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["mentorship"]["uuid"] == str(scene["late"].uuid)
    assert first["standing"] == "overdue"
    assert first["at_risk"] is True
    assert first["at_risk_reasons"]
    overdue = api_as("tutor").get(path, standing="overdue").json()
    assert [i["mentorship"]["mentee"]["name"] for i in overdue["items"]] == ["Tom Reyes"]
    assert api_as("coordinator").get(path, limit=1).json()["count"] == 2


def test_api_organisation_compliance_refuses_and_names_bad_input(
    cast: Any, scene: Any, api_as: Any
) -> None:
    path = f"/organisations/{cast.riverside.uuid}/compliance"
    assert api_as("mentor").get(path).status_code == 403
    assert api_as("outsider_coordinator").get(path).status_code == 404
    assert api_as(None).get(path).status_code == 401
    bad = api_as("coordinator").get(path, standing="sideways")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "standing"
    other_programme = api_as("coordinator").get(path, programme=str(scene["other"].programme.uuid))
    assert other_programme.status_code == 422
    assert other_programme.json()["errors"] == [
        {"field": "programme", "message": "No programme with this id at Riverside College"}
    ]


def test_api_mentorship_compliance(cast: Any, scene: Any, api_as: Any) -> None:
    path = f"/mentorships/{scene['late'].uuid}/compliance"
    body = api_as("mentor").get(path).json()
    assert body["standing"] == "overdue"
    assert body["requirements"][0]["status"] == "overdue"
    assert body["requirements"][0]["period"]["kind"] == "month"
    assert api_as("line_manager").get(path).status_code == 403
    assert api_as("outsider_coordinator").get(path).status_code == 404
    missing = "/mentorships/00000000-0000-0000-0000-000000000000/compliance"
    assert api_as("mentor").get(missing).status_code == 404


def test_api_partnership_compliance(cast: Any, scene: Any, api_as: Any) -> None:
    path = f"/partnerships/{cast.north.uuid}/compliance"
    body = api_as("partnership_admin").get(path).json()
    by_name = {i["organisation"]["name"]: i for i in body["items"]}
    assert by_name["Riverside College"]["overdue"] == 1
    assert api_as("coordinator").get(path).status_code == 403
