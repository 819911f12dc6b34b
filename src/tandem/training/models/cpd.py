"""The CPD record (E4): hours entered by hand with evidence. Training, mentoring
practice, supervision and observation already recorded in Tandem are counted
automatically (training.cpd) and never copied here."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from tandem.core.tenancy import TenantManager


class CPDActivity(models.TextChoices):
    TRAINING = "training", "Training"
    MENTORING = "mentoring", "Mentoring practice"
    SUPERVISION = "supervision", "Supervision"
    OBSERVATION = "observation", "Observation"
    OTHER = "other", "Other"


class CPDEntry(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.CASCADE, related_name="cpd_entries"
    )
    # The organisation the person recorded it with: its coordinators see it.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    activity = models.CharField(max_length=20, choices=CPDActivity.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    evidence = models.FileField(upload_to="training/cpd/%Y/", blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = "CPD entry"
        verbose_name_plural = "CPD entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="cpd_entry_up_to_a_day"
            ),
        ]
        indexes = [models.Index(fields=["person", "on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.hours} hours)"
