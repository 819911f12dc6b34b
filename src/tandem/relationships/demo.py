"""Mentorships for demonstration and test data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.relationships.models import HOLDING, Mentorship, MentorshipStatus, Source
from tandem.relationships.services import _log, mentor_organisation_of


@transaction.atomic
def create_active(
    mentee: Any,
    mentor: Any,
    programme: Any,
    organisation: Any,
    cohort: Any = None,
    starts_on: date | None = None,
) -> Mentorship:
    """An active mentorship, as if the mentor had already accepted, with a "created" event.

    Skips the offer (and its emails) and the hard-constraint checks: the caller
    picks sensible pairs. Idempotent: a pair already proposed or active on the
    programme is returned as it is.
    """
    with system_access():
        existing = Mentorship.objects.filter(
            mentee=mentee, mentor=mentor, programme=programme, status__in=HOLDING
        ).first()
        if existing is not None:
            return existing
        mentorship = Mentorship.objects.create(
            organisation=organisation,
            mentor_organisation=mentor_organisation_of(mentor) or organisation,
            mentor=mentor,
            mentee=mentee,
            programme=programme,
            cohort=cohort,
            source=Source.COORDINATOR,
            status=MentorshipStatus.ACTIVE,
            responded_at=timezone.now(),
            starts_on=starts_on or timezone.localdate(),
        )
        _log(None, mentorship, "created", mentor=str(mentor), source=Source.COORDINATOR)
    return mentorship
