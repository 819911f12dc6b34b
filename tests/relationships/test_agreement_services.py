"""The agreement's services: generate, edit with SMART checks, send, sign, amend (D1)."""

# The fixtures are imported from agreement_fixtures; pytest passes them by name.
# ruff: noqa: F811

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tandem.core.actor import build_actor
from tandem.core.models import AuditEvent
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.relationships import agreements
from tandem.relationships.models import (
    Agreement,
    DevelopmentPlan,
    MentorshipEvent,
    MentorshipStatus,
    Objective,
    Party,
    Signature,
    VersionStatus,
)
from tests import factories as f
from tests.relationships.agreement_fixtures import (  # noqa: F401  (fixtures)
    awaiting,
    draft,
    fresh,
    itt_programme,
    mentorship,
    objectives,
    sign_as,
    signed,
)

pytestmark = pytest.mark.django_db


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- generating -----------------------------------------------------------------------


def test_start_builds_a_draft_from_the_programme(cast, mentorship):
    agreement = agreements.start_agreement(cast.actor("mentee"), mentorship)
    version = agreement.versions.get()
    assert (version.number, version.status) == (1, VersionStatus.DRAFT)
    content = version.content
    assert content["parties"]["mentee"] == {
        "name": "Tom Reyes",
        "organisation": "Riverside College",
    }
    assert content["parties"]["mentor"]["name"] == "Mina Patel"
    assert content["parties"]["programme"] == "Certificate in Education"
    text = version.text
    for words in (
        "Purpose: Initial teacher training (in-service)",
        "Kind of relationship: Mentoring",
        "Per half-term: 3 discussions and 1 observation",
        "Initial review by 30 November, to the personal tutor and course leader",
        "at least 20 hours per mentee per year",
        "skills audit",
        "release Mina Patel from 10 hours of teaching a year for each mentee (remission)",
        "formative and carry no grade",
        "## The mentor agrees",
        "## The mentee agrees",
        "## Riverside College agrees",
        "## Confidentiality",
        "never what was discussed",
        "## Meeting arrangements",
        "How often: At least the discussions the programme asks for (per half-term: 3 discussions)",
        "## Objectives",
    ):
        assert words in text, words
    assert version.text_hash == hashlib.sha256(text.encode()).hexdigest()
    assert (
        MentorshipEvent.objects.visible_to(cast.actor("mentee"))
        .filter(mentorship=mentorship, code="agreement_started")
        .exists()
    )
    with system_access():
        assert AuditEvent.objects.filter(code="relationships.agreement.started").count() == 1


def test_a_proposed_mentorship_can_have_an_agreement_drafted(cast, mentorship):
    with system_access():
        mentorship.status = MentorshipStatus.PROPOSED
        mentorship.save()
    assert agreements.start_agreement(cast.actor("mentor"), mentorship).versions.count() == 1


def test_start_is_refused_twice_after_ending_and_to_others(cast, mentorship):
    agreements.start_agreement(cast.actor("coordinator"), mentorship)
    with pytest.raises(ValidationError, match="already has an agreement"):
        agreements.start_agreement(cast.actor("mentor"), mentorship)
    for name in ("tutor", "line_manager", "partner_coordinator", "stranger"):
        with pytest.raises(PermissionDenied):
            agreements.start_agreement(cast.actor(name), mentorship)


def test_an_ended_mentorship_gets_no_new_agreement(cast, mentorship):
    with system_access():
        mentorship.status = MentorshipStatus.ENDED
        mentorship.save()
    with pytest.raises(ValidationError, match="not under way"):
        agreements.start_agreement(cast.actor("coordinator"), mentorship)
    with system_access():
        assert not Agreement.objects.exists()


# --- editing: SMART checks ------------------------------------------------------------


def _edit(cast, draft, rows, who="mentee"):
    return agreements.edit_draft(
        cast.actor(who), draft, expected_version=draft.edit_version, objectives=rows
    )


@pytest.mark.parametrize(
    ("index", "field", "value", "message"),
    [
        (0, "what", "  ", "Objective 1: say what will change"),
        (1, "measure", "", "Objective 2: say how it will be measured"),
        (2, "by", None, "Objective 3: give a date by when"),
        (2, "by", "not a date", "Objective 3: give the date by when as a real date"),
        (
            1,
            "by",
            "yesterday",
            "Objective 2: the date by when is in the past; give today or a later date",
        ),
        (0, "by", "far", "Objective 1: give a date by when within 5 years from today"),
        (0, "what", "x" * 501, "Objective 1: say what will change in 500 characters or fewer"),
    ],
)
def test_each_smart_check_names_its_objective_and_field(cast, draft, index, field, value, message):
    today = timezone.localdate()
    rows = objectives()
    value = {"yesterday": today - timedelta(days=1), "far": today + timedelta(days=6 * 366)}.get(
        value, value
    )
    rows[index][field] = value
    with pytest.raises(ValidationError) as exc:
        _edit(cast, draft, rows)
    assert errors_of(exc) == {f"objectives.{index}.{field}": [message]}
    assert fresh(draft).content["objectives"] == []
    assert fresh(draft).edit_version == draft.edit_version


