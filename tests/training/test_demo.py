"""The demonstration training data: a course in progress, issued badges that verify,
a certificate, an assignment waiting for the tutor, CPD records — and idempotent."""

from __future__ import annotations

import pytest

from tandem.core.actor import build_actor
from tandem.core.tenancy import system_access
from tandem.organisations import demo as org_demo
from tandem.organisations.models import Person
from tandem.training import credentials, learning_selectors
from tandem.training.models import (
    Course,
    CPDEntry,
    Credential,
    CredentialKind,
    Enrolment,
    EnrolmentStatus,
    ModuleCompletion,
    Submission,
)

MODELS = (Course, Enrolment, ModuleCompletion, Credential, Submission, CPDEntry)


def counts() -> dict[str, int]:
    with system_access():
        return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture
def seeded(db):
    from tests.conftest import ensure_subjects

    ensure_subjects()
    from tandem.mentors.directory_demo import seed_directory
    from tandem.training.demo import seed_training

    org_demo.seed()
    seed_directory()
    assert seed_training() is True


def person(email: str) -> Person:
    with system_access():
        return Person.objects.get(email=email)


def test_seeding_twice_adds_nothing(seeded):
    from tandem.training.demo import seed_training

    before = counts()
    assert seed_training() is False
    assert counts() == before


def test_demo_mentor_is_part_way_through_with_badges(seeded):
    mentor = person("mentor@riverside.example")
    actor = build_actor(mentor.user)
    enrolments = list(learning_selectors.enrolments_of_person(actor))
    assert enrolments, "the demo mentor is on a course"
    in_progress = [e for e in enrolments if e.status == EnrolmentStatus.ACTIVE]
    progress = learning_selectors.progress(in_progress[0])
    assert 0 < progress["units_completed"] < progress["units_total"]
    badges = Credential.objects.visible_to(actor).filter(
        recipient=mentor, kind=CredentialKind.BADGE
    )
    assert badges.count() == progress["units_completed"]


def test_every_demo_credential_verifies(seeded):
    with system_access():
        issued = list(Credential.objects.all())
    assert any(c.kind == CredentialKind.CERTIFICATE for c in issued)
    for credential in issued:
        result = credentials.verify_token(credential.token)
        assert result.valid, result.problems


def test_tutor_has_an_assignment_to_assess_and_people_have_cpd(seeded):
    tutor = build_actor(person("tutor@riverside.example").user)
    assert learning_selectors.assessment_queue(tutor).exists()
    with system_access():
        assert CPDEntry.objects.filter(person__email="mentor@riverside.example").count() >= 3


def test_demo_badges_are_dated_when_their_unit_was_completed(seeded):
    with system_access():
        for badge in Credential.objects.filter(kind=CredentialKind.BADGE):
            completion = ModuleCompletion.objects.get(
                enrolment_id=badge.enrolment_id, module_id=badge.module_id
            )
            assert badge.issued_at == completion.completed_at
        for certificate in Credential.objects.filter(kind=CredentialKind.CERTIFICATE):
            assert certificate.issued_at == certificate.enrolment.completed_at


def test_demo_completions_come_after_their_units_open(seeded):
    with system_access():
        completions = list(
            ModuleCompletion.objects.select_related("enrolment__run__course", "module")
        )
        for completion in completions:
            opens = learning_selectors.opens_on(completion.enrolment, completion.module)
            if opens is not None:
                assert completion.completed_at.date() >= opens, completion.module.title
        submissions = list(Submission.objects.select_related("enrolment__run", "activity__module"))
        for submission in submissions:
            opens = learning_selectors.opens_on(submission.enrolment, submission.activity.module)
            assert opens is None or submission.submitted_at.date() >= opens
