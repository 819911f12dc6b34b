"""A small cohort to match, shared by the matching-run tests (pages, API, browser).

Riverside College runs "New teacher induction", cohort "Autumn 2026":

    mentees   Tom Reyes (plumbing; line-managed by Lena Morgan), Ava Brown (plumbing),
              Ben Clark (electrical installation), Una Hart (upholstery: nobody mentors it)
    mentors   Mina Patel (plumbing, 1 place), Omar Ahmed (plumbing and electrical, 2 places),
              Lena Morgan (plumbing, 2 places, most experienced — never for Tom)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching.models import MentoringRequest, RequestStatus
from tandem.mentors.models import MentorProfile, ProfileStatus, Subject, TrainingStatus
from tandem.organisations.models import Membership
from tandem.programmes.models import AcademicCalendar, Cohort, Programme
from tests import factories as f


@dataclass
class World:
    cast: Any
    programme: Any
    cohort: Any
    requests: dict[str, Any] = field(default_factory=dict)  # by mentee given name
    mentors: dict[str, Any] = field(default_factory=dict)  # by given name
    mentees: dict[str, Any] = field(default_factory=dict)

    def request_of(self, given_name: str) -> Any:
        return self.requests[given_name]


def subject(name: str) -> Subject:
    return Subject.objects.get(name=name)


def make_mentor(
    person: Any,
    organisation: Any,
    subjects: list[str],
    *,
    capacity: int = 1,
    years: int = 5,
    willing_outside: bool = False,
    generic: bool = False,
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
            listed_in_directory=willing_outside,
            generic_pool=generic,
        )
        profile.specialisms.set([subject(s) for s in subjects])
    return profile


def make_request(person: Any, world: World, subject_name: str, *, role: bool = True) -> Any:
    with system_access():
        if role:
            organisation = world.cohort.organisation
            f.MembershipFactory(person=person, organisation=organisation, role="mentee")
        return MentoringRequest.objects.create(
            organisation=world.cohort.organisation,
            mentee=person,
            programme=world.programme,
            cohort=world.cohort,
            subject=subject(subject_name),
            development_needs="Planning practical sessions and managing a workshop",
            modes=["face_to_face"],
            availability="Tuesday afternoon",
            status=RequestStatus.OPEN,
        )


def make_cohort(organisation: Any, name: str = "Autumn 2026") -> tuple[Any, Any]:
    with system_access():
        programme, _ = Programme.objects.get_or_create(
            organisation=organisation, name="New teacher induction", purpose="induction"
        )
        calendar, _ = AcademicCalendar.objects.get_or_create(
            organisation=organisation,
            name="2026/27",
            defaults={"starts_on": date(2026, 9, 1), "ends_on": date(2027, 7, 31)},
        )
        cohort = Cohort.objects.create(
            programme=programme,
            organisation=organisation,
            calendar=calendar,
            name=name,
            starts_on=date(2026, 9, 1),
            ends_on=date(2027, 7, 15),
        )
    return programme, cohort


def build_world(cast: Any) -> World:
    programme, cohort = make_cohort(cast.riverside)
    world = World(cast, programme, cohort)
    riverside = cast.riverside
    with system_access():
        omar = f.person_with_account("omar@riverside.example", "Omar", "Ahmed")
        ava = f.PersonFactory(given_name="Ava", family_name="Brown", email="ava@riverside.example")
        ben = f.PersonFactory(given_name="Ben", family_name="Clark", email="ben@riverside.example")
        una = f.PersonFactory(given_name="Una", family_name="Hart", email="una@riverside.example")
    make_mentor(cast.mentor, riverside, ["Plumbing"], capacity=1, years=8)
    make_mentor(omar, riverside, ["Plumbing", "Electrical installation"], capacity=2, years=4)
    make_mentor(cast.line_manager, riverside, ["Plumbing"], capacity=2, years=12)
    world.mentors = {"Mina": cast.mentor, "Omar": omar, "Lena": cast.line_manager}
    world.mentees = {"Tom": cast.mentee, "Ava": ava, "Ben": ben, "Una": una}
    world.requests["Tom"] = make_request(cast.mentee, world, "Plumbing", role=False)
    world.requests["Ava"] = make_request(ava, world, "Plumbing")
    world.requests["Ben"] = make_request(ben, world, "Electrical installation")
    world.requests["Una"] = make_request(una, world, "Upholstery and soft furnishing")
    return world


def test_world_has_four_waiting_mentees_and_three_mentors(cast):
    world = build_world(cast)
    with system_access():
        assert MentoringRequest.objects.filter(cohort=world.cohort, status="open").count() == 4
        assert MentorProfile.objects.filter(status=ProfileStatus.APPROVED).count() == 3