def test_today_is_a_good_date(cast, draft):
    rows = objectives()
    rows[0]["by"] = timezone.localdate()
    assert _edit(cast, draft, rows).content["objectives"][0]["by"] == rows[0]["by"].isoformat()


@pytest.mark.parametrize(
    ("n", "message"),
    [
        (0, "Agree at least 3 objectives; there are 0 so far"),
        (1, "Agree at least 3 objectives; there is 1 so far"),
        (2, "Agree at least 3 objectives; there are 2 so far"),
        (11, "An agreement can have at most 10 objectives"),
    ],
)
def test_three_to_ten_objectives(cast, draft, n, message):
    with pytest.raises(ValidationError) as exc:
        _edit(cast, draft, objectives(n))
    assert errors_of(exc) == {"objectives": [message]}


def test_every_problem_is_named_at_once(cast, draft):
    rows = objectives(2)
    rows[0]["measure"] = ""
    rows[1]["by"] = None
    with pytest.raises(ValidationError) as exc:
        _edit(cast, draft, rows)
    assert errors_of(exc) == {
        "objectives.0.measure": ["Objective 1: say how it will be measured"],
        "objectives.1.by": ["Objective 2: give a date by when"],
        "objectives": ["Agree at least 3 objectives; there are 2 so far"],
    }


def test_editing_meetings_commitments_and_objectives(cast, draft):
    version = agreements.edit_draft(
        cast.actor("coordinator"),
        draft,
        expected_version=draft.edit_version,
        meetings={"frequency": "Every Tuesday at 4pm", "place": "Room B12"},
        extra_commitments=["  To share resources by email ", "", "To visit each other's class"],
        objectives=objectives(),
    )
    assert version.edit_version == draft.edit_version + 1
    assert version.status == VersionStatus.DRAFT
    assert "How often: Every Tuesday at 4pm" in version.text
    assert "Where: Room B12" in version.text
    assert "How: Face to face" in version.text  # unchanged
    assert "- To share resources by email\n- To visit each other's class" in version.text
    assert "### Objective 3" in version.text
    assert version.text_hash == hashlib.sha256(version.text.encode()).hexdigest()


def test_a_blank_meeting_arrangement_is_named(cast, draft):
    with pytest.raises(ValidationError) as exc:
        agreements.edit_draft(
            cast.actor("mentor"), draft, expected_version=1, meetings={"place": " "}
        )
    assert errors_of(exc) == {"meetings.place": ["Where you meet: say what you agree"]}


def test_a_stale_edit_is_told_and_nothing_is_overwritten(cast, draft):
    first = _edit(cast, draft, objectives(), who="mentor")
    rows = objectives(4)
    with pytest.raises(ValidationError) as exc:
        agreements.edit_draft(cast.actor("mentee"), draft, expected_version=1, objectives=rows)
    assert "Someone else changed this draft" in errors_of(exc)["__all__"][0]
    assert fresh(draft).content["objectives"] == first.content["objectives"]


def test_only_the_pair_and_coordinators_edit(cast, draft):
    for name in ("tutor", "line_manager", "partner_coordinator"):
        with pytest.raises(PermissionDenied):
            _edit(cast, draft, objectives(), who=name)


# --- sending --------------------------------------------------------------------------


def test_send_needs_three_objectives(cast, draft):
    with pytest.raises(ValidationError) as exc:
        agreements.send_for_signature(cast.actor("mentor"), draft)
    assert errors_of(exc) == {"objectives": ["Agree at least 3 objectives; there are 0 so far"]}
    assert fresh(draft).status == VersionStatus.DRAFT


def test_send_freezes_the_text_and_asks_everyone(cast, draft, django_capture_on_commit_callbacks):
    version = _edit(cast, draft, objectives())
    with django_capture_on_commit_callbacks(execute=True):
        sent = agreements.send_for_signature(cast.actor("mentee"), version)
    assert sent.status == VersionStatus.AWAITING
    assert sent.text_hash == hashlib.sha256(sent.text.encode()).hexdigest()
    assert {m.to[0] for m in mail.outbox} == {
        cast.mentee.email,
        cast.mentor.email,
        cast.coordinator.email,
    }
    assert "Please read and sign" in mail.outbox[0].subject
    with pytest.raises(ValidationError, match="no longer change"):
        _edit(cast, sent, objectives(4))


