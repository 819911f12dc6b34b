"""Bad input gets JSON naming the field and the problem; nothing is half-written."""

from __future__ import annotations

import pytest

from tandem.core.tenancy import system_access
from tandem.organisations.models import LineManagement, Membership, Organisation, Person
from tests.api.conftest import field_errors


def _people_count() -> int:
    with system_access():
        return Person.objects.count()


@pytest.fixture
def coordinator(api_as):
    return api_as("coordinator")


def _new_person(**overrides):
    body = {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "email": "ada@riverside.example",
        "roles": ["mentor"],
    }
    body.update(overrides)
    return body


def test_duplicate_email_on_create(cast, coordinator):
    before = _people_count()
    response = coordinator.post(
        f"/organisations/{cast.riverside.uuid}/people",
        _new_person(email="  MENTOR@riverside.example "),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert "already in Tandem" in field_errors(response)["email"][0]
    assert _people_count() == before


def test_duplicate_email_on_update(cast, coordinator):
    from tests import factories as f

    with system_access():
        newcomer = f.PersonFactory(email="newcomer@riverside.example")
        f.MembershipFactory(person=newcomer, organisation=cast.riverside, role="mentee")
    response = coordinator.patch(f"/people/{newcomer.uuid}", {"email": cast.mentor.email})
    assert response.status_code == 422
    assert field_errors(response) == {"email": ["Someone else already uses this email address"]}
    with system_access():
        assert Person.objects.get(pk=newcomer.pk).email == "newcomer@riverside.example"


def test_email_of_someone_with_an_account_is_theirs_to_change(cast, coordinator):
    response = coordinator.patch(f"/people/{cast.mentee.uuid}", {"email": "new@example.org"})
    assert response.status_code == 422
    assert "only they can change it" in field_errors(response)["email"][0]
    with system_access():
        assert Person.objects.get(pk=cast.mentee.pk).email == "mentee@riverside.example"


def test_invalid_email_is_named(cast, coordinator):
    response = coordinator.patch(f"/people/{cast.mentee.uuid}", {"email": "not an email"})
    assert response.status_code == 422
    assert list(field_errors(response)) == ["email"]


def test_missing_fields_are_each_named(cast, coordinator):
    response = coordinator.post(f"/organisations/{cast.riverside.uuid}/people", {})
    assert response.status_code == 422
    errors = field_errors(response)
    assert set(errors) == {"given_name", "family_name", "email", "roles"}
    assert errors["email"] == ["This field is required"]


def test_no_roles_is_refused(cast, coordinator):
    response = coordinator.post(
        f"/organisations/{cast.riverside.uuid}/people", _new_person(roles=[])
    )
    assert response.status_code == 422
    assert field_errors(response) == {"roles": ["Choose at least one role"]}


def test_bad_role_when_creating(cast, coordinator):
    before = _people_count()
    response = coordinator.post(
        f"/organisations/{cast.riverside.uuid}/people", _new_person(roles=["mentor", "boss"])
    )
    assert response.status_code == 422
    errors = field_errors(response)
    assert list(errors) == ["roles.1"]
    assert "'mentee'" in errors["roles.1"][0]
    assert _people_count() == before


def test_bad_role_when_granting(cast, coordinator):
    response = coordinator.post(
        f"/people/{cast.mentor.uuid}/memberships",
        {"organisation": str(cast.riverside.uuid), "role": "boss"},
    )
    assert response.status_code == 422
    assert list(field_errors(response)) == ["role"]


def test_bad_role_filter(cast, coordinator):
    response = coordinator.get(f"/organisations/{cast.riverside.uuid}/people", role="boss")
    assert response.status_code == 422
    assert list(field_errors(response)) == ["role"]


def test_role_already_held(cast, coordinator):
    response = coordinator.post(
        f"/people/{cast.mentor.uuid}/memberships",
        {"organisation": str(cast.riverside.uuid), "role": "mentor"},
    )
    assert response.status_code == 422
    assert "already mentor here" in field_errors(response)["role"][0]


def test_granting_in_an_invisible_organisation_names_the_field(cast, coordinator):
    response = coordinator.post(
        f"/people/{cast.mentor.uuid}/memberships",
        {"organisation": str(cast.eastfield.uuid), "role": "mentor"},
    )
    assert response.status_code == 422
    assert list(field_errors(response)) == ["organisation"]
    with system_access():
        assert not Membership.objects.filter(person=cast.mentor, organisation=cast.eastfield)


def test_site_of_another_organisation_is_refused(cast, coordinator):
    from tests.factories import SiteFactory

    with system_access():
        elsewhere = SiteFactory(organisation=cast.northgate)
    response = coordinator.post(
        f"/organisations/{cast.riverside.uuid}/people", _new_person(site=str(elsewhere.uuid))
    )
    assert response.status_code == 422
    assert list(field_errors(response)) == ["site"]


def test_own_line_manager(cast, coordinator):
    response = coordinator.put(
        f"/organisations/{cast.riverside.uuid}/people/{cast.mentor.uuid}/line-manager",
        {"manager": str(cast.mentor.uuid)},
    )
    assert response.status_code == 422
    assert field_errors(response) == {"manager": ["A person cannot be their own line manager"]}


def test_line_management_cycle(cast, coordinator):
    # The line manager manages the mentee; the mentee cannot then manage the line manager.
    response = coordinator.put(
        f"/organisations/{cast.riverside.uuid}/people/{cast.line_manager.uuid}/line-manager",
        {"manager": str(cast.mentee.uuid)},
    )
    assert response.status_code == 422
    assert "loop" in field_errors(response)["manager"][0]
    with system_access():
        assert not LineManagement.objects.filter(report=cast.line_manager).exists()


def test_line_manager_who_is_not_visible(cast, coordinator):
    response = coordinator.put(
        f"/organisations/{cast.riverside.uuid}/people/{cast.mentor.uuid}/line-manager",
        {"manager": str(cast.outsider_coordinator.uuid)},
    )
    assert response.status_code == 422
    assert field_errors(response) == {"manager": ["No person with this id that you can see"]}


def test_role_cannot_end_before_it_started(cast, coordinator):
    with system_access():
        membership = Membership.objects.get(person=cast.mentee)
    response = coordinator.post(f"/memberships/{membership.uuid}/end", {"ends_on": "2000-01-01"})
    assert response.status_code == 422
    assert field_errors(response) == {"ends_on": ["The role cannot end before it started"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "castle"}, "kind"),
        ({"website": "not a url"}, "website"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"require_mfa_for_staff": "perhaps"}, "require_mfa_for_staff"),
        ({"regoin": "typo"}, "regoin"),
    ],
)
def test_organisation_update_errors_name_the_field(cast, coordinator, body, field):
    response = coordinator.patch(f"/organisations/{cast.riverside.uuid}", body)
    assert response.status_code == 422, response.content
    assert list(field_errors(response)) == [field]
    with system_access():
        organisation = Organisation.objects.get(pk=cast.riverside.pk)
    assert (organisation.name, organisation.kind, organisation.website) == (
        "Riverside College",
        "college",
        "",
    )


