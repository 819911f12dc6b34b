"""Demonstration data for the partnership directory, brokerage and credits (C2, C5).

Run after the organisations' demonstration data (``organisations.demo.seed``).
Idempotent: running it again changes nothing.

- Pennine: Riverside College, Northgate Training and Westbury University share
  their mentors; Kirkdale does not (its mentors are never listed).
- Severn: Severnside College, Severn Valley Community Learning Trust and HMP
  Longmarsh share theirs.
- Nine approved mentors who are willing to mentor across the partnership opt in.
- Riverside (Helen Ashworth) asked Northgate for Imran Akhtar and Joanne
  Pickering accepted: Helen sees his contact details, and the ledger shows the
  credit Northgate earned. Northgate asked Riverside for Kwame Asante: that
  request waits for Helen's decision.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tandem.core import audit
from tandem.core.tenancy import system_access
from tandem.mentors.models import BrokerageRequest, BrokerageStatus, CreditEntry, MentorProfile
from tandem.organisations import demo
from tandem.organisations.models import Organisation, Partnership, PartnershipMember, Person

SHARING = {
    "pennine": ("riverside", "northgate", "westbury"),
    "severn": ("severnside", "severnvalley", "longmarsh"),
}
LISTED_MENTORS = ("kwame", "bethany", "hannah", "imran", "ben", "tom", "jamal", "rosa", "janet")
# Fictional numbers from Ofcom's range for drama (0113 496 0000–0999).
PHONES = {"imran": "0113 496 0421", "kwame": "0113 496 0387"}


def _people() -> dict[str, Person]:
    emails = {p.key: p.email for p in demo.PEOPLE}
    found = {p.email: p for p in Person.objects.filter(email__in=emails.values())}
    return {key: found[email] for key, email in emails.items() if email in found}


@transaction.atomic
def seed_directory() -> bool:
    """Opt the demo organisations and mentors in; one accepted and one waiting request.

    Returns True if anything was added, False if it was already there (or the
    organisations' demonstration data is not loaded).
    """
    if not demo.is_seeded():
        return False
    changed = False
    with system_access():
        partnerships = {
            key: Partnership.objects.get(name=name)
            for key, (name, _, _) in demo.PARTNERSHIPS.items()
        }
        organisations = {
            key: Organisation.objects.get(name=spec.name)
            for key, spec in demo.ORGANISATIONS.items()
        }
        for pkey, org_keys in SHARING.items():
            changed |= bool(
                PartnershipMember.objects.filter(
                    partnership=partnerships[pkey],
                    organisation__in=[organisations[k] for k in org_keys],
                    in_directory=False,
                ).update(in_directory=True)
            )
        people = _people()
        changed |= bool(
            MentorProfile.objects.filter(
                person__in=[people[k] for k in LISTED_MENTORS if k in people],
                listed_in_directory=False,
            ).update(listed_in_directory=True)
        )
        for key, phone in PHONES.items():
            if key in people and not people[key].phone:
                Person.objects.filter(pk=people[key].pk).update(phone=phone)
                changed = True

        pennine = partnerships["pennine"]
        riverside, northgate = organisations["riverside"], organisations["northgate"]
        imran = MentorProfile.objects.get(person=people["imran"])
        kwame = MentorProfile.objects.get(person=people["kwame"])
        helen, joanne = people["helen"], people["joanne"]

        if not BrokerageRequest.objects.filter(
            requesting_organisation=riverside, mentor_profile=imran
        ).exists():
            accepted = BrokerageRequest.objects.create(
                partnership=pennine,
                requesting_organisation=riverside,
                mentor_organisation=northgate,
                mentor_profile=imran,
                message="Our new lecturers in apprenticeship programmes would value Imran's "
                "experience of assessment in the workplace. Could he run two sessions with "
                "them this term?",
                requested_by=helen,
                status=BrokerageStatus.ACCEPTED,
                decided_by=joanne,
                decided_at=timezone.now(),
                decision_note="Happy to help: Imran is free on Thursday afternoons.",
            )
            for organisation, amount in (
                (northgate, accepted.credits),
                (riverside, -accepted.credits),
            ):
                CreditEntry.objects.create(
                    partnership=pennine,
                    organisation=organisation,
                    amount=amount,
                    brokerage=accepted,
                    description="Imran Akhtar's workplace-assessment sessions for "
                    "Riverside College's new lecturers",
                )
            audit.record(
                None,
                "mentors.brokerage.accepted",
                accepted,
                organisation=northgate,
                partnership=pennine,
                changes={"demo": True},
            )
            changed = True

        if not BrokerageRequest.objects.filter(
            requesting_organisation=northgate, mentor_profile=kwame
        ).exists():
            waiting = BrokerageRequest.objects.create(
                partnership=pennine,
                requesting_organisation=northgate,
                mentor_organisation=riverside,
                mentor_profile=kwame,
                message="We have taken on a new engineering skills coach who has never taught "
                "in a classroom. Could Kwame talk to her about planning practical sessions?",
                requested_by=joanne,
            )
            audit.record(
                None,
                "mentors.brokerage.requested",
                waiting,
                organisation=northgate,
                partnership=pennine,
                changes={"demo": True},
            )
            changed = True
    return changed