# --- signing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "party"),
    [("mentee", Party.MENTEE), ("mentor", Party.MENTOR), ("coordinator", Party.INSTITUTION)],
)
def test_each_party_signs_the_text_they_read(cast, awaiting, name, party):
    signature = sign_as(cast, name, awaiting)
    assert signature.party == party
    assert signature.person == cast.people[name]
    assert signature.text_hash == awaiting.text_hash
    assert fresh(awaiting).status == VersionStatus.AWAITING
    assert agreements.waiting_for(fresh(awaiting)) == [p for p in agreements.PARTIES if p != party]


def test_the_typed_name_is_compared_without_case_or_spacing(cast, awaiting):
    signature = agreements.sign(
        cast.actor("mentee"), awaiting, typed_name="  tom   REYES ", text_hash=awaiting.text_hash
    )
    assert signature.typed_name == "tom REYES"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Tom Reyez", "Type your full name as it appears here: Tom Reyes"),
        ("Mina Patel", "Type your full name as it appears here: Tom Reyes"),
        ("   ", "Type your full name to sign"),
    ],
)
def test_a_wrong_name_is_refused_on_the_field(cast, awaiting, typed, message):
    with pytest.raises(ValidationError) as exc:
        agreements.sign(
            cast.actor("mentee"), awaiting, typed_name=typed, text_hash=awaiting.text_hash
        )
    assert errors_of(exc) == {"typed_name": [message]}
    assert not awaiting.signatures.exists()


def test_a_stale_hash_is_refused_and_nothing_is_stored(cast, awaiting):
    seen = awaiting.text_hash
    # The coordinator takes it back, changes the meeting place and sends it again.
    draft = agreements.reopen(cast.actor("coordinator"), awaiting)
    draft = agreements.edit_draft(
        cast.actor("coordinator"),
        draft,
        expected_version=draft.edit_version,
        meetings={"place": "The library"},
    )
    agreements.send_for_signature(cast.actor("coordinator"), draft)
    assert fresh(awaiting).text_hash != seen
    events = MentorshipEvent.objects.visible_to(cast.actor("mentee")).count()
    with pytest.raises(ValidationError) as exc:
        agreements.sign(
            cast.actor("mentee"), fresh(awaiting), typed_name="Tom Reyes", text_hash=seen
        )
    assert errors_of(exc) == {"text_hash": [agreements.STALE]}
    assert agreements.STALE == (
        "This agreement changed after you opened it; read the new version before signing"
    )
    with system_access():
        assert not Signature.objects.exists()
    assert MentorshipEvent.objects.visible_to(cast.actor("mentee")).count() == events


def test_a_version_no_longer_waiting_is_refused_as_changed(cast, awaiting):
    draft = agreements.reopen(cast.actor("mentor"), awaiting)
    assert draft.status == VersionStatus.DRAFT and draft.pk == awaiting.pk
    with pytest.raises(ValidationError) as exc:
        agreements.sign(
            cast.actor("mentee"), draft, typed_name="Tom Reyes", text_hash=awaiting.text_hash
        )
    assert errors_of(exc) == {"text_hash": [agreements.STALE]}


def test_a_party_signs_once(cast, awaiting):
    sign_as(cast, "mentee", awaiting)
    with pytest.raises(ValidationError, match="You have already signed version 1"):
        sign_as(cast, "mentee", awaiting)
    sign_as(cast, "coordinator", awaiting)
    with system_access():
        other = f.person_with_account("ola@riverside.example", "Ola", "Second")
        f.MembershipFactory(person=other, organisation=cast.riverside, role=Role.COORDINATOR)
    with pytest.raises(ValidationError, match="Cora Coleman has already signed version 1"):
        agreements.sign(
            build_actor(other.user),
            awaiting,
            typed_name="Ola Second",
            text_hash=awaiting.text_hash,
        )
    assert awaiting.signatures.count() == 2


def test_people_outside_the_parties_cannot_sign(cast, awaiting):
    for name in ("tutor", "line_manager", "partner_coordinator", "outsider_coordinator"):
        with pytest.raises(PermissionDenied):
            sign_as(cast, name, awaiting)
    assert not awaiting.signatures.exists()


