"""Badges and certificates (E3): Open Badges 3.0 credentials signed with the
issuing organisation's key, and their revocation."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse

from tandem.core.tenancy import TenantManager


class IssuerKey(models.Model):
    """An organisation's signing key. The private key is stored encrypted with a key
    derived from the deployment's secret; only the public key ever leaves the server."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="issuer_keys"
    )
    algorithm = models.CharField(max_length=20, default="EdDSA")
    public_key_pem = models.TextField()
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(retired_at__isnull=True),
                name="one_current_key_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.algorithm} key of {self.organisation}"


class CredentialKind(models.TextChoices):
    BADGE = "badge", "Badge"
    CERTIFICATE = "certificate", "Certificate"


class Credential(models.Model):
    """An issued Open Badges 3.0 credential: a unit's badge or a course's certificate."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=CredentialKind.choices)
    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.PROTECT, related_name="credentials"
    )
    module = models.ForeignKey(
        "training.Module", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    course = models.ForeignKey("training.Course", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="credentials"
    )
    issuer = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    name = models.CharField(max_length=300)
    token = models.TextField(help_text="The signed credential (compact JWT)")
    status_index = models.PositiveIntegerField(help_text="Its bit in the revocation list")
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantManager()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "module"],
                condition=Q(kind="badge"),
                name="one_badge_per_unit_and_enrolment",
            ),
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(kind="certificate"),
                name="one_certificate_per_enrolment",
            ),
            models.UniqueConstraint(
                fields=["issuer", "status_index"], name="unique_status_index_per_issuer"
            ),
        ]
        indexes = [
            models.Index(fields=["course", "kind", "issued_at"]),
            # Statistics count live badges per enrolment without reading the long token.
            models.Index(
                fields=["enrolment", "kind", "revoked_at"], name="credential_live_badge_idx"
            ),
            # The revocation list reads an issuer's revoked credentials on every check.
            models.Index(
                fields=["issuer", "status_index"],
                condition=Q(revoked_at__isnull=False),
                name="credential_revoked_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:credential_detail", kwargs={"uuid": self.uuid})

    def get_verification_url(self) -> str:
        return reverse("training:verify_credential", kwargs={"uuid": self.uuid})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
