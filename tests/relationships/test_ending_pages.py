"""Pages for closing a mentorship, reflections and transfer."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.matching.models import MentoringRequest
from tandem.relationships import ending
from tandem.relationships.models import MentorshipEvent, MentorshipStatus
from tests.relationships.test_ending import (  # noqa: F401  (fixtures)
    active,
    both,
    northgate_programme,
    objectives,
)


def close_url(m):
    return reverse("relationships:mentorship_close", kwargs={"uuid": m.uuid})


def transfer_url(m):
    return reverse("relationships:mentorship_transfer", kwargs={"uuid": m.uuid})


def _close_data(m, **extra):
    data = {"reason": "broke_down", "next_steps": "A new mentor.", "rematch": "on"}
    for o in objectives(m):
        data[f"outcome_{o.uuid}"] = "in_progress"
    return data | extra


def test_coordinator_closes_and_sees_the_review_with_the_new_request(cast, login, active):  # noqa: F811
    client = login(cast.coordinator)
    page = client.get(close_url(active))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Close the mentorship" in html
    assert "Use questioning to check learning" in html
    response = client.post(close_url(active), _close_data(active))
    assert response.status_code == 302
    active.refresh_from_db()
    assert active.status == MentorshipStatus.ENDED
    review = client.get(close_url(active)).content.decode()
    with system_access():
        request = MentoringRequest.objects.get(mentee=cast.mentee, status="open")
    assert "Closing review" in review
    assert request.get_absolute_url() in review
    assert "In progress" in review


def test_bad_closing_input_is_shown_on_the_form(cast, login, active):  # noqa: F811
    client = login(cast.coordinator)
    future = timezone.localdate() + timedelta(days=3)
    data = _close_data(
        active,
        **{"ends_on_0": future.day, "ends_on_1": future.month, "ends_on_2": future.year},
    )
    response = client.post(close_url(active), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "today or in the past" in html
    before = active.starts_on - timedelta(days=2)
    data.update(ends_on_0=before.day, ends_on_1=before.month, ends_on_2=before.year)
    assert "before the start date" in client.post(close_url(active), data).content.decode()
    empty = client.post(close_url(active), {})
    assert empty.status_code == 400
    assert "Choose why the mentorship is ending" in empty.content.decode()
    active.refresh_from_db()
    assert active.status == MentorshipStatus.ACTIVE


def test_closing_page_is_404_to_another_organisation_and_403_to_a_tutor(cast, login, active):  # noqa: F811
    assert login(cast.outsider_coordinator).get(close_url(active)).status_code == 404
    assert login(cast.partner_coordinator).get(close_url(active)).status_code == 404
    assert login(cast.tutor).get(close_url(active)).status_code == 403
    assert login(cast.tutor).post(close_url(active), _close_data(active)).status_code == 403
    active.refresh_from_db()
    assert active.status == MentorshipStatus.ACTIVE


def test_the_pair_asks_to_end_from_the_same_page(cast, login, active):  # noqa: F811
    client = login(cast.mentee)
    page = client.get(close_url(active))
    assert page.status_code == 200
    assert "Ask to end the mentorship" in page.content.decode()
    url = reverse("relationships:mentorship_propose_ending", kwargs={"uuid": active.uuid})
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"reason": "mentee_left", "message": "Moving away"}).status_code == 302
    with system_access():
        assert MentorshipEvent.objects.filter(mentorship=active, code="ending_proposed").exists()
    assert login(cast.tutor).post(url, {"reason": "completed"}).status_code == 403


def test_mentee_writes_a_reflection_and_tutor_reads_the_review(cast, login, active):  # noqa: F811
    ending.close(cast.actor("coordinator"), active, reason="completed", next_steps="Next.")
    client = login(cast.mentee)
    page = client.get(close_url(active)).content.decode()
    assert "Your reflection" in page
    url = reverse("relationships:mentorship_reflection", kwargs={"uuid": active.uuid})
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "I learned to plan for the whole group."}).status_code == 302
    tutor_page = login(cast.tutor).get(close_url(active))
    assert tutor_page.status_code == 200
    html = tutor_page.content.decode()
    assert "I learned to plan for the whole group." in html
    assert "Your reflection" not in html
    assert login(cast.tutor).post(url, {"text": "Mine"}).status_code == 403
    assert login(cast.line_manager).get(close_url(active)).status_code == 403


def test_transfer_page_for_a_coordinator_of_both(cast, login, active, both, northgate_programme):  # noqa: F811
    client = login(both)
    page = client.get(transfer_url(active))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Northgate Training" in html
    assert "Skills coach induction (Northgate Training)" in html
    bad = client.post(
        transfer_url(active),
        {"to_organisation": str(cast.riverside.uuid), "programme": str(northgate_programme.uuid)},
    )
    assert bad.status_code == 400
    assert "Choose an organisation from the list" in bad.content.decode()
    response = client.post(
        transfer_url(active),
        {
            "to_organisation": str(cast.northgate.uuid),
            "programme": str(northgate_programme.uuid),
            "note": "Moving to Bradford",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == close_url(active)
    active.refresh_from_db()
    assert active.end_reason == "transferred"
    review = client.get(close_url(active)).content.decode()
    assert "Moved to" in review


def test_transfer_page_explains_when_you_coordinate_only_one_side(cast, login, active):  # noqa: F811
    page = login(cast.coordinator).get(transfer_url(active))
    assert page.status_code == 200
    assert "Ask a coordinator of the receiving organisation" in page.content.decode()


def test_transfer_page_is_404_to_another_organisation_and_403_to_a_tutor(cast, login, active):  # noqa: F811
    assert login(cast.outsider_coordinator).get(transfer_url(active)).status_code == 404
    assert login(cast.tutor).get(transfer_url(active)).status_code == 403
    assert login(cast.mentee).get(transfer_url(active)).status_code == 403
