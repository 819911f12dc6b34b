"""Email notifications: one plain-text message per person, rendered from a template.

Messages are rendered at once (from the records as the service left them) and
sent when the surrounding transaction commits: a change that is rolled back
sends nothing. ``TANDEM_EMAIL_ON_COMMIT = False`` sends at once instead (tests
that run inside a transaction which never commits).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def _sender(subject: str, body: str, email: str) -> Callable[[], None]:
    def send_notification() -> None:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])

    return send_notification


def notify(people: Iterable[Any], template: str, context: dict[str, Any]) -> int:
    """Email each person (skipping duplicates and people without an address).

    ``template`` names a text template whose first line is the subject.
    Returns how many messages were rendered (and are sent once the change commits).
    """
    on_commit = getattr(settings, "TANDEM_EMAIL_ON_COMMIT", True)
    sent = 0
    seen: set[str] = set()
    for person in people:
        email = getattr(person, "email", "")
        if not email or email in seen:
            continue
        seen.add(email)
        text = render_to_string(
            template, {**context, "recipient": person, "site_url": settings.SITE_URL}
        )
        subject, _, body = text.strip().partition("\n")
        message = _sender(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject.strip(),
            body.strip() + "\n",
            email,
        )
        if on_commit:
            # robust: one failed message neither stops the others nor undoes the change.
            transaction.on_commit(message, robust=True)
        else:
            message()
        sent += 1
    return sent
