"""The mentorship's life: hard constraints, offers, answers, time-outs, withdrawal, ending."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tandem.core.models import AuditEvent
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching.models import MentoringRequest, RequestStatus
from tandem.mentors.models import BrokerageRequest, BrokerageStatus, Subject, TrainingStatus
from tandem.programmes.models import Programme
from tandem.relationships import services
from tandem.relationships.demo import create_active
from tandem.relationships.models import (
    EndReason,
    Mentorship,
    MentorshipEvent,
    MentorshipStatus,
    Source,
)
from tests import factories as f
from tests.relationships.conftest import mentor_profile, new_person


def allocate(cast, mentee, mentor, programme, **kw):
    return services.create_by_coordinator(
        cast.actor("coordinator"),
        mentee=mentee,
        mentor=mentor,
        organisation=cast.riverside,
        programme=programme,
        **kw,
    )


def problems(cast, mentee, mentor, programme, organisation=None):
    return services.pair_problems(
        mentee=mentee,
        mentor=mentor,
        organisation=organisation or cast.riverside,
        programme=programme,
    )


def refused(cast, mentee, mentor, programme) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        allocate(cast, mentee, mentor, programme)
    return caught.value.message_dict["mentor"]


def request_for(cast, mentee, programme):
    with system_access():
        return MentoringRequest.objects.create(
            organisation=cast.riverside,
            mentee=mentee,
            programme=programme,
            subject=Subject.objects.order_by("pk").first(),
            development_needs="Planning lessons for mixed-ability groups",
            status=RequestStatus.MATCHED,
        )


def fetch(mentorship):
    with system_access():
        return Mentorship.objects.get(pk=mentorship.pk)


# --- hard constraints ------------------------------------------------------------------


def test_line_manager_is_never_proposed_directly(cast, programme):
    line_manager = cast.line_manager
    with system_access():
        f.MembershipFactory(person=line_manager, organisation=cast.riverside, role=Role.MENTOR)
    mentor_profile(line_manager, cast.riverside)
    messages = refused(cast, cast.mentee, line_manager, programme)
    assert any("line-manages" in m for m in messages)
    with system_access():
        assert not Mentorship.objects.filter(mentee=cast.mentee).exists()


def test_line_manager_two_levels_up_is_never_proposed(cast, programme):
    boss = new_person(cast.riverside, Role.MENTOR, "Bea", "Boss")
    mentor_profile(boss, cast.riverside)
    with system_access():
        f.LineManagementFactory(organisation=cast.riverside, manager=boss, report=cast.line_manager)
    assert any("line-manages" in m for m in refused(cast, cast.mentee, boss, programme))


def test_capacity_counts_proposed_and_active(cast, programme, mentor, more_mentees):
    ana, ben, cai = more_mentees[:3]
    first = allocate(cast, ana, mentor, programme)  # proposed
    assert first.status == MentorshipStatus.PROPOSED
    second = allocate(cast, ben, mentor, programme)
    services.accept(cast.actor("mentor"), second)  # active
    messages = refused(cast, cai, mentor, programme)
    assert messages == ["Mina Patel already has 2 mentees and can take 2 at once."]


@pytest.mark.parametrize(
    "status",
    [MentorshipStatus.DECLINED, MentorshipStatus.EXPIRED, MentorshipStatus.WITHDRAWN],
)
def test_offers_that_did_not_start_do_not_count(cast, programme, more_mentees, status):
    mentor_profile(cast.mentor, cast.riverside, capacity=1)
    ana, ben = more_mentees[:2]
    first = allocate(cast, ana, cast.mentor, programme)
    assert problems(cast, ben, cast.mentor, programme)  # full while proposed
    with system_access():
        Mentorship.objects.filter(pk=first.pk).update(status=status)
    assert problems(cast, ben, cast.mentor, programme) == []


def test_ended_mentorships_free_a_place(cast, programme, more_mentees):
    mentor_profile(cast.mentor, cast.riverside, capacity=1)
    ana, ben = more_mentees[:2]
    old = create_active(ana, cast.mentor, programme, cast.riverside)
    assert problems(cast, ben, cast.mentor, programme)
    services.end(cast.actor("coordinator"), old, reason=EndReason.COMPLETED)
    assert problems(cast, ben, cast.mentor, programme) == []


def test_mentor_who_withdrew_consent_is_refused(cast, programme):
    mentor_profile(cast.mentor, cast.riverside, consents_to_matching=False)
    assert refused(cast, cast.mentee, cast.mentor, programme) == [
        "Mina Patel has asked not to be given new mentees."
    ]


def test_programme_requiring_training_refuses_untrained_mentor(cast, programme):
    with system_access():
        Programme.objects.filter(pk=programme.pk).update(requires_trained_mentor=True)
        programme.refresh_from_db()
    mentor_profile(cast.mentor, cast.riverside, training_status=TrainingStatus.IN_TRAINING)
    assert refused(cast, cast.mentee, cast.mentor, programme) == [
        "New staff induction needs a mentor who has completed mentor training."
    ]
    mentor_profile(cast.mentor, cast.riverside, training_status=TrainingStatus.TRAINED)
    assert problems(cast, cast.mentee, cast.mentor, programme) == []


def test_pair_that_broke_down_is_never_proposed_again(cast, programme, mentor):
    old = create_active(cast.mentee, mentor, programme, cast.riverside)
    services.end(cast.actor("coordinator"), old, reason=EndReason.BROKE_DOWN)
    assert refused(cast, cast.mentee, mentor, programme) == [
        "An earlier mentorship between Mina Patel and Tom Reyes broke down."
    ]


def test_mentee_with_a_mentor_on_the_programme_is_refused(cast, programme, mentor):
    other = new_person(cast.riverside, Role.MENTOR, "Oli", "Other")
    mentor_profile(other, cast.riverside)
    allocate(cast, cast.mentee, other, programme)
    assert refused(cast, cast.mentee, mentor, programme) == [
        "Tom Reyes already has a mentor, proposed or agreed, on New staff induction."
    ]
    # Another programme is another matter.
    with system_access():
        cpd = Programme.objects.create(organisation=cast.riverside, name="CPD", purpose="cpd")
    assert problems(cast, cast.mentee, mentor, cpd) == []


def test_cross_organisation_without_a_partnership_is_refused(cast, programme):
    far = new_person(cast.eastfield, Role.MENTOR, "Finn", "Far")
    mentor_profile(far, cast.eastfield, willing_outside=True)
    assert refused(cast, cast.mentee, far, programme) == [
        "Finn Far mentors for Eastfield Adult Learning, which is not in a partnership "
        "with Riverside College."
    ]


def test_cross_organisation_mentor_must_be_willing(cast, programme, partner_mentor):
    mentor_profile(partner_mentor, cast.northgate, willing_outside=False)
    assert refused(cast, cast.mentee, partner_mentor, programme) == [
        "Nadia Brook has not offered to mentor outside Northgate Training."
    ]


def test_nobody_mentors_themself(cast, programme, mentor):
    assert problems(cast, mentor, mentor, programme) == ["Nobody can mentor themself."]


# --- proposing ---------------------------------------------------------------------------


def test_proposal_asks_the_mentor_by_email_with_a_deadline(cast, programme, mentor):
    mail.outbox.clear()
    mentorship = allocate(cast, cast.mentee, mentor, programme)
    assert mentorship.status == MentorshipStatus.PROPOSED
    assert mentorship.source == Source.COORDINATOR
    assert mentorship.respond_by - timezone.now() > timedelta(days=4, hours=23)
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    assert mail.outbox[0].subject.endswith("Will you mentor Tom Reyes?")
    assert str(mentorship.uuid) in mail.outbox[0].body
    assert [e.code for e in mentorship.events.all()] == ["proposed"]
    with system_access():
        assert AuditEvent.objects.filter(
            code="relationships.mentorship.proposed", object_uuid=mentorship.uuid
        ).exists()


def test_cross_organisation_waits_for_the_mentors_coordinator(cast, programme, partner_mentor):
    mail.outbox.clear()
    mentorship = allocate(cast, cast.mentee, partner_mentor, programme)
    assert mentorship.status == MentorshipStatus.AWAITING_BROKERAGE
    # The mentor's coordinator has the programme's response time to answer.
    assert mentorship.respond_by - timezone.now() > timedelta(days=4, hours=23)
    assert mentorship.mentor_organisation == cast.northgate
    with system_access():
        brokerage = BrokerageRequest.objects.get(mentorship=mentorship)
    assert brokerage.status == BrokerageStatus.PENDING
    assert brokerage.requesting_organisation == cast.riverside
    assert brokerage.mentor_organisation == cast.northgate
    assert brokerage.partnership == cast.north
    # The Northgate coordinator is asked; the mentor is not, yet.
    assert [m.to for m in mail.outbox] == [[cast.partner_coordinator.email]]


def test_brokerage_agreed_then_the_mentor_is_asked(cast, programme, partner_mentor):
    mentorship = allocate(cast, cast.mentee, partner_mentor, programme)
    mail.outbox.clear()
    services.brokerage_decided(cast.actor("partner_coordinator"), mentorship, accepted=True)
    mentorship = fetch(mentorship)
    assert mentorship.status == MentorshipStatus.PROPOSED and mentorship.respond_by
    assert [m.to for m in mail.outbox] == [[partner_mentor.email]]


def test_only_coordinators_of_the_mentees_organisation_allocate(cast, programme, mentor):
    for name in ("tutor", "mentor", "partner_coordinator", "partnership_admin"):
        with pytest.raises(PermissionDenied):
            services.create_by_coordinator(
                cast.actor(name),
                mentee=cast.mentee,
                mentor=mentor,
                organisation=cast.riverside,
                programme=programme,
            )


def test_allocation_checks_mentee_programme_and_cohort_belong_here(cast, programme, mentor):
    with system_access():
        theirs = Programme.objects.create(
            organisation=cast.eastfield, name="Eastfield induction", purpose="induction"
        )
    with pytest.raises(ValidationError) as caught:
        allocate(cast, cast.partner_mentee, mentor, theirs)
    assert set(caught.value.message_dict) == {"mentee", "programme"}
    assert caught.value.message_dict["mentee"] == [
        "Partner Mentee is not a mentee at Riverside College."
    ]


def test_a_failing_check_writes_nothing(cast, programme):
    with system_access():
        f.MembershipFactory(person=cast.line_manager, organisation=cast.riverside, role="mentor")
        before = (
            Mentorship.objects.count(),
            MentorshipEvent.objects.count(),
            AuditEvent.objects.count(),
            BrokerageRequest.objects.count(),
        )
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        allocate(cast, cast.mentee, cast.line_manager, programme)
    with system_access():
        after = (
            Mentorship.objects.count(),
            MentorshipEvent.objects.count(),
            AuditEvent.objects.count(),
            BrokerageRequest.objects.count(),
        )
    assert after == before and mail.outbox == []


# --- answering -------------------------------------------------------------------------


def test_accept_starts_today_matches_the_request_and_tells_everyone(cast, programme, mentor):
    request = request_for(cast, cast.mentee, programme)
    mentorship = services.propose(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=mentor,
        organisation=cast.riverside,
        programme=programme,
        source=Source.MATCH_RUN,
        request=request,
        score=81,
        why=["Teaches the same subject"],
    )
    mail.outbox.clear()
    services.accept(cast.actor("mentor"), mentorship)
    mentorship = fetch(mentorship)
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert mentorship.starts_on == timezone.localdate()
    assert mentorship.responded_at is not None
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([cast.mentee.email, cast.coordinator.email])
    assert [e.code for e in mentorship.events.all()] == ["proposed", "accepted"]


@pytest.mark.parametrize("who", ["mentee", "coordinator", "tutor", "line_manager", "stranger"])
def test_only_the_proposed_mentor_answers(cast, programme, mentor, who):
    mentorship = allocate(cast, cast.mentee, mentor, programme)
    with pytest.raises(PermissionDenied):
        services.accept(cast.actor(who), mentorship)
    with pytest.raises(PermissionDenied):
        services.decline(cast.actor(who), mentorship, "no")
    assert fetch(mentorship).status == MentorshipStatus.PROPOSED


def test_accept_after_the_deadline_is_refused(cast, programme, mentor):
    mentorship = allocate(cast, cast.mentee, mentor, programme)
    with system_access():
        Mentorship.objects.filter(pk=mentorship.pk).update(
            respond_by=timezone.now() - timedelta(minutes=1)
        )
    with pytest.raises(ValidationError, match="time to answer has passed"):
        services.accept(cast.actor("mentor"), mentorship)
    assert fetch(mentorship).status == MentorshipStatus.PROPOSED


def test_an_answered_offer_cannot_be_answered_again(cast, programme, mentor):
    mentorship = allocate(cast, cast.mentee, mentor, programme)
    services.accept(cast.actor("mentor"), mentorship)
    with pytest.raises(ValidationError, match="no longer waiting for your answer"):
        services.accept(cast.actor("mentor"), mentorship)


def test_decline_asks_the_next_best_and_reopens_the_request_when_none(
    cast, programme, mentor, next_best
):
    request = request_for(cast, cast.mentee, programme)
    mentorship = services.propose(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=mentor,
        organisation=cast.riverside,
        programme=programme,
        source=Source.MATCH_RUN,
        request=request,
    )
    mail.outbox.clear()
    assert services.decline(cast.actor("mentor"), mentorship, "  Full timetable this term ") is None
    mentorship = fetch(mentorship)
    assert mentorship.status == MentorshipStatus.DECLINED
    assert mentorship.decline_reason == "Full timetable this term"
    assert [m.pk for m in next_best.calls] == [mentorship.pk]
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert "open again" in mail.outbox[0].body


def test_decline_with_a_next_offer_keeps_the_request_matched(cast, programme, mentor, next_best):
    request = request_for(cast, cast.mentee, programme)
    mentorship = services.propose(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=mentor,
        organisation=cast.riverside,
        programme=programme,
        source=Source.MATCH_RUN,
        request=request,
    )
    other = new_person(cast.riverside, Role.MENTOR, "Oli", "Other")
    next_best.result = Mentorship(mentor=other, uuid=mentorship.uuid)
    services.decline(cast.actor("mentor"), mentorship)
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED


def test_decline_is_undone_when_asking_the_next_best_fails(cast, programme, mentor, next_best):
    mentorship = allocate(cast, cast.mentee, mentor, programme)
    next_best.error = RuntimeError("matching failed")
    with pytest.raises(RuntimeError):
        services.decline(cast.actor("mentor"), mentorship, "No time")
    assert fetch(mentorship).status == MentorshipStatus.PROPOSED
    assert [e.code for e in fetch(mentorship).events.all()] == ["proposed"]


# --- time-outs -------------------------------------------------------------------------


def test_unanswered_offers_expire_once(cast, programme, mentor, more_mentees, next_best):
    request = request_for(cast, cast.mentee, programme)
    late = services.propose(
        None,
        mentee=cast.mentee,
        mentor=mentor,
        organisation=cast.riverside,
        programme=programme,
        source=Source.MATCH_RUN,
        request=request,
    )
    on_time = allocate(cast, more_mentees[0], mentor, programme)
    with system_access():
        Mentorship.objects.filter(pk=late.pk).update(respond_by=timezone.now() - timedelta(hours=1))
    assert services.expire_overdue_offers() == 1
    assert services.expire_overdue_offers() == 0
    assert fetch(late).status == MentorshipStatus.EXPIRED
    assert fetch(on_time).status == MentorshipStatus.PROPOSED
    assert [m.pk for m in next_best.calls] == [late.pk]
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert [e.code for e in fetch(late).events.all()] == ["proposed", "expired"]
    assert fetch(late).events.last().actor_name == "system"


def test_expiry_looks_ahead_with_a_given_time(cast, programme, mentor, next_best):
    mentorship = allocate(cast, cast.mentee, mentor, programme)
    assert services.expire_overdue_offers(now=timezone.now()) == 0
    later = mentorship.respond_by + timedelta(seconds=1)
    assert services.expire_overdue_offers(now=later) == 1


def test_expiry_task_and_command_report_how_many(cast, programme, mentor, next_best):
    from io import StringIO

    from django.core.management import call_command

    from tandem.relationships.tasks import expire_offers_task

    mentorship = allocate(cast, cast.mentee, mentor, programme)
    with system_access():
        Mentorship.objects.filter(pk=mentorship.pk).update(
            respond_by=timezone.now() - timedelta(hours=1)
        )
    out = StringIO()
    call_command("expire_offers", stdout=out)
    assert out.getvalue().strip() == "1 offer expired."
    result = expire_offers_task.enqueue()
    assert result.return_value == 0


def test_real_next_best_leaves_a_consistent_state(cast, programme, mentor):
    """With the matching service itself: a decline never leaves two offers."""
    request = request_for(cast, cast.mentee, programme)
    mentorship = services.propose(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=mentor,
        organisation=cast.riverside,
        programme=programme,
        source=Source.MATCH_RUN,
        request=request,
    )
    nxt = services.decline(cast.actor("mentor"), mentorship)
    assert fetch(mentorship).status == MentorshipStatus.DECLINED
    request.refresh_from_db()
    if nxt is None:
        assert request.status == RequestStatus.OPEN
    else:
        assert nxt.mentor_id != mentor.pk
        assert nxt.status in (MentorshipStatus.PROPOSED, MentorshipStatus.AWAITING_BROKERAGE)


# --- withdrawing and ending ---------------------------------------------------------------


def test_withdraw_tells_the_mentor_and_reopens_the_request(cast, programme, mentor):
    request = request_for(cast, cast.mentee, programme)
    mentorship = services.propose(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=mentor,
        organisation=cast.riverside,
        programme=programme,
        source=Source.MATCH_RUN,
        request=request,
    )
    mail.outbox.clear()
    services.withdraw(cast.actor("coordinator"), mentorship)
    assert fetch(mentorship).status == MentorshipStatus.WITHDRAWN
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    with pytest.raises(ValidationError, match="has not started"):
        services.withdraw(cast.actor("coordinator"), mentorship)


def test_withdraw_while_brokering_withdraws_the_brokerage_request(cast, programme, partner_mentor):
    mentorship = allocate(cast, cast.mentee, partner_mentor, programme)
    services.withdraw(cast.actor("coordinator"), mentorship)
    with system_access():
        brokerage = BrokerageRequest.objects.get(mentorship=mentorship)
    assert brokerage.status == BrokerageStatus.WITHDRAWN
    # Too late for the mentor's coordinator to agree.
    assert (
        services.brokerage_decided(cast.actor("partner_coordinator"), mentorship, accepted=True)
        is None
    )
    assert fetch(mentorship).status == MentorshipStatus.WITHDRAWN


def test_only_the_mentees_coordinators_withdraw_or_end(cast, programme, mentor):
    pending = allocate(cast, cast.mentee, mentor, programme)
    for who in ("tutor", "mentor", "mentee", "partner_coordinator"):
        with pytest.raises(PermissionDenied):
            services.withdraw(cast.actor(who), pending)
    services.accept(cast.actor("mentor"), pending)
    for who in ("tutor", "mentor", "mentee", "line_manager"):
        with pytest.raises(PermissionDenied):
            services.end(cast.actor(who), pending, reason=EndReason.COMPLETED)


def test_end_checks_reason_and_date(cast, programme, mentor):
    start = timezone.localdate() - timedelta(days=30)
    mentorship = create_active(cast.mentee, mentor, programme, cast.riverside, starts_on=start)
    coordinator = cast.actor("coordinator")
    with pytest.raises(ValidationError) as caught:
        services.end(coordinator, mentorship, reason="bored")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.end(
            coordinator, mentorship, reason=EndReason.COMPLETED, ends_on=start - timedelta(1)
        )
    assert caught.value.message_dict["ends_on"] == [
        "The end date must not be before the start date."
    ]
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.end(coordinator, mentorship, reason=EndReason.COMPLETED, ends_on=tomorrow)
    assert "ends_on" in caught.value.message_dict
    ended = services.end(
        coordinator, mentorship, reason=EndReason.MENTEE_LEFT, ends_on=start + timedelta(10)
    )
    assert ended.status == MentorshipStatus.ENDED and ended.ends_on == start + timedelta(10)
    with pytest.raises(ValidationError, match="Only an active mentorship"):
        services.end(coordinator, mentorship, reason=EndReason.COMPLETED)


def test_create_active_is_idempotent_and_logged(cast, programme, mentor):
    first = create_active(cast.mentee, mentor, programme, cast.riverside)
    again = create_active(cast.mentee, mentor, programme, cast.riverside)
    assert first.pk == again.pk
    assert first.status == MentorshipStatus.ACTIVE and first.starts_on == timezone.localdate()
    assert [e.code for e in first.events.all()] == ["created"]
