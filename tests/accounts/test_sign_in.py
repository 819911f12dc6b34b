"""Signing in by email and password, sign-out, and throttled failures (H2)."""

from __future__ import annotations

import pytest

from tests.accounts.conftest import error_summary, h1s, sign_in, text

pytestmark = pytest.mark.django_db


def test_sign_in_page_says_what_tandem_is_and_links_to_reset_and_sign_up(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert [h.strip() for h in h1s(response)] == ["Sign in to Tandem"]
    page = text(response)
    assert "mentoring and coaching programmes" in page
    assert 'href="/accounts/password/reset/"' in response.content.decode()
    assert 'href="/accounts/signup/"' in response.content.decode()
    assert "coordinator adds you to Tandem with your work email address first" in page
    # Labelled fields, no placeholders standing in for labels.
    html = response.content.decode()
    assert '<label class="govuk-label govuk-label--s" for="id_login">Email address</label>' in html
    assert 'for="id_password"' in html
    assert "placeholder=" not in html


def test_sign_in_page_hides_sign_up_when_signups_are_closed(client, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = False

    response = client.get("/accounts/login/")

    assert 'href="/accounts/signup/"' not in response.content.decode()
    closed = client.get("/accounts/signup/")
    assert closed.status_code == 200
    assert len(h1s(closed)) == 1


def test_sign_in_with_email_and_password_reaches_the_home_page(client, cast):
    response = sign_in(client, "coordinator@riverside.example")

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/", follow=True)
    assert home.status_code == 200
    assert home.redirect_chain[-1][0] == "/home/coordinator/"
    assert home.context["user"] == cast.coordinator.user


def test_sign_in_ignores_the_case_of_the_email_address(client, cast):
    response = sign_in(client, "Coordinator@Riverside.Example")

    assert response.status_code == 302


def test_wrong_password_is_refused_with_a_clear_error(client, cast):
    response = sign_in(client, "coordinator@riverside.example", "not-the-password")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert error_summary(response) == [
        "The email address or password is not correct. Check them and try again, "
        "or reset your password."
    ]
    assert "<title>Error: Sign in" in response.content.decode()
    # The summary links to the first field.
    assert 'href="#id_login"' in response.content.decode()


def test_empty_sign_in_names_each_missing_field(client, cast):
    response = client.post("/accounts/login/", {"login": "", "password": ""})

    assert response.status_code == 200
    assert error_summary(response) == ["Enter your email address", "Enter your password"]
    html = response.content.decode()
    assert 'aria-describedby="id_login-error"' in html
    assert 'class="govuk-input govuk-input--error" id="id_password"' in html


def test_invalid_email_address_is_named(client, cast):
    response = sign_in(client, "not-an-email")

    assert error_summary(response) == ["Enter a valid email address."]


def test_five_failures_for_one_email_refuse_further_attempts(client, cast):
    email = "mentor@riverside.example"
    for _ in range(5):
        response = sign_in(client, email, "wrong-password-attempt")
        assert "The email address or password is not correct" in text(response)

    # Even the right password is refused now, with a message that says why.
    response = sign_in(client, email)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert error_summary(response) == [
        "There have been too many failed attempts to sign in with this email address. "
        "Wait 5 minutes before you try again, or reset your password."
    ]


def test_throttling_is_per_email_address_not_for_everyone_on_the_network(client, cast):
    for _ in range(5):
        sign_in(client, "mentor@riverside.example", "wrong-password-attempt")

    # A colleague signing in from the same address is not locked out.
    response = sign_in(client, "mentee@riverside.example")

    assert response.status_code == 302


def test_successful_sign_in_does_not_count_towards_the_limit(client, cast):
    email = "mentor@riverside.example"
    for _ in range(4):
        sign_in(client, email, "wrong-password-attempt")
    for _ in range(3):
        assert sign_in(client, email).status_code == 302
        client.post("/accounts/logout/")

    assert sign_in(client, email).status_code == 302


def test_sign_out_by_post_from_the_header_button(client, cast):
    sign_in(client, "mentee@riverside.example")
    home = client.get("/", follow=True)
    html = home.content.decode()
    assert '<form method="post" action="/accounts/logout/"' in html

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    after = client.get("/")
    assert after.status_code == 302
    assert after["Location"].startswith("/accounts/login/")


def test_sign_out_page_asks_before_signing_out(client, cast):
    sign_in(client, "mentee@riverside.example")

    response = client.get("/accounts/logout/")

    assert response.status_code == 200
    assert len(h1s(response)) == 1
    assert "_auth_user_id" in client.session


def test_unknown_account_gets_the_same_message_as_a_wrong_password(client, cast):
    response = sign_in(client, "nobody@nowhere.example", "whatever-password")

    assert error_summary(response) == [
        "The email address or password is not correct. Check them and try again, "
        "or reset your password."
    ]
