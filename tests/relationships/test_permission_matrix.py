"""Who sees and changes mentorships and their events (core/policies/mentoring.py), as a matrix.

Every actor of the cast × a mentorship run by their own organisation, by a
partner organisation, by an organisation in another partnership, and one run
by their own organisation with a mentor from the partner (cross) × see / change.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.core import policies
from tandem.core.actor import ANONYMOUS
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.programmes.models import Programme
from tandem.relationships.demo import create_active
from tandem.relationships.models import Mentorship, MentorshipEvent
from tests.relationships.conftest import mentor_profile, new_person

ACTORS = [
    "coordinator",
    "mentor",
    "mentee",
    "tutor",
    "line_manager",
    "trainer",
    "partner_coordinator",
    "outsider_coordinator",
    "partnership_admin",
    "stranger",
    "anonymous",
]
WHERE = ["own", "partner", "other", "cross"]

# Who sees each mentorship: the pair, coordinators of either side, the mentee's tutors
# and line managers. Not trainers, not partnership administrators, nobody else.
SEE = {
    "own": {"coordinator", "mentor", "mentee", "tutor", "line_manager"},
    "partner": {"partner_coordinator"},
    "other": {"outsider_coordinator"},
    "cross": {"coordinator", "mentee", "tutor", "line_manager", "partner_coordinator"},
}
# Who changes it (withdraw, end): the coordinators of the mentee's organisation only.
CHANGE = {
    "own": {"coordinator"},
    "partner": {"partner_coordinator"},
    "other": {"outsider_coordinator"},
    "cross": {"coordinator"},
}


@pytest.fixture
def mentorships(cast):
    made = {}
    for key, org, mentee in (
        ("own", cast.riverside, cast.mentee),
        ("partner", cast.northgate, cast.partner_mentee),
        ("other", cast.eastfield, cast.outsider_mentee),
    ):
        with system_access():
            programme = Programme.objects.create(
                organisation=org, name=f"{org.name} induction", purpose="induction"
            )
        mentor = cast.mentor if key == "own" else new_person(org, Role.MENTOR, "Mo", key.title())
        mentor_profile(mentor, org)
        made[key] = create_active(mentee, mentor, programme, org)
        made[f"{key}_programme"] = programme
    flying = new_person(cast.northgate, Role.MENTOR, "Fay", "Flying")
    mentor_profile(flying, cast.northgate, willing_outside=True)
    with system_access():
        cpd = Programme.objects.create(organisation=cast.riverside, name="CPD", purpose="cpd")
    made["cross"] = create_active(cast.mentee, flying, cpd, cast.riverside)
    assert made["cross"].mentor_organisation == cast.northgate
    return made


def actor_of(cast, name):
    return ANONYMOUS if name == "anonymous" else cast.actor(name)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("where", WHERE)
def test_mentorship_see_and_change(cast, mentorships, who, where):
    actor = actor_of(cast, who)
    mentorship = mentorships[where]
    assert policies.can_see(actor, mentorship) == (who in SEE[where])
    assert policies.can_change(actor, mentorship) == (who in CHANGE[where])


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("where", WHERE)
def test_mentorship_event_see_and_never_change(cast, mentorships, who, where):
    actor = actor_of(cast, who)
    event = mentorships[where].events.get()
    assert policies.can_see(actor, event) == (who in SEE[where])
    assert policies.can_change(actor, event) is False


@pytest.mark.parametrize("who", [a for a in ACTORS if a != "anonymous"])
def test_lists_hold_exactly_what_the_policy_allows(cast, mentorships, who):
    actor = cast.actor(who)
    expected = {mentorships[w].pk for w in WHERE if who in SEE[w]}
    assert set(Mentorship.objects.visible_to(actor).values_list("pk", flat=True)) == expected
    events = MentorshipEvent.objects.visible_to(actor).values_list("mentorship_id", flat=True)
    assert set(events) == expected


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("where", WHERE)
def test_pages_answer_as_the_policy_says(cast, client, mentorships, who, where):
    mentorship = mentorships[where]
    if who != "anonymous":
        client.force_login(cast.people[who].user)
    page = client.get(mentorship.get_absolute_url())
    end = client.post(
        reverse("relationships:mentorship_end", args=[mentorship.uuid]), {"end-reason": "x"}
    )
    if who == "anonymous":
        assert page.status_code == 302 and end.status_code == 302
    elif who not in SEE[where]:
        assert page.status_code == 404 and end.status_code == 404
    elif who not in CHANGE[where]:
        assert page.status_code == 200 and end.status_code == 403
    else:
        # Allowed: the bad reason is named on the page, nothing ends.
        assert page.status_code == 200 and end.status_code == 200
        assert "Choose a valid option" in end.content.decode() or "Select a valid" in (
            end.content.decode()
        )


def test_a_platform_administrator_sees_and_changes_every_mentorship(cast, mentorships):
    from tandem.core.actor import build_actor
    from tests import factories as f

    root = f.UserFactory(username="root@example.org", is_superuser=True, is_staff=True)
    actor = build_actor(root)
    for where in WHERE:
        assert policies.can_see(actor, mentorships[where])
        assert policies.can_change(actor, mentorships[where])
