"""The development plan (D2): objectives with SMART checks, standards, status, evidence, reviews."""

from __future__ import annotations

import uuid

from django.db import models

from tandem.core.tenancy import TenantManager


class StandardsFramework(models.Model):
    """A professional-standards framework; shipped as editable reference data (public)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Standard(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    framework = models.ForeignKey(
        StandardsFramework, on_delete=models.CASCADE, related_name="standards"
    )
    code = models.CharField(max_length=20)
    area = models.CharField(max_length=150)
    text = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_standard_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class DevelopmentPlan(models.Model):
    """The mentee's individual learning plan within one mentorship."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentorship = models.OneToOneField(
        "relationships.Mentorship", on_delete=models.CASCADE, related_name="plan"
    )
    framework = models.ForeignKey(
        StandardsFramework, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    def __str__(self) -> str:
        return f"Development plan for {self.mentorship.mentee}"


class ObjectiveStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "No longer relevant"


class ObjectiveSource(models.TextChoices):
    AGREEMENT = "agreement", "Agreed at the start"
    OBSERVATION = "observation", "From an observation"
    PLAN = "plan", "Added to the plan"


class Objective(models.Model):
    """A SMART objective: what, how it is measured, by when."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="objectives")
    what = models.CharField("What will change", max_length=500)
    measure = models.CharField("How it will be measured", max_length=500)
    due_on = models.DateField("By when")
    review_on = models.DateField("Next review", null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ObjectiveStatus.choices, default=ObjectiveStatus.NOT_STARTED
    )
    standards = models.ManyToManyField(Standard, blank=True, related_name="+")
    source = models.CharField(
        max_length=20, choices=ObjectiveSource.choices, default=ObjectiveSource.PLAN
    )
    observation = models.ForeignKey(
        "relationships.Observation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = TenantManager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.what


class Evidence(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="evidence")
    description = models.TextField()
    link = models.URLField(blank=True)
    added_by = models.ForeignKey(
        "organisations.Person", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["added_at"]

    def __str__(self) -> str:
        return self.description[:80]
