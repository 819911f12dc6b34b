"""Changing a proposal by hand: every hard constraint holds, with the reason when it does not."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tandem.core.tenancy import system_access
from tandem.matching import services
from tandem.matching.models import Proposal, RunStatus
from tandem.mentors.models import MentorProfile
from tests import factories as f
from tests.matching.test_run_world import build_world, make_mentor


@pytest.fixture
def world(cast):
    return build_world(cast)


@pytest.fixture
def coordinator(cast):
    return cast.actor("coordinator")


@pytest.fixture
def run(world, coordinator):
    return services.start_run(coordinator, world.cohort)


def proposal_of(run, given_name):
    with system_access():
        return Proposal.objects.select_related("run", "request__mentee", "mentor").get(
            run=run, request__mentee__given_name=given_name
        )


def refused(coordinator, proposal, mentor, run) -> list[str]:
    run.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.edit_proposal(coordinator, proposal, mentor, expected_version=run.version)
    return exc.value.message_dict["mentor"]


def other_plumber(world, proposal):
    """A plumbing mentor allowed for this proposal's mentee and not its current mentor."""
    for name in ("Mina", "Omar", "Lena"):
        mentor = world.mentors[name]
        if mentor != proposal.mentor and not (
            proposal.request.mentee.given_name == "Tom" and name == "Lena"
        ):
            return mentor
    raise AssertionError("no other mentor")


def test_the_line_manager_is_refused_with_the_reason(world, coordinator, run):
    tom = proposal_of(run, "Tom")
    reasons = refused(coordinator, tom, world.mentors["Lena"], run)
    assert any("Lena Morgan line-manages Tom Reyes" in r for r in reasons)
    assert proposal_of(run, "Tom").mentor == tom.mentor


def test_a_mentor_over_capacity_within_the_run_is_refused(world, coordinator, run):
    mina = world.mentors["Mina"]  # one place
    if not any(proposal_of(run, n).mentor == mina for n in ("Tom", "Ava", "Ben")):
        run.refresh_from_db()
        services.edit_proposal(
            coordinator, proposal_of(run, "Ava"), mina, expected_version=run.version
        )
    target = next(
        proposal_of(run, n) for n in ("Tom", "Ava", "Ben") if proposal_of(run, n).mentor != mina
    )
    reasons = refused(coordinator, target, mina, run)
    assert len(reasons) == 1
    assert (
        "Mina Patel can take 1 more mentee, and this run already proposes them for" in (reasons[0])
    )


def test_a_mentor_who_withdrew_consent_is_refused(world, coordinator, run):
    ava = proposal_of(run, "Ava")
    mentor = other_plumber(world, ava)
    with system_access():
        MentorProfile.objects.filter(person=mentor).update(consents_to_matching=False)
    reasons = refused(coordinator, ava, mentor, run)
    assert f"{mentor} has asked not to be given new mentees." in reasons


def test_a_mentor_with_no_subject_match_is_refused_by_the_engine(world, cast, coordinator, run):
    with system_access():
        maths = f.person_with_account("maths@riverside.example", "Mo", "Maths")
    make_mentor(maths, cast.riverside, ["Mathematics and statistics"], capacity=3)
    reasons = refused(coordinator, proposal_of(run, "Ava"), maths, run)
    assert reasons == [
        "Mo Maths has no specialism in the subject or sector and is not in the generic pool."
    ]


def test_a_person_who_is_not_a_mentor_is_refused(world, cast, coordinator, run):
    reasons = refused(coordinator, proposal_of(run, "Ava"), cast.trainer, run)
    assert reasons == ["Trudy Evans is not a mentor in any organisation."]


def test_an_accepted_change_recomputes_the_score_and_marks_the_edit(world, coordinator, run):
    ava = proposal_of(run, "Ava")
    old_mentor, old_score = ava.mentor, ava.score
    new_mentor = other_plumber(world, ava)
    if new_mentor == world.mentors["Mina"] and any(
        proposal_of(run, n).mentor == new_mentor for n in ("Tom", "Ben")
    ):
        new_mentor = next(
            m for n, m in world.mentors.items() if m not in (old_mentor, new_mentor) and n != "Mina"
        )
    expected = next(a for a in ava.alternatives if a["mentor"] == str(new_mentor.uuid))
    run.refresh_from_db()
    version = run.version
    changed = services.edit_proposal(coordinator, ava, new_mentor, expected_version=version)
    assert changed.mentor == new_mentor
    assert changed.score == expected["score"]
    assert changed.why == expected["why"]
    assert changed.edited_by == world.cast.coordinator
    assert changed.unmatched_reason == ""
    assert str(old_mentor.uuid) in {a["mentor"] for a in changed.alternatives}
    assert str(new_mentor.uuid) not in {a["mentor"] for a in changed.alternatives}
    run.refresh_from_db()
    assert run.version == version + 1
    assert run.matched == 3
    assert run.total_score == sum(
        p.score for p in Proposal.objects.visible_to(coordinator).filter(run=run) if p.score
    )
    assert changed.score != old_score or changed.mentor != old_mentor


def test_leaving_a_mentee_unmatched(world, coordinator, run):
    ben = proposal_of(run, "Ben")
    changed = services.edit_proposal(coordinator, ben, None, expected_version=run.version)
    assert changed.mentor is None and changed.score is None and changed.why == []
    assert changed.unmatched_reason == "Left unmatched by Cora Coleman"
    assert str(world.mentors["Omar"].uuid) in {a["mentor"] for a in changed.alternatives}
    run.refresh_from_db()
    assert run.matched == 2
    # ... and matching them again from the alternatives.
    again = services.edit_proposal(
        coordinator, changed, world.mentors["Omar"], expected_version=run.version
    )
    assert again.mentor == world.mentors["Omar"] and again.unmatched_reason == ""


def test_a_stale_version_is_refused(world, coordinator, run):
    with pytest.raises(ValidationError, match="Someone else changed this matching run"):
        services.edit_proposal(
            coordinator, proposal_of(run, "Ben"), None, expected_version=run.version - 1
        )


def test_changes_only_while_ready(world, coordinator, run):
    services.publish(coordinator, run, expected_version=run.version)
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    with pytest.raises(ValidationError, match="already been published"):
        services.edit_proposal(
            coordinator, proposal_of(run, "Ben"), None, expected_version=run.version
        )


def test_only_the_organisations_coordinators_change_proposals(cast, run):
    for name in ("tutor", "partner_coordinator", "mentor"):
        with pytest.raises(PermissionDenied):
            services.edit_proposal(
                cast.actor(name), proposal_of(run, "Ben"), None, expected_version=run.version
            )
