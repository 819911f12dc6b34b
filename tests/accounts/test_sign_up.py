"""Creating an account: email verification, and linking to the person record."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tests import factories as f
from tests.accounts.conftest import error_summary, h1s, sign_in, text

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-passphrase-42"


@pytest.fixture
def newcomer(cast):
    """Someone a coordinator has added to Riverside who has no account yet."""
    with system_access():
        person = f.PersonFactory(email="newcomer@riverside.example", given_name="Nia")
        f.MembershipFactory(person=person, organisation=cast.riverside, role=Role.MENTEE)
    return person


def sign_up(client, email, password=NEW_PASSWORD, password2=None):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": password, "password2": password2 or password},
    )


def confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def reload(person):
    with system_access():
        person.refresh_from_db()
    return person


def test_sign_up_page_explains_accounts_are_linked_by_email(client, db):
    response = client.get("/accounts/signup/")

    assert response.status_code == 200
    assert len(h1s(response)) == 1
    assert "Coordinators add people to Tandem by email first" in text(response)


def test_sign_up_sends_a_verification_email_whose_link_verifies_the_address(
    client, newcomer, settings
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    response = sign_up(client, "newcomer@riverside.example")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    sent = client.get("/accounts/confirm-email/")
    assert sent.status_code == 200
    assert len(h1s(sent)) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newcomer@riverside.example"]
    assert mail.outbox[0].subject == "[Tandem] Confirm your email address"
    address = EmailAddress.objects.get(email="newcomer@riverside.example")
    assert not address.verified

    link = confirmation_link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert len(h1s(page)) == 1
    confirmed = client.post(link)

    assert confirmed.status_code == 302
    address.refresh_from_db()
    assert address.verified


def test_an_unverified_account_cannot_sign_in_until_the_link_is_followed(
    client, newcomer, settings
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    sign_up(client, "newcomer@riverside.example")
    client.logout()

    response = sign_in(client, "newcomer@riverside.example", NEW_PASSWORD)

    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    client.post(confirmation_link(mail.outbox[0]))
    assert sign_in(client, "newcomer@riverside.example", NEW_PASSWORD)["Location"] == "/"


def test_sign_up_links_the_account_to_the_person_with_that_email(client, newcomer, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    sign_up(client, "Newcomer@Riverside.example")

    user = get_user_model().objects.get(email="newcomer@riverside.example")
    assert reload(newcomer).user == user
    # Once verified and signed in, they act as that person, with their roles.
    client.post(confirmation_link(mail.outbox[0]))
    sign_in(client, "newcomer@riverside.example", NEW_PASSWORD)
    home = client.get("/", follow=True)
    assert home.redirect_chain[-1][0] == "/home/mentee/"
    assert home.context["actor"].person == newcomer


def test_without_mandatory_verification_the_link_waits_for_the_confirmed_address(
    client, newcomer, settings
):
    # Otherwise anyone could sign up with a coordinator's address and take
    # over their roles before proving the address is theirs.
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"

    sign_up(client, "newcomer@riverside.example")

    assert reload(newcomer).user is None
    client.post(confirmation_link(mail.outbox[0]))
    assert reload(newcomer).user.email == "newcomer@riverside.example"


def test_sign_up_with_an_email_nobody_added_creates_an_account_without_roles(client, db):
    sign_up(client, "walk-in@example.org")

    user = get_user_model().objects.get(email="walk-in@example.org")
    with system_access():
        from tandem.organisations.models import Person

        assert not Person.objects.filter(user=user).exists()


def test_sign_up_errors_name_the_field(client, newcomer):
    response = sign_up(client, "newcomer@riverside.example", "short")

    assert response.status_code == 200
    assert error_summary(response) == [
        "This password is too short. It must contain at least 10 characters."
    ]
    assert 'href="#id_password1"' in response.content.decode()
    mismatch = sign_up(client, "newcomer@riverside.example", NEW_PASSWORD, NEW_PASSWORD + "x")
    assert error_summary(mismatch) == ["You must type the same password each time."]
    assert not get_user_model().objects.filter(email="newcomer@riverside.example").exists()
    assert reload(newcomer).user is None


def test_sign_up_with_missing_fields(client, db):
    response = client.post("/accounts/signup/", {})

    assert error_summary(response) == [
        "Enter your email address",
        "Enter your password",
        "Enter your password again",
    ]


def test_sign_up_when_closed_creates_nothing(client, newcomer, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = False

    response = sign_up(client, "newcomer@riverside.example")

    assert response.status_code == 200
    assert not get_user_model().objects.filter(email="newcomer@riverside.example").exists()
