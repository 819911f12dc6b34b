"""Mentoring requests (C3) and the shortlist and self-identified routes (C5): the services."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tandem.core.actor import build_actor
from tandem.core.models import AuditEvent
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.matching import request_selectors as selectors
from tandem.matching import requests as services
from tandem.matching.models import MentoringRequest, RequestStatus, Route
from tandem.mentors.models import MentorProfile
from tandem.organisations.models import PartnershipMember
from tandem.programmes.models import CohortStatus
from tandem.relationships import services as relationships
from tandem.relationships.models import Mentorship, MentorshipStatus, Source
from tests import factories as f
from tests.matching.test_request_world import (
    ask,
    build_world,
    make_cohort,
    make_mentor,
    make_programme,
    subject,
)


@pytest.fixture
def world(cast):
    return build_world(cast)


def messages_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    error = exc.value
    if hasattr(error, "error_dict"):
        return {k: [m for e in v for m in e.messages] for k, v in error.error_dict.items()}
    return {"__all__": error.messages}


def codes() -> list[str]:
    with system_access():
        return list(
            AuditEvent.objects.filter(code__startswith="matching.request.").values_list(
                "code", flat=True
            )
        )


def stored(request: MentoringRequest) -> MentoringRequest:
    with system_access():
        return MentoringRequest.objects.select_related("chosen_mentor").get(pk=request.pk)


def mentorships() -> list[Mentorship]:
    with system_access():
        return list(Mentorship.objects.all())


# --- asking for a mentor ---------------------------------------------------------------------


def test_mentee_asks_for_a_mentor(cast, world):
    request = ask(world, preferences="Someone who has run a college workshop")
    assert request.status == RequestStatus.OPEN
    assert request.route == Route.COORDINATOR
    assert request.organisation == cast.riverside
    assert request.created_by == cast.mentee
    assert request.modes == ["face_to_face"]
    assert codes() == ["matching.request.created"]
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert "Tom Reyes has asked for a mentor" in mail.outbox[0].subject


def test_coordinator_asks_for_a_mentee(cast, world):
    with system_access():
        ava = f.PersonFactory(given_name="Ava", family_name="Brown")
        f.MembershipFactory(person=ava, organisation=cast.riverside, role=Role.MENTEE)
    request = ask(world, mentee=ava, actor="coordinator", organisation=cast.riverside)
    assert request.mentee == ava and request.created_by == cast.coordinator
    assert mail.outbox == []  # the coordinator knows already


def test_only_coordinators_of_the_mentees_organisation_ask_for_them(cast, world):
    with pytest.raises(PermissionDenied):
        ask(world, actor="partner_coordinator", organisation=cast.riverside)
    with pytest.raises(PermissionDenied):
        ask(world, actor="tutor", organisation=cast.riverside)
    with pytest.raises(PermissionDenied):  # a mentor is not a mentee
        ask(world, mentee=cast.mentor, actor="mentor")


def test_coordinator_cannot_ask_for_someone_who_is_not_a_mentee(cast, world):
    with pytest.raises(ValidationError) as exc:
        ask(world, mentee=cast.tutor, actor="coordinator", organisation=cast.riverside)
    assert messages_of(exc)["mentee"] == ["Tariq Hussain is not a mentee at Riverside College."]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"development_needs": ""}, "development_needs", "Describe what you would like"),
        ({"development_needs": "  help  "}, "development_needs", "at least 10 characters"),
        ({"subject": None}, "subject", "Choose the subject"),
        ({"modes": ["carrier_pigeon"]}, "modes", "Unknown ways of meeting: carrier_pigeon"),
        ({"availability": "x" * 301}, "availability", "300 characters"),
    ],
)
def test_bad_input_is_named_and_nothing_is_stored(cast, world, change, field, words):
    with pytest.raises(ValidationError) as exc:
        ask(world, **change)
    assert words in " ".join(messages_of(exc)[field])
    with system_access():
        assert not MentoringRequest.objects.exists()
    assert codes() == []


def test_retired_subject_is_refused(cast, world):
    retired = subject("Upholstery and soft furnishing")
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError) as exc:
        ask(world, subject=retired)
    assert messages_of(exc)["subject"] == [
        "Upholstery and soft furnishing is no longer offered; choose another subject."
    ]


def test_cohort_of_another_programme_is_refused(cast, world):
    induction_cohort = make_cohort(world.induction, cast.riverside, "Induction 2026")
    with pytest.raises(ValidationError) as exc:
        ask(world, cohort=induction_cohort)
    assert messages_of(exc)["cohort"] == [
        "Induction 2026 is not a cohort of Initial teacher training (in-service) at "
        "Riverside College."
    ]


def test_closed_cohort_and_programme_are_refused(cast, world):
    closed = make_cohort(world.programme, cast.riverside, "2024 intake", status=CohortStatus.CLOSED)
    with pytest.raises(ValidationError) as exc:
        ask(world, cohort=closed)
    assert "2024 intake has closed" in messages_of(exc)["cohort"][0]
    with system_access():
        world.programme.is_active = False
        world.programme.save()
    with pytest.raises(ValidationError) as exc:
        ask(world, cohort=None)
    assert "closed to new requests" in messages_of(exc)["programme"][0]


def test_programme_of_another_organisation_is_refused(cast, world):
    with pytest.raises(ValidationError) as exc:
        ask(world, programme=world.other_programme, cohort=None, organisation=cast.riverside)
    assert messages_of(exc)["programme"][0] == (
        "Tutor induction is not a programme Riverside College takes part in."
    )


def test_programme_of_the_partnership_runs_at_the_mentees_organisation(cast, world):
    shared = make_programme(None, "North mentoring scheme", partnership=cast.north)
    request = ask(world, programme=shared, cohort=None)
    assert request.organisation == cast.riverside
    outsider = make_programme(None, "South scheme", partnership=cast.south)
    with pytest.raises(ValidationError) as exc:
        ask(world, programme=outsider, cohort=None)
    assert (
        "not run by an organisation where Tom Reyes is a mentee" in messages_of(exc)["programme"][0]
    )


def test_one_waiting_request_per_mentee_and_programme(cast, world):
    first = ask(world)
    with pytest.raises(ValidationError) as exc:
        ask(world, subject=subject("Electrical installation"))
    assert messages_of(exc)["programme"] == [
        "You already have a request for a mentor on Initial teacher training (in-service) "
        "(waiting for a mentor). Change or withdraw that request instead of making another."
    ]
    # Another programme is fine, and so is a new request once the first is withdrawn.
    ask(world, programme=world.induction, cohort=None)
    services.withdraw_request(cast.actor("mentee"), first)
    assert ask(world).status == RequestStatus.OPEN


# --- changing and withdrawing --------------------------------------------------------------


def test_mentee_changes_their_request_with_the_version_they_read(cast, world):
    request = ask(world)
    changed = services.update_request(
        cast.actor("mentee"),
        request,
        expected_version=request.version,
        subject=subject("Electrical installation"),
        modes=["online", "online"],
    )
    assert changed.version == request.version + 1
    assert stored(request).subject.name == "Electrical installation"
    assert stored(request).modes == ["online"]
    with system_access():
        event = AuditEvent.objects.get(code="matching.request.changed")
    assert event.changes["subject"] == ["Plumbing", "Electrical installation"]
    with pytest.raises(ValidationError) as exc:
        services.update_request(
            cast.actor("coordinator"), request, expected_version=request.version, availability=""
        )
    assert "Someone else changed this request" in exc.value.messages[0]


def test_tutors_cannot_change_a_request_and_bad_changes_are_named(cast, world):
    request = ask(world)
    with pytest.raises(PermissionDenied):
        services.update_request(
            cast.actor("tutor"), request, expected_version=request.version, availability="x"
        )
    other_cohort = make_cohort(world.induction, cast.riverside, "Induction 2026")
    with pytest.raises(ValidationError) as exc:
        services.update_request(
            cast.actor("mentee"),
            request,
            expected_version=request.version,
            cohort=other_cohort,
            development_needs="short",
        )
    errors = messages_of(exc)
    assert set(errors) == {"cohort", "development_needs"}
    assert stored(request).version == request.version


def test_a_request_waiting_for_approval_cannot_be_changed(cast, world):
    request = ask(world)
    services.choose_from_shortlist(cast.actor("mentee"), request, world.mentors["Omar"])
    with pytest.raises(ValidationError) as exc:
        services.update_request(
            cast.actor("mentee"), request, expected_version=stored(request).version, availability=""
        )
    assert "Only a request still waiting for a mentor can be changed" in exc.value.messages[0]


def test_withdrawing_an_open_request(cast, world):
    request = ask(world)
    with pytest.raises(PermissionDenied):
        services.withdraw_request(cast.actor("tutor"), request)
    services.withdraw_request(cast.actor("mentee"), request, expected_version=request.version)
    assert stored(request).status == RequestStatus.WITHDRAWN
    with pytest.raises(ValidationError) as exc:
        services.withdraw_request(cast.actor("mentee"), request)
    assert exc.value.messages == ["This request is already withdrawn."]


def _approved(cast, world, mentor="Omar"):
    request = ask(world)
    services.choose_from_shortlist(cast.actor("mentee"), request, world.mentors[mentor])
    services.decide(cast.actor("coordinator"), request, approve=True)
    return request


def test_withdrawing_a_matched_request_withdraws_the_offer(cast, world):
    request = _approved(cast, world)
    (offer,) = mentorships()
    assert offer.status == MentorshipStatus.PROPOSED
    # The mentee cannot take back an offer already made to the mentor.
    with pytest.raises(ValidationError) as exc:
        services.withdraw_request(cast.actor("mentee"), request)
    assert "Omar Ahmed has already been asked to be your mentor" in exc.value.messages[0]
    assert stored(request).status == RequestStatus.MATCHED
    services.withdraw_request(cast.actor("coordinator"), request)
    offer.refresh_from_db()
    assert offer.status == MentorshipStatus.WITHDRAWN
    assert stored(request).status == RequestStatus.WITHDRAWN  # not reopened


def test_a_request_with_an_active_mentorship_cannot_be_withdrawn(cast, world):
    request = _approved(cast, world)
    (offer,) = mentorships()
    with system_access():
        omar = build_actor(world.mentors["Omar"].user)
    relationships.accept(omar, offer)
    with pytest.raises(ValidationError) as exc:
        services.withdraw_request(cast.actor("coordinator"), request)
    assert "Omar Ahmed is already mentoring Tom Reyes" in exc.value.messages[0]
    assert stored(request).status == RequestStatus.MATCHED


# --- choosing from the shortlist --------------------------------------------------------------


def test_mentee_chooses_a_mentor_from_the_shortlist(cast, world):
    request = ask(world)
    mail.outbox.clear()
    chosen = services.choose_from_shortlist(
        cast.actor("mentee"), request, world.mentors["Mina"], expected_version=request.version
    )
    assert chosen.status == RequestStatus.AWAITING_APPROVAL
    assert chosen.route == Route.SHORTLIST
    assert stored(request).chosen_mentor == cast.mentor
    assert "matching.request.chosen" in codes()
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert "Tom Reyes has chosen Mina Patel" in mail.outbox[0].subject
    assert mentorships() == []  # nobody is asked before approval


def test_choosing_someone_not_on_the_shortlist_is_refused_with_the_reason(cast, world):
    request = ask(world)
    mentee = cast.actor("mentee")
    with pytest.raises(ValidationError) as exc:
        services.choose_from_shortlist(mentee, request, world.mentors["Lena"])
    (message,) = messages_of(exc)["mentor"]
    assert message.startswith("Lena Morgan is not on your shortlist any more: Lena Morgan ")
    assert "line-manages Tom Reyes" in message
    with pytest.raises(ValidationError) as exc:
        services.choose_from_shortlist(mentee, request, cast.trainer)
    assert messages_of(exc)["mentor"] == [
        "Trudy Evans is not on your shortlist. Choose one of the mentors listed."
    ]
    assert stored(request).status == RequestStatus.OPEN
    assert codes() == ["matching.request.created"]


def test_mentor_who_withdrew_consent_is_not_on_the_shortlist_any_more(cast, world):
    request = ask(world)
    with system_access():
        MentorProfile.objects.filter(person=cast.mentor).update(consents_to_matching=False)
    with pytest.raises(ValidationError) as exc:
        services.choose_from_shortlist(cast.actor("mentee"), request, cast.mentor)
    assert "Mina Patel has asked not to be given new mentees." in messages_of(exc)["mentor"][0]


def test_only_the_mentee_chooses_and_only_while_open(cast, world):
    request = ask(world)
    with pytest.raises(PermissionDenied):
        services.choose_from_shortlist(cast.actor("coordinator"), request, cast.mentor)
    services.choose_from_shortlist(cast.actor("mentee"), request, cast.mentor)
    with pytest.raises(ValidationError) as exc:
        services.choose_from_shortlist(cast.actor("mentee"), request, world.mentors["Omar"])
    assert "this one is mentor chosen, waiting for approval" in exc.value.messages[0]


def test_stale_choice_is_refused(cast, world):
    request = ask(world)
    services.update_request(
        cast.actor("coordinator"), request, expected_version=request.version, availability="Fri"
    )
    with pytest.raises(ValidationError) as exc:
        services.choose_from_shortlist(
            cast.actor("mentee"), request, cast.mentor, expected_version=request.version
        )
    assert "Someone else changed this request" in exc.value.messages[0]


# --- a mentor the mentee found -----------------------------------------------------------------


def test_mentee_names_a_mentor_they_found_and_the_course_leader_is_asked(cast, world):
    request = ask(world, subject=subject("Electrical installation"))
    mail.outbox.clear()
    named = services.identify_own_mentor(cast.actor("mentee"), request, " OMAR@riverside.example ")
    assert named.status == RequestStatus.AWAITING_APPROVAL
    assert named.route == Route.SELF_IDENTIFIED
    assert stored(request).chosen_mentor == world.mentors["Omar"]
    assert "matching.request.mentor_identified" in codes()
    assert [m.to for m in mail.outbox] == [[cast.tutor.email]]
    assert "please approve Omar Ahmed" in mail.outbox[0].subject


def test_unknown_email_asks_for_the_coordinator(cast, world):
    request = ask(world)
    with pytest.raises(ValidationError) as exc:
        services.identify_own_mentor(cast.actor("mentee"), request, "nobody@example.org")
    assert messages_of(exc)["email"] == [
        "We can't propose this person as your mentor. Check the email address, "
        "or ask your coordinator."
    ]
    with pytest.raises(ValidationError) as exc:
        services.identify_own_mentor(cast.actor("mentee"), request, "not an email")
    assert "correct format" in messages_of(exc)["email"][0]


def test_self_identified_line_manager_is_refused_with_the_reason(cast, world):
    request = ask(world)
    with pytest.raises(ValidationError) as exc:
        services.identify_own_mentor(cast.actor("mentee"), request, cast.line_manager.email)
    # The mentee's own information, in neutral words; the details are for staff.
    assert messages_of(exc)["email"] == ["Your line manager can't be your mentor."]
    assert stored(request).status == RequestStatus.OPEN
    assert stored(request).chosen_mentor is None


def test_only_the_mentee_names_their_mentor(cast, world):
    request = ask(world)
    with pytest.raises(PermissionDenied):
        services.identify_own_mentor(cast.actor("coordinator"), request, cast.mentor.email)


# --- the decision --------------------------------------------------------------------------------


def test_coordinator_approves_a_shortlist_choice_and_the_mentor_is_asked(cast, world):
    request = ask(world)
    services.choose_from_shortlist(cast.actor("mentee"), request, world.mentors["Omar"])
    mail.outbox.clear()
    with pytest.raises(PermissionDenied):  # a shortlist choice is the coordinator's
        services.decide(cast.actor("tutor"), request, approve=True)
    decided = services.decide(cast.actor("coordinator"), request, approve=True, note="Good fit")
    assert decided.status == RequestStatus.MATCHED
    assert decided.decided_by == cast.coordinator and decided.decision_note == "Good fit"
    (offer,) = mentorships()
    assert offer.status == MentorshipStatus.PROPOSED
    assert offer.source == Source.SHORTLIST
    assert offer.mentor == world.mentors["Omar"] and offer.request_id == request.pk
    assert offer.cohort == world.cohort and offer.score is not None and offer.why
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["mentee@riverside.example", "omar@riverside.example"]
    assert "matching.request.approved" in codes()


def test_course_leader_approves_a_mentor_the_mentee_found(cast, world):
    request = ask(world)
    services.identify_own_mentor(cast.actor("mentee"), request, cast.mentor.email)
    assert [r.pk for r in selectors.awaiting_decision(cast.actor("tutor"))] == [request.pk]
    assert list(selectors.awaiting_decision(cast.actor("mentee"))) == []
    services.decide(cast.actor("tutor"), request, approve=True)
    (offer,) = mentorships()
    assert offer.source == Source.SELF_IDENTIFIED and offer.mentor == cast.mentor
    assert stored(request).status == RequestStatus.MATCHED


def test_mentee_cannot_decide_their_own_request(cast, world):
    request = ask(world)
    services.identify_own_mentor(cast.actor("mentee"), request, cast.mentor.email)
    with system_access():  # even when they also hold a course leader's role
        f.MembershipFactory(person=cast.mentee, organisation=cast.riverside, role=Role.TUTOR)
    with pytest.raises(PermissionDenied):
        services.decide(cast.actor("mentee"), request, approve=True)
    assert stored(request).status == RequestStatus.AWAITING_APPROVAL


def test_tutor_of_another_organisation_gets_not_found(cast, world):
    request = ask(world)
    services.identify_own_mentor(cast.actor("mentee"), request, cast.mentor.email)
    with system_access():
        other_tutor = f.person_with_account("tutor@northgate.example", "Nia", "Tutor")
        f.MembershipFactory(person=other_tutor, organisation=cast.northgate, role=Role.TUTOR)
    actor = build_actor(other_tutor.user)
    with pytest.raises(Http404):
        selectors.access_request(actor, request.uuid)
    with pytest.raises(PermissionDenied):
        services.decide(actor, request, approve=True)
    assert list(selectors.awaiting_decision(actor)) == []


def test_mentor_who_withdraws_consent_after_being_chosen_is_not_proposed(cast, world):
    request = ask(world)
    services.choose_from_shortlist(cast.actor("mentee"), request, cast.mentor)
    with system_access():
        MentorProfile.objects.filter(person=cast.mentor).update(consents_to_matching=False)
    before = stored(request)
    events = codes()
    with pytest.raises(ValidationError) as exc:
        services.decide(cast.actor("coordinator"), request, approve=True)
    (message,) = exc.value.messages
    assert message.startswith("Mina Patel cannot be proposed as Tom Reyes's mentor now.")
    assert "Mina Patel has asked not to be given new mentees." in message
    assert "Nothing was changed" in message
    after = stored(request)
    assert (after.status, after.chosen_mentor, after.version) == (
        RequestStatus.AWAITING_APPROVAL,
        cast.mentor,
        before.version,
    )
    assert mentorships() == []
    assert codes() == events


def test_not_approving_needs_a_note_and_sends_the_mentee_back_to_choose(cast, world):
    request = ask(world)
    services.choose_from_shortlist(cast.actor("mentee"), request, cast.mentor)
    with pytest.raises(ValidationError) as exc:
        services.decide(cast.actor("coordinator"), request, approve=False, note="  ")
    assert "Say why you do not approve" in messages_of(exc)["note"][0]
    mail.outbox.clear()
    services.decide(
        cast.actor("coordinator"), request, approve=False, note="Mina is on leave next term"
    )
    after = stored(request)
    assert after.status == RequestStatus.OPEN
    assert after.chosen_mentor is None and after.route == Route.COORDINATOR
    assert after.decision_note == "Mina is on leave next term"
    assert [m.to for m in mail.outbox] == [[cast.mentee.email]]
    assert "Mina is on leave next term" in mail.outbox[0].body
    assert "matching.request.rejected" in codes()
    # ...and may choose again.
    services.choose_from_shortlist(cast.actor("mentee"), request, world.mentors["Omar"])


def test_decision_only_while_waiting_for_approval(cast, world):
    request = ask(world)
    with pytest.raises(ValidationError) as exc:  # nothing chosen: there is no one to approve
        services.decide(cast.actor("tutor"), request, approve=True)
    assert "no longer waiting for approval: it is waiting for a mentor" in exc.value.messages[0]
    services.choose_from_shortlist(cast.actor("mentee"), request, cast.mentor)
    services.decide(cast.actor("coordinator"), request, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.decide(cast.actor("coordinator"), request, approve=True)
    assert "no longer waiting for approval" in exc.value.messages[0]
    assert len(mentorships()) == 1


def test_a_mentor_in_a_partner_organisation_is_brokered(cast, world):
    with system_access():
        PartnershipMember.objects.filter(organisation=cast.northgate).update(in_directory=True)
        ned = f.person_with_account("ned@northgate.example", "Ned", "Walker")
    make_mentor(ned, cast.northgate, ["Electrical installation"], willing_outside=True)
    request = ask(world, subject=subject("Electrical installation"))
    names = [row.name for row in selectors.shortlist(request)]
    assert "Ned Walker" in names
    services.choose_from_shortlist(cast.actor("mentee"), request, ned)
    services.decide(cast.actor("coordinator"), request, approve=True)
    (offer,) = mentorships()
    assert offer.status == MentorshipStatus.AWAITING_BROKERAGE
    assert offer.mentor_organisation == cast.northgate


def test_shortlist_rows_explain_why_and_hold_no_contact_details(cast, world):
    request = ask(world)
    rows = selectors.shortlist(request)
    assert rows and rows[0].score >= rows[-1].score
    row = next(r for r in rows if r.name == "Mina Patel")
    assert row.organisation == "Riverside College" and row.specialisms == ["Plumbing"]
    assert any(line.startswith("Subject fit:") for line in row.why)
    assert not any("@" in str(value) for value in vars(row).values())


def test_mentors_who_declined_are_not_offered_again(cast, world):
    request = _approved(cast, world, mentor="Omar")
    (offer,) = mentorships()
    with system_access():
        omar = build_actor(world.mentors["Omar"].user)
    relationships.decline(omar, offer, reason="Full timetable")
    names = {str(c.person) for c in services.current_shortlist(request)}
    assert "Omar Ahmed" not in names
