"""Send the daily compliance digests (run once a day, e.g. from cron at 7 in the morning)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.relationships.digest import run_daily


class Command(BaseCommand):
    help = (
        "Create the scheduled reports now due, send the line managers' activity reports and "
        "email each person one digest of what is due. A second run on the same day sends "
        "nothing more."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day to run for, as YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be a day as YYYY-MM-DD") from None
        counts = run_daily(today=today)
        self.stdout.write(
            f"{counts['reports_scheduled']} scheduled report(s) created, "
            f"{counts['activity_reports']} activity report(s) sent to line managers, "
            f"{counts['digests']} digest(s) emailed."
        )
