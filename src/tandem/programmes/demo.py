"""Demonstration programmes, calendars and cohorts for the demo organisations.

Call ``seed_programmes()`` after ``tandem.organisations.demo.seed()``. It is
idempotent: records are found by name and reused, so a second call changes
nothing. Every organisation gets England's calendar for the current academic
year; each gets programmes made from the shipped templates, each with a cohort
running this year; the Pennine partnership shares a programme for new managers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.core.actor import Actor
from tandem.core.tenancy import system_access
from tandem.organisations.demo import ORGANISATIONS, PARTNERSHIPS, academic_year_start
from tandem.organisations.models import Organisation, Partnership
from tandem.programmes import academic_year, services
from tandem.programmes.models import (
    AcademicCalendar,
    Cohort,
    CohortStatus,
    Programme,
    ProgrammeTemplate,
)
from tandem.programmes.shipped import load_templates

# organisation key → [(template code, the organisation's own name for the programme)]
PROGRAMMES: dict[str, list[tuple[str, str]]] = {
    "riverside": [
        ("itt-in-service-subject-mentor", "PGCE and Cert Ed in-service mentoring"),
        ("induction-new-staff", "New staff induction"),
        ("learning-support-staff", "Learning support mentoring"),
    ],
    "severnside": [
        ("itt-in-service-subject-mentor", "Diploma in Teaching in-service mentoring"),
        ("itt-pre-service-placement", "Pre-service teaching placements"),
        ("induction-new-staff", "New staff induction"),
    ],
    "northgate": [("induction-new-staff", "Skills coach induction")],
    "kirkdale": [("peer-co-coaching-cpd", "Tutor co-coaching")],
    "westbury": [("itt-pre-service-placement", "PGCE Further Education placements")],
    "severnvalley": [("induction-new-staff", "Volunteer tutor induction")],
    "longmarsh": [("induction-new-staff", "Prison education induction")],
}
# partnership key → [(template code, name)]
SHARED: dict[str, list[tuple[str, str]]] = {
    "pennine": [("new-managers", "Pennine new managers' mentoring")],
}

# Seeding runs as the platform, through the same services as everyone else.
PLATFORM = Actor(is_superuser=True)


def _calendar(organisation: Organisation, start_year: int) -> AcademicCalendar:
    name = academic_year.year_name(start_year)
    existing = AcademicCalendar.objects.filter(organisation=organisation, name=name).first()
    return existing or services.create_default_calendar(PLATFORM, organisation, start_year)


def _programme(template: ProgrammeTemplate, name: str, **owner: Any) -> Programme:
    existing = Programme.objects.filter(name=name, **owner).first()
    return existing or services.create_programme(PLATFORM, template, name=name, **owner)


def _cohort(programme: Programme, calendar: AcademicCalendar, today: date) -> Cohort:
    name = f"{calendar.name} cohort"
    existing = Cohort.objects.filter(
        programme=programme, organisation=calendar.organisation, name=name
    ).first()
    if existing is not None:
        return existing
    terms = sorted(
        (p for p in calendar.periods.all() if p.kind == "term"), key=lambda p: p.position
    )
    starts_on, ends_on = terms[0].starts_on, terms[-1].ends_on
    status = CohortStatus.RUNNING if starts_on <= today <= ends_on else CohortStatus.PLANNED
    return services.create_cohort(
        PLATFORM,
        programme,
        organisation=calendar.organisation,
        calendar=calendar,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
    )


@transaction.atomic
def seed_programmes(today: date | None = None) -> dict[str, dict[str, Any]]:
    """Calendars, programmes and cohorts for the demo organisations and partnerships.

    Returns ``{name: {"calendar": AcademicCalendar | None, "programmes": {template code:
    Programme}, "cohorts": {template code: Cohort}}}`` keyed by organisation name (and by
    partnership name for shared programmes, which have no calendar or cohort).
    """
    today = today or timezone.localdate()
    start_year = academic_year_start(today).year
    seeded: dict[str, dict[str, Any]] = {}
    with system_access():
        load_templates(ProgrammeTemplate)
        templates = {t.code: t for t in ProgrammeTemplate.objects.all()}
        for key, plans in PROGRAMMES.items():
            organisation = Organisation.objects.filter(name=ORGANISATIONS[key].name).first()
            if organisation is None:
                continue
            calendar = _calendar(organisation, start_year)
            entry: dict[str, Any] = {"calendar": calendar, "programmes": {}, "cohorts": {}}
            for code, name in plans:
                programme = _programme(templates[code], name, organisation=organisation)
                entry["programmes"][code] = programme
                entry["cohorts"][code] = _cohort(programme, calendar, today)
            seeded[organisation.name] = entry
        for key, plans in SHARED.items():
            partnership = Partnership.objects.filter(name=PARTNERSHIPS[key][0]).first()
            if partnership is None:
                continue
            seeded[partnership.name] = {
                "calendar": None,
                "programmes": {
                    code: _programme(templates[code], name, partnership=partnership)
                    for code, name in plans
                },
                "cohorts": {},
            }
    return seeded
