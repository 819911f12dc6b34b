"""Services: the business rules of organisations, people and line management."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tandem.core.models import AuditEvent
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.organisations import services
from tandem.organisations.models import LineManagement, Membership, Person
from tests import factories as f


def test_create_person_with_roles_and_audit(cast):
    actor = cast.actor("coordinator")
    person = services.create_person(
        actor,
        cast.riverside,
        given_name=" Ada ",
        family_name="Lovelace",
        email="ADA@Example.org",
        roles=[Role.MENTOR, Role.MENTEE],
    )
    with system_access():
        assert person.email == "ada@example.org"
        assert person.given_name == "Ada"
        assert set(Membership.objects.filter(person=person).values_list("role", flat=True)) == {
            "mentor",
            "mentee",
        }
        event = AuditEvent.objects.get(code="organisations.person.created", object_uuid=person.uuid)
        assert event.organisation_id == cast.riverside.pk
        assert event.actor_name == "Cora Coleman"
        assert person.history.count() == 1


def test_create_person_duplicate_email_names_the_field(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_person(
            cast.actor("coordinator"),
            cast.riverside,
            given_name="A",
            family_name="B",
            email="MENTOR@riverside.example",
            roles=[Role.MENTOR],
        )
    assert "email" in exc.value.error_dict


def test_create_person_needs_coordinator_of_that_organisation(cast):
    for name in ("mentor", "tutor", "partner_coordinator", "partnership_admin"):
        with pytest.raises(PermissionDenied):
            services.create_person(
                cast.actor(name),
                cast.riverside,
                given_name="A",
                family_name="B",
                email=f"{name}-new@example.org",
                roles=[Role.MENTOR],
            )
    with system_access():
        assert not Person.objects.filter(email__endswith="-new@example.org").exists()


def test_new_person_links_to_an_existing_account(cast):
    user = f.UserFactory(username="later@example.org", email="later@example.org")
    person = services.create_person(
        cast.actor("coordinator"),
        cast.riverside,
        given_name="L",
        family_name="Ater",
        email="later@example.org",
        roles=[Role.MENTEE],
    )
    assert person.user == user


def test_own_line_manager_refused(cast):
    with pytest.raises(ValidationError) as exc:
        services.set_line_manager(
            cast.actor("coordinator"), cast.riverside, cast.mentor, cast.mentor
        )
    assert "own line manager" in str(exc.value)


def test_line_management_cycle_refused(cast):
    actor = cast.actor("coordinator")
    # line_manager manages mentee (from the cast); mentee → mentor chain then mentor → line_manager
    services.set_line_manager(actor, cast.riverside, cast.mentor, cast.mentee)
    with pytest.raises(ValidationError) as exc:
        services.set_line_manager(actor, cast.riverside, cast.line_manager, cast.mentor)
    assert "loop" in str(exc.value)
    with system_access():
        assert not LineManagement.objects.current().filter(report=cast.line_manager).exists()


def test_changing_line_manager_ends_the_old_link(cast):
    actor = cast.actor("coordinator")
    services.set_line_manager(actor, cast.riverside, cast.mentee, cast.tutor)
    with system_access():
        current = LineManagement.objects.current().filter(report=cast.mentee)
        assert [lm.manager_id for lm in current] == [cast.tutor.pk]
    assert services.manager_chain(cast.mentee.pk) == [cast.tutor.pk]


def test_line_manager_must_hold_a_role_there(cast):
    with pytest.raises(ValidationError) as exc:
        services.set_line_manager(
            cast.actor("coordinator"), cast.riverside, cast.mentee, cast.partner_coordinator
        )
    assert "no current role" in str(exc.value)


def test_grant_and_end_role(cast):
    actor = cast.actor("coordinator")
    membership = services.grant_role(actor, cast.mentee, cast.riverside, Role.MENTOR)
    assert membership.is_current
    with pytest.raises(ValidationError):
        services.grant_role(actor, cast.mentee, cast.riverside, Role.MENTOR)
    with pytest.raises(ValidationError):
        services.grant_role(actor, cast.mentee, cast.riverside, "wizard")
    services.end_role(actor, membership)
    with system_access():
        assert not Membership.objects.current().filter(pk=membership.pk).exists()


def test_partnership_admin_adds_organisation(cast):
    org = services.create_organisation(
        cast.actor("partnership_admin"),
        partnership=cast.north,
        name="Dale Prison Education",
        kind="prison_education",
    )
    assert org.partnership_memberships.get().partnership == cast.north
    with pytest.raises(PermissionDenied):
        services.create_organisation(
            cast.actor("partnership_admin"), partnership=cast.south, name="X", kind="school"
        )
    with pytest.raises(ValidationError):
        services.create_organisation(
            cast.actor("partnership_admin"),
            partnership=cast.north,
            name="riverside college",
            kind="college",
        )


def test_organisation_in_two_partnerships(cast):
    with system_access():
        f.PartnershipRoleFactory(partnership=cast.south, person=cast.partnership_admin)
    actor = cast.actor("partnership_admin")
    services.add_partnership_member(actor, cast.south, cast.riverside)
    actor = cast.actor("partnership_admin")
    assert {cast.north.pk, cast.south.pk} <= set(
        cast.riverside.partnership_memberships.values_list("partnership_id", flat=True)
    )
    # Riverside's coordinator now sees Eastfield as a partner organisation.
    from tandem.organisations.models import Organisation

    seen = Organisation.objects.visible_to(cast.actor("coordinator")).values_list("name", flat=True)
    assert "Eastfield Adult Learning" in set(seen)


def test_line_managed_person_must_hold_a_role_there(cast):
    with pytest.raises(ValidationError) as exc:
        services.set_line_manager(
            cast.actor("coordinator"), cast.riverside, cast.partner_mentee, cast.line_manager
        )
    assert "report" in exc.value.error_dict
