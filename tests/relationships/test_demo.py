"""The demonstration relationships: realistic, idempotent, and within the rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Max
from django.utils import timezone

from tandem.core.actor import build_actor
from tandem.core.tenancy import system_access
from tandem.organisations import demo as org_demo
from tandem.organisations.models import Person
from tandem.organisations.services.line_management import managers_above
from tandem.relationships import compliance
from tandem.relationships.models import (
    Agreement,
    AgreementVersion,
    DevelopmentPlan,
    Judgement,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    Objective,
    Observation,
    PrivateNote,
    Report,
    ReportKind,
    Signature,
    TimeEntry,
    VersionStatus,
)

MODELS = (
    Mentorship,
    Agreement,
    AgreementVersion,
    Signature,
    DevelopmentPlan,
    Objective,
    Meeting,
    PrivateNote,
    Observation,
    Judgement,
    Report,
    TimeEntry,
)


def counts() -> dict[str, int]:
    with system_access():
        return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture
def seeded(db):
    from tests.conftest import ensure_subjects

    ensure_subjects()
    from tandem.mentors.directory_demo import seed_directory
    from tandem.programmes.demo import seed_programmes
    from tandem.relationships.demo import seed_relationships

    org_demo.seed()
    seed_directory()
    programmes = seed_programmes()
    added = seed_relationships(programmes)
    return programmes, added


def person(email: str) -> Person:
    with system_access():
        return Person.objects.get(email=email)


def test_seeding_twice_adds_nothing(seeded):
    from tandem.relationships.demo import seed_relationships

    programmes, added = seeded
    assert added >= 10
    before = counts()
    assert seed_relationships(programmes) == 0
    assert counts() == before


def test_active_mentorships_across_organisations_within_the_rules(seeded):
    today = timezone.localdate()
    with system_access():
        active = list(
            Mentorship.objects.filter(status=MentorshipStatus.ACTIVE).select_related("organisation")
        )
        assert 8 <= len(active) <= 12
        assert len({m.organisation.name for m in active}) >= 3
        above = managers_above({m.mentee_id for m in active})
        for m in active:
            assert m.mentor_id not in above[m.mentee_id], m
            assert timedelta(weeks=3) <= today - m.starts_on <= timedelta(weeks=10), m
            assert m.agreement.versions.exists()
            assert m.plan.objectives.count() == 3
            assert m.meetings.filter(status=MeetingStatus.HELD).exists()
            assert m.meetings.filter(status=MeetingStatus.PLANNED).exists()
            assert m.observations.filter(judgements__isnull=False).exists()
            assert m.time_entries.exists()
        joint = Observation.objects.filter(joint_observer__isnull=False).get()
        assert joint.judgements.count() == 2


def test_the_demo_mentor_has_two_mentees_and_an_offer_waiting(seeded):
    mentor = person("mentor@riverside.example")
    with system_access():
        mine = Mentorship.objects.filter(mentor=mentor)
        assert mine.filter(status=MentorshipStatus.ACTIVE).count() == 2
        offer = mine.get(status=MentorshipStatus.PROPOSED)
    left = offer.respond_by - timezone.now()
    assert timedelta(days=2) < left <= timedelta(days=3)


def test_the_demo_mentee_has_an_agreement_to_sign(seeded):
    mentee = person("mentee@riverside.example")
    with system_access():
        version = AgreementVersion.objects.get(agreement__mentorship__mentee=mentee)
        parties = set(version.signatures.values_list("party", flat=True))
        fully_signed = AgreementVersion.objects.filter(status=VersionStatus.SIGNED).count()
    assert version.status == VersionStatus.AWAITING
    assert parties == {"mentor", "institution"}
    assert fully_signed >= 5


def test_some_relationships_are_clearly_at_risk(seeded):
    today = timezone.localdate()
    with system_access():
        active = Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
        last = active.annotate(last=Max("meetings__starts_at", filter=models_held())).values_list(
            "last", flat=True
        )
        stale = [d for d in last if d is None or (today - timezone.localdate(d)).days >= 35]
        assert len(stale) >= 2
        result = compliance.evaluate_mentorships(list(active.select_related("cohort")), today=today)
    at_risk = [c for c in result.values() if c.at_risk]
    assert len(at_risk) >= 2
    reasons = " ".join(r for c in at_risk for r in c.at_risk)
    assert "No meeting held for" in reasons
    assert "past its date" in reasons or "past their date" in reasons


def models_held():
    from django.db.models import Q

    return Q(meetings__status=MeetingStatus.HELD)


def test_private_notes_exist_only_on_the_pair_meetings(seeded):
    with system_access():
        notes = list(PrivateNote.objects.select_related("meeting__mentorship"))
    assert notes
    for note in notes:
        pair = note.meeting.mentorship
        assert note.author_id in (pair.mentor_id, pair.mentee_id)
    coordinator = build_actor(person("coordinator@riverside.example").user)
    mentor = build_actor(person("mentor@riverside.example").user)
    assert not PrivateNote.objects.visible_to(coordinator).exists()
    assert PrivateNote.objects.visible_to(mentor).count() == len(notes)


def test_an_ended_mentorship_with_a_closing_review(seeded):
    with system_access():
        ended = Mentorship.objects.get(status=MentorshipStatus.ENDED)
        review = Report.objects.get(mentorship=ended, kind=ReportKind.CLOSING)
    assert ended.end_reason == "completed"
    assert set(review.figures["reflections"]) == {"mentee", "mentor"}
    assert len(review.figures["objectives"]) == 3


def test_requests_seeded_afterwards_do_not_clash(seeded):
    from tandem.matching.models import MentoringRequest
    from tandem.matching.request_demo import seed_requests
    from tandem.relationships.models import HOLDING

    programmes, _ = seeded
    assert seed_requests(programmes) > 0
    with system_access():
        for request in MentoringRequest.objects.all():
            assert not Mentorship.objects.filter(
                mentee=request.mentee, programme=request.programme, status__in=HOLDING
            ).exists(), request
