"""Programmes, calendars and cohorts in the cast's three organisations."""

from __future__ import annotations

import pytest

from tandem.core.tenancy import system_access
from tandem.programmes import services
from tandem.programmes.demo import PLATFORM
from tandem.programmes.models import ProgrammeTemplate
from tandem.programmes.shipped import load_templates
from tests.api.conftest import api_as  # noqa: F401 (a fixture)

START_YEAR = 2026


def ensure_templates() -> None:
    """The templates come from a data migration, which a transactional test's flush removes."""
    with system_access():
        load_templates(ProgrammeTemplate)


def template(code: str = "itt-pre-service-placement") -> ProgrammeTemplate:
    ensure_templates()
    return ProgrammeTemplate.objects.get(code=code)


def set_up(organisation, code: str = "itt-pre-service-placement", name: str = ""):
    """A programme, this year's calendar and a running cohort at an organisation."""
    with system_access():
        programme = services.create_programme(
            PLATFORM, template(code), organisation=organisation, name=name
        )
        calendar = services.create_default_calendar(PLATFORM, organisation, START_YEAR)
        terms = sorted(
            (p for p in calendar.periods.all() if p.kind == "term"), key=lambda p: p.position
        )
        cohort = services.create_cohort(
            PLATFORM,
            programme,
            calendar=calendar,
            name="September starters",
            starts_on=terms[0].starts_on,
            ends_on=terms[-1].ends_on,
            status="running",
        )
    return programme, calendar, cohort


@pytest.fixture
def home(cast):
    """(programme, calendar, cohort) at Riverside College."""
    return set_up(cast.riverside)
