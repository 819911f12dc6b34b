"""Who sees a person's CPD entries is the same rule as who sees their CPD record:
the person, coordinators of an organisation they belong to now, their line managers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tandem.core import policies
from tandem.core.policies.training import can_see_cpd_of
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.organisations.models import Membership
from tandem.training.models import CPDActivity, CPDEntry
from tests import factories as f


def entry_of(person, organisation):
    with system_access():
        return CPDEntry.objects.create(
            person=person,
            organisation=organisation,
            on=timezone.localdate(),
            hours=Decimal("2"),
            activity=CPDActivity.OTHER,
            title="Conference",
        )


def visible_ids(actor):
    return set(CPDEntry.objects.visible_to(actor).values_list("id", flat=True))


def test_coordinator_of_another_current_organisation_sees_the_whole_record(cast):
    """The mentor also works at Northgate: its coordinator sees the entry recorded
    with Riverside, as the record page shows it."""
    with system_access():
        f.MembershipFactory(person=cast.mentor, organisation=cast.northgate, role=Role.MENTOR)
    entry = entry_of(cast.mentor, cast.riverside)
    partner = cast.actor("partner_coordinator")
    assert entry.pk in visible_ids(partner)
    assert can_see_cpd_of(partner, cast.mentor)
    assert policies.can_change(partner, entry)


def test_coordinator_of_a_former_organisation_no_longer_sees_it(cast):
    entry = entry_of(cast.mentor, cast.riverside)
    coordinator = cast.actor("coordinator")
    assert entry.pk in visible_ids(coordinator)
    with system_access():
        Membership.objects.filter(person=cast.mentor, organisation=cast.riverside).update(
            starts_on=timezone.localdate() - timedelta(days=400),
            ends_on=timezone.localdate() - timedelta(days=1),
        )
    assert entry.pk not in visible_ids(cast.actor("coordinator"))
    assert not policies.can_change(cast.actor("coordinator"), entry)


def test_line_manager_reads_but_does_not_write(cast):
    entry = entry_of(cast.mentee, cast.riverside)
    manager = cast.actor("line_manager")
    assert entry.pk in visible_ids(manager)
    assert not policies.can_change(manager, entry)
    assert entry.pk not in visible_ids(cast.actor("partner_coordinator"))
