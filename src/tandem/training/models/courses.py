"""Courses (E1): modules, workbooks or segments with guided learning hours, content
pages, activities, runs with rolling or cohort enrolment, and live sessions."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse

from tandem.core.tenancy import TenantManager


class CourseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class ReleaseMode(models.TextChoices):
    ALL_AT_ONCE = "all", "All units at once"
    SCHEDULED = "scheduled", "On a schedule"


class EnrolmentMode(models.TextChoices):
    ROLLING = "rolling", "Rolling: learners join any time the run is open"
    COHORT = "cohort", "Cohort: learners start together"


class CompletionRule(models.TextChoices):
    ALL_UNITS = "all", "Every unit completed"
    MINIMUM_UNITS = "minimum", "A minimum number of units completed"


class Course(models.Model):
    """A mentor-training or CPD course run by an organisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="courses"
    )
    title = models.CharField(max_length=200)
    summary = models.CharField(
        max_length=500, blank=True, help_text="One or two sentences shown in the course list"
    )
    description_html = models.TextField(
        "Description", blank=True, help_text="Formatted text; scripts and styles are removed"
    )
    status = models.CharField(
        max_length=20, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    glh = models.DecimalField("Guided learning hours", max_digits=6, decimal_places=1, default=0)
    practice_hours_required = models.DecimalField(
        "Mentoring practice hours required",
        max_digits=6,
        decimal_places=1,
        default=0,
        help_text="Hours of mentoring in the learner's own organisation; 0 if none",
    )
    release_mode = models.CharField(
        max_length=20, choices=ReleaseMode.choices, default=ReleaseMode.ALL_AT_ONCE
    )
    enrolment_mode = models.CharField(
        max_length=20, choices=EnrolmentMode.choices, default=EnrolmentMode.ROLLING
    )
    completion_rule = models.CharField(
        max_length=20, choices=CompletionRule.choices, default=CompletionRule.ALL_UNITS
    )
    minimum_units = models.PositiveSmallIntegerField(null=True, blank=True)
    is_mentor_training = models.BooleanField(
        "Completing this course trains a mentor",
        default=False,
        help_text="Learners who complete it are marked as trained mentors, as programmes "
        "that require trained mentors expect",
    )
    shared_with_partnerships = models.BooleanField(
        "Open to our partnerships",
        default=False,
        help_text="Staff of the other organisations in our partnerships can see and join it",
    )
    awards_certificate = models.BooleanField("Award a certificate on completion", default=True)
    # Accreditation (E5)
    credits = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    level = models.CharField(max_length=100, blank=True, help_text="For example 'Level 4'")
    validating_body = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        "organisations.Person", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = TenantManager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"], name="unique_course_title_per_organisation"
            ),
            models.CheckConstraint(condition=Q(glh__gte=0), name="course_glh_not_negative"),
            models.CheckConstraint(
                condition=Q(practice_hours_required__gte=0),
                name="course_practice_hours_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:course_detail", kwargs={"uuid": self.uuid})

    @property
    def is_accredited(self) -> bool:
        return bool(self.credits or self.level or self.validating_body)


class CourseRun(models.Model):
    """One run of a course: its enrolment window and, for cohorts, its start date."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="runs")
    name = models.CharField(max_length=200)
    enrolment_opens_on = models.DateField()
    enrolment_closes_on = models.DateField(null=True, blank=True)
    starts_on = models.DateField(help_text="For cohorts, when the units begin to open")
    ends_on = models.DateField(null=True, blank=True)
    places = models.PositiveIntegerField(null=True, blank=True, help_text="Empty for no limit")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="unique_run_name_per_course"),
            models.CheckConstraint(
                condition=Q(enrolment_closes_on__isnull=True)
                | Q(enrolment_closes_on__gte=models.F("enrolment_opens_on")),
                name="run_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("training:run_detail", kwargs={"uuid": self.uuid})


class UnitKind(models.TextChoices):
    MODULE = "module", "Module"
    WORKBOOK = "workbook", "Workbook"
    SEGMENT = "segment", "Learning segment"


class Module(models.Model):
    """A unit of a course: a module, a workbook or a short learning segment."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=20, choices=UnitKind.choices, default=UnitKind.MODULE)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    glh = models.DecimalField("Guided learning hours", max_digits=5, decimal_places=1, default=0)
    requires_previous = models.BooleanField(
        "The previous unit must be completed first", default=False
    )
    release_after_days = models.PositiveSmallIntegerField(
        "Opens after (days)",
        default=0,
        help_text="On a scheduled course: days after the learner's start (rolling) or the "
        "run's start (cohort)",
    )
    awards_badge = models.BooleanField("Award a badge on completion", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["course", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(glh__gte=0), name="module_glh_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:module_detail", kwargs={"uuid": self.uuid})


class ContentPage(models.Model):
    """Reading for a unit: sanitised rich text, an optional file and an optional link."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="pages")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    body_html = models.TextField("Text", blank=True)
    attachment = models.FileField(upload_to="training/pages/%Y/", blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    link_url = models.URLField("Link", blank=True, max_length=500)
    link_label = models.CharField(max_length=200, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["module", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ActivityKind(models.TextChoices):
    REFLECTION = "reflection", "Reflective question"
    ASSIGNMENT = "assignment", "Assignment (assessed by a tutor)"
    PROJECT = "project", "Programme-design project (assessed by a tutor)"


class Activity(models.Model):
    """Something the learner does in a unit: answer, submit an assignment, design a programme."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    title = models.CharField(max_length=200)
    prompt = models.TextField(help_text="The question or brief the learner sees")
    word_guide = models.PositiveIntegerField(
        null=True, blank=True, help_text="Suggested length in words, for assignments"
    )
    required = models.BooleanField("Needed to complete the unit", default=True)

    objects = TenantManager()

    class Meta:
        ordering = ["module", "position", "pk"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.title

    @property
    def is_assessed(self) -> bool:
        return self.kind in (ActivityKind.ASSIGNMENT, ActivityKind.PROJECT)


class LiveSession(models.Model):
    """A trainer-led session of a run: when, where to join, and the recording afterwards."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="live_sessions")
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="live_sessions"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    joining_url = models.URLField("Joining link", blank=True, max_length=500)
    recording_url = models.URLField("Recording", blank=True, max_length=500)

    objects = TenantManager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=600),
                name="live_session_1_to_600_minutes",
            )
        ]

    def __str__(self) -> str:
        return self.title
