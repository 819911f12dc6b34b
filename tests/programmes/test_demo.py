"""The demonstration programmes: made from the templates, running this year, idempotent."""

from __future__ import annotations

from datetime import date

from tandem.core.tenancy import system_access
from tandem.organisations import demo as organisations_demo
from tandem.programmes.demo import seed_programmes
from tandem.programmes.models import AcademicCalendar, Cohort, Programme


def test_seed_programmes_for_the_demo_organisations(db):
    organisations_demo.seed()
    today = date(2026, 11, 24)
    seeded = seed_programmes(today)
    riverside = seeded["Riverside College"]
    assert riverside["calendar"].name == "2026/27"
    assert set(riverside["programmes"]) == {
        "itt-in-service-subject-mentor",
        "induction-new-staff",
        "learning-support-staff",
    }
    assert all(c.status == "running" for c in riverside["cohorts"].values())
    assert len(seeded["Severnside College"]["programmes"]) == 3
    shared = seeded["Pennine Teacher Education Partnership"]
    assert shared["programmes"]["new-managers"].partnership is not None
    with system_access():
        counts = (
            Programme.objects.count(),
            Cohort.objects.count(),
            AcademicCalendar.objects.count(),
        )
    again = seed_programmes(today)
    with system_access():
        assert (
            Programme.objects.count(),
            Cohort.objects.count(),
            AcademicCalendar.objects.count(),
        ) == counts
    assert again["Riverside College"]["cohorts"]["induction-new-staff"].pk == (
        riverside["cohorts"]["induction-new-staff"].pk
    )


def test_seed_programmes_without_the_demo_organisations_does_nothing(db):
    assert seed_programmes(date(2026, 11, 24)) == {}