def test_organisation_name_taken(cast, coordinator):
    response = coordinator.patch(
        f"/organisations/{cast.riverside.uuid}", {"name": "Eastfield Adult Learning"}
    )
    assert response.status_code == 422
    assert list(field_errors(response)) == ["name"]


def test_malformed_json(cast, coordinator):
    response = coordinator.patch(f"/people/{cast.mentee.uuid}", raw="{not json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON"}


def test_body_that_is_not_an_object(cast, coordinator):
    response = coordinator.patch(f"/people/{cast.mentee.uuid}", raw='["a list"]')
    assert response.status_code == 422
    assert list(field_errors(response)) == [None]


@pytest.mark.parametrize(
    "path",
    ["/people/not-a-uuid", "/organisations/123", "/partnerships/%20", "/memberships/x/end"],
)
def test_invalid_uuid_in_path(cast, coordinator, path):
    response = coordinator.post(path, {}) if path.endswith("/end") else coordinator.get(path)
    assert response.status_code == 422
    assert list(field_errors(response)) == ["uuid"]


def test_unknown_uuid_is_404_json(cast, coordinator):
    response = coordinator.get("/people/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json() == {"detail": "No person found"}


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "many"}]
)
def test_bad_pagination(cast, coordinator, params):
    response = coordinator.get("/organisations", **params)
    assert response.status_code == 422
    assert list(field_errors(response)) == list(params)


def test_bad_date(cast, coordinator):
    with system_access():
        membership = Membership.objects.get(person=cast.mentee)
    response = coordinator.post(f"/memberships/{membership.uuid}/end", {"ends_on": "31/02/2030"})
    assert response.status_code == 422
    assert field_errors(response) == {"ends_on": ["Enter a date as YYYY-MM-DD"]}


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Not found")
