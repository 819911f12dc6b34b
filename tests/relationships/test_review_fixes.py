"""Hard constraints need an approved, listed mentor; brokerage has a deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tandem.core.models import AuditEvent
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching.models import MentoringRequest, RequestStatus
from tandem.mentors import brokerage
from tandem.mentors.models import BrokerageRequest, BrokerageStatus, MentorProfile, ProfileStatus
from tandem.organisations.models import Membership, PartnershipMember
from tandem.relationships import services
from tandem.relationships.models import Mentorship, MentorshipStatus, Source
from tests.mentors.directory_setup import build_directory


@pytest.fixture
def world(cast):
    return build_directory(cast)


def problems(cast, world, mentor) -> list[str]:
    return services.pair_problems(
        mentee=cast.mentee, mentor=mentor, organisation=cast.riverside, programme=world.programme
    )


def person(profile):
    with system_access():
        return profile.person


# --- 2. who may be proposed at all ---------------------------------------------------------


def test_a_listed_partner_mentor_and_an_approved_home_mentor_pass(cast, world):
    assert problems(cast, world, world.nadia) == []
    assert problems(cast, world, cast.mentor) == []


def test_a_mentor_without_an_approved_profile_is_refused(cast, world):
    unapproved = person(world.hidden["not approved"])
    assert problems(cast, world, unapproved) == [
        "Hidden NotApproved has no approved mentor profile."
    ]
    with system_access():
        MentorProfile.objects.filter(pk=world.mina_profile.pk).update(
            status=ProfileStatus.SUBMITTED
        )
    assert problems(cast, world, cast.mentor) == ["Mina Patel has no approved mentor profile."]
    with system_access():
        MentorProfile.objects.filter(pk=world.mina_profile.pk).delete()
    assert problems(cast, world, cast.mentor) == ["Mina Patel has no approved mentor profile."]


def test_a_mentor_who_lost_the_mentor_role_is_refused(cast, world):
    with system_access():
        Membership.objects.filter(person=cast.mentor, role=Role.MENTOR).update(
            starts_on=timezone.localdate() - timedelta(days=30),
            ends_on=timezone.localdate() - timedelta(days=1),
        )
    assert problems(cast, world, cast.mentor) == [
        "Mina Patel no longer holds a mentor role at Riverside College."
    ]


@pytest.mark.parametrize("reason", ["not listed", "organisation not sharing"])
def test_a_partner_mentor_not_offered_in_the_directory_is_refused(cast, world, reason):
    mentor = person(world.hidden[reason])
    assert problems(cast, world, mentor) == [
        f"{mentor} is not offered to other organisations in the partnership directory."
    ]
    with pytest.raises(ValidationError):
        services.create_by_coordinator(
            cast.actor("coordinator"),
            mentee=cast.mentee,
            mentor=mentor,
            organisation=cast.riverside,
            programme=world.programme,
        )


def test_the_allocation_page_lists_only_directory_mentors(cast, world, login):
    client = login(cast.coordinator)
    url = f"/organisations/{cast.riverside.uuid}/mentorships/new/"
    page = client.get(url).content.decode()
    assert "Nadia Brooks" in page
    for reason in ("not listed", "not approved", "not willing outside", "organisation not sharing"):
        assert str(person(world.hidden[reason])) not in page, reason
    with system_access():
        PartnershipMember.objects.filter(organisation=cast.northgate).update(in_directory=False)
    assert "Nadia Brooks" not in client.get(url).content.decode()


# --- 9. brokerage has a deadline ------------------------------------------------------------


def brokered(cast, world) -> Mentorship:
    return services.propose(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=world.nadia,
        organisation=cast.riverside,
        programme=world.programme,
        source=Source.BROKERAGE,
        request=world.request,
    )


def stored(obj):
    with system_access():
        return type(obj)._base_manager.get(pk=obj.pk)


def test_the_mentors_coordinator_has_the_programmes_response_time(cast, world):
    mentorship = brokered(cast, world)
    assert mentorship.status == MentorshipStatus.AWAITING_BROKERAGE
    days = world.programme.offer_response_days
    assert timedelta(days=days) - timedelta(minutes=1) < mentorship.respond_by - timezone.now()
    assert services.expire_overdue_offers() == 0
    assert stored(mentorship).status == MentorshipStatus.AWAITING_BROKERAGE


def test_unanswered_brokerage_expires_and_the_next_best_is_asked(cast, world):
    mentorship = brokered(cast, world)
    later = mentorship.respond_by + timedelta(minutes=1)
    assert services.expire_overdue_offers(later) == 1
    assert stored(mentorship).status == MentorshipStatus.EXPIRED
    with system_access():
        item = BrokerageRequest.objects.get(mentorship=mentorship)
        assert AuditEvent.objects.filter(
            code="mentors.brokerage.expired", object_uuid=item.uuid
        ).exists()
        others = list(Mentorship.objects.filter(request=world.request).exclude(pk=mentorship.pk))
        request = MentoringRequest.objects.get(pk=world.request.pk)
    assert item.status == BrokerageStatus.DECLINED
    assert item.decision_note == "Not answered in time"
    assert item.decided_at is not None
    # Nadia is not asked again; Tandem asks the next best, or the request opens again.
    assert all(m.mentor_id != world.nadia.pk for m in others)
    if others:
        assert request.status == RequestStatus.MATCHED
    else:
        assert request.status == RequestStatus.OPEN
    # Rerunning changes nothing; the coordinator can no longer answer.
    assert services.expire_overdue_offers(later) == 0
    with pytest.raises(ValidationError, match="already been decided"):
        brokerage.decide_brokerage(cast.actor("partner_coordinator"), item, accepted=True)


def test_accepted_brokerage_gives_the_mentor_a_fresh_deadline(cast, world):
    mentorship = brokered(cast, world)
    with system_access():
        Mentorship.objects.filter(pk=mentorship.pk).update(
            respond_by=timezone.now() + timedelta(hours=1)
        )
        item = BrokerageRequest.objects.get(mentorship=mentorship)
    brokerage.decide_brokerage(cast.actor("partner_coordinator"), item, accepted=True)
    after = stored(mentorship)
    assert after.status == MentorshipStatus.PROPOSED
    assert after.respond_by - timezone.now() > timedelta(days=1)


def test_the_mentorship_page_says_who_answers_by_when(cast, world, login):
    mentorship = brokered(cast, world)
    page = login(cast.coordinator).get(mentorship.get_absolute_url()).content.decode()
    assert "Northgate Training is asked to answer by" in page
