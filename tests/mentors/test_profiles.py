"""Mentor profiles (C1): the mentor edits, the coordinator approves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tandem.mentors import services
from tandem.mentors.models import MentorProfile, ProfileStatus, Subject
from tests import factories as f


def _form(profile, **changes):
    data = {
        "specialisms": [Subject.objects.get(name="Plumbing").pk],
        "teaching_qualification": "DET",
        "mentoring_qualification": "",
        "training_status": "trained",
        "years_teaching": "8",
        "years_mentoring": "3",
        "capacity": "2",
        "availability": "Tuesday afternoons",
        "site": "",
        "region": "North West",
        "modes": ["face_to_face", "online"],
        "willing_outside": "on",
        "consents_to_matching": "on",
        "version": str(profile.version),
    }
    data.update(changes)
    return data


@pytest.fixture
def profile(cast):
    return services.start_profile(cast.actor("mentor"), cast.riverside)


def test_mentor_starts_fills_in_and_sends_the_profile(cast, client):
    client.force_login(cast.mentor.user)
    home = client.get("/home/mentor/").content.decode()
    assert "Start your mentor profile" in home
    response = client.post(reverse("mentors:own_profile"), {"organisation": cast.riverside.uuid})
    with system_access():
        profile = MentorProfile.objects.get(person=cast.mentor)
    assert response["Location"] == reverse("mentors:profile_edit", args=[profile.uuid])
    edit = reverse("mentors:profile_edit", args=[profile.uuid])
    assert client.post(edit, _form(profile)).status_code == 302
    profile.refresh_from_db()
    assert profile.capacity == 2 and profile.modes == ["face_to_face", "online"]
    assert [s.name for s in profile.specialisms.all()] == ["Plumbing"]
    client.post(reverse("mentors:profile_submit", args=[profile.uuid]))
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED


def test_only_mentors_start_a_profile(cast):
    with pytest.raises(PermissionDenied):
        services.start_profile(cast.actor("mentee"), cast.riverside)


def test_a_profile_needs_a_subject_before_it_is_sent(cast, profile):
    with pytest.raises(ValidationError) as exc:
        services.submit_profile(cast.actor("mentor"), profile)
    assert "specialisms" in exc.value.error_dict


def test_coordinator_approves_or_asks_for_changes(cast, client, profile):
    mentor = cast.actor("mentor")
    services.save_profile(
        mentor,
        profile,
        expected_version=profile.version,
        specialisms=[Subject.objects.get(name="Plumbing")],
    )
    services.submit_profile(mentor, profile)
    client.force_login(cast.coordinator.user)
    home = client.get("/home/coordinator/").content.decode()
    assert "1 mentor profile waiting for your approval" in home
    url = profile.get_absolute_url()
    bad = client.post(url, {"decision": "changes_requested", "note": ""})
    assert "Say what the mentor should change" in bad.content.decode()
    client.post(url, {"decision": "changes_requested", "note": "Add your DET qualification"})
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.CHANGES_REQUESTED
    assert profile.coordinator_note == "Add your DET qualification"
    services.submit_profile(mentor, profile)
    client.post(url, {"decision": "approved"})
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.APPROVED and profile.is_offered
    assert profile.approved_by == cast.coordinator
    with system_access():
        codes = list(
            AuditEvent.objects.filter(object_uuid=profile.uuid).values_list("code", flat=True)
        )
    assert "mentors.profile.approved" in codes


def test_nobody_approves_their_own_profile(cast):
    with system_access():
        f.MembershipFactory(person=cast.coordinator, organisation=cast.riverside, role="mentor")
    actor = cast.actor("coordinator")
    own = services.start_profile(actor, cast.riverside)
    services.save_profile(
        actor,
        own,
        expected_version=own.version,
        specialisms=[Subject.objects.get(name="Plumbing")],
    )
    services.submit_profile(actor, own)
    with pytest.raises(PermissionDenied):
        services.approve_profile(actor, own)


def test_changing_claims_needs_approval_again_but_preferences_do_not(cast, profile):
    mentor = cast.actor("mentor")
    services.save_profile(
        mentor,
        profile,
        expected_version=profile.version,
        specialisms=[Subject.objects.get(name="Plumbing")],
    )
    services.submit_profile(mentor, profile)
    services.approve_profile(cast.actor("coordinator"), profile)
    services.save_profile(
        mentor, profile, expected_version=profile.version, capacity=3, consents_to_matching=False
    )
    assert profile.status == ProfileStatus.APPROVED and not profile.is_offered
    services.save_profile(
        mentor, profile, expected_version=profile.version, training_status="trained"
    )
    assert profile.status == ProfileStatus.SUBMITTED and profile.approved_at is None


def test_two_people_editing_at_once_the_second_is_told(cast, client, profile):
    stale = profile.version
    services.save_profile(cast.actor("coordinator"), profile, expected_version=stale, capacity=3)
    client.force_login(cast.mentor.user)
    response = client.post(
        reverse("mentors:profile_edit", args=[profile.uuid]), _form(profile, version=str(stale))
    )
    assert "Someone else saved this profile" in response.content.decode()
    profile.refresh_from_db()
    assert profile.capacity == 3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"capacity": "25"}, "capacity", "less than or equal to 20"),
        ({"capacity": "-1"}, "capacity", "greater than or equal to 0"),
        ({"years_teaching": "lots"}, "years_teaching", "Enter a whole number"),
        ({"modes": ["telepathy"]}, "modes", "not one of the available choices"),
        ({"specialisms": ["999999"]}, "specialisms", "not one of the available choices"),
    ],
)
def test_bad_input_names_the_field(cast, client, profile, changes, field, message):
    client.force_login(cast.mentor.user)
    response = client.post(
        reverse("mentors:profile_edit", args=[profile.uuid]), _form(profile, **changes)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and message in body
    assert f'href="#id_{field}' in body
    profile.refresh_from_db()
    assert profile.capacity == 1


def test_a_site_of_another_organisation_is_refused(cast, profile):
    with system_access():
        elsewhere = f.SiteFactory(organisation=cast.eastfield)
    with pytest.raises(ValidationError) as exc:
        services.save_profile(
            cast.actor("mentor"), profile, expected_version=profile.version, site=elsewhere
        )
    assert "site" in exc.value.error_dict


def test_coordinator_lists_profiles_by_status(cast, client, profile):
    client.force_login(cast.coordinator.user)
    url = reverse("mentors:organisation_profiles", args=[cast.riverside.uuid])
    assert "Mina Patel" in client.get(url).content.decode()
    assert "Mina Patel" not in client.get(url, {"status": "approved"}).content.decode()
    client.force_login(cast.mentor.user)
    assert client.get(url).status_code == 403
    client.force_login(cast.outsider_coordinator.user)
    assert client.get(url).status_code == 404


def test_menu_leads_coordinators_to_their_mentors(cast, client, profile):
    client.force_login(cast.coordinator.user)
    response = client.get(reverse("mentors:profiles"), follow=True)
    body = response.content.decode()
    assert "Mentor profiles at Riverside College" in body
    assert (
        'aria-current="page"><strong class="govuk-service-navigation__active-fallback">Mentors'
        in body
    )
    client.force_login(cast.mentee.user)
    assert client.get(reverse("mentors:profiles")).status_code == 403
