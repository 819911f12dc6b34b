"""The daily compliance job as a background task (django-tasks).

Enqueue ``send_daily_digests`` once a day (a scheduler, or cron running
``manage.py send_digests``): it creates the scheduled reports now due, sends
the line managers' activity reports and emails each person one digest. Running
it twice on the same day sends nothing more.
"""

from __future__ import annotations

from django_tasks import task

from tandem.relationships import digest


@task()
def send_daily_digests(on: str | None = None) -> dict[str, int]:
    """Run the daily job for the day ``on`` (YYYY-MM-DD, default today); returns the counts."""
    from datetime import date

    return digest.run_daily(today=date.fromisoformat(on) if on else None)
