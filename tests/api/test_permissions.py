"""The policy through the API, as a matrix.

Each cast member (with a personal access token; anonymous with none) reads and
changes records in their own organisation, the partner organisation in the
same partnership, and an organisation of another partnership. The answers
must be exactly what tandem.core.policies says: 200, 403 (visible but
read-only), 404 (absent or invisible), 401 (no token).

Targets: partnership own = North, other = South (the partner organisation is
in North too). Organisation own = Riverside, partner = Northgate, other =
Eastfield. Person and membership: the mentee of each of those organisations.
"""

from __future__ import annotations

import pytest

from tandem.core.tenancy import system_access
from tandem.organisations.models import Membership, Organisation, Partnership, Person

# Cells are "read/change" ("people" and "roles" are read-only listings).
#   partnership: GET / PATCH      organisation: GET / PATCH
#   people: GET organisation's people list
#   person: GET / PATCH           membership: GET / POST …/end
#   roles: GET the person's memberships
MATRIX = """
actor                 resource      own       partner   other
coordinator           partnership   200/403   -         404/404
coordinator           organisation  200/200   200/403   404/404
coordinator           people        200       403       404
coordinator           person        200/200   404/404   404/404
coordinator           membership    200/200   404/404   404/404
coordinator           roles         200       404       404
mentor                partnership   200/403   -         404/404
mentor                organisation  200/403   200/403   404/404
mentor                people        403       403       404
mentor                person        404/404   404/404   404/404
mentor                membership    404/404   404/404   404/404
mentor                roles         404       404       404
mentee                partnership   200/403   -         404/404
mentee                organisation  200/403   200/403   404/404
mentee                people        403       403       404
mentee                person        200/200   404/404   404/404
mentee                membership    200/403   404/404   404/404
mentee                roles         200       404       404
line_manager          partnership   200/403   -         404/404
line_manager          organisation  200/403   200/403   404/404
line_manager          people        403       403       404
line_manager          person        200/403   404/404   404/404
line_manager          membership    200/403   404/404   404/404
line_manager          roles         200       404       404
partner_coordinator   partnership   200/403   -         404/404
partner_coordinator   organisation  200/403   200/200   404/404
partner_coordinator   people        403       200       404
partner_coordinator   person        404/404   200/200   404/404
partner_coordinator   membership    404/404   200/200   404/404
partner_coordinator   roles         404       200       404
outsider_coordinator  partnership   404/404   -         200/403
outsider_coordinator  organisation  404/404   404/404   200/200
outsider_coordinator  people        404       404       200
outsider_coordinator  person        404/404   404/404   200/200
outsider_coordinator  membership    404/404   404/404   200/200
outsider_coordinator  roles         404       404       200
partnership_admin     partnership   200/200   -         404/404
partnership_admin     organisation  200/200   200/200   404/404
partnership_admin     people        200       200       404
partnership_admin     person        200/403   200/403   404/404
partnership_admin     membership    200/403   200/403   404/404
partnership_admin     roles         200       200       404
stranger              partnership   404/404   -         404/404
stranger              organisation  404/404   404/404   404/404
stranger              people        404       404       404
stranger              person        404/404   404/404   404/404
stranger              membership    404/404   404/404   404/404
stranger              roles         404       404       404
anonymous             partnership   401/401   -         401/401
anonymous             organisation  401/401   401/401   401/401
anonymous             people        401       401       401
anonymous             person        401/401   401/401   401/401
anonymous             membership    401/401   401/401   401/401
anonymous             roles         401       401       401
"""

PLACES = ("own", "partner", "other")


def _cases() -> list:
    cases = []
    lines = [line.split() for line in MATRIX.strip().splitlines()[1:]]
    for actor, resource, *cells in lines:
        for place, cell in zip(PLACES, cells, strict=True):
            if cell == "-":
                continue
            read, _, change = cell.partition("/")
            cases.append(
                pytest.param(
                    actor, resource, place, "read", int(read), id=f"{actor}-{resource}-{place}-read"
                )
            )
            if change:
                cases.append(
                    pytest.param(
                        actor,
                        resource,
                        place,
                        "change",
                        int(change),
                        id=f"{actor}-{resource}-{place}-change",
                    )
                )
    return cases


CASES = _cases()


def test_matrix_covers_every_actor_resource_and_place():
    actors = {c.values[0] for c in CASES}
    assert len(actors) == 9
    resources = {c.values[1] for c in CASES}
    assert resources == {"partnership", "organisation", "people", "person", "membership", "roles"}
    assert len(CASES) == 9 * (2 * 2 + 3 * 2 + 3 + 3 * 2 + 3 * 2 + 3)


