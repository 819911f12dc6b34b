"""Ending and transfer (D8): the closing review, re-matching, moving a mentee elsewhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching.models import MentoringRequest, RequestStatus, Route
from tandem.mentors.models import Subject
from tandem.organisations.models import Membership
from tandem.programmes.models import Programme
from tandem.relationships import ending
from tandem.relationships.demo import create_active
from tandem.relationships.models import (
    Agreement,
    DevelopmentPlan,
    EndReason,
    Meeting,
    MeetingStatus,
    MentorshipEvent,
    MentorshipStatus,
    Objective,
    ObjectiveStatus,
    PrivateNote,
    Report,
    ReportKind,
)
from tandem.relationships.services import pair_problems
from tests import factories as f
from tests.relationships.conftest import mentor_profile, new_person

NOTE = "Tom is thinking of leaving teaching; keep this between us"


def build_active(cast: Any, programme: Programme) -> Any:
    """Mina Patel mentoring Tom Reyes, six weeks in: a request, a plan, a meeting, a note."""
    mentor_profile(cast.mentor, cast.riverside)
    today = timezone.localdate()
    with system_access():
        subject = Subject.objects.order_by("name").first()
        request = MentoringRequest.objects.create(
            organisation=cast.riverside,
            mentee=cast.mentee,
            programme=programme,
            subject=subject,
            development_needs="Behaviour management with level 2 groups.",
            modes=["face_to_face"],
            status=RequestStatus.MATCHED,
        )
    mentorship = create_active(
        cast.mentee, cast.mentor, programme, cast.riverside, starts_on=today - timedelta(weeks=6)
    )
    with system_access():
        mentorship.request = request
        mentorship.save(update_fields=["request"])
        plan = DevelopmentPlan.objects.create(mentorship=mentorship)
        for what, due, status in (
            ("Use questioning to check learning", today + timedelta(weeks=4), "in_progress"),
            ("Plan stretch tasks for the most able", today - timedelta(days=3), "not_started"),
        ):
            Objective.objects.create(
                plan=plan, what=what, measure="Seen in two sessions", due_on=due, status=status
            )
        meeting = Meeting.objects.create(
            mentorship=mentorship,
            status=MeetingStatus.HELD,
            starts_at=timezone.now() - timedelta(days=7),
            duration_minutes=45,
            mode="face_to_face",
            topics="Behaviour management",
            recorded_by=cast.mentor,
        )
        PrivateNote.objects.create(meeting=meeting, author=cast.mentor, text=NOTE)
    return mentorship


@pytest.fixture
def active(cast: Any, programme: Programme) -> Any:
    return build_active(cast, programme)


@pytest.fixture
def northgate_programme(cast: Any) -> Programme:
    with system_access():
        return Programme.objects.create(
            organisation=cast.northgate, name="Skills coach induction", purpose="induction"
        )


@pytest.fixture
def both(cast: Any) -> Any:
    """Bo Both coordinates Riverside College and Northgate Training."""
    with system_access():
        person = f.person_with_account("both@example.org", "Bo", "Both")
        for org in (cast.riverside, cast.northgate):
            f.MembershipFactory(person=person, organisation=org, role=Role.COORDINATOR)
    cast.people["both"] = person
    return person


def objectives(mentorship: Any) -> list[Objective]:
    with system_access():
        return list(Objective.objects.filter(plan__mentorship=mentorship).order_by("due_on"))


def reports(mentorship: Any) -> list[Report]:
    with system_access():
        return list(Report.objects.filter(mentorship=mentorship))


# --- the closing review -------------------------------------------------------------------


def test_coordinator_closes_with_a_review_of_each_objective(cast, active):
    overdue, current = objectives(active)
    closed = ending.close(
        cast.actor("coordinator"),
        active,
        reason=EndReason.COMPLETED,
        outcomes={str(current.uuid): ObjectiveStatus.ACHIEVED, str(overdue.uuid): "dropped"},
        next_steps="Joins the advanced practitioner programme in January.",
        notes="A strong year.",
    )
    active.refresh_from_db()
    assert active.status == MentorshipStatus.ENDED
    assert active.end_reason == EndReason.COMPLETED
    assert active.ends_on == timezone.localdate()
    review = closed.review
    assert (review.kind, review.name) == (ReportKind.CLOSING, "Closing review")
    outcomes = {row["what"]: row["status"] for row in review.figures["objectives"]}
    assert outcomes == {current.what: "achieved", overdue.what: "dropped"}
    assert review.figures["next_steps"].startswith("Joins the advanced")
    assert "Use questioning to check learning: Achieved" in review.body
    assert [o.status for o in objectives(active)] == ["dropped", "achieved"]
    assert closed.request is None
    with system_access():
        assert MentorshipEvent.objects.filter(mentorship=active, code="ended").exists()


def test_close_with_rematch_opens_a_request_on_the_same_programme_and_subject(cast, active):
    closed = ending.close(
        cast.actor("coordinator"),
        active,
        reason=EndReason.MENTOR_LEFT,
        next_steps="A new mentor from the engineering team.",
        rematch=True,
    )
    request = closed.request
    assert request is not None
    assert request.mentee_id == cast.mentee.pk
    assert request.organisation_id == cast.riverside.pk
    assert request.programme_id == active.programme_id
    assert request.cohort_id == active.cohort_id
    assert request.subject_id == active.request.subject_id
    assert (request.status, request.route) == (RequestStatus.OPEN, Route.COORDINATOR)
    assert request.development_needs.startswith(f"Continuing from {active}")
    assert "Behaviour management with level 2 groups." in request.development_needs
    assert closed.review.figures["request"] == str(request.uuid)
    # The coordinator is shown the link to it.
    assert ending.request_of(cast.actor("coordinator"), closed.review) == request


@pytest.mark.parametrize(
    ("reason", "offered_again"),
    [(EndReason.COMPLETED, True), (EndReason.BROKE_DOWN, False)],
)
def test_a_pair_that_broke_down_is_never_proposed_again(cast, active, reason, offered_again):
    from tandem.matching.adapter import shortlist_for_request

    other = new_person(cast.riverside, Role.MENTOR, "Omar", "Ali")
    with system_access():
        for person in (other, cast.mentor):
            mentor_profile(person, cast.riverside).specialisms.set([active.request.subject])
    closed = ending.close(
        cast.actor("coordinator"),
        active,
        reason=reason,
        next_steps="Find a new mentor.",
        rematch=True,
    )
    shortlist = {c.profile.person_id for c in shortlist_for_request(closed.request, k=10)}
    assert other.pk in shortlist
    assert (cast.mentor.pk in shortlist) is offered_again
    problems = pair_problems(
        mentee=cast.mentee,
        mentor=cast.mentor,
        organisation=cast.riverside,
        programme=active.programme,
    )
    assert any("broke down" in p for p in problems) is (not offered_again)


@pytest.mark.parametrize(
    "who", ["tutor", "mentor", "mentee", "line_manager", "partner_coordinator"]
)
def test_only_the_mentee_coordinators_close(cast, active, who):
    with pytest.raises(PermissionDenied):
        ending.close(cast.actor(who), active, reason="completed", next_steps="Next.")
    active.refresh_from_db()
    assert active.status == MentorshipStatus.ACTIVE


def _refused(cast: Any, mentorship: Any, field: str, **kwargs: Any) -> str:
    values = {"reason": "completed", "next_steps": "Next steps.", "rematch": True} | kwargs
    with pytest.raises(ValidationError) as exc:
        ending.close(cast.actor("coordinator"), mentorship, **values)
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert reports(mentorship) == []
    with system_access():
        assert MentoringRequest.objects.filter(status=RequestStatus.OPEN).count() == 0
    assert field in exc.value.message_dict, exc.value.message_dict
    return exc.value.message_dict[field][0]


def test_end_date_before_the_start_is_refused(cast, active):
    day = active.starts_on - timedelta(days=1)
    assert "before the start" in _refused(cast, active, "ends_on", ends_on=day)


def test_future_end_date_is_refused(cast, active):
    day = timezone.localdate() + timedelta(days=1)
    assert "today or in the past" in _refused(cast, active, "ends_on", ends_on=day)


def test_other_bad_closing_input_is_named(cast, active):
    assert "Transfer" in _refused(cast, active, "reason", reason="transferred")
    assert "Choose" in _refused(cast, active, "reason", reason="finished")
    assert "next" in _refused(cast, active, "next_steps", next_steps="   ")
    assert "5,000" in _refused(cast, active, "notes", notes="x" * 5001)
    first = objectives(active)[0]
    assert "Choose" in _refused(cast, active, f"outcome_{first.uuid}", outcomes={first.uuid: "won"})
    assert "not an objective" in _refused(
        cast, active, "outcomes", outcomes={"00000000-0000-0000-0000-000000000000": "achieved"}
    )


def test_an_ended_mentorship_cannot_be_closed_again(cast, active):
    ending.close(cast.actor("coordinator"), active, reason="completed", next_steps="Next.")
    with pytest.raises(ValidationError):
        ending.close(cast.actor("coordinator"), active, reason="completed", next_steps="Next.")
    assert len(reports(active)) == 1


def test_the_pair_asks_the_coordinator_to_end(cast, active, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ending.propose_ending(
            cast.actor("mentee"), active, reason="broke_down", message="We do not get on."
        )
    with system_access():
        event = MentorshipEvent.objects.get(mentorship=active, code="ending_proposed")
    assert event.detail["reason"] == "broke_down"
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert "/close/" in mail.outbox[0].body
    active.refresh_from_db()
    assert active.status == MentorshipStatus.ACTIVE
    with pytest.raises(PermissionDenied):
        ending.propose_ending(cast.actor("tutor"), active, reason="completed")
    with pytest.raises(ValidationError):
        ending.propose_ending(cast.actor("mentor"), active, reason="transferred")


def test_mentee_and_mentor_each_write_their_own_reflection(cast, active):
    review = ending.close(
        cast.actor("coordinator"), active, reason="completed", next_steps="Next."
    ).review
    review = ending.reflect(cast.actor("mentee"), review, text="I plan better now.")
    review = ending.reflect(
        cast.actor("mentor"), review, text="Tom grew in confidence.", expected_version=2
    )
    parts = review.figures["reflections"]
    assert parts["mentee"]["text"] == "I plan better now."
    assert parts["mentor"]["name"] == str(cast.mentor)
    assert "Reflection of the mentee" in review.body
    with pytest.raises(PermissionDenied):
        ending.reflect(cast.actor("coordinator"), review, text="Not mine to write.")
    with pytest.raises(ValidationError) as exc:
        ending.reflect(cast.actor("mentee"), review, text="Again", expected_version=1)
    assert "Someone else changed" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        ending.reflect(cast.actor("mentee"), review, text="  ")


def test_the_review_is_read_by_the_pair_and_programme_staff_only(cast, active):
    ending.close(cast.actor("coordinator"), active, reason="completed", next_steps="Next.")
    for who in ("coordinator", "tutor", "mentor", "mentee"):
        assert ending.closing_review(cast.actor(who), active) is not None, who
    for who in ("line_manager", "partner_coordinator", "outsider_coordinator", "stranger"):
        assert ending.closing_review(cast.actor(who), active) is None, who


# --- transfer -----------------------------------------------------------------------------


def _mentee_memberships(cast: Any) -> set[str]:
    with system_access():
        return {
            m.organisation.name
            for m in Membership.objects.current().filter(person=cast.mentee, role=Role.MENTEE)
        }


def test_transfer_moves_the_mentee_with_their_history(
    cast, active, both, northgate_programme, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = ending.transfer_mentee(
            cast.actor("both"),
            active,
            cast.northgate,
            northgate_programme,
            note="Moving to the Bradford site.",
        )
    active.refresh_from_db()
    assert active.status == MentorshipStatus.ENDED
    assert active.end_reason == EndReason.TRANSFERRED
    assert active.organisation_id == cast.riverside.pk  # the record stays where it was made
    assert _mentee_memberships(cast) == {"Northgate Training"}
    request = moved.request
    assert request.organisation_id == cast.northgate.pk
    assert request.programme_id == northgate_programme.pk
    assert (request.status, request.route) == (RequestStatus.OPEN, Route.COORDINATOR)
    assert request.development_needs.startswith("Transferred from Riverside College.")
    assert f"Continuing from {active}" in request.development_needs
    assert "Moving to the Bradford site." in request.development_needs
    assert moved.review.figures["transferred_to"] == "Northgate Training"
    with system_access():
        assert MentorshipEvent.objects.filter(mentorship=active, code="transferred").exists()
    recipients = {to for m in mail.outbox for to in m.to}
    assert cast.partner_coordinator.email in recipients


def test_after_a_transfer_the_receiving_coordinator_sees_the_request_not_the_history(
    cast, active, both, northgate_programme
):
    from tandem.relationships.models import Meeting as M

    ending.transfer_mentee(cast.actor("both"), active, cast.northgate, northgate_programme)
    receiving = cast.actor("partner_coordinator")
    assert MentoringRequest.objects.visible_to(receiving).filter(mentee=cast.mentee).count() == 1
    assert not PrivateNote.objects.visible_to(receiving).exists()
    assert not M.objects.visible_to(receiving).filter(mentorship=active).exists()
    assert not DevelopmentPlan.objects.visible_to(receiving).filter(mentorship=active).exists()
    assert not Objective.objects.visible_to(receiving).exists()
    assert not Report.objects.visible_to(receiving).exists()
    assert not Agreement.objects.visible_to(receiving).exists()
    # Not even the coordinator who made the transfer reads the private notes.
    assert not PrivateNote.objects.visible_to(cast.actor("both")).exists()


def test_after_a_transfer_the_mentee_still_sees_all_their_history(
    cast, active, both, northgate_programme
):
    ending.transfer_mentee(cast.actor("both"), active, cast.northgate, northgate_programme)
    mentee = cast.actor("mentee")
    assert Meeting.objects.visible_to(mentee).filter(mentorship=active).count() == 1
    assert PrivateNote.objects.visible_to(mentee).get().text == NOTE
    assert Objective.objects.visible_to(mentee).filter(plan__mentorship=active).count() == 2
    assert ending.closing_review(mentee, active) is not None
    assert PrivateNote.objects.visible_to(cast.actor("mentor")).count() == 1


def test_a_partnership_administrator_may_transfer(cast, active, northgate_programme):
    moved = ending.transfer_mentee(
        cast.actor("partnership_admin"), active, cast.northgate, northgate_programme
    )
    assert moved.mentorship.end_reason == EndReason.TRANSFERRED
    assert moved.request.organisation_id == cast.northgate.pk


@pytest.mark.parametrize("who", ["coordinator", "partner_coordinator", "tutor", "mentee"])
def test_others_may_not_transfer(cast, active, northgate_programme, who):
    with pytest.raises(PermissionDenied) as exc:
        ending.transfer_mentee(cast.actor(who), active, cast.northgate, northgate_programme)
    if who == "coordinator":
        assert "coordinates both" in str(exc.value)
    active.refresh_from_db()
    assert active.status == MentorshipStatus.ACTIVE
    assert _mentee_memberships(cast) == {"Riverside College"}


def test_transfer_outside_the_partnership_is_refused(cast, active):
    with system_access():
        f.MembershipFactory(
            person=cast.coordinator, organisation=cast.eastfield, role=Role.COORDINATOR
        )
        eastfield_programme = Programme.objects.create(
            organisation=cast.eastfield, name="Tutor induction", purpose="induction"
        )
    with pytest.raises(ValidationError) as exc:
        ending.transfer_mentee(
            cast.actor("coordinator"), active, cast.eastfield, eastfield_programme
        )
    assert "not in a partnership" in exc.value.message_dict["to_organisation"][0]
    active.refresh_from_db()
    assert active.status == MentorshipStatus.ACTIVE


def test_transfer_to_the_same_organisation_or_its_programme_elsewhere_is_refused(
    cast, active, both, northgate_programme, programme
):
    with pytest.raises(ValidationError) as exc:
        ending.transfer_mentee(cast.actor("both"), active, cast.riverside, programme)
    assert "already at Riverside College" in exc.value.message_dict["to_organisation"][0]
    with pytest.raises(ValidationError) as exc:
        ending.transfer_mentee(cast.actor("both"), active, cast.northgate, programme)
    assert "not a programme Northgate Training runs" in exc.value.message_dict["programme"][0]
    active.refresh_from_db()
    assert active.status == MentorshipStatus.ACTIVE
    assert _mentee_memberships(cast) == {"Riverside College"}
