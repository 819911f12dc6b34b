"""Shared helpers for the account tests: a clean cache, signing in, TOTP codes."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate limits and used TOTP codes live in the cache: start each test afresh."""
    cache.clear()
    yield
    cache.clear()


def sign_in(client: Any, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password, **extra})


def totp_code(secret: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now, computed as allauth checks it."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + steps_ahead
    return format_hotp_value(hotp_value(secret, counter))


def h1s(response: Any) -> list[str]:
    html = response.content.decode()
    return re.findall(r"<h1\b[^>]*>(.*?)</h1>", html, flags=re.S)


def text(response: Any) -> str:
    """The page's text with tags removed and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def error_summary(response: Any) -> list[str]:
    """The messages in the GOV.UK error summary, in order."""
    html = response.content.decode()
    match = re.search(r'class="govuk-error-summary".*?<ul[^>]*>(.*?)</ul>', html, flags=re.S)
    if not match:
        return []
    items = re.findall(r"<li>(.*?)</li>", match.group(1), flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", i).split()) for i in items]
