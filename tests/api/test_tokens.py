"""Personal access tokens: the pages, what is stored, and who the token acts as."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.api import services
from tandem.api.models import ApiToken, hash_token
from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tests.api.conftest import ApiClient


def _tokens(person=None):
    with system_access():
        qs = ApiToken.objects.all()
        if person is not None:
            qs = qs.filter(person=person)
        return list(qs)


def _events(code):
    with system_access():
        return list(AuditEvent.objects.filter(code=code))


def _create_on_page(client, name="Timetable sync", **extra):
    return client.post(reverse("api_tokens:new"), {"name": name, **extra})


# --- the pages ------------------------------------------------------------------------


def test_token_pages_need_sign_in(cast, client):
    for url in (reverse("api_tokens:list"), reverse("api_tokens:new")):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_list_page_starts_empty_and_offers_creation(cast, login):
    response = login(cast.mentor).get(reverse("api_tokens:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "You have no tokens yet" in html
    assert reverse("api_tokens:new") in html


def test_create_shows_the_token_once_and_stores_only_its_hash(cast, login):
    client = login(cast.mentor)
    response = _create_on_page(client)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = _tokens(cast.mentor)[0]
    html = response.content.decode()
    raw = html.split('id="raw-token" type="text" value="')[1].split('"')[0]
    assert raw.startswith("tdm_") and len(raw) > 40
    assert "Copy this token now" in html

    # Only the hash and the last four characters are kept.
    assert token.token_hash == hash_token(raw) != raw
    assert token.hint == raw[-4:]
    assert token.name == "Timetable sync"

    # The list shows it, without the token itself.
    listing = client.get(reverse("api_tokens:list")).content.decode()
    assert "Timetable sync" in listing and f"…{token.hint}" in listing and "Active" in listing
    assert raw not in listing

    # The audit trail records the creation, never the secret.
    (event,) = _events("api.token.created")
    assert event.object_uuid == token.uuid
    assert raw not in str(event.changes) and token.token_hash not in str(event.changes)

    # The token works, as its person.
    me = ApiClient(Client(), raw).get("/me")
    assert me.status_code == 200
    assert me.json()["person"]["uuid"] == str(cast.mentor.uuid)


def test_create_with_expiry_date(cast, login):
    expires = timezone.localdate() + timedelta(days=30)
    response = _create_on_page(
        login(cast.mentor),
        expires_on_0=expires.day,
        expires_on_1=expires.month,
        expires_on_2=expires.year,
    )
    assert response.status_code == 200
    assert _tokens(cast.mentor)[0].expires_on == expires


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter a name for the token"),
        ({"name": "x" * 101}, "name", "The name must be 100 characters or fewer"),
        (
            {"expires_on_0": "1", "expires_on_1": "1", "expires_on_2": "2020"},
            "expires_on",
            "The expiry date must be in the future",
        ),
        (
            {"expires_on_0": "31", "expires_on_1": "2", "expires_on_2": "2099"},
            "expires_on",
            "Expiry date must be a real date",
        ),
        (
            {"expires_on_0": "12", "expires_on_1": "5", "expires_on_2": ""},
            "expires_on",
            "Enter the year",
        ),
    ],
)
def test_bad_input_is_named_and_nothing_is_created(cast, login, data, field, message):
    response = login(cast.mentor).post(reverse("api_tokens:new"), {"name": "ok", **data})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert response.context["form"].has_error(field)
    assert _tokens() == []


def test_expiry_today_is_refused_by_the_service(cast):
    with pytest.raises(Exception) as info:
        services.create_token(cast.actor("mentor"), name="x", expires_on=timezone.localdate())
    assert "future" in str(info.value)


def test_account_without_person_cannot_create_tokens(db, client):
    from tests.factories import UserFactory

    user = UserFactory(username="nobody@example.org", email="nobody@example.org")
    client.force_login(user)
    listing = client.get(reverse("api_tokens:list"))
    assert listing.status_code == 200
    assert "not linked to a person record" in listing.content.decode()
    assert client.get(reverse("api_tokens:new")).status_code == 403
    assert client.post(reverse("api_tokens:new"), {"name": "x"}).status_code == 403
    assert _tokens() == []


# --- revoking -------------------------------------------------------------------------


def test_revoke_asks_for_confirmation_then_stops_the_token(cast, login):
    token, raw = services.create_token(cast.actor("mentor"), name="Sync")
    api = ApiClient(Client(), raw)
    assert api.get("/me").status_code == 200

    client = login(cast.mentor)
    url = reverse("api_tokens:revoke", args=[token.uuid])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Revoke token" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # a GET changes nothing

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("api_tokens:list")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert len(_events("api.token.revoked")) == 1
    assert "Revoked" in client.get(reverse("api_tokens:list")).content.decode()

    refused = api.get("/me")
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]

    # Revoking twice is reported, not repeated.
    again = client.post(url, follow=True)
    assert "already been revoked" in again.content.decode()
    assert len(_events("api.token.revoked")) == 1


def test_nobody_else_can_revoke_my_token(cast, login):
    token, raw = services.create_token(cast.actor("mentee"), name="Mine")
    for other in (cast.coordinator, cast.line_manager, cast.partnership_admin):
        client = login(other)
        url = reverse("api_tokens:revoke", args=[token.uuid])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiClient(Client(), raw).get("/me").status_code == 200


def test_list_shows_only_my_tokens(cast, login):
    services.create_token(cast.actor("mentee"), name="Mentee token")
    services.create_token(cast.actor("coordinator"), name="Coordinator token")
    html = login(cast.coordinator).get(reverse("api_tokens:list")).content.decode()
    assert "Coordinator token" in html and "Mentee token" not in html


# --- authentication -------------------------------------------------------------------


def test_expired_token_is_refused_and_one_expiring_today_still_works(cast):
    token, raw = services.create_token(cast.actor("mentor"), name="Soon")
    api = ApiClient(Client(), raw)
    with system_access():
        ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate())
    assert api.get("/me").status_code == 200
    with system_access():
        ApiToken.objects.filter(pk=token.pk).update(
            expires_on=timezone.localdate() - timedelta(days=1)
        )
    response = api.get("/me")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer tdm_not-a-real-token",
        "Bearer not-even-ours",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "tdm_missing-scheme",
    ],
)
def test_bad_credentials_get_401_json(cast, header):
    response = Client().get("/api/v1/partnerships", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


def test_no_credentials_get_401_json(cast):
    response = Client().get("/api/v1/organisations")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_token_of_a_deactivated_account_is_refused(cast):
    _, raw = services.create_token(cast.actor("mentor"), name="x")
    user = cast.mentor.user
    user.is_active = False
    user.save()
    assert ApiClient(Client(), raw).get("/me").status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(cast):
    token, raw = services.create_token(cast.actor("mentor"), name="x")
    api = ApiClient(Client(), raw)
    assert token.last_used_at is None
    api.get("/me")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api.get("/me")
    token.refresh_from_db()
    assert token.last_used_at == first
    earlier = timezone.now() - timedelta(minutes=2)
    with system_access():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    api.get("/me")
    token.refresh_from_db()
    assert token.last_used_at > earlier + timedelta(minutes=1)


def test_token_acts_as_its_person_with_their_roles(cast, api_as):
    body = api_as("partnership_admin").get("/me").json()
    assert body["person"]["name"] == "Priya Shah"
    assert body["organisations"] == []
    assert [p["name"] for p in body["administers"]] == ["North Partnership"]
    body = api_as("coordinator").get("/me").json()
    assert body["organisations"][0]["name"] == "Riverside College"
    assert body["organisations"][0]["roles"] == ["coordinator"]


def test_writes_through_a_token_are_audited_as_its_person(cast, api_as):
    response = api_as("coordinator").patch(
        f"/organisations/{cast.riverside.uuid}", {"region": "North West"}
    )
    assert response.status_code == 200
    (event,) = _events("organisations.organisation.updated")
    assert event.actor_user == cast.coordinator.user
    assert event.changes == {"region": ["", "North West"]}


# --- the signed-in session ------------------------------------------------------------


def test_session_can_call_the_api(cast, login):
    response = login(cast.coordinator).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["person"]["uuid"] == str(cast.coordinator.uuid)


def test_session_writes_need_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.coordinator.user)
    url = f"/api/v1/organisations/{cast.riverside.uuid}"
    refused = client.patch(url, data='{"region": "X"}', content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    # The docs page hands out the CSRF token, as the browser would use it.
    docs = client.get("/api/v1/docs")
    csrf = docs.content.decode().split('data-csrf-token="')[1].split('"')[0]
    allowed = client.patch(
        url, data='{"region": "X"}', content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert allowed.status_code == 200
    assert allowed.json()["region"] == "X"


def test_anonymous_write_gets_401_not_a_csrf_error(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        f"/api/v1/organisations/{cast.riverside.uuid}", data="{}", content_type="application/json"
    )
    assert response.status_code == 401


def test_tokens_need_no_csrf_token(cast):
    _, raw = services.create_token(cast.actor("coordinator"), name="x")
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        f"/api/v1/organisations/{cast.riverside.uuid}",
        data='{"region": "Y"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200


def test_session_of_staff_without_required_mfa_is_refused(cast, login):
    """The MFA rule the pages enforce is not bypassed by calling the API with the session."""
    with system_access():
        type(cast.riverside).objects.filter(pk=cast.riverside.pk).update(require_mfa_for_staff=True)
    client = login(cast.coordinator)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
    # A mentee is not staff, so the rule does not apply to them.
    assert login(cast.mentee).get("/api/v1/me").status_code == 200
