"""Mentoring requests and matching runs (C3, C5); the engine itself is in ``engine``."""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from tandem.core.tenancy import TenantManager


class Route(models.TextChoices):
    COORDINATOR = "coordinator", "Matched by the coordinator"
    SHORTLIST = "shortlist", "Mentee chooses from a shortlist"
    SELF_IDENTIFIED = "self_identified", "Mentee has found a mentor"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for a mentor"
    AWAITING_APPROVAL = "awaiting_approval", "Mentor chosen, waiting for approval"
    MATCHED = "matched", "Mentor proposed or agreed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MentoringRequest(models.Model):
    """What a mentee needs from a mentor (C3)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="mentoring_requests"
    )
    mentee = models.ForeignKey(
        "organisations.Person", on_delete=models.CASCADE, related_name="mentoring_requests"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="requests"
    )
    cohort = models.ForeignKey(
        "programmes.Cohort",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    subject = models.ForeignKey(
        "mentors.Subject", on_delete=models.PROTECT, related_name="requests"
    )
    development_needs = models.TextField(
        help_text="What the mentee wants to develop, in their own words"
    )
    modes = models.JSONField("Ways of meeting that suit", default=list, blank=True)
    availability = models.CharField(max_length=300, blank=True)
    preferences = models.TextField(
        "Anything else about the mentor",
        blank=True,
        help_text="For example someone who has taught in a prison, or a woman mentor",
    )
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.COORDINATOR)
    chosen_mentor = models.ForeignKey(
        "organisations.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chosen_by_requests",
        help_text="A mentor the mentee found themselves or chose from a shortlist",
    )
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    decision_note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = TenantManager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["cohort", "status"]),
        ]

    def __str__(self) -> str:
        return f"Mentoring request of {self.mentee}"

    def get_absolute_url(self) -> str:
        return reverse("matching:request_detail", kwargs={"uuid": self.uuid})


class Objective(models.TextChoices):
    PARTICIPATION_FIRST = (
        "participation_first",
        "Match as many mentees as possible, then best quality",
    )
    QUALITY_FIRST = "quality_first", "Best quality, even if fewer mentees are matched"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    READY = "ready", "Ready to review"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded"


class MatchRun(models.Model):
    """One run of the engine over a cohort's open requests, and its proposals (C4, C5)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="match_runs"
    )
    cohort = models.ForeignKey(
        "programmes.Cohort", on_delete=models.CASCADE, related_name="match_runs"
    )
    objective = models.CharField(
        max_length=30, choices=Objective.choices, default=Objective.PARTICIPATION_FIRST
    )
    include_partners = models.BooleanField(
        "Look for mentors in partner organisations when none fits here", default=True
    )
    weights = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    mentees = models.PositiveIntegerField(default=0)
    mentors = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    total_score = models.PositiveIntegerField(default=0)
    hard_to_match = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Matching run for {self.cohort} ({self.created_at:%d %b %Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("matching:run_detail", kwargs={"uuid": self.uuid})


class Proposal(models.Model):
    """One mentee's proposed mentor in a run (or the reason there is none)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    request = models.ForeignKey(
        MentoringRequest, on_delete=models.CASCADE, related_name="proposals"
    )
    mentor = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentor_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    rung = models.PositiveSmallIntegerField(null=True, blank=True)
    parts = models.JSONField(default=dict, blank=True)
    why = models.JSONField(default=list, blank=True)
    # The next best allowed mentors: [{"mentor": uuid, "name", "organisation", "score",
    # "rung", "why"}], best first; used for hand edits and when a mentor declines.
    alternatives = models.JSONField(default=list, blank=True)
    unmatched_reason = models.CharField(max_length=500, blank=True)
    edited_by = models.ForeignKey(
        "organisations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantManager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "request"], name="one_proposal_per_request")
        ]

    def __str__(self) -> str:
        return f"Proposal for {self.request.mentee}"
