"""Bulk import and re-import of people, roles and line management (A3).

One row per person. ``preview`` reads a CSV or XLSX file, validates every row
against the file and the current data and says what would change, writing
nothing. ``apply`` locks the organisation, validates again and makes the
changes through the services in one transaction, so applying the same file
twice changes nothing the second time. Roles in the file are added; roles a
person already holds are never removed, and blank optional cells leave the
stored value alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tandem.core import audit, policies
from tandem.core.actor import Actor
from tandem.core.tenancy import system_access
from tandem.organisations import services
from tandem.organisations.importing.checks import ImportReport, build_report, strongly_connected
from tandem.organisations.importing.files import (
    ImportFileError,
    Table,
    check_size,
    file_sha256,
    max_bytes,
    max_rows,
    read_table,
    size_text,
)
from tandem.organisations.importing.rows import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ImportRow,
    Problem,
)
from tandem.organisations.models import ImportBatch, Organisation

__all__ = [
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "SYSTEM_ACTOR",
    "ImportFileError",
    "ImportReport",
    "ImportResult",
    "ImportRow",
    "Problem",
    "Table",
    "apply",
    "check_size",
    "file_sha256",
    "lock_organisation",
    "max_bytes",
    "max_rows",
    "preview",
    "read_table",
    "report_lines",
    "size_text",
    "strongly_connected",
]

# The command line acts as the system: allowed everything, audited as "system".
SYSTEM_ACTOR = Actor(is_superuser=True)


def _check_permission(actor: Actor, organisation: Organisation) -> None:
    if not policies.can_manage_people_of(actor, organisation):
        raise PermissionDenied("Only the organisation's coordinators import people")


def preview(actor: Actor, organisation: Organisation, filename: str, data: bytes) -> ImportReport:
    """Read and validate the file and say what would change; write nothing."""
    _check_permission(actor, organisation)
    table = read_table(filename, data)
    with system_access():
        return build_report(organisation, filename, data, table)


@dataclass
class ImportResult:
    report: ImportReport
    batch: ImportBatch | None = None
    blocked: bool = False

    @property
    def applied(self) -> bool:
        return self.batch is not None


class _RolledBack(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("import rolled back")
        self.report = report


def lock_organisation(organisation: Organisation) -> Organisation:
    """Serialise imports into one organisation: the second waits, then sees the first."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def apply(
    actor: Actor,
    organisation: Organisation,
    filename: str,
    data: bytes,
    *,
    valid_rows_only: bool = False,
) -> ImportResult:
    """Validate again under a lock and apply the file in one transaction.

    With problems in any row nothing is written, unless ``valid_rows_only``;
    problems with the file as a whole (its columns) always stop the import.
    """
    _check_permission(actor, organisation)
    table = read_table(filename, data)
    try:
        with transaction.atomic(), system_access():
            lock_organisation(organisation)
            report = build_report(organisation, filename, data, table)
            if report.file_problems or (report.has_problems and not valid_rows_only):
                return ImportResult(report, blocked=True)
            if not report.rows_to_apply:
                return ImportResult(report)
            _write(actor, organisation, report)
            counts = report.counts()
            batch = ImportBatch.objects.create(
                organisation=organisation,
                filename=filename[:255],
                sha256=report.sha256,
                created_by=actor.person,
                rows=len(report.rows),
                summary={
                    **counts,
                    "valid_rows_only": valid_rows_only,
                    "rows_left_out": [r.number for r in report.invalid_rows][:1000],
                },
            )
            audit.record(
                actor,
                "organisations.import.applied",
                batch,
                organisation=organisation,
                changes={"filename": batch.filename, "sha256": batch.sha256, **counts},
            )
            return ImportResult(report, batch)
    except _RolledBack as exc:
        return ImportResult(exc.report, blocked=True)


def _write(actor: Actor, organisation: Organisation, report: ImportReport) -> None:
    row: ImportRow | None = None
    try:
        for row in report.rows_to_apply:
            if row.new:
                row.person = services.create_person(
                    actor,
                    organisation,
                    given_name=row.given_name,
                    family_name=row.family_name,
                    email=row.email,
                    roles=row.new_roles,
                    phone=row.phone,
                    job_title=row.job_title,
                    site=row.site,
                )
                report.people[row.email] = row.person
                continue
            if row.field_updates:
                services.update_person(actor, row.person, **row.field_updates)
            for role in row.new_roles:
                services.grant_role(actor, row.person, organisation, role, site=row.site)
            for membership in row.site_moves:
                services.set_membership_site(actor, membership, row.site)
        for row in report.line_manager_order:
            if row.manager_changes:
                services.set_line_manager(
                    actor, organisation, report.people[row.email], report.people[row.manager_email]
                )
    except (ValidationError, IntegrityError) as exc:
        # The data changed between the checks and the writes: undo everything.
        message = (
            " ".join(exc.messages)
            if isinstance(exc, ValidationError)
            else "Someone changed the same records at the same time; check the file again."
        )
        if row is not None:
            row.problem("", message)
        raise _RolledBack(report) from exc


# --- the same report, as text (the command line) -------------------------------------------


def report_lines(report: ImportReport) -> list[str]:
    lines = [f"{report.filename} → {report.organisation} ({len(report.rows)} rows)"]
    if report.problems:
        lines.append("Problems:")
        for p in report.problems:
            column = f", {p.column}" if p.column else ""
            lines.append(f"  Row {p.row}{column}: {p.message}")
    noted = [r for r in report.rows if r.notes or (r.valid and r.changes)]
    if noted:
        lines.append("Changes:")
        for row in noted:
            for text in (row.changes if row.valid else []) + row.notes:
                lines.append(f"  Row {row.number} ({row.email}): {text}")
    counts = report.counts()
    lines.append(
        "Summary: {new_people} new people, {people_updated} people updated, {roles_added} roles "
        "added, {sites_changed} sites changed, {line_managers_set} line managers set, "
        "{rows_unchanged} rows unchanged, {rows_with_problems} rows with problems.".format(**counts)
    )
    lines.append(
        "Roles in the file are added; roles people hold that are not in the file are left alone."
    )
    return lines