def test_when_everyone_has_signed(cast, awaiting, django_capture_on_commit_callbacks):
    sign_as(cast, "mentee", awaiting)
    sign_as(cast, "mentor", awaiting)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sign_as(cast, "coordinator", awaiting)
    version = fresh(awaiting)
    assert version.status == VersionStatus.SIGNED
    with system_access():
        plan = DevelopmentPlan.objects.get(mentorship=version.agreement.mentorship)
        rows = list(plan.objectives.order_by("due_on").values_list("what", "source"))
    assert rows == [(o["what"], "agreement") for o in objectives()]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.mentee.email, cast.mentor.email])
    codes = set(
        MentorshipEvent.objects.visible_to(cast.actor("mentee")).values_list("code", flat=True)
    )
    assert {"agreement_signed", "agreement_completed"} <= codes


def test_objectives_are_copied_once(cast, signed):
    assert agreements.copy_objectives(signed) == 0
    with system_access():
        assert Objective.objects.count() == 3


# --- immutable once signed ------------------------------------------------------------


def test_a_signed_text_never_changes_at_the_model(cast, signed):
    signed.text = signed.text + "\nOne more thing."
    with pytest.raises(ValidationError, match="never changes"):
        signed.save()
    assert fresh(signed).text_hash == hashlib.sha256(fresh(signed).text.encode()).hexdigest()


def test_a_partly_signed_text_never_changes_at_the_model(cast, awaiting):
    sign_as(cast, "mentee", awaiting)
    version = fresh(awaiting)
    version.text = "Something else"
    with pytest.raises(ValidationError):
        version.save()


def test_a_signed_version_is_refused_by_the_service(cast, signed):
    before = signed.text
    with pytest.raises(ValidationError, match="Amend the agreement"):
        agreements.edit_draft(
            cast.actor("coordinator"),
            signed,
            expected_version=signed.edit_version,
            objectives=objectives(4),
        )
    with pytest.raises(ValidationError):
        agreements.send_for_signature(cast.actor("coordinator"), signed)
    assert fresh(signed).text == before


# --- amending -------------------------------------------------------------------------


def test_amend_needs_a_signed_version(cast, awaiting):
    with pytest.raises(ValidationError, match="Only a signed agreement is amended"):
        agreements.amend(cast.actor("coordinator"), awaiting.agreement)


def test_an_amendment_supersedes_when_everyone_signs_it(cast, signed):
    agreement = signed.agreement
    amendment = agreements.amend(
        cast.actor("mentor"), agreement, change_summary="A fourth objective"
    )
    assert (amendment.number, amendment.status) == (2, VersionStatus.DRAFT)
    assert amendment.text.startswith("Mentoring agreement\nVersion 2, amending version 1\n")
    assert amendment.content["objectives"] == signed.content["objectives"]
    with pytest.raises(ValidationError, match="already"):
        agreements.amend(cast.actor("mentor"), agreement)  # one amendment at a time
    assert agreements.in_force(agreement) == signed
    rows = objectives(4)
    amendment = agreements.edit_draft(
        cast.actor("mentee"), amendment, expected_version=amendment.edit_version, objectives=rows
    )
    amendment = agreements.send_for_signature(cast.actor("mentee"), amendment)
    sign_as(cast, "mentee", amendment)
    sign_as(cast, "mentor", amendment)
    assert fresh(signed).status == VersionStatus.SIGNED  # still in force until the last signature
    sign_as(cast, "coordinator", amendment)
    assert fresh(signed).status == VersionStatus.SUPERSEDED
    assert fresh(signed).text == signed.text  # unchanged and readable
    assert fresh(amendment).status == VersionStatus.SIGNED
    assert agreements.in_force(agreement) == fresh(amendment)
    with system_access():
        assert Objective.objects.count() == 4  # the first three were not copied twice
        assert Signature.objects.filter(version=signed).count() == 3


def test_reopening_after_a_signature_keeps_that_version_and_starts_a_new_draft(cast, awaiting):
    sign_as(cast, "mentor", awaiting)
    draft = agreements.reopen(cast.actor("coordinator"), awaiting)
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert fresh(awaiting).status == VersionStatus.SUPERSEDED
    assert fresh(awaiting).signatures.count() == 1
    assert draft.text.startswith("Mentoring agreement\nVersion 2\n")


def test_demo_agreement_is_signed_and_idempotent(cast, mentorship):
    rows = [(o["what"], o["measure"], o["by"]) for o in objectives()]
    first = agreements.demo_agreement(mentorship, rows, institution_signer=cast.coordinator)
    again = agreements.demo_agreement(mentorship, rows, institution_signer=cast.coordinator)
    assert first == again
    version = first.versions.get()
    assert version.status == VersionStatus.SIGNED
    assert version.signatures.count() == 3
    with system_access():
        assert Objective.objects.filter(plan__mentorship=mentorship).count() == 3
