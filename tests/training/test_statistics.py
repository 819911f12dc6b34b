"""Course statistics (E6): the figures, who sees them, and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.training import statistics
from tandem.training.models import (
    Activity,
    Answer,
    CourseRun,
    Credential,
    Enrolment,
    IssuerKey,
    ModuleCompletion,
    Submission,
)
from tests import factories as f
from tests.training.conftest import build_course


def learner(org, n):
    with system_access():
        person = f.PersonFactory(given_name=f"Learner{n}", family_name="Stats")
        f.MembershipFactory(person=person, organisation=org, role="mentor")
    return person


def enrol(run, person, org, *, status="active", last_active_days=None, days_ago=60):
    now = timezone.now()
    with system_access():
        return Enrolment.objects.create(
            run=run,
            person=person,
            organisation=org,
            status=status,
            enrolled_at=now - timedelta(days=days_ago),
            completed_at=now - timedelta(days=40) if status == "completed" else None,
            last_active_at=None
            if last_active_days is None
            else now - timedelta(days=last_active_days),
        )


def complete(enrolment, module, days_ago):
    with system_access():
        return ModuleCompletion.objects.create(
            enrolment=enrolment,
            module=module,
            completed_at=timezone.now() - timedelta(days=days_ago),
        )


_index = iter(range(1, 10_000))


def key_of(org):
    with system_access():
        key = IssuerKey.objects.filter(organisation=org, retired_at__isnull=True).first()
        return key or IssuerKey.objects.create(
            organisation=org, public_key_pem="dummy", private_key_encrypted="dummy"
        )


def badge(enrolment, module, *, revoked=False):
    with system_access():
        course = enrolment.run.course
        return Credential.objects.create(
            kind="badge",
            enrolment=enrolment,
            module=module,
            course=course,
            recipient=enrolment.person,
            issuer=course.organisation,
            key=key_of(course.organisation),
            name=f"{module.title} badge",
            token="header.payload.signature",
            status_index=next(_index),
            issued_at=timezone.now(),
            revoked_at=timezone.now() if revoked else None,
            revoked_reason="Issued in error" if revoked else "",
        )


@pytest.fixture
def world(cast, course_world):
    """Autumn run: 5 learners; Spring run: 1 learner; a third run with nobody yet."""
    org = cast.riverside
    w = course_world
    today = timezone.localdate()
    with system_access():
        spring = CourseRun.objects.create(
            course=w.course,
            name="Spring run",
            enrolment_opens_on=today - timedelta(days=200),
            starts_on=today - timedelta(days=200),
        )
        CourseRun.objects.create(
            course=w.course,
            name="Summer run",
            enrolment_opens_on=today + timedelta(days=100),
            starts_on=today + timedelta(days=100),
        )
    m = w.modules
    people = [learner(org, n) for n in range(6)]
    done = enrol(w.run, people[0], org, status="completed")
    for module in m:
        complete(done, module, days_ago=45)
    badge(done, m[0])
    badge(done, m[1])
    badge(done, m[2], revoked=True)
    opened = enrol(w.run, people[1], org, last_active_days=2)
    complete(opened, m[0], days_ago=50)
    badge(opened, m[0])
    answered = enrol(w.run, people[2], org)  # active through an answer saved now
    with system_access():
        Answer.objects.create(enrolment=answered, activity=w.reflections[0], text="Thoughts")
    enrol(w.run, people[3], org, status="withdrawn", last_active_days=1)
    idle = enrol(w.run, people[4], org, last_active_days=60)
    with system_access():
        Submission.objects.create(
            enrolment=idle,
            activity=w.assignment,
            text="Old work",
            submitted_at=timezone.now() - timedelta(days=90),
        )
    recent = enrol(spring, people[5], org)
    complete(recent, m[0], days_ago=3)
    complete(recent, m[1], days_ago=100)
    w.spring = spring
    return w


def test_figures_per_run_and_for_the_course(cast, world):
    stats = statistics.course_statistics(cast.actor("trainer"), world.course)
    by_run = {f.run.name: f for f in stats.runs}
    autumn = by_run["Autumn run"]
    assert (
        autumn.registrations,
        autumn.active,
        autumn.units_completed,
        autumn.badges,
        autumn.completions,
    ) == (5, 2, 6, 3, 1)
    assert autumn.completion_rate == Decimal("20.0")
    spring = by_run["Spring run"]
    assert (spring.registrations, spring.active, spring.units_completed, spring.badges) == (
        1,
        1,
        2,
        0,
    )
    assert spring.completion_rate == Decimal("0.0")
    summer = by_run["Summer run"]
    assert summer.registrations == 0 and summer.completion_rate is None
    total = stats.total
    assert (total.registrations, total.active, total.units_completed, total.badges) == (6, 3, 8, 3)
    assert total.completions == 1
    assert total.completion_rate == Decimal("16.7")  # 1 of 6, to one decimal place
    assert [u.completed for u in stats.units] == [3, 2, 1, 1, 1]
    assert [u.bar for u in stats.units] == [100, 67, 33, 33, 33]
    assert stats.units[0].of_registrations == Decimal("50.0")


def test_focus_on_a_run(cast, world):
    stats = statistics.course_statistics(
        cast.actor("trainer"), world.course, run_uuid=world.spring.uuid
    )
    assert stats.focus.run == world.spring
    assert stats.shown.registrations == 1
    assert [u.completed for u in stats.units] == [1, 1, 0, 0, 0]
    assert len(stats.runs) == 3  # the table still lists every run


def test_the_page(cast, login, world):
    url = reverse("training:course_statistics", args=[world.course.uuid])
    response = login(cast.trainer).get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Figures per run" in text and "Autumn run" in text and "16.7%" in text
    assert statistics.ACTIVE_DEFINITION in text
    assert 'role="img"' in text and '<title id="units-chart-title">' in text
    assert "Units completed per unit (the chart's data)" in text
    assert f"?run={world.spring.uuid}" in text
    # No learner's name appears: figures only.
    assert "Learner0" not in text
    focused = login(cast.trainer).get(f"{url}?run={world.spring.uuid}")
    assert focused.status_code == 200
    assert "Course statistics: Spring run" in focused.content.decode()


def test_a_run_of_another_course_or_nonsense_is_not_found(cast, login, world):
    other = build_course(cast.riverside, title="Another course")
    url = reverse("training:course_statistics", args=[world.course.uuid])
    client = login(cast.trainer)
    assert client.get(f"{url}?run={other.run.uuid}").status_code == 404
    assert client.get(f"{url}?run=not-a-uuid").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("trainer", 200),
        ("tutor", 200),
        ("coordinator", 200),
        ("partnership_admin", 200),
        ("mentor", 403),  # sees the published course, not its figures
        ("mentee", 403),
        ("line_manager", 403),
        ("partner_coordinator", 404),  # not shared with the partnership
        ("outsider_coordinator", 404),
        ("stranger", 404),
    ],
)
def test_who_sees_the_statistics(cast, login, world, who, status):
    url = reverse("training:course_statistics", args=[world.course.uuid])
    assert login(cast.people[who]).get(url).status_code == status


def test_a_shared_course_is_still_not_the_partners_to_count(cast, login, world):
    with system_access():
        world.course.shared_with_partnerships = True
        world.course.save()
    url = reverse("training:course_statistics", args=[world.course.uuid])
    assert login(cast.partner_coordinator).get(url).status_code == 403


def test_signed_out(client, world):
    url = reverse("training:course_statistics", args=[world.course.uuid])
    assert client.get(url).status_code == 302


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_fixed_number_of_queries_whatever_the_size(cast, login, world):
    client = login(cast.trainer)
    small = build_course(cast.riverside, title="Small course", units=1)
    learner_one = learner(cast.riverside, 100)
    complete(enrol(small.run, learner_one, cast.riverside), small.modules[0], 1)
    small_count = _queries(client, reverse("training:course_statistics", args=[small.course.uuid]))
    # The big one: three runs, five units, more learners, completions and badges.
    for n in range(200, 230):
        person = learner(cast.riverside, n)
        e = enrol(world.spring, person, cast.riverside, last_active_days=n % 40)
        for module in world.modules[: n % 5]:
            complete(e, module, n % 50)
        if n % 3 == 0:
            badge(e, world.modules[0])
    big_url = reverse("training:course_statistics", args=[world.course.uuid])
    assert _queries(client, big_url) == small_count
    assert _queries(client, f"{big_url}?run={world.spring.uuid}") == small_count


def test_the_aggregates_themselves_are_five_queries(cast, world, django_assert_num_queries):
    actor = cast.actor("trainer")
    actor.coordinator_of  # noqa: B018  (resolve the actor's cached roles first)
    with django_assert_num_queries(5):
        statistics.course_statistics(actor, world.course)


def test_answers_alone_do_not_make_a_finished_learner_active(cast, world):
    """Completed and withdrawn enrolments are never counted as active."""
    with system_access():
        enrolment = Enrolment.objects.get(status="completed")
        Answer.objects.create(
            enrolment=enrolment,
            activity=Activity.objects.filter(module=world.modules[1]).first(),
            text="Still writing",
        )
    stats = statistics.course_statistics(cast.actor("trainer"), world.course)
    assert stats.total.active == 3


# --- the API -----------------------------------------------------------------------------


def _api(cast, name):
    from django.test import Client

    from tandem.api import services
    from tests.api.conftest import ApiClient

    _, raw = services.create_token(cast.actor(name), name=f"{name} token")
    return ApiClient(Client(), raw)


def test_statistics_in_the_api(cast, world):
    path = f"/courses/{world.course.uuid}/statistics"
    response = _api(cast, "trainer").get(path)
    assert response.status_code == 200
    body = response.json()
    assert body["total"]["registrations"] == 6
    assert body["total"]["completion_rate"] == "16.7"
    # Newest first, like the run list.
    assert [r["run"]["name"] for r in body["runs"]] == ["Summer run", "Autumn run", "Spring run"]
    assert [u["completed"] for u in body["units"]] == [3, 2, 1, 1, 1]
    focused = _api(cast, "partnership_admin").get(path, run=str(world.spring.uuid)).json()
    assert focused["focus"]["registrations"] == 1
    assert _api(cast, "mentee").get(path).status_code == 403
    assert _api(cast, "outsider_coordinator").get(path).status_code == 404
