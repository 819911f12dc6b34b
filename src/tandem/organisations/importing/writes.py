"""Writing a checked import in bulk: a few statements per table instead of a few per row.

The rules are checked once, in ``checks.build_report``, under the organisation's
lock; this module only carries out the changes the report lists, exactly as the
per-use-case services would (``create_person``, ``update_person``, ``grant_role``,
``set_membership_site``, ``set_line_manager``), with the same history records and
audit events, written with bulk inserts and updates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tandem.core import audit
from tandem.core.actor import Actor
from tandem.core.models import AuditEvent
from tandem.organisations.importing.checks import ImportReport, _chunks
from tandem.organisations.importing.rows import ImportRow
from tandem.organisations.models import LineManagement, Membership, Organisation, Person

BATCH = 500  # rows an insert or update statement (SQLite may lower it)


class RowRefused(Exception):
    """A row failed the model's own field checks just before writing."""

    def __init__(self, row: ImportRow, error: ValidationError) -> None:
        super().__init__(" ".join(error.messages))
        self.row = row
        self.error = error


class _Events:
    """Audit events as ``audit.record`` writes them, saved in one bulk insert."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.events: list[AuditEvent] = []

    def add(self, code: str, obj: Any, organisation_id: int | None, changes: dict) -> None:
        self.events.append(
            audit.build_event(self.actor, code, obj, organisation=organisation_id, changes=changes)
        )

    def save(self) -> None:
        AuditEvent.objects.bulk_create(self.events, batch_size=BATCH)


def write(actor: Actor, organisation: Organisation, report: ImportReport) -> None:
    """Apply the report's valid, changed rows (call under system access, in a transaction)."""
    today = timezone.localdate()
    history_user = getattr(actor, "user", None)
    rows = report.rows_to_apply
    new_rows = [row for row in rows if row.new]
    old_rows = [row for row in rows if not row.new]
    updated_rows = [row for row in old_rows if row.field_updates]
    # update_person records one event per organisation the person belongs to, before any
    # role this import adds.
    organisations_of = _organisations_of([row.person.pk for row in updated_rows])
    ended = _ended_memberships(organisation, [row for row in old_rows if row.new_roles])

    # People: new ones, then changed details of members here.
    new_people = [_new_person(row) for row in new_rows]
    _link_existing_accounts(new_people)
    bulk_create_with_history(new_people, Person, batch_size=BATCH, default_user=history_user)
    for row, person in zip(new_rows, new_people, strict=True):
        row.person = person
        report.people[row.email] = person
    person_changes: dict[int, dict[str, list[str]]] = {}
    for row in updated_rows:
        person = row.person
        person_changes[row.number] = {
            name: [getattr(person, name), value] for name, value in row.field_updates.items()
        }
        for name, value in row.field_updates.items():
            setattr(person, name, value)
        _clean(row, person, only=row.field_updates)
    by_fields: dict[tuple[str, ...], list[Person]] = {}
    for row in updated_rows:
        by_fields.setdefault(tuple(sorted(row.field_updates)), []).append(row.person)
    for fields, people in by_fields.items():
        bulk_update_with_history(
            people, Person, list(fields), batch_size=BATCH, default_user=history_user
        )

    # Roles: new memberships, ended ones taken up again, and roles moved to another site.
    created: list[Membership] = []
    reopened: list[Membership] = []
    granted: dict[int, list[Membership]] = {}
    moved: dict[int, list[tuple[Membership, Any]]] = {}
    for row in rows:
        for role in row.new_roles:
            membership = ended.get((row.person.pk, role))
            if membership is None:
                membership = Membership(person=row.person, organisation=organisation, role=role)
                created.append(membership)
            else:
                membership.person = row.person
                membership.organisation = organisation
                reopened.append(membership)
            membership.site = row.site
            membership.starts_on = today
            membership.ends_on = None
            granted.setdefault(row.number, []).append(membership)
        for membership in row.site_moves:
            moved.setdefault(row.number, []).append((membership, membership.site))
            membership.site = row.site
            membership.person = row.person
            membership.organisation = organisation
    bulk_create_with_history(created, Membership, batch_size=BATCH, default_user=history_user)
    if reopened:
        bulk_update_with_history(
            reopened,
            Membership,
            ["site", "starts_on", "ends_on"],
            batch_size=BATCH,
            default_user=history_user,
        )
    site_moves = [membership for pairs in moved.values() for membership, _ in pairs]
    if site_moves:
        bulk_update_with_history(
            site_moves, Membership, ["site"], batch_size=BATCH, default_user=history_user
        )

    # Line managers: end (or, if it began today, delete) each current link, then add the new,
    # managers before the people they manage.
    lm_rows = [row for row in report.line_manager_order if row.manager_changes]
    previous = _end_current_links(
        organisation, [row.person.pk for row in lm_rows if not row.new], today, history_user
    )
    links = [
        LineManagement(
            organisation=organisation,
            manager=report.people[row.manager_email],
            report=row.person,
            starts_on=today,
        )
        for row in lm_rows
    ]
    bulk_create_with_history(links, LineManagement, batch_size=BATCH, default_user=history_user)

    # The audit trail the services write, row by row, in one insert.
    events = _Events(actor)
    for row in rows:
        if row.new:
            events.add(
                "organisations.person.created", row.person, organisation.pk, {"roles": row.roles}
            )
            continue
        if row.number in person_changes:
            for organisation_id in organisations_of.get(row.person.pk) or [None]:
                events.add(
                    "organisations.person.updated",
                    row.person,
                    organisation_id,
                    person_changes[row.number],
                )
        for membership in granted.get(row.number, []):
            events.add(
                "organisations.membership.granted",
                membership,
                organisation.pk,
                {"role": membership.role},
            )
        for membership, old_site in moved.get(row.number, []):
            events.add(
                "organisations.membership.site_changed",
                membership,
                organisation.pk,
                {"site": [old_site, membership.site]},
            )
    for row in lm_rows:
        events.add(
            "organisations.line_manager.set",
            row.person,
            organisation.pk,
            {"manager": [previous.get(row.person.pk), str(report.people[row.manager_email])]},
        )
    events.save()


