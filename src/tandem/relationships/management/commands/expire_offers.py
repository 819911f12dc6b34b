"""Expire offers to mentors that were not answered in time (run hourly, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tandem.relationships.services import expire_overdue_offers


class Command(BaseCommand):
    help = (
        "Expire proposals whose mentor did not answer in time and ask the next best mentor. "
        "Safe to run as often as you like; run it hourly."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = expire_overdue_offers()
        self.stdout.write(f"{expired} offer{'s' if expired != 1 else ''} expired.")
