"""Who sees and changes agreements, their versions and signatures, as a matrix.

Every actor of the cast × an agreement of a mentorship run by their own
organisation, by a partner organisation, by an organisation in another
partnership, and by their own organisation with a mentor from the partner
(cross) × see / change. Agreements are programme content: the pair and the
mentee organisation's coordinators and tutors read them; line managers never.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core import policies
from tandem.core.actor import ANONYMOUS
from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.programmes.models import Programme
from tandem.relationships import agreement_selectors, agreements
from tandem.relationships.demo import create_active
from tandem.relationships.models import Agreement, AgreementVersion, Signature
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

SEE = {
    "own": {"coordinator", "mentor", "mentee", "tutor"},
    "partner": {"partner_coordinator"},
    "other": {"outsider_coordinator"},
    # The mentor is from Northgate; Northgate's coordinator does not read the content.
    "cross": {"coordinator", "mentee", "tutor"},
}
CHANGE = {
    "own": {"coordinator", "mentor", "mentee"},
    "partner": {"partner_coordinator"},
    "other": {"outsider_coordinator"},
    "cross": {"coordinator", "mentee"},
}
SIGNERS = {"own": "coordinator", "partner": "partner_coordinator", "other": "outsider_coordinator"}


def _objectives():
    today = timezone.localdate()
    return [(f"Aim {i}", "Observed", today.replace(year=today.year + 1)) for i in range(1, 4)]


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
    flying = new_person(cast.northgate, Role.MENTOR, "Fay", "Flying")
    mentor_profile(flying, cast.northgate, willing_outside=True)
    with system_access():
        cpd = Programme.objects.create(organisation=cast.riverside, name="CPD", purpose="cpd")
    made["cross"] = create_active(cast.mentee, flying, cpd, cast.riverside)
    return made


@pytest.fixture
def signed_agreements(cast, mentorships):
    return {
        where: agreements.demo_agreement(
            mentorships[where],
            _objectives(),
            institution_signer=cast.people[SIGNERS.get(where, "coordinator")],
        )
        for where in WHERE
    }


def actor_of(cast, name):
    return ANONYMOUS if name == "anonymous" else cast.actor(name)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("where", WHERE)
def test_agreement_version_and_signature(cast, signed_agreements, who, where):
    actor = actor_of(cast, who)
    agreement = signed_agreements[where]
    with system_access():
        version = agreement.versions.get()
        signature = version.signatures.first()
    for record in (agreement, version, signature):
        assert policies.can_see(actor, record) == (who in SEE[where]), record
    assert policies.can_change(actor, agreement) == (who in CHANGE[where])
    assert policies.can_change(actor, version) == (who in CHANGE[where])
    assert policies.can_change(actor, signature) is False


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("where", WHERE)
def test_reading_before_an_agreement_follows_the_same_rule(cast, mentorships, who, where):
    actor = actor_of(cast, who)
    mentorship = mentorships[where]
    assert agreement_selectors.may_read(actor, mentorship) == (who in SEE[where])
    assert agreement_selectors.may_start(actor, mentorship) == (who in CHANGE[where])


@pytest.mark.parametrize("who", [a for a in ACTORS if a != "anonymous"])
def test_lists_hold_exactly_what_the_policy_allows(cast, signed_agreements, who):
    actor = cast.actor(who)
    expected = {signed_agreements[w].pk for w in WHERE if who in SEE[w]}
    assert set(Agreement.objects.visible_to(actor).values_list("pk", flat=True)) == expected
    versions = AgreementVersion.objects.visible_to(actor).values_list("agreement_id", flat=True)
    assert set(versions) == expected
    signatures = Signature.objects.visible_to(actor).values_list("version__agreement_id", flat=True)
    assert set(signatures) == expected


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("where", WHERE)
def test_pages_answer_as_the_policy_says(cast, client, mentorships, signed_agreements, who, where):
    mentorship = mentorships[where]
    if who != "anonymous":
        client.force_login(cast.people[who].user)
    page = client.get(reverse("relationships:agreement", args=[mentorship.uuid]))
    amend = client.post(reverse("relationships:agreement_amend", args=[mentorship.uuid]))
    if who == "anonymous":
        assert page.status_code == 302 and amend.status_code == 302
    elif who not in SEE[where]:
        assert page.status_code == 404 and amend.status_code == 404
    elif who not in CHANGE[where]:
        assert page.status_code == 200 and amend.status_code == 403
    else:
        assert page.status_code == 200 and amend.status_code == 302