def _target(cast, resource, place):
    with system_access():
        if resource == "partnership":
            return {"own": cast.north, "other": cast.south}[place]
        organisation = {"own": cast.riverside, "partner": cast.northgate, "other": cast.eastfield}[
            place
        ]
        if resource in ("organisation", "people"):
            return organisation
        mentee = {
            "own": cast.mentee,
            "partner": cast.partner_mentee,
            "other": cast.outsider_mentee,
        }[place]
        if resource in ("person", "roles"):
            return mentee
        return Membership.objects.get(person=mentee, organisation=organisation)


def _call(api, resource, action, obj):
    if resource == "partnership":
        path = f"/partnerships/{obj.uuid}"
        return api.get(path) if action == "read" else api.patch(path, {"region": "Changed"})
    if resource == "organisation":
        path = f"/organisations/{obj.uuid}"
        return api.get(path) if action == "read" else api.patch(path, {"region": "Changed"})
    if resource == "people":
        return api.get(f"/organisations/{obj.uuid}/people")
    if resource == "person":
        path = f"/people/{obj.uuid}"
        return api.get(path) if action == "read" else api.patch(path, {"job_title": "Changed"})
    if resource == "roles":
        return api.get(f"/people/{obj.uuid}/memberships")
    if action == "read":
        return api.get(f"/memberships/{obj.uuid}")
    return api.post(f"/memberships/{obj.uuid}/end", {})


def _changed(resource, obj) -> bool:
    with system_access():
        if resource == "partnership":
            return Partnership.objects.get(pk=obj.pk).region == "Changed"
        if resource == "organisation":
            return Organisation.objects.get(pk=obj.pk).region == "Changed"
        if resource == "person":
            return Person.objects.get(pk=obj.pk).job_title == "Changed"
        return not Membership.objects.get(pk=obj.pk).is_current


@pytest.mark.parametrize(("actor", "resource", "place", "action", "expected"), CASES)
def test_api_follows_the_policy(cast, api_as, actor, resource, place, action, expected):
    obj = _target(cast, resource, place)
    response = _call(api_as(actor), resource, action, obj)
    assert response.status_code == expected, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if expected == 200:
        if resource in ("people", "roles"):
            assert body["count"] >= 1 and body["items"]
        else:
            assert body["uuid"] == str(obj.uuid)
    else:
        assert body["detail"]
    if action == "change":
        # Refused changes leave nothing behind; allowed ones land.
        assert _changed(resource, obj) is (expected == 200)


LISTS = {
    # actor: (partnerships, organisations)
    "coordinator": (["North"], ["Northgate", "Riverside"]),
    "mentee": (["North"], ["Northgate", "Riverside"]),
    "partner_coordinator": (["North"], ["Northgate", "Riverside"]),
    "outsider_coordinator": (["South"], ["Eastfield"]),
    "partnership_admin": (["North"], ["Northgate", "Riverside"]),
    "stranger": ([], []),
}


@pytest.mark.parametrize("actor", sorted(LISTS))
def test_lists_hold_exactly_what_the_actor_may_see(cast, api_as, actor):
    api = api_as(actor)
    partnerships, organisations = LISTS[actor]
    body = api.get("/partnerships").json()
    assert [p["name"].split()[0] for p in body["items"]] == partnerships
    assert body["count"] == len(partnerships)
    body = api.get("/organisations").json()
    assert [o["name"].split()[0] for o in body["items"]] == organisations
    assert body["count"] == len(organisations)


def test_people_list_never_includes_another_organisation(cast, api_as):
    body = api_as("coordinator").get(f"/organisations/{cast.riverside.uuid}/people").json()
    emails = {p["email"] for p in body["items"]}
    assert body["count"] == 6
    assert all(e.endswith("@riverside.example") for e in emails)


def test_memberships_list_is_narrowed_by_the_policy(cast, api_as):
    """The line manager sees their report's role here, nothing of other organisations."""
    with system_access():
        Membership.objects.create(person=cast.mentee, organisation=cast.eastfield, role="mentee")
    mine = api_as("line_manager").get(f"/people/{cast.mentee.uuid}/memberships").json()
    assert [m["organisation"]["name"] for m in mine["items"]] == ["Riverside College"]
    outsider = api_as("outsider_coordinator").get(f"/people/{cast.mentee.uuid}/memberships")
    assert outsider.status_code == 200
    assert [m["organisation"]["name"] for m in outsider.json()["items"]] == [
        "Eastfield Adult Learning"
    ]
