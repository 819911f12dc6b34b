"""Programmes, cohorts and mentors for the mentoring-request tests (services, pages, API,
browser).

Riverside College runs "Initial teacher training (in-service)", cohort "2026 intake"
(running), and "New staff induction". Its mentors:

    Mina Patel   plumbing, 2 places, trained
    Omar Ahmed   plumbing and electrical installation, 2 places, trained
    Lena Morgan  plumbing, 2 places — Tom Reyes's line manager: never his mentor

Northgate Training (partner) and Eastfield Adult Learning (other partnership) each
run a programme with a cohort, for the requests of their own mentees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching import requests as services
from tandem.mentors.models import MentorProfile, ProfileStatus, Subject, TrainingStatus
from tandem.organisations.models import Membership
from tandem.programmes.models import AcademicCalendar, Cohort, CohortStatus, Programme
from tests import factories as f

NEEDS = "Planning practical workshop sessions and keeping apprentices safe on site"


@dataclass
class World:
    cast: Any
    programme: Any
    cohort: Any
    induction: Any
    partner_programme: Any
    partner_cohort: Any
    other_programme: Any
    other_cohort: Any
    mentors: dict[str, Any] = field(default_factory=dict)


def subject(name: str) -> Subject:
    return Subject.objects.get(name=name)


def make_programme(organisation: Any = None, name: str = "", **extra: Any) -> Programme:
    with system_access():
        return Programme.objects.create(
            organisation=organisation,
            name=name or "Initial teacher training (in-service)",
            purpose=extra.pop("purpose", "itt_in_service"),
            **extra,
        )


def make_cohort(
    programme: Programme, organisation: Any, name: str = "2026 intake", **extra: Any
) -> Cohort:
    with system_access():
        calendar, _ = AcademicCalendar.objects.get_or_create(
            organisation=organisation,
            name="2026/27",
            defaults={"starts_on": date(2026, 9, 1), "ends_on": date(2027, 7, 31)},
        )
        return Cohort.objects.create(
            programme=programme,
            organisation=organisation,
            calendar=calendar,
            name=name,
            starts_on=date(2026, 9, 1),
            ends_on=date(2027, 7, 15),
            status=extra.pop("status", CohortStatus.RUNNING),
            **extra,
        )


def make_mentor(
    person: Any,
    organisation: Any,
    subjects: list[str],
    *,
    capacity: int = 2,
    years: int = 5,
    willing_outside: bool = False,
) -> MentorProfile:
    with system_access():
        Membership.objects.get_or_create(person=person, organisation=organisation, role=Role.MENTOR)
        profile = MentorProfile.objects.create(
            person=person,
            organisation=organisation,
            capacity=capacity,
            years_teaching=years,
            status=ProfileStatus.APPROVED,
            training_status=TrainingStatus.TRAINED,
            modes=["face_to_face", "online"],
            availability="Tuesday afternoons",
            willing_outside=willing_outside,
            # Partner mentors are matched across organisations only when listed.
            listed_in_directory=willing_outside,
        )
        profile.specialisms.set([subject(s) for s in subjects])
    return profile


def build_world(cast: Any) -> World:
    programme = make_programme(cast.riverside)
    induction = make_programme(cast.riverside, "New staff induction", purpose="induction")
    partner_programme = make_programme(cast.northgate, "Assessor induction", purpose="induction")
    other_programme = make_programme(cast.eastfield, "Tutor induction", purpose="induction")
    world = World(
        cast=cast,
        programme=programme,
        cohort=make_cohort(programme, cast.riverside),
        induction=induction,
        partner_programme=partner_programme,
        partner_cohort=make_cohort(partner_programme, cast.northgate, "Spring 2027"),
        other_programme=other_programme,
        other_cohort=make_cohort(other_programme, cast.eastfield, "Spring 2027"),
    )
    with system_access():
        omar = f.person_with_account("omar@riverside.example", "Omar", "Ahmed")
    make_mentor(cast.mentor, cast.riverside, ["Plumbing"], years=8)
    make_mentor(omar, cast.riverside, ["Plumbing", "Electrical installation"], years=4)
    make_mentor(cast.line_manager, cast.riverside, ["Plumbing"], years=12)
    world.mentors = {"Mina": cast.mentor, "Omar": omar, "Lena": cast.line_manager}
    return world


def ask(world: World, mentee: Any = None, actor: str = "mentee", **data: Any) -> Any:
    """A request made through the service (by the mentee themself unless told)."""
    cast = world.cast
    values = {
        "programme": world.programme,
        "cohort": world.cohort,
        "subject": subject("Plumbing"),
        "development_needs": NEEDS,
        "modes": ["face_to_face"],
        "availability": "Tuesday afternoons",
    } | data
    return services.create_request(cast.actor(actor), mentee=mentee or cast.mentee, **values)


def test_world_gives_tom_a_shortlist_without_his_line_manager(cast):
    world = build_world(cast)
    request = ask(world)
    names = [str(c.person) for c in services.current_shortlist(request)]
    assert set(names) == {"Mina Patel", "Omar Ahmed"}
