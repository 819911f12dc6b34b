"""Email notifications: one plain-text message per person, rendered from a template."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def notify(people: Iterable[Any], template: str, context: dict[str, Any]) -> int:
    """Email each person (skipping duplicates and people without an address).

    ``template`` names a text template whose first line is the subject.
    Returns how many messages were sent.
    """
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
        send_mail(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject.strip(),
            body.strip() + "\n",
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
        sent += 1
    return sent
