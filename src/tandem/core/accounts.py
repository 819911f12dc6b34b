"""django-allauth adapters: tie accounts to people already in Tandem, say
things plainly, and keep two-factor authentication on where it is required."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": (
            "The email address or password is not correct. Check them and try again, "
            "or reset your password."
        ),
        "too_many_login_attempts": (
            "There have been too many failed attempts to sign in with this email address. "
            "Wait 5 minutes before you try again, or reset your password."
        ),
        "email_taken": "An account already exists with this email address. Sign in instead.",
        "enter_current_password": "Your current password is not correct",
        "incorrect_password": "The password is not correct",
        "rate_limited": "You have made too many requests. Wait a few minutes and try again.",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCOUNT_ALLOW_SIGNUPS)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        # Linking gives the account the roles of the person with that email,
        # so it waits until the address is proven (here, or in confirm_email)
        # unless no one can sign in before proving it (mandatory verification).
        if commit and (
            settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
            or self.is_email_verified(request, user.email)
        ):
            _link(user)
        return user

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Setting up two-factor authentication straight after signing in
        # (where an organisation requires it) should not ask for the password
        # a second time: a sign-in within the reauthentication window is as
        # fresh as a reauthentication.
        timeout = account_settings.REAUTHENTICATION_TIMEOUT
        if app == "allauth.mfa" and _signed_in_within(timeout):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def confirm_email(self, request: HttpRequest, email_address: Any) -> bool:
        confirmed = super().confirm_email(request, email_address)
        user = email_address.user
        if confirmed and user.email.lower() == email_address.email.lower():
            _link(user)
        return bool(confirmed)


def _signed_in_within(seconds: float) -> bool:
    from allauth.account.authentication import get_authentication_records
    from allauth.core import context

    request = context.request
    if request is None or not request.user.is_authenticated:
        return False
    records = get_authentication_records(request, request.user)
    return any(time.time() - record["at"] < seconds for record in records)


def _link(user: Any) -> None:
    from tandem.organisations.services import link_user_to_person

    link_user_to_person(user)


class MfaAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": (
            "The code is not correct. Enter the code your authenticator app shows now."
        ),
        "cannot_delete_authenticator": (
            "Your organisation requires two-factor authentication for your role, so you "
            "cannot turn it off. If you have a new phone, use a recovery code to sign in "
            "and ask your coordinator for help."
        ),
        "unverified_email": (
            "Confirm your email address before you set up two-factor authentication."
        ),
    }

    def can_delete_authenticator(self, authenticator: Any) -> bool:
        from allauth.mfa.models import Authenticator

        from tandem.core.actor import build_actor

        if authenticator.type == Authenticator.Type.TOTP:
            return not build_actor(authenticator.user).mfa_required
        return super().can_delete_authenticator(authenticator)


def keep_person_email_in_step(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """When someone changes their primary sign-in email, their record follows."""
    from tandem.organisations.services import sync_person_email

    sync_person_email(user)
