"""Reports (D5), time (D7), reminders sent (D6) and calendar feeds (D9)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from tandem.core.tenancy import TenantManager


class ReportKind(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled report"
    LINE_MANAGER = "line_manager", "Activity report to the line manager"
    CLOSING = "closing", "Closing review"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"


class Report(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentorship = models.ForeignKey(
        "relationships.Mentorship", on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    name = models.CharField(max_length=150)
    due_on = models.DateField()
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    body = models.TextField(blank=True)
    # Line-manager reports hold figures only: meetings, observations, hours.
    figures = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    author = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipients = models.ManyToManyField("organisations.Person", blank=True, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = TenantManager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "kind", "name"], name="unique_report_per_schedule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} for {self.mentorship}"


class TimeKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    OBSERVATION = "observation", "Observation"
    PREPARATION = "preparation", "Preparation and paperwork"
    SUPERVISION = "supervision", "Supervision of the mentor"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class TimeEntry(models.Model):
    """Hours entered by hand; meetings and observations count automatically."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentorship = models.ForeignKey(
        "relationships.Mentorship", on_delete=models.CASCADE, related_name="time_entries"
    )
    person = models.ForeignKey("organisations.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=TimeKind.choices)
    on = models.DateField()
    minutes = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=24 * 60),
                name="time_entry_1_minute_to_1_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.minutes} minutes of {self.get_kind_display()}"


class DigestSent(models.Model):
    """One reminder digest per person per day: a second run of the task sends nothing."""

    person = models.ForeignKey("organisations.Person", on_delete=models.CASCADE, related_name="+")
    on = models.DateField()
    items = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "on"], name="one_digest_per_person_per_day")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.person} on {self.on}"


class CalendarFeed(models.Model):
    """A private calendar feed URL per person; only the hash of its token is kept."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"
