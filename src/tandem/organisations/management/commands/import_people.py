"""Import people, roles and line managers into one organisation from a CSV or XLSX file."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.tenancy import system_access
from tandem.organisations import importing
from tandem.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Import people, roles and line managers into one organisation from a CSV (UTF-8) or "
        "XLSX file. Prints every problem by row and column; exits with status 1 on problems."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV or XLSX file, one row per person")
        parser.add_argument(
            "--organisation", required=True, help="The organisation's UUID or exact name"
        )
        parser.add_argument(
            "--valid-rows-only",
            action="store_true",
            help="Import the valid rows even if other rows have problems",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = find_organisation(options["organisation"])
        path = Path(options["file"])
        try:
            importing.check_size(path.stat().st_size)
            data = path.read_bytes()
        except importing.ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc.message}") from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        actor = importing.SYSTEM_ACTOR
        try:
            if options["dry_run"]:
                report = importing.preview(actor, organisation, path.name, data)
                result = None
            else:
                result = importing.apply(
                    actor,
                    organisation,
                    path.name,
                    data,
                    valid_rows_only=options["valid_rows_only"],
                )
                report = result.report
        except importing.ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc.message}") from exc
        for line in importing.report_lines(report):
            self.stdout.write(line)
        if result is None:
            self.stdout.write("Dry run: nothing was written.")
        elif result.blocked:
            raise CommandError(
                "Nothing was imported. Correct the problems, or use --valid-rows-only "
                "to import the valid rows.",
                returncode=1,
            )
        elif result.batch is None:
            self.stdout.write(
                self.style.SUCCESS("No changes: everything in the file is already in Tandem.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported (batch {result.batch.uuid})."))
        if report.has_problems:
            raise CommandError(
                f"{len(report.problems)} problem(s) found"
                + ("; the valid rows were imported." if result and result.applied else "."),
                returncode=1,
            )


def find_organisation(value: str) -> Organisation:
    with system_access():
        try:
            return Organisation.objects.get(uuid=uuid.UUID(value))
        except (ValueError, Organisation.DoesNotExist):
            pass
        try:
            return Organisation.objects.get(name=value)
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation has the UUID or name ‘{value}’.") from None
