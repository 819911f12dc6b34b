"""The endpoints do what the web interface does, paginate, and describe themselves."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tandem.organisations.models import LineManagement, Membership, Person
from tests import factories as f


def _codes() -> list[str]:
    with system_access():
        return list(AuditEvent.objects.order_by("id").values_list("code", flat=True))


def _walk(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [kv for k, v in value.items() for kv in _walk(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [kv for v in value for kv in _walk(v, path + "[]")]
    return [(path, value)]


# --- pagination -----------------------------------------------------------------------


@pytest.fixture
def crowd(cast):
    """120 more mentees at Riverside, so the people list spans pages."""
    with system_access():
        for n in range(120):
            person = f.PersonFactory(given_name=f"Crowd{n:03d}", family_name=f"Member{n:03d}")
            f.MembershipFactory(person=person, organisation=cast.riverside, role="mentee")
    return 126


def test_people_list_paginates(cast, api_as, crowd):
    api = api_as("coordinator")
    path = f"/organisations/{cast.riverside.uuid}/people"
    first = api.get(path).json()
    assert first["count"] == crowd
    assert len(first["items"]) == 50  # the default page

    seen: list[str] = []
    for offset in range(0, crowd, 100):
        page = api.get(path, limit=100, offset=offset).json()
        assert page["count"] == crowd
        seen += [p["uuid"] for p in page["items"]]
    assert len(seen) == len(set(seen)) == crowd

    names = [(p["family_name"], p["given_name"]) for p in api.get(path, limit=100).json()["items"]]
    assert names == sorted(names)
    assert api.get(path, offset=1000).json() == {"count": crowd, "items": []}


def test_people_filters(cast, api_as, crowd):
    api = api_as("coordinator")
    path = f"/organisations/{cast.riverside.uuid}/people"
    body = api.get(path, q="crowd007").json()
    assert body["count"] == 1 and body["items"][0]["given_name"] == "Crowd007"
    body = api.get(path, role="tutor").json()
    assert [p["email"] for p in body["items"]] == ["tutor@riverside.example"]
    assert body["items"][0]["roles"] == ["tutor"]
    body = api.get(path, role="mentee", q="reyes").json()
    assert [p["given_name"] for p in body["items"]] == ["Tom"]
    assert api.get(path, q="nobody-like-this").json() == {"count": 0, "items": []}


# --- people, roles and line management ------------------------------------------------


def test_create_person_with_roles(cast, api_as):
    site = f.SiteFactory(organisation=cast.riverside, name="City campus")
    response = api_as("coordinator").post(
        f"/organisations/{cast.riverside.uuid}/people",
        {
            "given_name": " Ada ",
            "family_name": "Lovelace",
            "email": "Ada@Riverside.Example",
            "roles": ["mentor", "trainer"],
            "job_title": "Lecturer",
            "site": str(site.uuid),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["given_name"], body["email"]) == ("Ada", "ada@riverside.example")
    assert sorted(m["role"] for m in body["memberships"]) == ["mentor", "trainer"]
    assert {m["site"]["name"] for m in body["memberships"]} == {"City campus"}
    with system_access():
        person = Person.objects.get(uuid=body["uuid"])
        assert Membership.objects.current().filter(person=person).count() == 2
    assert _codes()[-1] == "organisations.person.created"


def test_non_coordinator_cannot_create_people(cast, api_as):
    response = api_as("tutor").post(
        f"/organisations/{cast.riverside.uuid}/people",
        {"given_name": "A", "family_name": "B", "email": "ab@example.org", "roles": ["mentee"]},
    )
    assert response.status_code == 403
    assert "coordinators" in response.json()["detail"]
    with system_access():
        assert not Person.objects.filter(email="ab@example.org").exists()


def test_person_detail_and_update(cast, api_as):
    api = api_as("coordinator")
    body = api.get(f"/people/{cast.mentee.uuid}").json()
    assert [m["role"] for m in body["memberships"]] == ["mentee"]
    assert [lm["manager"]["name"] for lm in body["line_managers"]] == ["Lena Morgan"]
    response = api.patch(f"/people/{cast.mentee.uuid}", {"job_title": "Trainee teacher"})
    assert response.status_code == 200
    assert response.json()["job_title"] == "Trainee teacher"
    assert response.json()["family_name"] == "Reyes"  # untouched fields stay
    assert _codes()[-1] == "organisations.person.updated"


def test_a_person_may_update_themselves(cast, api_as):
    response = api_as("mentor").patch(f"/people/{cast.mentor.uuid}", {"phone": "0161 000 0000"})
    assert response.status_code == 200
    assert response.json()["phone"] == "0161 000 0000"


def test_grant_and_end_a_role(cast, api_as):
    api = api_as("coordinator")
    granted = api.post(
        f"/people/{cast.mentor.uuid}/memberships",
        {"organisation": str(cast.riverside.uuid), "role": "trainer"},
    )
    assert granted.status_code == 201, granted.content
    membership = granted.json()
    assert (membership["role"], membership["is_current"]) == ("trainer", True)
    roles = api.get(f"/people/{cast.mentor.uuid}/memberships").json()
    assert sorted(m["role"] for m in roles["items"]) == ["mentor", "trainer"]

    ended = api.post(f"/memberships/{membership['uuid']}/end")  # no body: ends today
    assert ended.status_code == 200, ended.content
    assert ended.json()["ends_on"] == timezone.localdate().isoformat()
    assert ended.json()["is_current"] is False
    assert _codes()[-2:] == ["organisations.membership.granted", "organisations.membership.ended"]


def test_partnership_admin_cannot_grant_roles(cast, api_as):
    response = api_as("partnership_admin").post(
        f"/people/{cast.mentor.uuid}/memberships",
        {"organisation": str(cast.riverside.uuid), "role": "trainer"},
    )
    assert response.status_code == 403


def test_set_and_clear_line_manager(cast, api_as):
    api = api_as("coordinator")
    path = f"/organisations/{cast.riverside.uuid}/people/{cast.mentor.uuid}/line-manager"
    assert api.get(path).json() == {"manager": None, "starts_on": None}
    response = api.put(path, {"manager": str(cast.coordinator.uuid)})
    assert response.status_code == 200, response.content
    assert response.json()["manager"]["uuid"] == str(cast.coordinator.uuid)
    assert api.get(path).json()["manager"]["name"] == "Cora Coleman"
    cleared = api.delete(path)
    assert cleared.status_code == 200
    assert cleared.json() == {"manager": None, "starts_on": None}
    with system_access():
        assert not LineManagement.objects.current().filter(report=cast.mentor).exists()
    assert _codes()[-2:] == ["organisations.line_manager.set"] * 2


def test_line_manager_needs_a_coordinator(cast, api_as):
    path = f"/organisations/{cast.riverside.uuid}/people/{cast.mentee.uuid}/line-manager"
    response = api_as("line_manager").put(path, {"manager": str(cast.coordinator.uuid)})
    assert response.status_code == 403
    with system_access():
        link = LineManagement.objects.current().get(report=cast.mentee)
    assert link.manager == cast.line_manager


def test_partnership_admin_updates_partnership(cast, api_as):
    response = api_as("partnership_admin").patch(
        f"/partnerships/{cast.north.uuid}", {"description": "Colleges of the north"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "Colleges of the north"
    assert [o["name"] for o in body["organisations"]] == ["Northgate Training", "Riverside College"]


def test_no_integer_ids_leave_the_api(cast, api_as):
    api = api_as("partnership_admin")
    bodies = [
        api.get("/me").json(),
        api.get("/partnerships").json(),
        api.get(f"/partnerships/{cast.north.uuid}").json(),
        api.get(f"/organisations/{cast.riverside.uuid}").json(),
        api.get(f"/organisations/{cast.riverside.uuid}/people").json(),
        api.get(f"/people/{cast.mentee.uuid}").json(),
        api.get(f"/people/{cast.mentee.uuid}/memberships").json(),
    ]
    for body in bodies:
        for path, value in _walk(body):
            assert not path.endswith((".id", "_id", ".pk")), path
            if isinstance(value, int) and not isinstance(value, bool):
                assert path == ".count", path


# --- the description ------------------------------------------------------------------


def test_openapi_document(cast):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"] == "Tandem API"
    paths = spec["paths"]
    for path, methods in {
        "/api/v1/partnerships": {"get"},
        "/api/v1/partnerships/{uuid}": {"get", "patch"},
        "/api/v1/organisations": {"get"},
        "/api/v1/organisations/{uuid}": {"get", "patch"},
        "/api/v1/organisations/{uuid}/people": {"get", "post"},
        "/api/v1/people/{uuid}": {"get", "patch"},
        "/api/v1/people/{uuid}/memberships": {"get", "post"},
        "/api/v1/memberships/{uuid}": {"get"},
        "/api/v1/memberships/{uuid}/end": {"post"},
        "/api/v1/organisations/{uuid}/people/{person_uuid}/line-manager": {"get", "put", "delete"},
    }.items():
        assert methods <= set(paths[path]), path

    schemes = spec["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    # Checking a credential is open to anyone, as its public page is.
    public = {("/api/v1/credentials/verify", "post")}
    operation_ids = []
    for path, item in paths.items():
        for method, operation in item.items():
            operation_ids.append(operation["operationId"])
            assert operation["responses"], (path, method)
            if (path, method) in public:
                assert not operation.get("security"), (path, method)
                continue
            assert "401" in operation["responses"], (path, method)
            assert operation["security"], (path, method)
            for name in re.findall(r"{(\w+)}", path):
                assert any(
                    p["name"] == name and p["in"] == "path" and p["required"]
                    for p in operation["parameters"]
                ), (path, name)
    assert len(operation_ids) == len(set(operation_ids))

    # Every reference resolves inside the document.
    text = json.dumps(spec)
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text)):
        assert ref in spec["components"]["schemas"], ref
    # Lists are paginated, and documented so.
    listing = paths["/api/v1/organisations/{uuid}/people"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"limit", "offset", "q", "role"}


def test_docs_page_loads_with_local_assets(cast):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/openapi.json" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
