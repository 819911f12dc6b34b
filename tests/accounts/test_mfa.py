"""Two-factor authentication with an authenticator app (TOTP) and recovery codes."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.cache import cache

from tests.accounts.conftest import error_summary, h1s, sign_in, totp_code

pytestmark = pytest.mark.django_db

SECRET_SESSION_KEY = "mfa.totp.secret"


def activate_totp(client, email: str) -> str:
    """Sign in and turn on TOTP as a person would; return the secret."""
    assert sign_in(client, email).status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302, error_summary(response)
    return secret


def wrong_code(secret: str) -> str:
    """A well-formed code that is not the current one."""
    return f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"


def recovery_codes(user) -> list[str]:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(authenticator).get_unused_codes()


def test_activation_page_shows_the_qr_code_and_a_labelled_code_field(client, cast):
    sign_in(client, "mentor@riverside.example")

    page = client.get("/accounts/2fa/totp/activate/")

    html = page.content.decode()
    assert len(h1s(page)) == 1
    assert 'src="data:image/svg+xml;base64,' in html
    assert 'alt="QR code to add Tandem to your authenticator app"' in html
    assert client.session[SECRET_SESSION_KEY] in html  # for people who cannot scan
    assert '<label class="govuk-label govuk-label--s" for="id_code">' in html
    assert 'autocomplete="one-time-code"' in html


def test_wrong_code_does_not_activate(client, cast):
    sign_in(client, "mentor@riverside.example")
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post("/accounts/2fa/totp/activate/", {"code": wrong_code(secret)})

    assert response.status_code == 200
    assert error_summary(response)[0].startswith("The code is not correct.")
    assert not Authenticator.objects.filter(user=cast.mentor.user).exists()


def test_activation_leads_to_recovery_codes(client, cast):
    activate_totp(client, "mentor@riverside.example")

    page = client.get("/accounts/2fa/recovery-codes/")

    assert page.status_code == 200
    assert len(h1s(page)) == 1
    codes = recovery_codes(cast.mentor.user)
    assert len(codes) == 10
    assert all(code in page.content.decode() for code in codes)
    assert 'for="recovery_codes"' in page.content.decode()


def test_sign_in_asks_for_the_code_after_the_password(client, cast):
    secret = activate_totp(client, "mentor@riverside.example")
    client.post("/accounts/logout/")
    cache.clear()  # the next 30-second window: the activation code is spent

    response = sign_in(client, "mentor@riverside.example")

    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    page = client.get("/accounts/2fa/authenticate/")
    assert page.status_code == 200
    assert len(h1s(page)) == 1
    assert 'for="id_code"' in page.content.decode()
    # The password alone does not open anything.
    assert client.get("/")["Location"].startswith("/accounts/login/")

    wrong = client.post("/accounts/2fa/authenticate/", {"code": wrong_code(secret)})
    assert wrong.status_code == 200
    assert error_summary(wrong)[0].startswith("The code is not correct.")
    assert "_auth_user_id" not in client.session

    right = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert right.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/home/mentor/"


def test_a_recovery_code_signs_in_once(client, cast):
    activate_totp(client, "mentor@riverside.example")
    code = recovery_codes(cast.mentor.user)[0]
    client.post("/accounts/logout/")

    sign_in(client, "mentor@riverside.example")
    response = client.post("/accounts/2fa/authenticate/", {"code": code})

    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert "_auth_user_id" in client.session
    assert code not in recovery_codes(cast.mentor.user)

    client.post("/accounts/logout/")
    sign_in(client, "mentor@riverside.example")
    again = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert again.status_code == 200
    assert "_auth_user_id" not in client.session


def test_cancel_on_the_code_page_signs_out(client, cast):
    activate_totp(client, "mentor@riverside.example")
    client.post("/accounts/logout/")
    sign_in(client, "mentor@riverside.example")

    page = client.get("/accounts/2fa/authenticate/")
    assert 'form="logout-from-stage"' in page.content.decode()
    client.post("/accounts/logout/", {"next": "/accounts/login/"})

    assert client.get("/accounts/2fa/authenticate/").status_code == 302


def test_two_factor_overview_and_deactivation(client, cast):
    activate_totp(client, "mentor@riverside.example")

    overview = client.get("/accounts/2fa/")
    assert overview.status_code == 200
    assert len(h1s(overview)) == 1
    assert "/accounts/2fa/totp/deactivate/" in overview.content.decode()

    page = client.get("/accounts/2fa/totp/deactivate/")
    assert page.status_code == 200
    assert len(h1s(page)) == 1
    assert error_summary(page) == []
    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert not Authenticator.objects.filter(
        user=cast.mentor.user, type=Authenticator.Type.TOTP
    ).exists()


def test_regenerating_recovery_codes(client, cast):
    activate_totp(client, "mentor@riverside.example")
    old = recovery_codes(cast.mentor.user)

    page = client.get("/accounts/2fa/recovery-codes/generate/")
    assert page.status_code == 200
    assert len(h1s(page)) == 1
    response = client.post("/accounts/2fa/recovery-codes/generate/")

    assert response.status_code == 302
    assert set(recovery_codes(cast.mentor.user)).isdisjoint(old)


def test_reauthentication_asks_for_a_code_when_mfa_is_on(client, cast, settings):
    activate_totp(client, "mentor@riverside.example")
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0

    response = client.get("/accounts/2fa/recovery-codes/generate/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert len(h1s(page)) == 1
    assert "/accounts/2fa/reauthenticate/" in page.content.decode()
    mfa_page = client.get("/accounts/2fa/reauthenticate/")
    assert mfa_page.status_code == 200
    assert len(h1s(mfa_page)) == 1
    assert 'for="id_code"' in mfa_page.content.decode()
