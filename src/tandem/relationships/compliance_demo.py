"""Reports for the demonstration data: this year's scheduled reports, one of them sent, and
the line managers' activity reports (made without sending email)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.relationships import reports
from tandem.relationships.models import Mentorship, MentorshipStatus, Report, ReportKind

DEMO_BODY = (
    "Settled in well and plans lessons with clear outcomes. Questioning to check learning "
    "is improving after our last two meetings; next we will work on stretching the most "
    "able learners. The agreement is signed and the development plan is up to date."
)


@transaction.atomic
def seed_compliance(today: date | None = None) -> dict[str, Any]:
    """Idempotent: running it again adds nothing."""
    today = today or timezone.localdate()
    scheduled = reports.schedule_reports(today=today)
    activity = reports.send_line_manager_reports(today=today, email=False)
    sent = 0
    with system_access():
        has_sent = Report.objects.filter(kind=ReportKind.SCHEDULED, status="sent").exists()
        first = (
            Report.objects.filter(
                kind=ReportKind.SCHEDULED,
                status="draft",
                mentorship__status=MentorshipStatus.ACTIVE,
            )
            .select_related("mentorship__organisation", "mentorship__mentor")
            .order_by("due_on", "mentorship__created_at")
            .first()
        )
        if not has_sent and first is not None:
            recipients = reports.recipients_for(first)
            if recipients:
                first.body = DEMO_BODY
                first.status = "sent"
                first.sent_at = timezone.now()
                first.author = first.mentorship.mentor
                first.version += 1
                first.save()
                first.recipients.set(recipients)
                sent = 1
        active = Mentorship.objects.filter(status=MentorshipStatus.ACTIVE).count()
    return {"scheduled": scheduled, "activity": activity, "sent": sent, "active": active}
