"""Defects found in review: identity takeover, audit content, ended roles, import disclosure."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.core.actor import build_actor
from tandem.core.models import AuditEvent
from tandem.core.tenancy import TenancyError, system_access
from tandem.organisations import services
from tandem.organisations.models import Membership, Person
from tests import factories as f


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _edit(client, person, **changes):
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "email": person.email,
        "phone": "",
        "job_title": "",
    }
    data.update(changes)
    return client.post(reverse("organisations:person_edit", args=[person.uuid]), data)


def test_person_edit_audits_what_changed_and_shows_in_the_log(client, cast):
    client.force_login(cast.coordinator.user)
    assert _edit(client, cast.mentee, given_name="Thomas").status_code == 302
    with system_access():
        event = AuditEvent.objects.get(code="organisations.person.updated")
    assert event.changes == {"given_name": ["Tom", "Thomas"]}
    assert event.organisation_id == cast.riverside.pk
    assert b"organisations.person.updated" in client.get(reverse("core:audit_log")).content


def test_ending_an_ended_role_is_refused(client, cast):
    with system_access():
        m = Membership.objects.get(person=cast.mentor)
        m.starts_on, m.ends_on = datetime.date(2020, 1, 1), datetime.date(2021, 1, 1)
        m.save()
    client.force_login(cast.coordinator.user)
    response = client.post(reverse("organisations:membership_end", args=[m.uuid]), follow=True)
    assert "already ended on 1 January 2021" in response.content.decode()
    m.refresh_from_db()
    assert m.ends_on == datetime.date(2021, 1, 1)


def test_coordinator_cannot_redirect_a_shared_record_to_themself(client, cast):
    """Changing the email of someone who also belongs elsewhere would hand over their roles."""
    with system_access():
        shared = f.PersonFactory(email="shared@example.org", user=None)
        f.MembershipFactory(person=shared, organisation=cast.riverside, role="mentor")
        f.MembershipFactory(person=shared, organisation=cast.eastfield, role="coordinator")
    client.force_login(cast.coordinator.user)
    page = client.get(reverse("organisations:person_edit", args=[shared.uuid])).content.decode()
    assert "organisation you do not coordinate" in page
    _edit(client, shared, email="attacker@evil.example")
    with system_access():
        assert Person.objects.get(pk=shared.pk).email == "shared@example.org"
    user = f.UserFactory(username="attacker@evil.example", email="attacker@evil.example")
    services.link_user_to_person(user)
    assert cast.eastfield.pk not in build_actor(user).coordinator_of


def test_coordinator_corrects_the_email_of_their_own_new_starter(client, cast):
    with system_access():
        starter = f.PersonFactory(email="typo@riverside.example", user=None)
        f.MembershipFactory(person=starter, organisation=cast.riverside, role="mentee")
    client.force_login(cast.coordinator.user)
    assert _edit(client, starter, email="right@riverside.example").status_code == 302
    with system_access():
        assert Person.objects.get(pk=starter.pk).email == "right@riverside.example"


def test_signed_in_persons_email_follows_their_account(cast):
    from allauth.account.signals import email_changed

    user = cast.mentee.user
    user.email = "tom.reyes@riverside.example"
    user.save()
    email_changed.send(
        sender=type(user), request=None, user=user, from_email_address=None, to_email_address=None
    )
    with system_access():
        assert Person.objects.get(pk=cast.mentee.pk).email == "tom.reyes@riverside.example"


def test_phone_is_only_for_those_who_manage_the_record(client, cast):
    with system_access():
        Person.objects.filter(pk=cast.coordinator.pk).update(phone="01632 960001")
    client.force_login(cast.mentee.user)
    page = client.get(cast.coordinator.get_absolute_url()).content.decode()
    assert "Cora Coleman" in page and "01632 960001" not in page
    client.force_login(cast.tutor.user)
    assert "01632 960001" in client.get(cast.coordinator.get_absolute_url()).content.decode()


def test_import_loop_message_names_nobody_from_another_organisation(client, cast):
    with system_access():
        a = f.PersonFactory(email="a@shared.example")
        x = f.PersonFactory(email="secret.boss@eastfield.example")
        b = f.PersonFactory(email="b@shared.example")
        f.MembershipFactory(person=a, organisation=cast.riverside, role="mentor")
        for p in (a, x, b):
            f.MembershipFactory(person=p, organisation=cast.eastfield, role="mentor")
        f.LineManagementFactory(organisation=cast.eastfield, manager=x, report=a)
        f.LineManagementFactory(organisation=cast.eastfield, manager=b, report=x)
    client.force_login(cast.coordinator.user)
    data = b"email,given_name,family_name,roles,line_manager_email\n"
    data += b"b@shared.example,B,B,mentee,a@shared.example\n"
    response = client.post(
        reverse("organisations:import_start"),
        {
            "organisation": str(cast.riverside.uuid),
            "file": SimpleUploadedFile("p.csv", data, content_type="text/csv"),
        },
        follow=True,
    )
    html = response.content.decode()
    assert "line-management loop" in html
    assert "secret.boss@eastfield.example" not in html
    assert "someone in another organisation" in html


def test_guard_covers_exists_update_and_delete(cast):
    qs = Person.objects.filter(email=cast.outsider_mentee.email)
    for attempt in (qs.exists, lambda: qs.update(phone="x"), qs.delete):
        with pytest.raises(TenancyError):
            attempt()
