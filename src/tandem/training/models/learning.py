"""Learning (E2): enrolments, completed units, reflective answers, assessed
submissions and practice hours entered by hand."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse

from tandem.core.tenancy import TenantManager


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", "In progress"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Enrolment(models.Model):
    """A person learning on a run of a course."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(
        "training.CourseRun", on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="enrolments"
    )
    # The learner's own organisation when they joined: its coordinators follow their training.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    enrolled_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    last_active_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = TenantManager()

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="one_enrolment_per_run"),
        ]
        indexes = [models.Index(fields=["run", "status"])]

    def __str__(self) -> str:
        return f"{self.person} on {self.run}"

    def get_absolute_url(self) -> str:
        return reverse("training:enrolment_detail", kwargs={"uuid": self.uuid})


class ModuleCompletion(models.Model):
    """A unit a learner has completed (once; the badge follows)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="completions")
    module = models.ForeignKey("training.Module", on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField()

    objects = TenantManager()

    class Meta:
        ordering = ["completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "module"], name="one_completion_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.module} completed"


class Answer(models.Model):
    """A learner's reflective answer to a workbook question, saved as they write."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="answers")
    activity = models.ForeignKey("training.Activity", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["activity__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "activity"], name="one_answer_per_activity"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.activity}"


class Outcome(models.TextChoices):
    MET = "met", "Met"
    NOT_YET_MET = "not_yet_met", "Not yet met"


class Submission(models.Model):
    """One attempt at an assignment or project, and the tutor's assessment of it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="submissions")
    activity = models.ForeignKey("training.Activity", on_delete=models.PROTECT, related_name="+")
    attempt = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(blank=True)
    # A programme-design project: {section key: text}, see training.project.SECTIONS.
    sections = models.JSONField(default=dict, blank=True)
    file = models.FileField(upload_to="training/submissions/%Y/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    feedback = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "activity", "attempt"], name="one_submission_per_attempt"
            ),
        ]
        indexes = [models.Index(fields=["outcome", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.activity}, attempt {self.attempt}"

    def get_absolute_url(self) -> str:
        return reverse("training:submission_detail", kwargs={"uuid": self.uuid})


class PracticeEntry(models.Model):
    """Mentoring practice entered by hand (meetings and observations as a mentor count
    automatically)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="practice_entries"
    )
    on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    description = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name_plural = "practice entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="practice_entry_up_to_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} hours of practice"
