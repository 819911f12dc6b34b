"""The subject taxonomy (sector → subject) that mentors and requests refer to.

Reference data shared by every organisation (confidentiality: public), so
these are plain models, not tenant records.
"""

from __future__ import annotations

import uuid

from django.db import models


class SectorKind(models.TextChoices):
    SUBJECT_AREA = "subject_area", "Sector subject area"
    SKILLS_FOR_LIFE = "skills_for_life", "Skills for Life"
    CROSS_CUTTING = "cross_cutting", "Cross-cutting theme"


class Sector(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=30, choices=SectorKind.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="subjects")
    name = models.CharField(max_length=150)
    description = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Retired subjects stay on old records but are not offered."
    )

    class Meta:
        ordering = ["sector__position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["sector", "name"], name="unique_subject_in_sector")
        ]

    def __str__(self) -> str:
        return self.name
