"""The mentoring relationship: a dated period between a mentor and a mentee (D).

A mentorship is created by a coordinator directly, or by publishing a match
(C5). Until the mentor accepts it is *proposed*; where the mentor is in another
organisation it first waits for that organisation's coordinator to approve the
brokerage. Every step is an author-stamped event.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from tandem.core.tenancy import TenantManager, TenantQuerySet


class MentorshipStatus(models.TextChoices):
    AWAITING_BROKERAGE = "awaiting_brokerage", "Waiting for the mentor's organisation to agree"
    PROPOSED = "proposed", "Waiting for the mentor to accept"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined by the mentor"
    EXPIRED = "expired", "Not answered in time"
    WITHDRAWN = "withdrawn", "Withdrawn before it started"
    ENDED = "ended", "Ended"


# Statuses that hold a place in the mentor's capacity.
HOLDING = (MentorshipStatus.AWAITING_BROKERAGE, MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE)
PENDING = (MentorshipStatus.AWAITING_BROKERAGE, MentorshipStatus.PROPOSED)


class Source(models.TextChoices):
    COORDINATOR = "coordinator", "Allocated by a coordinator"
    MATCH_RUN = "match_run", "Cohort matching"
    SHORTLIST = "shortlist", "Chosen by the mentee from a shortlist"
    SELF_IDENTIFIED = "self_identified", "Found by the mentee, approved by the course leader"
    BROKERAGE = "brokerage", "Brokered from another organisation"


class EndReason(models.TextChoices):
    COMPLETED = "completed", "Programme completed"
    MENTEE_LEFT = "mentee_left", "Mentee left the programme"
    MENTOR_LEFT = "mentor_left", "Mentor could no longer continue"
    BROKE_DOWN = "broke_down", "The relationship did not work"
    TRANSFERRED = "transferred", "Mentee transferred"


class MentorshipQuerySet(TenantQuerySet):
    def holding(self) -> MentorshipQuerySet:
        return self.filter(status__in=HOLDING)


MentorshipManager = TenantManager.from_queryset(MentorshipQuerySet)


class Mentorship(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The mentee's organisation runs the relationship; the mentor may be elsewhere.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="mentorships"
    )
    mentor_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="mentorships_given"
    )
    mentor = models.ForeignKey(
        "organisations.Person", on_delete=models.CASCADE, related_name="mentoring"
    )
    mentee = models.ForeignKey(
        "organisations.Person", on_delete=models.CASCADE, related_name="mentored_by"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="mentorships"
    )
    cohort = models.ForeignKey(
        "programmes.Cohort",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentorships",
    )
    request = models.ForeignKey(
        "matching.MentoringRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentorships",
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    status = models.CharField(max_length=20, choices=MentorshipStatus.choices)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    why = models.JSONField(default=list, blank=True)
    respond_by = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = MentorshipManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="mentor_not_mentee"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="mentorship_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
            models.Index(fields=["status", "respond_by"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.mentee}"

    def get_absolute_url(self) -> str:
        return reverse("relationships:mentorship_detail", kwargs={"uuid": self.uuid})

    @property
    def is_cross_organisation(self) -> bool:
        return self.organisation_id != self.mentor_organisation_id


class MentorshipEvent(models.Model):
    """Who did what to a mentorship, when: the relationship's own log."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=60)
    actor_name = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.code} by {self.actor_name}"
