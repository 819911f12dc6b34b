"""Partnerships, organisations, sites, people, roles and line management (A1, A2)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tandem.core.roles import PartnershipRoleKind, Role
from tandem.core.tenancy import TenantManager, TenantQuerySet


class OrganisationKind(models.TextChoices):
    COLLEGE = "college", "Further-education college"
    WORK_BASED_LEARNING = "work_based_learning", "Work-based learning provider"
    ADULT_COMMUNITY = "adult_community", "Adult and community learning"
    THIRD_SECTOR = "third_sector", "Third sector"
    HIGHER_EDUCATION = "higher_education", "Higher education"
    PRISON_EDUCATION = "prison_education", "Prison education"
    SCHOOL = "school", "School"


class DatedQuerySet(TenantQuerySet):
    """Records that hold for a dated period (starts_on … ends_on)."""

    def current(self, on=None) -> DatedQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(starts_on__lte=on) | Q(starts_on__isnull=True)).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=on)
        )


DatedManager = TenantManager.from_queryset(DatedQuerySet)


class Partnership(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    region = models.CharField(max_length=100, blank=True)
    require_mfa_for_admins = models.BooleanField(
        "Administrators must use two-factor authentication", default=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = TenantManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:partnership_detail", kwargs={"uuid": self.uuid})


class Organisation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=OrganisationKind.choices)
    region = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    require_mfa_for_staff = models.BooleanField(
        "Staff must use two-factor authentication",
        default=False,
        help_text="Coordinators, tutors, trainers and line managers set up an authenticator app.",
    )
    cpd_target_hours = models.PositiveSmallIntegerField(
        "Annual CPD target (hours)",
        default=30,
        help_text="Hours of continuing professional development each person aims for in an "
        "academic year (1 August to 31 July)",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = TenantManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:organisation_detail", kwargs={"uuid": self.uuid})


class PartnershipMember(models.Model):
    """An organisation's membership of a partnership (A1: several per organisation)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partnership_memberships"
    )
    joined_on = models.DateField(default=timezone.localdate)
    in_directory = models.BooleanField(
        "Share our mentors in the partnership directory",
        default=False,
        help_text="Mentors who also opt in are listed for the partnership's other members; "
        "their contact details stay hidden until a brokerage request is accepted.",
    )

    history = HistoricalRecords()
    objects = TenantManager()

    class Meta:
        ordering = ["partnership__name", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="unique_partnership_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"


class Site(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)

    history = HistoricalRecords()
    objects = TenantManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_site_name")
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone Tandem knows about; they may not have signed in yet."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    email = models.EmailField(unique=True)
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["user"])
    objects = TenantManager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def get_absolute_url(self) -> str:
        return reverse("organisations:person_detail", kwargs={"uuid": self.uuid})

    @property
    def full_name(self) -> str:
        return str(self)


class Membership(models.Model):
    """A person holding a role in an organisation for a dated period (A2)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL)
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = DatedManager()

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "role"], name="unique_membership_role"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} at {self.organisation}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on > today)


class LineManagement(models.Model):
    """Manager → report within an organisation, for a dated period (A2).

    Recorded because a line manager should not mentor their own report.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="line_management"
    )
    manager = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="manages")
    report = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="managed_by")
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = DatedManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(manager=models.F("report")), name="line_manager_not_self"
            ),
        ]
        indexes = [models.Index(fields=["manager"]), models.Index(fields=["report"])]

    def __str__(self) -> str:
        return f"{self.manager} manages {self.report}"


class PartnershipRole(models.Model):
    """A person's role in a partnership (administrator)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="partnership_roles")
    role = models.CharField(
        max_length=30,
        choices=PartnershipRoleKind.choices,
        default=PartnershipRoleKind.ADMINISTRATOR,
    )

    history = HistoricalRecords()
    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "person", "role"], name="unique_partnership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} of {self.partnership}"


class ImportBatch(models.Model):
    """One applied import of people, roles and line managers (A3)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.filename} into {self.organisation}"
