"""The meeting log (D3) and observations (D4)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse

from tandem.core.tenancy import TenantManager


class MeetingMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    ONLINE = "online", "Online"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """A mentoring meeting: when, how long, how, what about, what was agreed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentorship = models.ForeignKey(
        "relationships.Mentorship", on_delete=models.CASCADE, related_name="meetings"
    )
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.HELD
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    mode = models.CharField(max_length=20, choices=MeetingMode.choices)
    location = models.CharField(max_length=200, blank=True)
    topics = models.TextField(blank=True)
    next_meeting_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        "organisations.Person", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = TenantManager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["mentorship", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=600),
                name="meeting_duration_1_to_600_minutes",
            )
        ]

    def __str__(self) -> str:
        return f"Meeting on {self.starts_at:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("relationships:meeting_detail", kwargs={"uuid": self.uuid})

    @property
    def is_confirmed(self) -> bool:
        return bool(self.mentor_confirmed_at and self.mentee_confirmed_at)


class Action(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey("organisations.Person", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class PrivateNote(models.Model):
    """A note only the mentor and mentee can read: no coordinator, tutor, manager or admin."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey("organisations.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Private note by {self.author}"


class ObservationPurpose(models.TextChoices):
    DEVELOPMENTAL = "developmental", "Developmental"
    FORMATIVE = "formative", "Formative"
    SUMMATIVE = "summative", "Summative"
    QUALITY_ASSURANCE = "quality_assurance", "Quality assurance"


class ObservationStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    RECORDED = "recorded", "Recorded"
    CANCELLED = "cancelled", "Cancelled"


class Observation(models.Model):
    """Watching a session and giving feedback, in either direction, possibly joint with a tutor.

    The purpose is declared when the observation is planned, before it happens.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentorship = models.ForeignKey(
        "relationships.Mentorship", on_delete=models.CASCADE, related_name="observations"
    )
    observer = models.ForeignKey("organisations.Person", on_delete=models.PROTECT, related_name="+")
    observed = models.ForeignKey("organisations.Person", on_delete=models.PROTECT, related_name="+")
    joint_observer = models.ForeignKey(
        "organisations.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A tutor observing at the same time, to moderate judgements",
    )
    purpose = models.CharField(max_length=20, choices=ObservationPurpose.choices)
    purpose_declared_at = models.DateTimeField()
    scheduled_for = models.DateTimeField()
    session = models.CharField(
        "Session observed", max_length=300, blank=True, help_text="Group, subject and topic"
    )
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    status = models.CharField(
        max_length=20, choices=ObservationStatus.choices, default=ObservationStatus.PLANNED
    )
    response = models.TextField("Response of the person observed", blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = TenantManager()

    class Meta:
        ordering = ["-scheduled_for"]
        indexes = [models.Index(fields=["mentorship", "status", "scheduled_for"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(observer=models.F("observed")), name="observer_not_observed"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} observation of {self.observed}"

    def get_absolute_url(self) -> str:
        return reverse("relationships:observation_detail", kwargs={"uuid": self.uuid})


class Judgement(models.Model):
    """One observer's judgement; a joint observation keeps both, side by side."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="judgements"
    )
    judge = models.ForeignKey("organisations.Person", on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 outstanding to 4 inadequate; only where allowed"
    )
    strengths = models.TextField()
    areas_to_develop = models.TextField()
    # [{"text": str, "objective": uuid | null}] — a target moved into the plan keeps its link.
    targets = models.JSONField(default=list, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "judge"], name="one_judgement_per_judge"
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | (Q(grade__gte=1) & Q(grade__lte=4)),
                name="grade_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"Judgement by {self.judge}"
