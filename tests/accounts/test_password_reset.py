"""Resetting a forgotten password by email, and changing a known one."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.accounts.conftest import error_summary, h1s, sign_in, text
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-7"


def reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_by_email_then_sign_in_with_the_new_password(client, cast):
    page = client.get("/accounts/password/reset/")
    assert page.status_code == 200
    assert len(h1s(page)) == 1

    response = client.post("/accounts/password/reset/", {"email": "mentor@riverside.example"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert len(h1s(done)) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mentor@riverside.example"]
    assert mail.outbox[0].subject == "[Tandem] Reset your password"

    # The emailed link hides its key in the session, then shows the form.
    form_page = client.get(reset_link(mail.outbox[0]), follow=True)
    assert form_page.status_code == 200
    assert len(h1s(form_page)) == 1
    assert 'for="id_password1"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]

    changed = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert changed.status_code == 302
    assert changed["Location"] == "/accounts/password/reset/key/done/"
    assert len(h1s(client.get(changed["Location"]))) == 1
    assert sign_in(client, "mentor@riverside.example", NEW_PASSWORD)["Location"] == "/"
    client.post("/accounts/logout/")
    old = sign_in(client, "mentor@riverside.example")
    assert old.status_code == 200
    assert "The email address or password is not correct" in text(old)


def test_reset_link_works_once(client, cast):
    client.post("/accounts/password/reset/", {"email": "mentor@riverside.example"})
    link = reset_link(mail.outbox[0])
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert again.status_code == 200
    assert [h.strip() for h in h1s(again)] == ["This link has expired"]
    assert 'name="password1"' not in again.content.decode()


def test_new_password_must_be_acceptable(client, cast):
    client.post("/accounts/password/reset/", {"email": "mentor@riverside.example"})
    page = client.get(reset_link(mail.outbox[0]), follow=True)

    response = client.post(page.redirect_chain[-1][0], {"password1": "", "password2": ""})

    assert response.status_code == 200
    assert error_summary(response) == ["Enter your new password", "Enter your new password again"]


def test_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@nowhere.example"})

    # Same next page as for a real account, so addresses cannot be probed.
    assert response["Location"] == "/accounts/password/reset/done/"


def test_reset_request_with_a_bad_email_names_the_field(client, db):
    response = client.post("/accounts/password/reset/", {"email": "not an email"})

    assert response.status_code == 200
    assert error_summary(response) == ["Enter a valid email address."]


def test_reset_lifts_the_sign_in_throttle(client, cast):
    for _ in range(5):
        sign_in(client, "mentor@riverside.example", "wrong-password-attempt")
    client.post("/accounts/password/reset/", {"email": "mentor@riverside.example"})
    page = client.get(reset_link(mail.outbox[0]), follow=True)
    client.post(page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert sign_in(client, "mentor@riverside.example", NEW_PASSWORD)["Location"] == "/"


def test_change_password_when_signed_in(client, cast):
    sign_in(client, "mentor@riverside.example")
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200
    assert len(h1s(page)) == 1

    wrong = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not-it-at-all", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert error_summary(wrong) == ["Your current password is not correct"]
    assert 'href="#id_oldpassword"' in wrong.content.decode()

    ok = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert ok.status_code == 302
    client.post("/accounts/logout/")
    assert sign_in(client, "mentor@riverside.example", NEW_PASSWORD)["Location"] == "/"
