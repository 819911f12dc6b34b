"""Every allauth page renders in Tandem's layout: one h1, labelled fields,
GOV.UK components, and an error summary when a form comes back with errors."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.accounts.conftest import error_summary, h1s, sign_in, totp_code

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-not-a-real-key/",
    "/accounts/password/reset/key/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/not-a-real-key/",
    "/accounts/inactive/",
]
SIGNED_IN_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
]
PASSPHRASE = "a-long-passphrase-1"
MFA_PAGES = [
    "/accounts/2fa/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/generate/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/reauthenticate/",
]

GOVUK_FIELD = r'class="govuk-(input|textarea|select|checkboxes__input|radios__input)'


def assert_tandem_page(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert len(h1s(response)) == 1, h1s(response)
    # Inside Tandem's base layout, not allauth's bare one.
    assert 'class="govuk-skip-link"' in html
    assert 'id="main-content"' in html
    assert "Menu:" not in html
    assert "placeholder=" not in html
    assert unlabelled_fields(html) == []
    main = html[html.index('id="main-content"') : html.index("</main>")]
    for tag in re.findall(r"<(?:input|textarea|select)\b[^>]*>", main):
        if 'type="hidden"' in tag:
            continue
        assert re.search(GOVUK_FIELD, tag), tag
    for tag in re.findall(r"<button\b[^>]*>", main):
        assert "govuk-button" in tag, tag
    return html


def unlabelled_fields(html: str) -> list[str]:
    labelled = set(re.findall(r'<label\b[^>]*\bfor="([^"]+)"', html))
    missing = []
    for tag in re.findall(r"<(?:input|textarea|select)\b[^>]*>", html):
        if re.search(r'type="(hidden|submit)"', tag):
            continue
        field_id = re.search(r'\bid="([^"]+)"', tag)
        if not field_id or field_id.group(1) not in labelled:
            missing.append(tag)
    return missing


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_pages(client, db, path):
    assert_tandem_page(client.get(path))


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_pages(client, cast, path):
    sign_in(client, "mentor@riverside.example")

    assert_tandem_page(client.get(path))


@pytest.mark.parametrize("path", MFA_PAGES)
def test_pages_for_someone_with_two_factor_authentication(client, cast, path):
    sign_in(client, "mentor@riverside.example")
    client.get("/accounts/2fa/totp/activate/")
    client.post(
        "/accounts/2fa/totp/activate/", {"code": totp_code(client.session["mfa.totp.secret"])}
    )

    assert_tandem_page(client.get(path))


def test_code_page_during_sign_in(client, cast):
    sign_in(client, "mentor@riverside.example")
    client.get("/accounts/2fa/totp/activate/")
    client.post(
        "/accounts/2fa/totp/activate/", {"code": totp_code(client.session["mfa.totp.secret"])}
    )
    client.post("/accounts/logout/")
    sign_in(client, "mentor@riverside.example")

    html = assert_tandem_page(client.get("/accounts/2fa/authenticate/"))
    assert 'inputmode="numeric"' in html
    assert "govuk-input--width-10" in html


def test_email_confirmation_page(client, cast):
    client.post(
        "/accounts/signup/",
        {"email": "someone@example.org", "password1": PASSPHRASE, "password2": PASSPHRASE},
    )
    link = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)

    assert_tandem_page(client.get(link))


def test_signup_closed_page(client, db, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = False

    assert_tandem_page(client.get("/accounts/signup/"))


def test_email_page_lists_addresses_as_radios_in_a_fieldset(client, cast):
    sign_in(client, "mentor@riverside.example")

    html = assert_tandem_page(client.get("/accounts/email/"))

    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">' in html
    assert 'value="mentor@riverside.example" checked' in html
    assert "Confirmed" in html


def test_adding_a_bad_email_address_shows_the_error_summary(client, cast):
    sign_in(client, "mentor@riverside.example")

    response = client.post("/accounts/email/", {"action_add": "", "email": "nope"})

    assert_tandem_page(response)
    assert error_summary(response) == ["Enter a valid email address."]
    html = response.content.decode()
    assert html.index("govuk-error-summary") < html.index("<h1")


def test_manage_pages_link_back_to_the_account_page(client, cast):
    sign_in(client, "mentor@riverside.example")

    html = client.get("/accounts/password/change/").content.decode()

    assert '<a href="/account/" class="govuk-back-link">Back to your account</a>' in html


def test_too_many_requests_page(client, db):
    from django.template.loader import render_to_string

    html = render_to_string("429.html")

    assert html.count("<h1") == 1
    assert "Too many attempts" in html
