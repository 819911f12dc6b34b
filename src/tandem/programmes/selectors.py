"""Reads of programmes, cohorts and calendars, already scoped by the policy.

Programme templates are public reference data; everything else starts from
``visible_to(actor)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from tandem.core.tenancy import access_object
from tandem.programmes.models import (
    AcademicCalendar,
    CalendarPeriod,
    Cohort,
    Programme,
    ProgrammeTemplate,
)

if TYPE_CHECKING:
    from tandem.core.actor import Actor
    from tandem.organisations.models import Organisation, Partnership


def templates() -> QuerySet[ProgrammeTemplate]:
    return ProgrammeTemplate.objects.all()


def template_by_code(code: str) -> ProgrammeTemplate | None:
    return ProgrammeTemplate.objects.filter(code=code).first()


def template_by_uuid(uuid: Any) -> ProgrammeTemplate | None:
    try:
        return ProgrammeTemplate.objects.filter(uuid=uuid).first()
    except Exception:  # an id that is not a UUID names no template
        return None


def programmes_of(
    actor: Actor, organisation: Organisation, *, include_inactive: bool = True
) -> QuerySet[Programme]:
    """The organisation's own programmes and those of partnerships it belongs to."""
    from tandem.organisations.models import PartnershipMember

    with_partnerships = PartnershipMember.objects.visible_to(actor).filter(
        organisation=organisation
    )
    qs = (
        Programme.objects.visible_to(actor)
        .filter(
            Q(organisation=organisation)
            | Q(partnership_id__in=with_partnerships.values("partnership_id"))
        )
        .select_related("organisation", "partnership", "template")
        .annotate(cohort_count=Count("cohorts", filter=Q(cohorts__organisation=organisation)))
        .order_by("-is_active", "name")
    )
    return qs if include_inactive else qs.filter(is_active=True)


def programmes_of_partnership(actor: Actor, partnership: Partnership) -> QuerySet[Programme]:
    return (
        Programme.objects.visible_to(actor)
        .filter(partnership=partnership)
        .select_related("partnership", "template")
        .order_by("-is_active", "name")
    )


def cohorts_of(
    actor: Actor, programme: Programme, organisation: Organisation | None = None
) -> QuerySet[Cohort]:
    qs = (
        Cohort.objects.visible_to(actor)
        .filter(programme=programme)
        .select_related("organisation", "calendar", "programme")
    )
    return qs.filter(organisation=organisation) if organisation is not None else qs


def calendars_of(actor: Actor, organisation: Organisation) -> QuerySet[AcademicCalendar]:
    return (
        AcademicCalendar.objects.visible_to(actor)
        .filter(organisation=organisation)
        .annotate(cohort_count=Count("cohorts"))
        .order_by("-starts_on")
    )


def periods_of(actor: Actor, calendar: AcademicCalendar) -> QuerySet[CalendarPeriod]:
    return (
        CalendarPeriod.objects.visible_to(actor)
        .filter(calendar=calendar)
        .order_by("starts_on", "-kind", "position")
    )


def calendar_covering(
    actor: Actor, organisation: Organisation, day: Any
) -> AcademicCalendar | None:
    return calendars_of(actor, organisation).filter(starts_on__lte=day, ends_on__gte=day).first()


def request_count(actor: Actor, cohort: Cohort) -> int:
    """Mentoring requests in the cohort that the actor may see."""
    from tandem.matching.models import MentoringRequest

    return MentoringRequest.objects.visible_to(actor).filter(cohort=cohort).count()


def mentorship_count(actor: Actor, cohort: Cohort) -> int:
    from tandem.relationships.models import Mentorship

    return Mentorship.objects.visible_to(actor).filter(cohort=cohort).count()


# One record by UUID: 404 when absent or not visible, 403 when read-only.
def access_programme(actor: Actor, uuid: Any, *, for_write: bool = False) -> Programme:
    return access_object(actor, Programme, uuid, for_write=for_write)


def access_cohort(actor: Actor, uuid: Any, *, for_write: bool = False) -> Cohort:
    return access_object(actor, Cohort, uuid, for_write=for_write)


def access_calendar(actor: Actor, uuid: Any, *, for_write: bool = False) -> AcademicCalendar:
    return access_object(actor, AcademicCalendar, uuid, for_write=for_write)


def access_period(actor: Actor, uuid: Any, *, for_write: bool = False) -> CalendarPeriod:
    return access_object(actor, CalendarPeriod, uuid, for_write=for_write)


def can_see_programmes_of(actor: Actor, organisation: Organisation) -> bool:
    """The people of an organisation, and administrators of its partnerships, see its
    programmes and calendars (the same sets as the policy's programme rule)."""
    return (
        actor.is_superuser
        or organisation.pk in actor.organisation_ids
        or organisation.pk in actor.administered_organisation_ids
    )


def calendars_in(actor: Actor, organisations: list[Organisation]) -> QuerySet[AcademicCalendar]:
    return (
        AcademicCalendar.objects.visible_to(actor)
        .filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation__name", "-starts_on")
    )


def terms_with_half_terms(
    actor: Actor, calendar: AcademicCalendar
) -> list[tuple[CalendarPeriod, list[CalendarPeriod]]]:
    """[(term, [its half-terms]), ...] in order; half-terms are placed by position."""
    from tandem.programmes.academic_year import term_of

    periods = list(periods_of(actor, calendar))
    terms = sorted((p for p in periods if p.kind == "term"), key=lambda p: p.position)
    halves = sorted((p for p in periods if p.kind == "half_term"), key=lambda p: p.position)
    return [(t, [h for h in halves if term_of(h.position) == t.position]) for t in terms]


def current_periods(actor: Actor, calendar: AcademicCalendar, day: Any = None) -> list[Any]:
    """The term and half-term that ``day`` (default today) falls in, if any."""
    from django.utils import timezone

    day = day or timezone.localdate()
    return list(periods_of(actor, calendar).filter(starts_on__lte=day, ends_on__gte=day))


def cohorts_on(actor: Actor, calendar: AcademicCalendar) -> QuerySet[Cohort]:
    return (
        Cohort.objects.visible_to(actor)
        .filter(calendar=calendar)
        .select_related("programme")
        .order_by("-starts_on", "name")
    )
