"""An organisation (or partnership) that requires two-factor authentication
for its staff sends them to set it up before anything else."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from tandem.core.tenancy import system_access
from tandem.organisations.models import Membership
from tests import factories as f
from tests.accounts.conftest import error_summary, h1s, sign_in, text, totp_code

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"
STAFF = ["coordinator", "tutor", "trainer", "line_manager"]


@pytest.fixture
def riverside_requires_mfa(cast):
    with system_access():
        cast.riverside.require_mfa_for_staff = True
        cast.riverside.save()
    return cast


@pytest.mark.parametrize("who", STAFF)
def test_staff_without_totp_are_sent_to_set_it_up_from_any_page(
    client, riverside_requires_mfa, who
):
    cast = riverside_requires_mfa
    client.force_login(cast.people[who].user)

    for path in ["/", "/account/", "/people/", f"/organisations/{cast.riverside.uuid}/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == ACTIVATE, path
    assert client.post("/organisation/switch/", {})["Location"] == ACTIVATE


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_mentees_and_mentors_of_the_same_organisation_are_not(client, riverside_requires_mfa, who):
    client.force_login(riverside_requires_mfa.people[who].user)

    response = client.get("/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/home/{who}/"


def test_other_organisations_staff_are_not_affected(client, riverside_requires_mfa):
    client.force_login(riverside_requires_mfa.partner_coordinator.user)

    assert client.get("/", follow=True).redirect_chain[-1][0] == "/home/coordinator/"


def test_the_activation_page_explains_why_and_setting_it_up_lets_them_in(
    client, riverside_requires_mfa
):
    sign_in(client, "coordinator@riverside.example")

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == ACTIVATE
    assert response.status_code == 200
    assert len(h1s(response)) == 1
    assert (
        "Riverside College requires staff to use two-factor authentication. "
        "Set up an authenticator app to continue."
    ) in text(response)

    secret = client.session["mfa.totp.secret"]
    activated = client.post(ACTIVATE, {"code": totp_code(secret)}, follow=True)
    assert activated.status_code == 200
    assert "Riverside College requires staff" not in text(activated)
    home = client.get("/", follow=True)
    assert home.status_code == 200
    assert home.redirect_chain[-1][0] == "/home/coordinator/"


def test_the_explanation_is_not_shown_to_people_setting_it_up_by_choice(client, cast):
    sign_in(client, "coordinator@riverside.example")

    response = client.get(ACTIVATE)

    assert response.status_code == 200
    assert "requires staff" not in text(response)


def test_partnership_administrators_when_the_partnership_requires_it(client, cast):
    client.force_login(cast.partnership_admin.user)
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/home/partnership/"

    with system_access():
        cast.north.require_mfa_for_admins = True
        cast.north.save()

    assert client.get("/")["Location"] == ACTIVATE
    client.logout()
    sign_in(client, "admin@north.example")
    page = client.get(ACTIVATE)
    assert "Your partnership requires administrators to use two-factor authentication." in (
        text(page)
    )
    # Members of the partnership's organisations are not administrators.
    client.force_login(cast.partner_coordinator.user)
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/home/coordinator/"


def test_sign_out_and_the_account_pages_stay_reachable(client, riverside_requires_mfa):
    sign_in(client, "tutor@riverside.example")

    assert client.get(ACTIVATE).status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_api_is_exempt(client, riverside_requires_mfa):
    client.force_login(riverside_requires_mfa.coordinator.user)

    response = client.get("/api/v1/me")

    # The API answers for itself (its own tokens), never with the MFA redirect.
    assert response.status_code != 302
    assert response["Content-Type"].startswith("application/json")


def test_htmx_requests_are_redirected_by_htmx(client, riverside_requires_mfa):
    client.force_login(riverside_requires_mfa.coordinator.user)

    response = client.get("/people/", headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == ACTIVATE


def test_an_activated_staff_member_cannot_turn_it_off_while_it_is_required(
    client, riverside_requires_mfa
):
    cast = riverside_requires_mfa
    sign_in(client, "trainer@riverside.example")
    client.get(ACTIVATE)
    client.post(ACTIVATE, {"code": totp_code(client.session["mfa.totp.secret"])})
    # Already active: the activation page sends them to the deactivation page.
    assert client.get(ACTIVATE)["Location"] == "/accounts/2fa/totp/deactivate/"

    page = client.get("/accounts/2fa/totp/deactivate/")
    assert page.status_code == 200
    assert len(h1s(page)) == 1
    assert error_summary(page) == [
        "Your organisation requires two-factor authentication for your role, so you cannot "
        "turn it off. If you have a new phone, use a recovery code to sign in and ask your "
        "coordinator for help."
    ]
    client.post("/accounts/2fa/totp/deactivate/")

    assert Authenticator.objects.filter(
        user=cast.trainer.user, type=Authenticator.Type.TOTP
    ).exists()


def test_requirement_ends_with_the_staff_role(client, riverside_requires_mfa):
    cast = riverside_requires_mfa
    client.force_login(cast.tutor.user)
    assert client.get("/")["Location"] == ACTIVATE

    with system_access():
        Membership.objects.filter(person=cast.tutor).delete()
        f.MembershipFactory(person=cast.tutor, organisation=cast.riverside, role="mentor")

    assert client.get("/", follow=True).redirect_chain[-1][0] == "/home/mentor/"
