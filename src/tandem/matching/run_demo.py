"""A matching run ready to review, for the demonstration data.

``seed_runs()`` picks the demo cohort with the most mentees waiting for a mentor
(Riverside College's first, if it has any), matches it at once (the task's work,
called directly) and leaves the run unpublished for a coordinator to review.
Running it again changes nothing while that cohort has a run.
"""

from __future__ import annotations

from django.db.models import Count, Q

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching.models import MatchRun, RequestStatus, RunStatus
from tandem.matching.tasks import match_run
from tandem.organisations.models import Membership

HOME = "Riverside College"


def _cohort():
    from tandem.programmes.models import Cohort

    waiting = Count("requests", filter=Q(requests__status=RequestStatus.OPEN))
    cohorts = Cohort.objects.annotate(waiting=waiting).filter(waiting__gt=0)
    home = cohorts.filter(organisation__name=HOME).order_by("-waiting", "pk").first()
    return home or cohorts.order_by("-waiting", "pk").first()


def seed_runs() -> MatchRun | None:
    """Match one demo cohort so a ready run is there to review. Returns it (or None)."""
    with system_access():
        cohort = _cohort()
        if cohort is None:
            return None
        existing = (
            MatchRun.objects.filter(cohort=cohort)
            .exclude(status__in=(RunStatus.FAILED, RunStatus.DISCARDED))
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return existing
        coordinator = (
            Membership.objects.current()
            .filter(organisation=cohort.organisation, role=Role.COORDINATOR)
            .select_related("person")
            .order_by("pk")
            .first()
        )
        run = MatchRun.objects.create(
            organisation=cohort.organisation,
            cohort=cohort,
            weights=cohort.programme.weights(),
            status=RunStatus.QUEUED,
            stage="Waiting to start",
            created_by=coordinator.person if coordinator else None,
        )
    match_run(run.pk)
    run.refresh_from_db()
    return run
