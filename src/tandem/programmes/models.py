"""Programmes, their rules, cohorts and the academic calendar (B1–B3).

A programme template (shipped reference data, public) holds ready rules; a
programme is an organisation's or a partnership's own copy of those rules,
which it may edit. A cohort runs a programme on an academic calendar of terms
and half-terms.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from tandem.core.tenancy import TenantManager


class Purpose(models.TextChoices):
    ITT_PRE_SERVICE = "itt_pre_service", "Initial teacher training (pre-service)"
    ITT_IN_SERVICE = "itt_in_service", "Initial teacher training (in-service)"
    INDUCTION = "induction", "Induction"
    CPD = "cpd", "Continuing professional development"
    PERFORMANCE = "performance", "Performance support"
    LEADERSHIP = "leadership", "Leadership and management"
    CAREER = "career", "Career development"


class RelationshipType(models.TextChoices):
    MENTORING = "mentoring", "Mentoring"
    SPECIALIST_COACHING = "specialist_coaching", "Specialist coaching"
    CO_COACHING = "co_coaching", "Co-coaching between peers"
    GROUP = "group", "Group or triad"


class ObservationPolicy(models.TextChoices):
    FORMATIVE_ONLY = "formative_only", "Mentor observations are formative only (no grades)"
    MAY_ASSESS = "may_assess", "Mentor observations may count towards assessment (grades allowed)"


class ProgrammeRules(models.Model):
    """The rules a template ships and a programme copies (B2).

    ``contact_rules``: a list of {"period": "half_term" | "term" | "month" | "year",
    "kind": "discussion" | "observation" | "report", "minimum": int,
    "periods": [positions in the year, 1-based; empty = every period], "label": str}.
    ``required_documents``: a list of document codes ("agreement", "development_plan", ...).
    ``report_schedule``: a list of {"name": str, "due": "MM-DD", "recipients": [roles]}.
    """

    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    relationship_type = models.CharField(
        max_length=30, choices=RelationshipType.choices, default=RelationshipType.MENTORING
    )
    contact_rules = models.JSONField(default=list, blank=True)
    required_documents = models.JSONField(default=list, blank=True)
    mentor_hours_per_mentee = models.PositiveSmallIntegerField(
        "Minimum mentor hours per mentee per year", default=0
    )
    remission_hours_per_mentee = models.PositiveSmallIntegerField(
        "Teaching hours released per mentee per year (remission)", default=0
    )
    payment_per_placement_pence = models.PositiveIntegerField(
        "Payment to the mentor per placement, in pence", default=0
    )
    supervision_hours_per_mentor = models.PositiveSmallIntegerField(
        "Supervision hours for each mentor per year", default=0
    )
    report_schedule = models.JSONField(default=list, blank=True)
    report_recipients = models.JSONField(default=list, blank=True)
    line_manager_reports = models.BooleanField(
        "Activity reports to line managers",
        default=True,
        help_text="Fortnightly in the first month, then monthly; activity and time only.",
    )
    observation_policy = models.CharField(
        max_length=20, choices=ObservationPolicy.choices, default=ObservationPolicy.FORMATIVE_ONLY
    )
    requires_trained_mentor = models.BooleanField(
        "Mentors must have completed mentor training", default=False
    )
    # Matching (C4): weight of each named score part; see tandem.matching.engine.model.Weights.
    weight_subject = models.FloatField("Subject fit", default=4.0)
    weight_mode = models.FloatField("Ways of meeting", default=1.0)
    weight_availability = models.FloatField("Availability", default=1.0)
    weight_place = models.FloatField("Same site or region", default=1.0)
    weight_experience = models.FloatField("Mentor experience", default=1.0)
    weight_preferred = models.FloatField("Mentor the mentee asked for", default=2.0)
    offer_response_days = models.PositiveSmallIntegerField(
        "Days a mentor has to accept or decline", default=5
    )

    WEIGHT_FIELDS = (
        "weight_subject",
        "weight_mode",
        "weight_availability",
        "weight_place",
        "weight_experience",
        "weight_preferred",
    )

    class Meta:
        abstract = True

    def weights(self) -> dict[str, float]:
        return {name.removeprefix("weight_"): getattr(self, name) for name in self.WEIGHT_FIELDS}


class ProgrammeTemplate(ProgrammeRules):
    """Ready rules drawn from the seeds; public reference data, editable by platform admins."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Programme(ProgrammeRules):
    """A scheme an organisation (or a partnership) runs (B1)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="programmes",
    )
    partnership = models.ForeignKey(
        "organisations.Partnership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="programmes",
    )
    template = models.ForeignKey(
        ProgrammeTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = TenantManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(partnership__isnull=True))
                | (Q(organisation__isnull=True) & Q(partnership__isnull=False)),
                name="programme_owned_by_organisation_or_partnership",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:programme_detail", kwargs={"uuid": self.uuid})


class AcademicCalendar(models.Model):
    """An organisation's academic year: terms and half-terms (B3)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="calendars"
    )
    name = models.CharField(max_length=100, help_text="For example 2026/27")
    starts_on = models.DateField()
    ends_on = models.DateField()

    history = HistoricalRecords()
    objects = TenantManager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_calendar_name"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="calendar_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PeriodKind(models.TextChoices):
    TERM = "term", "Term"
    HALF_TERM = "half_term", "Half-term"


class CalendarPeriod(models.Model):
    """A term or half-term of a calendar; half-terms sit inside their term."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    calendar = models.ForeignKey(AcademicCalendar, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(max_length=20, choices=PeriodKind.choices)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(help_text="1-based order within its kind")
    starts_on = models.DateField()
    ends_on = models.DateField()

    history = HistoricalRecords()
    objects = TenantManager()

    class Meta:
        ordering = ["starts_on", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "kind", "position"], name="unique_period_position"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%d %b} to {self.ends_on:%d %b %Y})"


class CohortStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    RUNNING = "running", "Running"
    CLOSED = "closed", "Closed"


class Cohort(models.Model):
    """A group of mentees starting a programme together at an organisation (B3)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="cohorts"
    )
    calendar = models.ForeignKey(AcademicCalendar, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=150)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=CohortStatus.choices, default=CohortStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = TenantManager()

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme", "name"], name="unique_cohort_name"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="cohort_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:cohort_detail", kwargs={"uuid": self.uuid})
