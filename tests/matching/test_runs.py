"""Cohort matching runs: the task end to end, refusals, failures, publishing, next best."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tandem.core.actor import build_actor
from tandem.core.tenancy import system_access
from tandem.matching import services, tasks
from tandem.matching.engine.model import EngineError
from tandem.matching.models import (
    MatchRun,
    MentoringRequest,
    Objective,
    Proposal,
    RequestStatus,
    RunStatus,
)
from tandem.mentors.models import MentorProfile, ProfileStatus
from tandem.relationships import services as lifecycle
from tandem.relationships.models import Mentorship, MentorshipStatus, Source
from tests.matching.test_run_world import build_world, make_cohort


@pytest.fixture
def world(cast):
    return build_world(cast)


@pytest.fixture
def coordinator(cast):
    return cast.actor("coordinator")


@pytest.fixture
def run(world, coordinator):
    return services.start_run(coordinator, world.cohort)


def proposals(run):
    with system_access():
        return {
            p.request.mentee.given_name: p
            for p in Proposal.objects.filter(run=run).select_related("request__mentee", "mentor")
        }


def as_actor(person):
    with system_access():
        person.refresh_from_db()
    return build_actor(person.user)


def messages_of(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- the task, end to end ---------------------------------------------------------------


def test_run_stores_one_proposal_per_request_with_why_and_alternatives(world, run):
    assert run.status == RunStatus.READY
    assert (run.progress, run.stage) == (100, "Done")
    assert run.task_id
    assert (run.mentees, run.mentors, run.matched) == (4, 3, 3)
    assert run.weights == world.programme.weights()
    by_mentee = proposals(run)
    assert set(by_mentee) == {"Tom", "Ava", "Ben", "Una"}
    matched = [p for p in by_mentee.values() if p.mentor_id]
    assert run.total_score == sum(p.score for p in matched)
    for p in matched:
        assert p.mentor_organisation == world.cast.riverside
        assert p.rung in (1, 2)
        assert set(p.parts) == {
            "subject",
            "mode",
            "availability",
            "place",
            "experience",
            "preferred",
        }
        assert p.why[0].startswith("Subject fit: ")
        assert p.why[-1].startswith("Found on the fallback ladder at: ")
        assert len(p.alternatives) <= 5
        for alt in p.alternatives:
            assert set(alt) >= {"mentor", "name", "organisation", "score", "rung_label", "why"}
            assert alt["mentor"] != str(p.mentor.uuid)
        scores = [a["score"] for a in p.alternatives]
        assert scores == sorted(scores, reverse=True)
    # Ben needs electrical installation: Omar is the exact-subject mentor.
    assert by_mentee["Ben"].mentor == world.mentors["Omar"]
    assert by_mentee["Ben"].rung == 1


def test_unmatched_mentee_has_a_readable_reason_and_is_hard_to_match(world, run):
    una = proposals(run)["Una"]
    assert una.mentor is None and una.score is None
    assert "Upholstery and soft furnishing" in una.unmatched_reason
    assert str(una.request.subject.uuid) not in una.unmatched_reason
    assert una.alternatives == []
    assert run.hard_to_match == [
        {
            "subject": "Upholstery and soft furnishing",
            "organisation": "Riverside College",
            "count": 1,
        }
    ]


def test_the_line_manager_of_a_mentee_is_never_proposed(world, run):
    tom = proposals(run)["Tom"]
    lena = world.mentors["Lena"]
    assert tom.mentor is not None and tom.mentor != lena
    assert str(lena.uuid) not in {a["mentor"] for a in tom.alternatives}
    # Lena is allowed (and the most experienced) for the others.
    ava = proposals(run)["Ava"]
    assert str(lena.uuid) in {a["mentor"] for a in ava.alternatives} | {str(ava.mentor.uuid)}


def test_progress_is_reported_stage_by_stage(world, coordinator, monkeypatch):
    seen = []
    original = tasks._progress

    def record(run_id, progress, stage):
        seen.append((progress, stage))
        original(run_id, progress, stage)

    monkeypatch.setattr(tasks, "_progress", record)
    services.start_run(coordinator, world.cohort)
    assert seen == [
        (5, "Reading 4 requests"),
        (10, "Reading 4 requests and 3 mentors"),
        (30, "Finding allowed pairs"),
        (50, "Scoring"),
        (70, "Solving"),
        (90, "Saving proposals"),
    ]


def test_quality_first_objective_is_stored_and_used(world, coordinator):
    run = services.start_run(
        coordinator, world.cohort, objective=Objective.QUALITY_FIRST, include_partners=False
    )
    assert run.status == RunStatus.READY
    assert run.objective == Objective.QUALITY_FIRST and not run.include_partners


# --- refusals ---------------------------------------------------------------------------


def test_an_empty_cohort_is_refused_by_name(cast, world, coordinator):
    _, empty = make_cohort(cast.riverside, name="Spring 2027")
    with pytest.raises(ValidationError) as exc:
        services.start_run(coordinator, empty)
    assert "cohort" in exc.value.message_dict
    assert "No mentee in Spring 2027 is waiting for a mentor" in messages_of(exc)
    with system_access():
        assert not MatchRun.objects.filter(cohort=empty).exists()


def test_a_cohort_with_no_mentor_to_draw_on_is_refused(world, coordinator):
    with system_access():
        MentorProfile.objects.update(status=ProfileStatus.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        services.start_run(coordinator, world.cohort)
    assert "No approved mentor with free places" in exc.value.message_dict["cohort"][0]


def test_mentors_without_consent_or_places_do_not_count(world, coordinator):
    with system_access():
        MentorProfile.objects.filter(person=world.mentors["Mina"]).update(
            consents_to_matching=False
        )
        MentorProfile.objects.exclude(person=world.mentors["Mina"]).update(capacity=0)
    with pytest.raises(ValidationError, match="No approved mentor with free places"):
        services.start_run(coordinator, world.cohort)


def test_only_the_cohorts_coordinators_start_a_run(cast, world):
    for name in ("tutor", "partner_coordinator", "mentor"):
        with pytest.raises(PermissionDenied):
            services.start_run(cast.actor(name), world.cohort)


def test_a_second_run_while_one_is_under_way_is_refused(world, coordinator):
    with system_access():
        MatchRun.objects.create(
            organisation=world.cohort.organisation, cohort=world.cohort, status=RunStatus.RUNNING
        )
    with pytest.raises(ValidationError, match="already under way"):
        services.start_run(coordinator, world.cohort)


def test_a_bad_objective_is_refused_by_name(world, coordinator):
    with pytest.raises(ValidationError) as exc:
        services.start_run(coordinator, world.cohort, objective="fastest")
    assert "objective" in exc.value.message_dict


# --- failures ---------------------------------------------------------------------------


def test_a_failing_engine_leaves_the_run_failed_with_a_message(world, coordinator, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(tasks, "solve", broken)
    run = services.start_run(coordinator, world.cohort)
    assert run.status == RunStatus.FAILED
    assert "Something went wrong while matching this cohort" in run.error
    assert "solver crashed" not in run.error
    assert run.proposals.count() == 0
    # A new run can be started afterwards.
    monkeypatch.undo()
    assert services.start_run(coordinator, world.cohort).status == RunStatus.READY


def test_an_engine_error_is_shown_in_words(world, coordinator, monkeypatch):
    def refuse(*args, **kwargs):
        raise EngineError("weights: all weights are zero")

    monkeypatch.setattr(tasks, "score_parts", refuse)
    run = services.start_run(coordinator, world.cohort)
    assert run.status == RunStatus.FAILED
    assert "weights: all weights are zero" in run.error


def test_zero_weights_on_the_programme_fail_the_run_clearly(world, coordinator):
    with system_access():
        for name in world.programme.WEIGHT_FIELDS:
            setattr(world.programme, name, 0)
        world.programme.save()
        world.cohort.refresh_from_db()
    run = services.start_run(coordinator, world.cohort)
    assert run.status == RunStatus.FAILED
    assert "all weights are zero" in run.error


def test_a_run_with_nothing_left_to_match_fails_with_a_reason(world, coordinator, monkeypatch):
    monkeypatch.setattr(tasks, "requests_for_cohort", lambda cohort: [])
    run = services.start_run(coordinator, world.cohort)
    assert run.status == RunStatus.FAILED
    assert "No mentee in Autumn 2026 is waiting for a mentor any more" in run.error


def test_the_task_ignores_a_run_that_is_not_queued(world, run):
    before = run.version
    tasks.match_run(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.READY and run.version == before


# --- publishing -------------------------------------------------------------------------


def test_publish_proposes_each_matched_pair_and_marks_the_requests(
    world, coordinator, run, mailoutbox
):
    created = services.publish(coordinator, run, expected_version=run.version)
    assert len(created) == 3
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    assert run.published_by == world.cast.coordinator and run.published_at
    by_mentee = proposals(run)
    with system_access():
        for m in Mentorship.objects.filter(cohort=world.cohort):
            p = by_mentee[m.mentee.given_name]
            assert (m.mentor, m.status, m.source) == (
                p.mentor,
                MentorshipStatus.PROPOSED,
                Source.MATCH_RUN,
            )
            assert (m.score, m.why, m.request) == (p.score, p.why, p.request)
        statuses = dict(
            MentoringRequest.objects.filter(cohort=world.cohort).values_list(
                "mentee__given_name", "status"
            )
        )
    assert statuses == {
        "Tom": RequestStatus.MATCHED,
        "Ava": RequestStatus.MATCHED,
        "Ben": RequestStatus.MATCHED,
        "Una": RequestStatus.OPEN,
    }
    assert {m.to[0] for m in mailoutbox} >= {p.mentor.email for p in by_mentee.values() if p.mentor}


def test_publish_is_all_or_nothing_when_a_mentor_withdrew_consent(world, coordinator, run):
    ben = proposals(run)["Ben"]
    with system_access():
        MentorProfile.objects.filter(person=ben.mentor).update(consents_to_matching=False)
    with pytest.raises(ValidationError) as exc:
        services.publish(coordinator, run, expected_version=run.version)
    text = messages_of(exc)
    assert "Nothing was published" in text
    assert f"Ben Clark: {ben.mentor} has asked not to be given new mentees." in text
    with system_access():
        assert not Mentorship.objects.exists()
        assert not MentoringRequest.objects.exclude(status=RequestStatus.OPEN).exists()
    run.refresh_from_db()
    assert run.status == RunStatus.READY


def test_publish_is_refused_when_a_place_was_taken_meanwhile(world, cast, coordinator, run):
    mina_proposals = [p for p in proposals(run).values() if p.mentor == world.mentors["Mina"]]
    if not mina_proposals:  # make sure Mina (one place) is proposed in this run
        ava = proposals(run)["Ava"]
        services.edit_proposal(
            coordinator, ava, world.mentors["Mina"], expected_version=run.version
        )
        run.refresh_from_db()
    with system_access():
        other = cast.partner_mentee
    from tests import factories as f

    with system_access():
        f.MembershipFactory(person=other, organisation=cast.riverside, role="mentee")
    lifecycle.create_by_coordinator(
        coordinator,
        mentee=other,
        mentor=world.mentors["Mina"],
        organisation=cast.riverside,
        programme=world.programme,
    )
    with pytest.raises(ValidationError, match="Nothing was published"):
        services.publish(coordinator, run, expected_version=run.version)
    with system_access():
        assert Mentorship.objects.count() == 1  # only the one made meanwhile


def test_publish_twice_and_stale_versions_are_refused(world, coordinator, run):
    with pytest.raises(ValidationError, match="Someone else changed this matching run"):
        services.publish(coordinator, run, expected_version=run.version - 1)
    services.publish(coordinator, run, expected_version=run.version)
    run.refresh_from_db()
    with pytest.raises(ValidationError, match="already been published"):
        services.publish(coordinator, run, expected_version=run.version)
    with system_access():
        assert Mentorship.objects.count() == 3


def test_only_coordinators_publish(cast, run):
    with pytest.raises(PermissionDenied):
        services.publish(cast.actor("tutor"), run, expected_version=run.version)


def test_discard_sets_the_run_aside_and_publish_is_then_refused(world, coordinator, run):
    services.discard_run(coordinator, run)
    run.refresh_from_db()
    assert run.status == RunStatus.DISCARDED
    with pytest.raises(ValidationError, match="ready to review"):
        services.publish(coordinator, run, expected_version=run.version)
    with pytest.raises(ValidationError, match="already been discarded"):
        services.discard_run(coordinator, run)


# --- after a decline: the next best ----------------------------------------------------


def mentorship_of(mentee):
    with system_access():
        return Mentorship.objects.filter(mentee=mentee, status__in=("proposed",)).get()


def test_a_decline_offers_the_next_best_and_never_a_mentor_who_declined(
    world, cast, coordinator, run
):
    services.publish(coordinator, run, expected_version=run.version)
    ava = world.mentees["Ava"]
    first = mentorship_of(ava)
    decliners = {first.mentor_id}
    nxt = lifecycle.decline(as_actor(first.mentor), first, "No time this term")
    while nxt is not None:
        assert nxt.mentor_id not in decliners
        assert nxt.source == Source.MATCH_RUN and nxt.request == first.request
        assert nxt.status == MentorshipStatus.PROPOSED
        assert nxt.why and nxt.score is not None
        decliners.add(nxt.mentor_id)
        nxt = lifecycle.decline(as_actor(nxt.mentor), nxt, "")
    # Nobody else is free: the request waits again.
    with system_access():
        request = MentoringRequest.objects.get(mentee=ava)
    assert request.status == RequestStatus.OPEN
    assert len(decliners) >= 2


def test_next_best_is_none_without_a_request_or_for_a_withdrawn_one(world, cast, coordinator):
    with system_access():
        mentorship = Mentorship(
            organisation=cast.riverside,
            mentor_organisation=cast.riverside,
            mentor=world.mentors["Mina"],
            mentee=world.mentees["Ava"],
            programme=world.programme,
            source=Source.COORDINATOR,
            status=MentorshipStatus.DECLINED,
        )
    assert services.offer_next_best(coordinator, mentorship) is None
    request = world.request_of("Ava")
    with system_access():
        MentoringRequest.objects.filter(pk=request.pk).update(status=RequestStatus.WITHDRAWN)
        request.refresh_from_db()
    mentorship.request = request
    assert services.offer_next_best(coordinator, mentorship) is None


def test_next_best_skips_mentors_who_let_the_offer_expire(world, cast, coordinator, run):
    from datetime import timedelta

    from django.utils import timezone

    services.publish(coordinator, run, expected_version=run.version)
    ben = world.mentees["Ben"]
    first = mentorship_of(ben)
    with system_access():
        Mentorship.objects.filter(pk=first.pk).update(respond_by=timezone.now() - timedelta(days=1))
    assert lifecycle.expire_overdue_offers() == 1
    with system_access():
        offers = list(Mentorship.objects.filter(mentee=ben).order_by("pk"))
    assert offers[0].status == MentorshipStatus.EXPIRED
    if len(offers) > 1:
        assert offers[1].mentor_id != first.mentor_id
        assert offers[1].status == MentorshipStatus.PROPOSED


# --- the hard-to-match report ----------------------------------------------------------


def test_hard_to_match_report_counts_runs_and_waiting_requests(world, cast, coordinator, run):
    report = services.hard_to_match_report(coordinator, cast.riverside)
    assert [r.uuid for r in report.runs] == [run.uuid]
    rows = {(r.subject, r.organisation): r for r in report.rows}
    una = rows[("Upholstery and soft furnishing", "Riverside College")]
    assert (una.unmatched_in_runs, una.without_candidate, una.total) == (1, 1, 2)
    assert report.open_requests == 4
    assert report.rows[0] is una
    with pytest.raises(PermissionDenied):
        services.hard_to_match_report(cast.actor("tutor"), cast.riverside)


# --- mentors in partner organisations ---------------------------------------------------


def test_a_partner_mentor_is_proposed_only_when_asked_for_and_brokered(world, cast, coordinator):
    from tandem.mentors.models import BrokerageRequest
    from tandem.organisations.models import PartnershipMember
    from tests import factories as f
    from tests.matching.test_run_world import make_mentor

    with system_access():
        PartnershipMember.objects.filter(organisation=cast.northgate).update(in_directory=True)
        nadia = f.person_with_account("nadia@northgate.example", "Nadia", "Brooks")
    make_mentor(nadia, cast.northgate, ["Upholstery and soft furnishing"], willing_outside=True)

    alone = services.start_run(coordinator, world.cohort, include_partners=False)
    assert proposals(alone)["Una"].mentor is None
    services.discard_run(coordinator, alone)

    run = services.start_run(coordinator, world.cohort, include_partners=True)
    una = proposals(run)["Una"]
    assert una.mentor == nadia and una.mentor_organisation == cast.northgate
    assert una.rung == 4 and "another organisation in the partnership" in una.why[-1]
    assert run.matched == 4 and run.hard_to_match == []
    services.publish(coordinator, run, expected_version=run.version)
    with system_access():
        mentorship = Mentorship.objects.get(mentee=world.mentees["Una"])
        assert mentorship.status == MentorshipStatus.AWAITING_BROKERAGE
        assert BrokerageRequest.objects.filter(mentorship=mentorship).exists()
