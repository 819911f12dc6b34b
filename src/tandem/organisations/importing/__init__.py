"""Bulk import and re-import of people, roles and line management (A3).

One row per person. ``preview`` reads a CSV or XLSX file, validates every row
against the file and the current data and says what would change, writing
nothing. ``apply`` locks the organisation, validates again and makes the
changes in one transaction, in bulk (``writes``: what the services would write,
with their history records and audit events, in a few statements per table
rather than per row), so applying the same file twice changes nothing the
second time. Roles in the file are added; roles a person already holds are
never removed, and blank optional cells leave the stored value alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from tandem.core import audit, policies
from tandem.core.actor import Actor
from tandem.core.tenancy import system_access
from tandem.organisations.importing import writes
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
from tandem.organisations.models import ImportBatch, Organisation, Person

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
    """Make the report's changes in bulk; any refusal undoes everything."""
    try:
        with transaction.atomic():
            writes.write(actor, organisation, report)
    except writes.RowRefused as exc:
        exc.row.problem("", " ".join(exc.error.messages))
        raise _RolledBack(report) from exc
    except IntegrityError as exc:
        # The data changed between the checks and the writes (another organisation added
        # one of these people, say): undo everything and say which rows to look at again.
        _explain_conflict(report)
        raise _RolledBack(report) from exc


def _explain_conflict(report: ImportReport) -> None:
    """Name the rows whose new person someone else added meanwhile (else the first row)."""
    rows = report.rows_to_apply
    new = {row.email: row for row in rows if row.new}
    emails = sorted(new)
    taken: set[str] = set()
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        taken.update(Person.objects.filter(email__in=chunk).values_list("email", flat=True))
    for email in sorted(taken & set(new)):
        new[email].problem(
            "email",
            f"{email} was added to Tandem while this file was being imported. "
            "Check the file again.",
        )
    if not taken and rows:
        rows[0].problem(
            "", "Someone changed the same records at the same time; check the file again."
        )


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
