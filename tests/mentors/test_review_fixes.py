"""Emails wait for the commit; partnership administrators never see who the mentee is;
the brokerage list costs the same number of queries for 5 rows as for 40."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.tenancy import system_access
from tandem.mentors import brokerage
from tandem.mentors.models import BrokerageRequest, BrokerageStatus
from tandem.relationships import services as relationships
from tandem.relationships.models import Mentorship, MentorshipStatus, Source
from tests.api.conftest import ApiClient
from tests.mentors.directory_setup import build_directory


@pytest.fixture
def world(cast):
    return build_directory(cast)


@pytest.fixture
def api_as(cast):
    """``api_as("coordinator")``: an API client with a fresh token of that cast member."""
    from django.test import Client

    from tandem.api import services as api_services

    def make(name: str) -> ApiClient:
        _, raw = api_services.create_token(cast.actor(name), name=f"{name} test token")
        return ApiClient(Client(), raw)

    return make


def proposed_through_brokerage(cast, world) -> BrokerageRequest:
    """Riverside proposes Nadia (Northgate) for Tom: the default message, no words of its own."""
    mentorship = relationships.propose(
        cast.actor("coordinator"),
        mentee=cast.mentee,
        mentor=world.nadia,
        organisation=cast.riverside,
        programme=world.programme,
        source=Source.BROKERAGE,
        request=world.request,
    )
    with system_access():
        return BrokerageRequest.objects.get(mentorship=mentorship)


# --- 3. emails are sent once the change commits -----------------------------------------


def test_a_committed_change_sends_its_email_after_the_commit(
    cast, world, settings, django_capture_on_commit_callbacks
):
    settings.TANDEM_EMAIL_ON_COMMIT = True
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        brokerage.request_brokerage(
            cast.actor("coordinator"),
            profile=world.nadia_profile,
            organisation=cast.riverside,
            partnership=cast.north,
            message="Could Nadia talk to our plumbing team?",
        )
        assert mail.outbox == []  # not before the commit
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [[cast.partner_coordinator.email]]


def test_a_rolled_back_change_sends_nothing(
    cast, world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    item = proposed_through_brokerage(cast, world)
    settings.TANDEM_EMAIL_ON_COMMIT = True
    mail.outbox.clear()

    def fails(organisation_id):
        raise OSError("the directory of coordinators is unavailable")

    # Fails after the mentor's offer email is queued, inside the same transaction.
    monkeypatch.setattr(brokerage, "_coordinators", fails)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(OSError):
        brokerage.decide_brokerage(cast.actor("partner_coordinator"), item, accepted=True)
    assert callbacks == []
    assert mail.outbox == []
    with system_access():
        item.refresh_from_db()
        mentorship = Mentorship.objects.get(pk=item.mentorship_id)
    assert item.status == BrokerageStatus.PENDING
    assert mentorship.status == MentorshipStatus.AWAITING_BROKERAGE


def test_one_failed_message_does_not_stop_the_others(
    cast, world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    import tandem.core.notify as notify_module

    settings.TANDEM_EMAIL_ON_COMMIT = True
    real = notify_module.send_mail
    sent = []

    def flaky(subject, body, sender, to):
        if to == [cast.coordinator.email]:
            raise OSError("SMTP down")
        sent.append(to)
        return real(subject, body, sender, to)

    monkeypatch.setattr(notify_module, "send_mail", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        notify_module.notify(
            [cast.coordinator, cast.tutor],
            "mentors/email/brokerage_requested.txt",
            {"brokerage": proposed_through_brokerage(cast, world)},
        )
    assert [cast.tutor.email] in sent


# --- 6. partnership administrators and the mentee's name -------------------------------------


def test_partnership_admins_do_not_see_the_mentee(cast, world, api_as):
    item = proposed_through_brokerage(cast, world)
    assert item.message == (
        "Riverside College would like Nadia Brooks to mentor one of their staff on New teachers."
    )
    listed = api_as("partnership_admin").get("/brokerage-requests")
    assert listed.status_code == 200
    (row,) = listed.json()["items"]
    assert row["request"] is None
    one = api_as("partnership_admin").get(f"/brokerage-requests/{item.uuid}")
    assert one.status_code == 200 and one.json()["request"] is None
    for response in (listed, one):
        assert b"Tom Reyes" not in response.content
        assert str(world.request.uuid).encode() not in response.content


@pytest.mark.parametrize("who", ["coordinator", "partner_coordinator"])
def test_the_two_organisations_coordinators_see_the_mentee(cast, world, api_as, who):
    item = proposed_through_brokerage(cast, world)
    (row,) = api_as(who).get("/brokerage-requests").json()["items"]
    assert row["request"]["mentee"]["name"] == "Tom Reyes"
    assert row["request"]["uuid"] == str(world.request.uuid)
    one = api_as(who).get(f"/brokerage-requests/{item.uuid}").json()
    assert one["request"]["mentee"]["name"] == "Tom Reyes"


def test_the_mentor_does_not_see_the_mentee_before_the_offer(cast, world):
    from tandem.mentors import directory

    item = proposed_through_brokerage(cast, world)
    nadia = build_actor_for(world.nadia)
    assert directory.mentee_visible(nadia, item) is False
    assert directory.mentee_visible(cast.actor("partnership_admin"), item) is False
    assert directory.mentee_visible(cast.actor("partner_coordinator"), item) is True


def build_actor_for(person):
    from tandem.core.actor import build_actor

    with system_access():
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create(username="nadia-user", email=person.email)
        person.user = user
        person.save(update_fields=["user"])
    return build_actor(user)


# --- 7. the brokerage list does not grow a query per row ------------------------------------


def add_rows(cast, world, n: int) -> None:
    with system_access():
        mentorship = Mentorship.objects.create(
            organisation=cast.riverside,
            mentor_organisation=cast.northgate,
            mentor=world.nadia,
            mentee=cast.mentee,
            programme=world.programme,
            source=Source.BROKERAGE,
            status=MentorshipStatus.ACTIVE,
        )
        for i in range(n):
            BrokerageRequest.objects.create(
                partnership=cast.north,
                requesting_organisation=cast.riverside,
                mentor_organisation=cast.northgate,
                mentor_profile=world.nadia_profile,
                request=world.request if i % 2 else None,
                mentorship=mentorship if i % 2 else None,
                message="m",
                status=BrokerageStatus.ACCEPTED if i % 3 else BrokerageStatus.DECLINED,
            )


def count_list_queries(api) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/brokerage-requests", limit=100)
    assert response.status_code == 200
    return len(queries.captured_queries), len(response.json()["items"])


@pytest.mark.parametrize("who", ["coordinator", "partner_coordinator", "partnership_admin"])
def test_the_list_costs_the_same_for_5_and_40_rows(cast, world, api_as, who):
    api = api_as(who)
    count_list_queries(api)  # the first call also records the token's use
    add_rows(cast, world, 5)
    few, rows = count_list_queries(api)
    assert rows == 5
    add_rows(cast, world, 35)
    many, rows = count_list_queries(api)
    assert rows == 40
    assert many == few
