"""The mentoring agreement (D1): versions, each signed by every party, never changed once signed."""

from __future__ import annotations

import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from tandem.core.tenancy import TenantManager


class Agreement(models.Model):
    """One per mentorship; its text lives in versions."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentorship = models.OneToOneField(
        "relationships.Mentorship", on_delete=models.CASCADE, related_name="agreement"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    def __str__(self) -> str:
        return f"Agreement for {self.mentorship}"

    def get_absolute_url(self) -> str:
        return reverse("relationships:agreement", kwargs={"uuid": self.mentorship.uuid})


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING = "awaiting_signatures", "Waiting for signatures"
    SIGNED = "signed", "Signed by everyone"
    SUPERSEDED = "superseded", "Replaced by an amendment"


class Party(models.TextChoices):
    MENTEE = "mentee", "Mentee"
    MENTOR = "mentor", "Mentor"
    INSTITUTION = "institution", "For the organisation"


class AgreementVersion(models.Model):
    """The exact text the parties read and sign.

    ``content`` holds the structured sections (commitments of mentor, mentee and
    institution, confidentiality, meeting arrangements, objectives with what /
    measure / by when); ``text`` is the rendered wording and ``text_hash`` its
    SHA-256. Once anyone has signed, the version is frozen: a change is a new
    version (an amendment) that needs new signatures.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField(default=dict)
    text = models.TextField()
    text_hash = models.CharField(max_length=64)
    status = models.CharField(
        max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    change_summary = models.CharField(max_length=500, blank=True)
    created_by_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    edit_version = models.PositiveIntegerField(default=1)

    objects = TenantManager()

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_agreement_version")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.agreement}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).values("text_hash").first()
            signed = Signature._base_manager.filter(version_id=self.pk).exists()
            if signed and stored and stored["text_hash"] != self.hash_text(self.text):
                raise ValidationError(
                    "A signed agreement version never changes; make an amendment."
                )
        self.text_hash = self.hash_text(self.text)
        super().save(*args, **kwargs)

    @staticmethod
    def hash_text(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Signature(models.Model):
    """A party's typed-name signature of one exact text."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    party = models.CharField(max_length=20, choices=Party.choices)
    person = models.ForeignKey("organisations.Person", on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(max_length=200)
    text_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "party"], name="one_signature_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.typed_name} ({self.get_party_display()})"
