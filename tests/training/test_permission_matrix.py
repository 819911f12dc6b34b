"""Who sees and changes every training record (core/policies/training.py), as a matrix:
every actor of the cast × each record type × a course run by their own organisation
(Riverside), a partner organisation in the same partnership (Northgate), and an
organisation in another partnership (Eastfield) × (see, change).

Courses: drafts are for the course staff; published courses for the organisation's people
and the partnership's administrators; shared ones also for the partners' people. What a
learner does is the learner's and the course staff's; enrolments, completions, practice
hours and credentials are also followed by the learner's own coordinators (not their line
manager); answers and submissions are not. Issuer keys are for the course builders. A CPD
entry is the person's, their organisation's coordinators' and their line managers'.

"cross" is a Riverside learner (the cast's mentor) on Northgate's shared course.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core import policies
from tandem.core.actor import ANONYMOUS
from tandem.core.tenancy import system_access
from tandem.training.models import (
    Activity,
    Answer,
    ContentPage,
    Course,
    CourseRun,
    CPDEntry,
    Credential,
    Enrolment,
    IssuerKey,
    LiveSession,
    Module,
    ModuleCompletion,
    PracticeEntry,
    Submission,
)
from tests import factories as f
from tests.training.conftest import build_course

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
WHERE = ["own", "partner", "other"]
RIVERSIDE = {"coordinator", "mentor", "mentee", "tutor", "line_manager", "trainer"}
STAFF = {"own": {"coordinator", "tutor", "trainer"}, "partner": {"partner_coordinator"}}
STAFF["other"] = {"outsider_coordinator"}
BUILDERS = {"own": {"coordinator", "trainer"}, "partner": {"partner_coordinator"}}
BUILDERS["other"] = {"outsider_coordinator"}

# --- what the rules say ------------------------------------------------------------------

SEE_PUBLISHED = {
    "own": RIVERSIDE | {"partnership_admin"},
    "partner": {"partner_coordinator", "partnership_admin"},
    "other": {"outsider_coordinator"},
}
SEE_SHARED = {
    "own": SEE_PUBLISHED["own"] | {"partner_coordinator"},
    "partner": SEE_PUBLISHED["partner"] | RIVERSIDE,
    "other": SEE_PUBLISHED["other"],
}
# The learner on each organisation's course: the cast's mentor at Riverside; people who
# are not actors elsewhere.
LEARNER = {"own": {"mentor"}, "partner": set(), "other": set(), "cross": {"mentor"}}
STAFF["cross"] = STAFF["partner"]
BUILDERS["cross"] = BUILDERS["partner"]
OWN_COORDINATORS = {
    "own": {"coordinator"},
    "partner": {"partner_coordinator"},
    "other": {"outsider_coordinator"},
    "cross": {"coordinator"},
}
LEARNING = ["own", "partner", "other", "cross"]
SEE_ENROLMENT = {w: LEARNER[w] | STAFF[w] | OWN_COORDINATORS[w] for w in LEARNING}
SEE_WORK = {w: LEARNER[w] | STAFF[w] for w in LEARNING}

# record type → (where it exists, whom it is visible to, who changes it)
EXPECTED = {
    "course_draft": (WHERE, STAFF, BUILDERS),
    "course_published": (WHERE, SEE_PUBLISHED, BUILDERS),
    "course_shared": (WHERE, SEE_SHARED, BUILDERS),
    "run": (WHERE, SEE_PUBLISHED, BUILDERS),
    "module": (WHERE, SEE_PUBLISHED, BUILDERS),
    "shared_module": (WHERE, SEE_SHARED, BUILDERS),
    "page": (WHERE, SEE_PUBLISHED, BUILDERS),
    "activity": (WHERE, SEE_PUBLISHED, BUILDERS),
    "live_session": (WHERE, SEE_PUBLISHED, BUILDERS),
    "enrolment": (LEARNING, SEE_ENROLMENT, {w: LEARNER[w] | BUILDERS[w] for w in LEARNING}),
    "completion": (LEARNING, SEE_ENROLMENT, {w: set() for w in LEARNING}),
    "practice_entry": (LEARNING, SEE_ENROLMENT, LEARNER),
    "answer": (LEARNING, SEE_WORK, LEARNER),
    "submission": (LEARNING, SEE_WORK, {w: LEARNER[w] | STAFF[w] for w in LEARNING}),
    "credential": (LEARNING, SEE_ENROLMENT, BUILDERS),
    "issuer_key": (WHERE, BUILDERS, {w: set() for w in WHERE}),
    "cpd_entry": (
        WHERE,
        {
            "own": {"mentee", "coordinator", "line_manager"},
            "partner": {"partner_coordinator"},
            "other": {"outsider_coordinator"},
        },
        {
            "own": {"mentee", "coordinator"},
            "partner": {"partner_coordinator"},
            "other": {"outsider_coordinator"},
        },
    ),
}
MODELS = {
    "course_draft": Course,
    "course_published": Course,
    "course_shared": Course,
    "run": CourseRun,
    "module": Module,
    "shared_module": Module,
    "page": ContentPage,
    "activity": Activity,
    "live_session": LiveSession,
    "enrolment": Enrolment,
    "completion": ModuleCompletion,
    "practice_entry": PracticeEntry,
    "answer": Answer,
    "submission": Submission,
    "credential": Credential,
    "issuer_key": IssuerKey,
    "cpd_entry": CPDEntry,
}


# --- the records -------------------------------------------------------------------------


def _learning_records(rec, where, world, person, organisation, key, index):
    now = timezone.now()
    enrolment = Enrolment.objects.create(
        run=world.run,
        person=person,
        organisation=organisation,
        enrolled_at=now - timedelta(days=10),
        last_active_at=now,
    )
    rec[("enrolment", where)] = enrolment
    rec[("completion", where)] = ModuleCompletion.objects.create(
        enrolment=enrolment, module=world.modules[0], completed_at=now
    )
    rec[("practice_entry", where)] = PracticeEntry.objects.create(
        enrolment=enrolment,
        on=timezone.localdate(),
        hours=Decimal("1.5"),
        description="Coached a new colleague",
    )
    rec[("answer", where)] = Answer.objects.create(
        enrolment=enrolment, activity=world.reflections[0], text="What I noticed"
    )
    rec[("submission", where)] = Submission.objects.create(
        enrolment=enrolment,
        activity=world.assignment,
        text="My assignment",
        submitted_at=now,
    )
    rec[("credential", where)] = Credential.objects.create(
        kind="badge",
        enrolment=enrolment,
        module=world.modules[0],
        course=world.course,
        recipient=person,
        issuer=world.course.organisation,
        key=key,
        name="Workbook 1 badge",
        token="header.payload.signature",
        status_index=index,
        issued_at=now,
    )


@pytest.fixture
def records(cast):
    rec = {}
    orgs = {"own": cast.riverside, "partner": cast.northgate, "other": cast.eastfield}
    keys = {}
    shared_worlds = {}
    for where, org in orgs.items():
        draft = build_course(org, title=f"{org.name} draft", status="draft", units=1)
        published = build_course(org, title=f"{org.name} course", units=1)
        shared = build_course(org, title=f"{org.name} shared course", units=1, shared=True)
        shared_worlds[where] = shared
        with system_access():
            rec[("course_draft", where)] = draft.course
            rec[("course_published", where)] = published.course
            rec[("course_shared", where)] = shared.course
            rec[("run", where)] = published.run
            rec[("module", where)] = published.modules[0]
            rec[("shared_module", where)] = shared.modules[0]
            rec[("page", where)] = published.modules[0].pages.get()
            rec[("activity", where)] = published.reflections[0]
            rec[("live_session", where)] = published.session
            keys[where] = IssuerKey.objects.create(
                organisation=org, public_key_pem="public", private_key_encrypted="secret"
            )
            rec[("issuer_key", where)] = keys[where]
            if where == "own":
                learner = cast.mentor
            else:
                learner = f.PersonFactory(given_name="Lee", family_name=f"Learner {where}")
                f.MembershipFactory(person=learner, organisation=org, role="mentor")
            _learning_records(rec, where, published, learner, org, keys[where], 1)
            owner = {"own": cast.mentee, "partner": cast.partner_mentee}.get(
                where, cast.outsider_mentee
            )
            rec[("cpd_entry", where)] = CPDEntry.objects.create(
                person=owner,
                organisation=org,
                on=timezone.localdate(),
                hours=Decimal("2"),
                activity="other",
                title="Conference",
            )
    with system_access():
        _learning_records(
            rec, "cross", shared_worlds["partner"], cast.mentor, cast.riverside, keys["partner"], 2
        )
    return rec


def actor_of(cast, name):
    return ANONYMOUS if name == "anonymous" else cast.actor(name)


CASES = [(label, where) for label, (wheres, _, _) in EXPECTED.items() for where in wheres]


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("label", "where"), CASES)
def test_see_and_change(cast, records, who, label, where):
    _, see, change = EXPECTED[label]
    actor = actor_of(cast, who)
    obj = records[(label, where)]
    assert policies.can_see(actor, obj) == (who in see[where]), "see"
    assert policies.can_change(actor, obj) == (who in change[where]), "change"


@pytest.mark.parametrize("who", [a for a in ACTORS if a != "anonymous"])
def test_lists_hold_exactly_what_the_policy_allows(cast, records, who):
    actor = cast.actor(who)
    for model in set(MODELS.values()):
        labels = [label for label, m in MODELS.items() if m is model]
        made = {
            records[(label, where)].pk
            for label in labels
            for where in EXPECTED[label][0]
            if (label, where) in records
        }
        expected = {
            records[(label, where)].pk
            for label in labels
            for where in EXPECTED[label][0]
            if who in EXPECTED[label][1][where]
        }
        seen = set(model.objects.visible_to(actor).filter(pk__in=made).values_list("pk", flat=True))
        assert seen == expected, model.__name__


def test_anonymous_sees_nothing(records):
    for model in set(MODELS.values()):
        assert not model.objects.visible_to(ANONYMOUS).exists()


# --- pages of this area answer as the policy says ----------------------------------------


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("where", WHERE)
def test_cpd_entry_pages(cast, client, records, who, where):
    entry = records[("cpd_entry", where)]
    _, see, change = EXPECTED["cpd_entry"]
    if who != "anonymous":
        client.force_login(cast.people[who].user)
    edit = client.get(reverse("training:cpd_entry_edit", args=[entry.uuid]))
    delete = client.post(reverse("training:cpd_entry_delete", args=[entry.uuid]))
    if who == "anonymous":
        assert edit.status_code == 302 and delete.status_code == 302
    elif who in change[where]:
        assert edit.status_code == 200 and delete.status_code == 302
    elif who in see[where]:
        assert edit.status_code == 403 and delete.status_code == 403
    else:
        assert edit.status_code == 404 and delete.status_code == 404
    with system_access():
        assert CPDEntry.objects.filter(pk=entry.pk).exists() == (
            who not in change[where] or who == "anonymous"
        )


STATS = {
    "own": STAFF["own"] | {"partnership_admin"},
    "partner": STAFF["partner"] | {"partnership_admin"},
    "other": STAFF["other"],
}


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("where", WHERE)
def test_statistics_pages(cast, client, records, who, where):
    course = records[("course_published", where)]
    if who != "anonymous":
        client.force_login(cast.people[who].user)
    status = client.get(reverse("training:course_statistics", args=[course.uuid])).status_code
    if who == "anonymous":
        assert status == 302
    elif who in STATS[where]:
        assert status == 200
    elif who in SEE_PUBLISHED[where]:
        assert status == 403
    else:
        assert status == 404