def _new_person(row: ImportRow) -> Person:
    person = Person(
        given_name=row.given_name.strip(),
        family_name=row.family_name.strip(),
        email=row.email,
        phone=row.phone.strip(),
        job_title=row.job_title.strip(),
    )
    # The field checks of create_person's full_clean; uniqueness is the report's check,
    # and the database's constraint backs it.
    _clean(row, person)
    return person


def _clean(row: ImportRow, person: Person, only: Iterable[str] | None = None) -> None:
    exclude = None
    if only is not None:
        keep = set(only)
        exclude = [f.name for f in Person._meta.fields if f.name not in keep]
    try:
        person.clean_fields(exclude=exclude)
    except ValidationError as exc:
        raise RowRefused(row, exc) from exc


def _link_existing_accounts(people: list[Person]) -> None:
    """As ``services._link_existing_account``: a sign-in account with the same address
    (any case) that no person has yet is linked to the new person."""
    by_email = {person.email: person for person in people}
    users = get_user_model().objects.annotate(email_lower=Lower("email"))
    for chunk in _chunks(sorted(by_email)):
        found = (
            users.filter(email_lower__in=chunk, person__isnull=True)
            .order_by("pk")
            .values_list("email_lower", "pk")
        )
        for email, user_id in found:
            person = by_email[email]
            if person.user_id is None:
                person.user_id = user_id


def _organisations_of(person_ids: list[int]) -> dict[int, list[int]]:
    """Each person's current organisations (ids), as update_person records them."""
    found: dict[int, set[int]] = {}
    for chunk in _chunks(person_ids):
        pairs = Membership.objects.current().filter(person_id__in=chunk)
        for person_id, organisation_id in pairs.values_list("person_id", "organisation_id"):
            found.setdefault(person_id, set()).add(organisation_id)
    return {person_id: sorted(ids) for person_id, ids in found.items()}


def _ended_memberships(
    organisation: Organisation, rows: list[ImportRow]
) -> dict[tuple[int, str], Membership]:
    """Roles a person held here before (or will hold later): grant_role takes them up again."""
    wanted = {(row.person.pk, role) for row in rows for role in row.new_roles}
    found: dict[tuple[int, str], Membership] = {}
    for chunk in _chunks(sorted({person_id for person_id, _ in wanted})):
        for membership in Membership.objects.filter(organisation=organisation, person_id__in=chunk):
            key = (membership.person_id, membership.role)
            if key in wanted and not membership.is_current:
                found[key] = membership
    return found


def _end_current_links(
    organisation: Organisation, report_ids: list[int], today: date, history_user: Any
) -> dict[int, str]:
    """End each report's current link here as set_line_manager does: ends_on today, or
    deleted if it began today. Returns report id → the previous manager's name."""
    previous: dict[int, str] = {}
    to_end: list[LineManagement] = []
    to_delete: list[int] = []
    for chunk in _chunks(report_ids):
        current = (
            LineManagement.objects.current()
            .select_for_update(of=("self",))
            .filter(organisation=organisation, report_id__in=chunk)
            .select_related("manager")
            .order_by("pk")
        )
        for link in current:
            previous.setdefault(link.report_id, str(link.manager))
            if link.starts_on >= today:
                to_delete.append(link.pk)
            else:
                link.ends_on = today
                to_end.append(link)
    if to_end:
        bulk_update_with_history(
            to_end, LineManagement, ["ends_on"], batch_size=BATCH, default_user=history_user
        )
    for chunk in _chunks(to_delete):
        # One history record per deleted link, through the delete signal.
        LineManagement.objects.filter(pk__in=chunk).delete()
    return previous
