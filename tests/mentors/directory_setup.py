"""A partnership directory on top of the shared cast, for the directory and brokerage tests.

North Partnership: Northgate Training shares its mentors; Nadia Brooks (Northgate)
is listed, with an email and a phone that must not leak. Four other Northgate
mentors are not listed for one reason each. Kirkby Learning (North) does not
share its mentors, so its listed mentor is not shown. Riverside also shares, and
Mina Patel (cast.mentor) is listed. Eastfield (South) lists Esther Okoro.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching.models import MentoringRequest
from tandem.mentors.models import MentorProfile, Mode, ProfileStatus, Subject, TrainingStatus
from tandem.organisations.models import PartnershipMember
from tandem.programmes.models import Programme
from tests import factories as f

NADIA_EMAIL = "nadia.brooks@northgate.example"
NADIA_PHONE = "07700 900123"


@dataclass
class Directory:
    nadia: Any  # Person
    nadia_profile: Any
    hidden: dict[str, Any]  # reason -> profile not listed
    kirkby: Any
    mina_profile: Any
    esther_profile: Any
    programme: Any
    request: Any  # Riverside's open mentoring request for cast.mentee (plumbing)
    plumbing: Any
    partner_tutor: Any


def listed_profile(person: Any, organisation: Any, **overrides: Any) -> MentorProfile:
    values = {
        "status": ProfileStatus.APPROVED,
        "consents_to_matching": True,
        "listed_in_directory": True,
        "willing_outside": True,
        "capacity": 2,
        "training_status": TrainingStatus.TRAINED,
        "modes": [Mode.ONLINE],
        "region": organisation.region or "West Yorkshire",
        "approved_at": timezone.now(),
    }
    values.update(overrides)
    profile = MentorProfile.objects.create(person=person, organisation=organisation, **values)
    return profile


def mentor_at(organisation: Any, given: str, family: str, **person: Any) -> Any:
    p = f.PersonFactory(given_name=given, family_name=family, **person)
    f.MembershipFactory(person=p, organisation=organisation, role=Role.MENTOR)
    return p


def build_directory(cast: Any) -> Directory:
    with system_access():
        plumbing = Subject.objects.get(name="Plumbing")
        maths = Subject.objects.get(name="Mathematics and statistics")
        for org in (cast.northgate, cast.riverside):
            PartnershipMember.objects.filter(partnership=cast.north, organisation=org).update(
                in_directory=True
            )
        PartnershipMember.objects.filter(
            partnership=cast.south, organisation=cast.eastfield
        ).update(in_directory=True)

        nadia = mentor_at(
            cast.northgate,
            "Nadia",
            "Brooks",
            email=NADIA_EMAIL,
            phone=NADIA_PHONE,
            user=f.UserFactory(username=NADIA_EMAIL, email=NADIA_EMAIL),
        )
        nadia_profile = listed_profile(
            nadia,
            cast.northgate,
            advanced_practitioner=True,
            region="West Yorkshire",
            modes=[Mode.ONLINE, Mode.FACE_TO_FACE],
        )
        nadia_profile.specialisms.set([plumbing])

        hidden = {}
        for reason, overrides in (
            ("not listed", {"listed_in_directory": False}),
            ("not approved", {"status": ProfileStatus.SUBMITTED, "approved_at": None}),
            ("not willing outside", {"willing_outside": False}),
            ("not offered for matching", {"consents_to_matching": False}),
        ):
            person = mentor_at(cast.northgate, "Hidden", reason.title().replace(" ", ""))
            profile = listed_profile(person, cast.northgate, **overrides)
            profile.specialisms.set([plumbing])
            hidden[reason] = profile

        kirkby = f.OrganisationFactory(name="Kirkby Learning", region="Lancashire")
        f.PartnershipMemberFactory(partnership=cast.north, organisation=kirkby)
        kirk_mentor = mentor_at(kirkby, "Karl", "Kirkby")
        hidden["organisation not sharing"] = listed_profile(kirk_mentor, kirkby)
        hidden["organisation not sharing"].specialisms.set([plumbing])

        mina_profile = listed_profile(
            cast.mentor, cast.riverside, subject_learning_coach=True, region="Calderdale"
        )
        mina_profile.specialisms.set([maths])

        esther = mentor_at(cast.eastfield, "Esther", "Okoro")
        esther_profile = listed_profile(esther, cast.eastfield)
        esther_profile.specialisms.set([plumbing])

        partner_tutor = f.person_with_account("partner_tutor@example.org", "Pat", "Tutor")
        f.MembershipFactory(person=partner_tutor, organisation=cast.northgate, role=Role.TUTOR)
        cast.people["partner_tutor"] = partner_tutor

        programme = Programme.objects.create(
            organisation=cast.riverside, name="New teachers", purpose="induction"
        )
        request = MentoringRequest.objects.create(
            organisation=cast.riverside,
            mentee=cast.mentee,
            programme=programme,
            subject=plumbing,
            development_needs="Planning practical sessions",
        )
    return Directory(
        nadia=nadia,
        nadia_profile=nadia_profile,
        hidden=hidden,
        kirkby=kirkby,
        mina_profile=mina_profile,
        esther_profile=esther_profile,
        programme=programme,
        request=request,
        plumbing=plumbing,
        partner_tutor=partner_tutor,
    )
