"""Brokerage between organisations (C5): ask, decide and withdraw, in services and pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tandem.matching.models import MentoringRequest, RequestStatus
from tandem.mentors import brokerage
from tandem.mentors.models import BrokerageRequest, BrokerageStatus
from tandem.relationships.models import Mentorship, MentorshipStatus, Source
from tests.mentors.directory_setup import build_directory


@pytest.fixture
def world(cast):
    return build_directory(cast)


def ask(cast, world, **kw):
    values = {
        "profile": world.nadia_profile,
        "organisation": cast.riverside,
        "partnership": cast.north,
        "message": "Could Nadia advise our new plumbing lecturer?",
    }
    values.update(kw)
    return brokerage.request_brokerage(cast.actor("coordinator"), **values)


def codes(item):
    with system_access():
        return list(
            AuditEvent.objects.filter(object_uuid=item.uuid)
            .order_by("pk")
            .values_list("code", flat=True)
        )


# --- asking -------------------------------------------------------------------------------


def test_a_coordinator_asks_to_talk_and_the_mentors_coordinator_is_emailed(cast, world):
    mail.outbox.clear()
    item = ask(cast, world)
    assert item.status == BrokerageStatus.PENDING
    assert item.mentor_organisation == cast.northgate
    assert item.requesting_organisation == cast.riverside
    assert item.mentorship is None and item.requested_by == cast.coordinator
    assert codes(item) == ["mentors.brokerage.requested"]
    assert [m.to for m in mail.outbox] == [[cast.partner_coordinator.email]]
    assert "Nadia Brooks" in mail.outbox[0].subject


def test_asking_twice_to_talk_is_refused(cast, world):
    ask(cast, world)
    with pytest.raises(ValidationError, match="already has a request"):
        ask(cast, world)


def test_asking_needs_a_message_to_talk(cast, world):
    with pytest.raises(ValidationError) as exc:
        ask(cast, world, message="  ")
    assert "message" in exc.value.error_dict


@pytest.mark.parametrize(
    "name", ["tutor", "mentor", "partnership_admin", "outsider_coordinator", "mentee"]
)
def test_only_the_asking_organisations_coordinators_ask(cast, world, name):
    with pytest.raises(PermissionDenied):
        brokerage.request_brokerage(
            cast.actor(name),
            profile=world.nadia_profile,
            organisation=cast.riverside,
            partnership=cast.north,
            message="Please",
        )


def test_an_unlisted_mentor_or_own_mentor_or_foreign_partnership_is_refused(cast, world):
    for profile in world.hidden.values():
        with pytest.raises(ValidationError, match="not listed"):
            ask(cast, world, profile=profile)
    with pytest.raises(ValidationError, match="own organisation"):
        ask(cast, world, profile=world.mina_profile)
    with pytest.raises(ValidationError) as exc:
        ask(cast, world, partnership=cast.south, profile=world.esther_profile)
    assert "partnership" in exc.value.error_dict
    assert not BrokerageRequest._base_manager.exists()


def test_asking_for_a_mentee_proposes_the_mentorship_waiting_for_brokerage(cast, world):
    item = ask(cast, world, request=world.request, message="")
    assert item.request == world.request and item.partnership == cast.north
    mentorship = item.mentorship
    assert mentorship.status == MentorshipStatus.AWAITING_BROKERAGE
    assert mentorship.source == Source.BROKERAGE
    assert mentorship.mentor == world.nadia and mentorship.mentee == cast.mentee
    with system_access():
        assert MentoringRequest.objects.get(pk=world.request.pk).status == RequestStatus.MATCHED
    # the same request cannot be used again while it waits
    with pytest.raises(ValidationError, match="no longer waiting"):
        ask(cast, world, request=world.request)


def test_a_request_of_another_organisation_is_refused(cast, world):
    with system_access():
        other = MentoringRequest.objects.create(
            organisation=cast.northgate,
            mentee=cast.partner_mentee,
            programme=world.programme,
            subject=world.plumbing,
            development_needs="x",
        )
    with pytest.raises(ValidationError) as exc:
        ask(cast, world, request=other)
    assert "request" in exc.value.error_dict


# --- deciding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["coordinator", "partnership_admin", "partner_tutor", "outsider_coordinator"]
)
def test_only_the_mentors_coordinators_decide(cast, world, name):
    item = ask(cast, world)
    with pytest.raises(PermissionDenied):
        brokerage.decide_brokerage(cast.actor(name), item, accepted=True)
    with system_access():
        assert BrokerageRequest.objects.get(pk=item.pk).status == BrokerageStatus.PENDING


def test_accepting_records_who_and_tells_the_asking_organisation(cast, world):
    item = ask(cast, world)
    mail.outbox.clear()
    decided = brokerage.decide_brokerage(
        cast.actor("partner_coordinator"), item, accepted=True, note="From next month"
    )
    assert decided.status == BrokerageStatus.ACCEPTED
    assert decided.decided_by == cast.partner_coordinator and decided.decided_at is not None
    assert decided.decision_note == "From next month"
    assert codes(item) == ["mentors.brokerage.requested", "mentors.brokerage.accepted"]
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert "accepted" in mail.outbox[0].subject
    # The email points to the request; it does not carry the contact details itself.
    assert world.nadia.email not in mail.outbox[0].body


def test_a_decided_request_cannot_be_decided_again(cast, world):
    item = ask(cast, world)
    brokerage.decide_brokerage(cast.actor("partner_coordinator"), item, accepted=False)
    with pytest.raises(ValidationError, match="already been decided: Declined"):
        brokerage.decide_brokerage(cast.actor("partner_coordinator"), item, accepted=True)


def test_accepting_for_a_mentee_asks_the_mentor(cast, world):
    item = ask(cast, world, request=world.request)
    mail.outbox.clear()
    brokerage.decide_brokerage(cast.actor("partner_coordinator"), item, accepted=True)
    with system_access():
        mentorship = Mentorship.objects.get(pk=item.mentorship_id)
    assert mentorship.status == MentorshipStatus.PROPOSED
    assert world.nadia.email in [m.to[0] for m in mail.outbox]


def test_declining_for_a_mentee_declines_the_proposal(cast, world):
    item = ask(cast, world, request=world.request)
    brokerage.decide_brokerage(cast.actor("partner_coordinator"), item, accepted=False)
    with system_access():
        mentorship = Mentorship.objects.get(pk=item.mentorship_id)
        request = MentoringRequest.objects.get(pk=world.request.pk)
    assert mentorship.status == MentorshipStatus.DECLINED
    # Nobody else suitable in Riverside's reach is free, so the request is open again
    # (or the next best mentor was asked).
    with system_access():
        others = Mentorship.objects.filter(request=request).exclude(pk=mentorship.pk)
        assert request.status == RequestStatus.OPEN or others.exists()


def test_a_proposal_withdrawn_by_the_mentees_organisation_cannot_be_accepted(cast, world):
    from tandem.relationships.services import withdraw

    item = ask(cast, world, request=world.request)
    with system_access():
        mentorship = Mentorship.objects.get(pk=item.mentorship_id)
    withdraw(cast.actor("coordinator"), mentorship)
    with pytest.raises(ValidationError, match="already been decided: Withdrawn"):
        brokerage.decide_brokerage(cast.actor("partner_coordinator"), item, accepted=True)


# --- withdrawing ----------------------------------------------------------------------------


def test_the_asking_coordinator_withdraws_and_the_proposal_goes_too(cast, world):
    item = ask(cast, world, request=world.request)
    with pytest.raises(PermissionDenied):
        brokerage.withdraw_brokerage(cast.actor("partner_coordinator"), item)
    done = brokerage.withdraw_brokerage(cast.actor("coordinator"), item)
    assert done.status == BrokerageStatus.WITHDRAWN
    with system_access():
        assert Mentorship.objects.get(pk=item.mentorship_id).status == MentorshipStatus.WITHDRAWN
        assert MentoringRequest.objects.get(pk=world.request.pk).status == RequestStatus.OPEN
    assert "mentors.brokerage.withdrawn" in codes(item)
    with pytest.raises(ValidationError, match="Only a waiting request"):
        brokerage.withdraw_brokerage(cast.actor("coordinator"), item)


# --- the pages ------------------------------------------------------------------------------


def test_request_from_the_mentor_card(cast, world, login):
    client = login(cast.coordinator)
    url = reverse("mentors:directory_mentor", args=[world.nadia_profile.uuid])
    page = client.get(url)
    assert page.status_code == 200
    assert (
        b"Contact details are shared when Northgate Training's coordinator accepts" in page.content
    )
    assert b"Send request" in page.content and b"For Tom Reyes (Plumbing" in page.content
    # A request to talk needs a message: the error names the field.
    bad = client.post(url, {"request": "talk", "message": ""})
    assert bad.status_code == 200
    assert b"There is a problem" in bad.content
    assert b"Message to the mentor's coordinator" in bad.content
    assert not BrokerageRequest._base_manager.exists()
    response = client.post(url, {"request": str(world.request.uuid), "message": "Please"})
    assert response.status_code == 302
    item = BrokerageRequest._base_manager.get()
    assert response["Location"] == item.get_absolute_url()
    assert item.request == world.request


def test_tutors_and_admins_see_the_card_without_a_form(cast, world, login):
    for person in (cast.tutor, cast.partnership_admin):
        client = login(person)
        url = reverse("mentors:directory_mentor", args=[world.nadia_profile.uuid])
        page = client.get(url)
        assert page.status_code == 200 and b"Send request" not in page.content
        assert client.post(url, {"request": "talk", "message": "x"}).status_code == 403


def test_own_coordinator_sees_their_mentor_card_without_a_form(cast, world, login):
    page = login(cast.partner_coordinator).get(
        reverse("mentors:directory_mentor", args=[world.nadia_profile.uuid])
    )
    assert page.status_code == 200 and b"Send request" not in page.content


def test_decide_on_the_page(cast, world, login):
    item = ask(cast, world)
    url = reverse("mentors:brokerage_detail", args=[item.uuid])
    asker = login(cast.coordinator)
    page = asker.get(url)
    assert b"Save decision" not in page.content and b"Withdraw this request" in page.content
    assert asker.post(url, {"decision": "accepted"}).status_code == 403
    decider = login(cast.partner_coordinator)
    page = decider.get(url)
    assert b"Save decision" in page.content
    bad = decider.post(url, {"decision": ""})
    assert b"There is a problem" in bad.content and b"Your decision" in bad.content
    done = decider.post(url, {"decision": "accepted", "note": "Yes"})
    assert done.status_code == 302
    with system_access():
        assert BrokerageRequest.objects.get(pk=item.pk).status == BrokerageStatus.ACCEPTED
    again = decider.post(url, {"decision": "declined"}, follow=True)
    assert b"already been decided" in again.content


def test_withdraw_on_the_page(cast, world, login):
    item = ask(cast, world)
    url = reverse("mentors:brokerage_withdraw", args=[item.uuid])
    assert login(cast.partner_coordinator).post(url).status_code == 403
    assert login(cast.outsider_coordinator).post(url).status_code == 404
    response = login(cast.coordinator).post(url, follow=True)
    assert b"Request withdrawn" in response.content


def test_inbox_and_outbox(cast, world, login):
    empty = login(cast.coordinator).get(reverse("mentors:brokerage_list"))
    assert b"You have not asked another organisation for a mentor yet" in empty.content
    ask(cast, world)
    outbox = login(cast.coordinator).get(reverse("mentors:brokerage_list"))
    assert b"Nadia Brooks" in outbox.content
    inbox = login(cast.partner_coordinator).get(reverse("mentors:brokerage_list"))
    assert b"Waiting for your decision" in inbox.content
    outsider = login(cast.outsider_coordinator).get(reverse("mentors:brokerage_list"))
    assert b"Nadia" not in outsider.content


def test_brokerage_detail_of_another_partnership_is_not_found(cast, world, login):
    item = ask(cast, world)
    for person in (cast.outsider_coordinator, cast.tutor, cast.mentee, cast.stranger):
        response = login(person).get(reverse("mentors:brokerage_detail", args=[item.uuid]))
        assert response.status_code == 404


def test_directory_settings_page(cast, world, login):
    url = reverse("mentors:directory_settings", args=[cast.riverside.uuid])
    assert login(cast.tutor).get(url).status_code == 403
    assert login(cast.partner_coordinator).get(url).status_code == 403
    assert login(cast.outsider_coordinator).get(url).status_code == 404
    client = login(cast.coordinator)
    page = client.get(url)
    assert page.status_code == 200 and b"North Partnership" in page.content
    response = client.post(url, {})  # untick everything
    assert response.status_code == 302
    with system_access():
        from tandem.organisations.models import PartnershipMember

        assert not PartnershipMember.objects.get(
            partnership=cast.north, organisation=cast.riverside
        ).in_directory
    bad = client.post(url, {"shared_in": ["not-a-partnership"]})
    assert b"There is a problem" in bad.content
    client.post(url, {"shared_in": [str(cast.north.uuid)]})
    with system_access():
        assert PartnershipMember.objects.get(
            partnership=cast.north, organisation=cast.riverside
        ).in_directory
