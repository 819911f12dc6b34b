"""Pages for people and organisations: happy paths and bad input."""

from django.urls import reverse

from tandem.core.tenancy import system_access
from tandem.organisations.models import LineManagement, Person


def test_add_person_form_errors_name_the_fields(cast, client):
    client.force_login(cast.coordinator.user)
    url = reverse("organisations:person_new", args=[cast.riverside.uuid])
    response = client.post(url, {})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    for field in ("id_given_name", "id_family_name", "id_email", "id_roles"):
        assert f'href="#{field}' in body


def test_add_person_then_see_them(cast, client):
    client.force_login(cast.coordinator.user)
    url = reverse("organisations:person_new", args=[cast.riverside.uuid])
    response = client.post(
        url,
        {
            "given_name": "Grace",
            "family_name": "Hopper",
            "email": "grace@example.org",
            "roles": ["mentor"],
        },
    )
    with system_access():
        person = Person.objects.get(email="grace@example.org")
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    listing = client.get(
        reverse("organisations:organisation_people", args=[cast.riverside.uuid]), {"q": "hopp"}
    )
    assert b"Hopper, Grace" in listing.content
    assert b"Reyes" not in listing.content


def test_people_search_htmx_returns_the_fragment(cast, client):
    client.force_login(cast.coordinator.user)
    url = reverse("organisations:organisation_people", args=[cast.riverside.uuid])
    response = client.get(
        url, {"q": "reyes"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="people-results"
    )
    body = response.content.decode()
    assert "Reyes, Tom" in body
    assert "<h1" not in body


def test_duplicate_email_in_form(cast, client):
    client.force_login(cast.coordinator.user)
    url = reverse("organisations:person_new", args=[cast.riverside.uuid])
    response = client.post(
        url,
        {
            "given_name": "X",
            "family_name": "Y",
            "email": cast.outsider_mentee.email,
            "roles": ["mentor"],
        },
    )
    assert response.status_code == 200
    assert "already in Tandem" in response.content.decode()


def test_line_manager_cycle_in_form(cast, client):
    client.force_login(cast.coordinator.user)
    url = reverse(
        "organisations:person_line_manager", args=[cast.riverside.uuid, cast.line_manager.uuid]
    )
    response = client.post(url, {"manager": cast.mentee.pk})
    assert response.status_code == 200
    assert "loop" in response.content.decode()
    with system_access():
        assert not LineManagement.objects.filter(report=cast.line_manager).exists()


def test_set_line_manager_through_the_page(cast, client):
    client.force_login(cast.coordinator.user)
    url = reverse("organisations:person_line_manager", args=[cast.riverside.uuid, cast.mentor.uuid])
    response = client.post(url, {"manager": cast.line_manager.pk})
    assert response.status_code == 302
    page = client.get(cast.mentor.get_absolute_url())
    assert "Lena Morgan" in page.content.decode()


def test_line_manager_choices_come_from_the_organisation_only(cast, client):
    client.force_login(cast.coordinator.user)
    url = reverse("organisations:person_line_manager", args=[cast.riverside.uuid, cast.mentor.uuid])
    response = client.post(url, {"manager": cast.outsider_coordinator.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_end_role_needs_post_and_coordinator(cast, client):
    from tandem.organisations.models import Membership

    with system_access():
        membership = Membership.objects.get(person=cast.mentee, organisation=cast.riverside)
    url = reverse("organisations:membership_end", args=[membership.uuid])
    client.force_login(cast.tutor.user)
    assert client.post(url).status_code == 403
    client.force_login(cast.coordinator.user)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    membership.refresh_from_db()
    assert membership.ends_on is not None


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_partnership_admin_adds_an_organisation_through_the_page(cast, client):
    client.force_login(cast.partnership_admin.user)
    url = reverse("organisations:partnership_new_organisation", args=[cast.north.uuid])
    bad = client.post(url, {"name": "", "kind": "spaceship"})
    assert "govuk-error-summary" in bad.content.decode()
    ok = client.post(url, {"name": "Hillside Third Sector Trust", "kind": "third_sector"})
    assert ok.status_code == 302
    detail = client.get(reverse("organisations:partnership_detail", args=[cast.north.uuid]))
    assert "Hillside Third Sector Trust" in detail.content.decode()


def test_audit_log_lists_changes_for_coordinators_only(cast, client):
    client.force_login(cast.coordinator.user)
    client.post(
        reverse("organisations:person_new", args=[cast.riverside.uuid]),
        {
            "given_name": "Grace",
            "family_name": "Hopper",
            "email": "grace@example.org",
            "roles": ["mentor"],
        },
    )
    log = client.get(reverse("core:audit_log"))
    assert "organisations.person.created" in log.content.decode()
    client.force_login(cast.outsider_coordinator.user)
    log = client.get(reverse("core:audit_log"))
    assert "Grace Hopper" not in log.content.decode()


def test_partnership_admin_appoints_another_admin(cast, client):
    url = reverse("organisations:partnership_appoint_admin", args=[cast.north.uuid])
    client.force_login(cast.coordinator.user)
    assert client.get(url).status_code == 403
    client.force_login(cast.partnership_admin.user)
    page = client.get(url).content.decode()
    assert "Cora Coleman" in page
    assert "Outsider" not in page  # people of other partnerships are not offered
    response = client.post(url, {"person": cast.coordinator.pk})
    assert response.status_code == 302
    assert cast.actor("coordinator").is_partnership_admin


def test_server_error_page_is_friendly(rf):
    from tandem.core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with Tandem" in response.content.decode()


def test_mentee_home_names_the_coordinator_to_contact(cast, client):
    client.force_login(cast.mentee.user)
    page = client.get("/home/mentee/").content.decode()
    assert "Cora Coleman" in page
    assert "no coordinator is recorded" not in page
    # and nobody else's details
    assert cast.mentor.email not in page


def test_adding_a_member_when_every_visible_organisation_already_belongs(cast, client):
    client.force_login(cast.partnership_admin.user)
    url = reverse("organisations:partnership_add_member", args=[cast.north.uuid])
    page = client.get(url).content.decode()
    assert "Every organisation you can see is already a member." in page
    assert "<select" not in page
