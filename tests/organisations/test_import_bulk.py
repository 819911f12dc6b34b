"""Applying an import in bulk: the same records, history and audit trail as the services."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tandem.organisations import importing
from tandem.organisations.importing import rows as row_checks
from tandem.organisations.models import LineManagement, Membership, Person
from tests import factories as f
from tests.organisations.test_import import TEAM, apply, csv_bytes, current_manager, snapshot

LAST_YEAR = datetime.date(2024, 9, 1)


def row(email: str, roles: str = "mentee", manager: str = "", **cells: str) -> list[str]:
    return [
        email,
        cells.get("given", "New"),
        cells.get("family", "Person"),
        roles,
        cells.get("phone", ""),
        cells.get("job", ""),
        cells.get("site", ""),
        manager,
    ]


def events(code: str) -> list[AuditEvent]:
    with system_access():
        return list(AuditEvent.objects.filter(code=code).order_by("id"))


def test_new_people_roles_and_links_have_history_written_by_the_coordinator(cast):
    assert apply(cast, csv_bytes(TEAM)).applied
    with system_access():
        ada = Person.objects.get(email="ada.brook@riverside.example")
        ben = Person.objects.get(email="ben.cole@riverside.example")
        (created,) = ada.history.all()
        roles = Membership.history.filter(person_id=ada.pk).order_by("role")
        link = LineManagement.history.get(report_id=ben.pk)
    assert (created.history_type, created.given_name, created.phone) == (
        "+",
        "Ada",
        "0161 555 0101",
    )
    assert created.history_user == cast.coordinator.user
    assert [(h.history_type, h.role) for h in roles] == [("+", "line_manager"), ("+", "mentor")]
    assert (link.history_type, link.manager_id, link.history_user) == (
        "+",
        ada.pk,
        cast.coordinator.user,
    )


def test_every_change_is_audited_as_the_services_record_it(cast):
    with system_access():
        site = f.SiteFactory(organisation=cast.riverside, name="City Campus")
        f.MembershipFactory(person=cast.mentor, organisation=cast.eastfield, role="mentee")
    tutor = cast.tutor
    rows = [
        row("new.one@riverside.example", "mentee", "line_manager@riverside.example"),
        row("mentor@riverside.example", "mentor;trainer", given="Mina", family="Patel-Shah"),
        row(
            tutor.email,
            "tutor",
            given=tutor.given_name,
            family=tutor.family_name,
            site="City Campus",
        ),
    ]
    result = apply(cast, csv_bytes(rows))
    assert result.applied, result.report.problems
    (created,) = events("organisations.person.created")
    assert created.changes == {"roles": ["mentee"]}
    assert created.organisation_id == cast.riverside.pk
    assert created.actor_name == "Cora Coleman" and created.actor_user == cast.coordinator.user
    # One event per organisation the person belongs to, as update_person writes.
    updated = events("organisations.person.updated")
    assert {e.organisation_id for e in updated} == {cast.riverside.pk, cast.eastfield.pk}
    assert [e.changes for e in updated] == [{"family_name": ["Patel", "Patel-Shah"]}] * 2
    (granted,) = events("organisations.membership.granted")
    assert granted.changes == {"role": "trainer"}
    assert granted.object_label == "Mina Patel-Shah — Trainer of mentors at Riverside College"
    (moved,) = events("organisations.membership.site_changed")
    assert moved.changes == {"site": [None, site.name]}
    (link,) = events("organisations.line_manager.set")
    assert link.changes == {"manager": [None, "Lena Morgan"]}
    (batch,) = events("organisations.import.applied")
    assert batch.changes["new_people"] == 1 and batch.changes["people_updated"] == 1
    with system_access():
        mina = Person.objects.get(pk=cast.mentor.pk)
        assert [h.history_type for h in mina.history.order_by("history_id")][-1] == "~"
        assert mina.history.latest().family_name == "Patel-Shah"


def test_a_changed_line_manager_ends_the_old_link_today(cast):
    with system_access():
        LineManagement.objects.filter(report=cast.mentee).update(starts_on=LAST_YEAR)
    rows = [row("mentee@riverside.example", "mentee", "trainer@riverside.example")]
    rows[0][1:3] = ["Tom", "Reyes"]
    assert apply(cast, csv_bytes(rows)).applied
    today = timezone.localdate()
    with system_access():
        links = list(
            LineManagement.objects.filter(report=cast.mentee)
            .order_by("starts_on")
            .values_list("manager__email", "starts_on", "ends_on")
        )
        ended = LineManagement.history.filter(report_id=cast.mentee.pk, history_type="~").get()
    assert links == [
        ("line_manager@riverside.example", LAST_YEAR, today),
        ("trainer@riverside.example", today, None),
    ]
    assert ended.ends_on == today
    assert current_manager("mentee@riverside.example") == "trainer@riverside.example"
    (event,) = events("organisations.line_manager.set")
    assert event.changes == {"manager": [str(cast.line_manager), str(cast.trainer)]}


def test_a_link_that_began_today_is_replaced_not_ended(cast):
    rows = [row("mentee@riverside.example", "mentee", "trainer@riverside.example")]
    rows[0][1:3] = ["Tom", "Reyes"]
    assert apply(cast, csv_bytes(rows)).applied
    with system_access():
        managers = list(
            LineManagement.objects.filter(report=cast.mentee).values_list(
                "manager__email", flat=True
            )
        )
        deleted = LineManagement.history.filter(report_id=cast.mentee.pk, history_type="-")
        assert deleted.get().manager_id == cast.line_manager.pk
    assert managers == ["trainer@riverside.example"]


def test_an_ended_role_is_taken_up_again_on_the_same_record(cast):
    with system_access():
        old = f.MembershipFactory(
            person=cast.mentee,
            organisation=cast.riverside,
            role="mentor",
            starts_on=datetime.date(2020, 1, 1),
            ends_on=datetime.date(2021, 1, 1),
        )
    rows = [row("mentee@riverside.example", "mentee;mentor")]
    rows[0][1:3] = ["Tom", "Reyes"]
    assert apply(cast, csv_bytes(rows)).applied
    with system_access():
        again = Membership.objects.get(
            person=cast.mentee, organisation=cast.riverside, role="mentor"
        )
        history = [h.history_type for h in Membership.history.filter(id=old.pk)]
    assert again.pk == old.pk
    assert (again.starts_on, again.ends_on) == (timezone.localdate(), None)
    assert sorted(history) == ["+", "~"]


def test_accounts_with_the_same_address_are_linked_in_any_case(cast):
    waiting = f.UserFactory(username="waiting", email="Ada.Brook@Riverside.example")
    taken = f.UserFactory(username="taken", email="ben.cole@riverside.example")
    with system_access():
        f.PersonFactory(email="someone.else@riverside.example", user=taken)
    assert apply(cast, csv_bytes(TEAM)).applied
    with system_access():
        ada = Person.objects.get(email="ada.brook@riverside.example")
        ben = Person.objects.get(email="ben.cole@riverside.example")
    assert ada.user == waiting
    assert ben.user is None


def test_the_number_of_queries_does_not_grow_with_the_rows(cast):
    def queries(prefix: str, n: int) -> int:
        head = row(f"{prefix}0@riverside.example", "line_manager")
        people = [head] + [
            row(
                f"{prefix}{i}@riverside.example",
                "mentee;mentor",
                f"{prefix}{(i - 1) // 3}@riverside.example",
            )
            for i in range(1, n)
        ]
        with CaptureQueriesContext(connection) as captured:
            result = apply(cast, csv_bytes(people))
        assert result.applied and result.report.counts()["new_people"] == n
        return len(captured)

    # Bulk inserts are split into batches (SQLite takes 999 values a statement): 30 times
    # the people costs a few statements more, not 30 times the statements.
    small, large = queries("small", 5), queries("large", 150)
    assert large <= small + 12, (small, large)


def test_someone_added_elsewhere_meanwhile_stops_the_import_with_a_message(cast, monkeypatch):
    original = importing.build_report

    def racing(*args: Any) -> Any:
        report = original(*args)
        # Another organisation adds Ben after the checks, before the writes.
        f.PersonFactory(email="ben.cole@riverside.example")
        return report

    before = snapshot()
    monkeypatch.setattr(importing, "build_report", racing)
    result = apply(cast, csv_bytes(TEAM))
    assert result.blocked and not result.applied
    (problem,) = result.report.problems
    assert (problem.row, problem.column) == (3, "email")
    assert "ben.cole@riverside.example was added to Tandem while this file" in problem.message
    assert snapshot() == before


def test_the_models_own_field_checks_still_refuse_a_row(cast, monkeypatch):
    # The row checks and the model agree on lengths; were they ever to differ, the model's
    # check refuses the row just before writing and nothing is written.
    monkeypatch.setitem(row_checks.MAX_LENGTHS, "job_title", 300)
    data = csv_bytes([*TEAM, row("long@riverside.example", job="x" * 151)])
    before = snapshot()
    result = apply(cast, data)
    assert result.blocked and not result.applied
    (problem,) = result.report.problems
    assert problem.row == 5 and "at most 150 characters" in problem.message
    assert snapshot() == before
