"""The mentor pool: the subject taxonomy and mentor profiles (C1).

Sectors and subjects are reference data shared by every organisation
(confidentiality: public), so they are plain models, not tenant records.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from tandem.core.tenancy import TenantManager


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


class TrainingStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started mentor training"
    IN_TRAINING = "in_training", "In mentor training"
    TRAINED = "trained", "Completed mentor training"


class Mode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    ONLINE = "online", "Online"
    PHONE = "phone", "Phone"


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class MentorProfile(models.Model):
    """What a mentor offers (C1). Edited by the mentor, approved by a coordinator.

    Only approved profiles with consent are offered for matching.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.OneToOneField(
        "organisations.Person", on_delete=models.CASCADE, related_name="mentor_profile"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="mentor_profiles"
    )
    specialisms = models.ManyToManyField(Subject, related_name="mentor_profiles", blank=True)
    teaching_qualification = models.CharField(
        max_length=200, blank=True, help_text="For example Cert Ed, PGCE, DET or QTLS"
    )
    mentoring_qualification = models.CharField(
        max_length=200, blank=True, help_text="For example a level 5 mentoring award"
    )
    training_status = models.CharField(
        max_length=20, choices=TrainingStatus.choices, default=TrainingStatus.NOT_STARTED
    )
    years_teaching = models.PositiveSmallIntegerField("Years teaching or training", default=0)
    years_mentoring = models.PositiveSmallIntegerField("Years mentoring", default=0)
    advanced_practitioner = models.BooleanField("Advanced practitioner", default=False)
    subject_learning_coach = models.BooleanField("Subject learning coach", default=False)
    capacity = models.PositiveSmallIntegerField(
        "Mentees at once", default=1, help_text="How many mentees you can support at the same time"
    )
    availability = models.CharField(
        max_length=300, blank=True, help_text="For example Tuesday and Thursday afternoons"
    )
    site = models.ForeignKey(
        "organisations.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    region = models.CharField(max_length=100, blank=True)
    modes = models.JSONField("Ways of meeting", default=list, blank=True)
    willing_outside = models.BooleanField(
        "Willing to mentor someone from another organisation in the partnership", default=False
    )
    generic_pool = models.BooleanField(
        "Happy to mentor people outside my specialisms",
        default=False,
        help_text="You join the generic pool, offered when no subject specialist is free.",
    )
    listed_in_directory = models.BooleanField(
        "List me in the partnership directory",
        default=False,
        help_text="Other organisations in the partnership see your profile, not your contact "
        "details, and can ask your coordinator to broker mentoring.",
    )
    consents_to_matching = models.BooleanField(
        "Offer me for matching",
        default=True,
        help_text="Untick to stop new mentees being proposed to you; current mentees stay.",
    )
    status = models.CharField(
        max_length=20, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT
    )
    coordinator_note = models.CharField(max_length=500, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[specialisms])
    objects = TenantManager()

    class Meta:
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__lte=20), name="mentor_capacity_at_most_20"
            )
        ]

    def __str__(self) -> str:
        return f"Mentor profile of {self.person}"

    def get_absolute_url(self) -> str:
        return reverse("mentors:profile_detail", kwargs={"uuid": self.uuid})

    @property
    def is_offered(self) -> bool:
        return self.status == ProfileStatus.APPROVED and self.consents_to_matching

    def mode_labels(self) -> list[str]:
        return [Mode(m).label for m in self.modes if m in Mode.values]


class BrokerageStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the mentor's coordinator"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class BrokerageRequest(models.Model):
    """One organisation asks another for one of its mentors (C2, C5).

    The mentor's coordinator decides. Only once accepted does the asking
    organisation see the mentor's contact details.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        "organisations.Partnership", on_delete=models.CASCADE, related_name="brokerage_requests"
    )
    requesting_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="brokerage_sent"
    )
    mentor_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="brokerage_received"
    )
    mentor_profile = models.ForeignKey(
        MentorProfile, on_delete=models.CASCADE, related_name="brokerage_requests"
    )
    request = models.ForeignKey(
        "matching.MentoringRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="brokerage_requests",
    )
    mentorship = models.ForeignKey(
        "relationships.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="brokerage_requests",
    )
    message = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=BrokerageStatus.choices, default=BrokerageStatus.PENDING
    )
    credits = models.PositiveSmallIntegerField(
        default=1, help_text="Mentoring credits the asking organisation pays when accepted"
    )
    requested_by = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()
    objects = TenantManager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["mentor_organisation", "status"]),
            models.Index(fields=["requesting_organisation", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(requesting_organisation=models.F("mentor_organisation")),
                name="brokerage_between_two_organisations",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requesting_organisation} asks {self.mentor_organisation} for a mentor"

    def get_absolute_url(self) -> str:
        return reverse("mentors:brokerage_detail", kwargs={"uuid": self.uuid})


class CreditEntry(models.Model):
    """A line of the partnership's mentoring-credit ledger (C5).

    Append-only: the mentor's organisation earns credits, the asking organisation
    spends them; a balance is the sum of an organisation's entries in a partnership.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        "organisations.Partnership", on_delete=models.CASCADE, related_name="credit_entries"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="credit_entries"
    )
    amount = models.IntegerField(help_text="Positive when earned, negative when spent")
    brokerage = models.ForeignKey(
        BrokerageRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_entries",
    )
    description = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "organisation"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="credit_entry_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.amount:+d} for {self.organisation} in {self.partnership}"
