"""Background work for mentorships (django-tasks): run the expiry of unanswered offers.

Run it hourly, from cron (``manage.py expire_offers``) or a scheduler that
enqueues ``expire_offers_task``; running it twice does nothing more.
"""

from __future__ import annotations

from django_tasks import task

from tandem.relationships import services


@task()
def expire_offers_task() -> int:
    """Expire proposals whose time to answer has passed; ask the next best. Returns how many."""
    return services.expire_overdue_offers()
