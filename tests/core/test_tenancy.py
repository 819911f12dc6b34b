"""The tenancy guard fails closed."""

import pytest

from tandem.core.tenancy import TenancyError, system_access
from tandem.organisations.models import Membership, Organisation, Person


def test_unscoped_query_raises(cast):
    with pytest.raises(TenancyError):
        list(Person.objects.all())
    with pytest.raises(TenancyError):
        Organisation.objects.filter(name__startswith="R").first()
    with pytest.raises(TenancyError):
        Membership.objects.current().count()
    with pytest.raises(TenancyError):
        Person.objects.get(email=cast.mentee.email)


def test_scoped_query_returns_only_visible_rows(cast):
    names = set(
        Organisation.objects.visible_to(cast.actor("outsider_coordinator")).values_list(
            "name", flat=True
        )
    )
    assert names == {"Eastfield Adult Learning"}


def test_system_access_lifts_the_guard_only_inside(cast):
    with system_access():
        assert Person.objects.count() > 5
    with pytest.raises(TenancyError):
        Person.objects.count()


def test_related_manager_of_a_visible_record_is_allowed(cast):
    org = Organisation.objects.visible_to(cast.actor("coordinator")).get(pk=cast.riverside.pk)
    assert {m.role for m in org.memberships.all()} >= {"coordinator", "mentee"}


def test_scope_survives_chaining(cast):
    qs = Person.objects.visible_to(cast.actor("coordinator"))
    assert qs.filter(family_name="Reyes").order_by("id").exists()
    assert len(qs.filter(family_name="Reyes").order_by("id")) == 1
