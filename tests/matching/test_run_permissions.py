"""Matching runs and proposals as a permission matrix: actor × place × (see, change).

Runs and their proposals are programme staff records of the organisation that
matched: only its coordinators see or change them — not tutors, mentors, line
managers, partner organisations or partnership administrators.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from tandem.core import policies
from tandem.core.actor import ANONYMOUS
from tandem.core.roles import Confidentiality
from tandem.core.tenancy import access_object, system_access
from tandem.matching.models import MatchRun, MentoringRequest, Proposal, RunStatus
from tandem.mentors.models import Subject
from tests.matching.test_run_world import make_cohort

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
SEE = {
    "own": {"coordinator"},
    "partner": {"partner_coordinator"},
    "other": {"outsider_coordinator"},
}
CHANGE = SEE
MODELS = {"matchrun": MatchRun, "proposal": Proposal}


@pytest.fixture
def world(cast):
    rec = {}
    with system_access():
        plumbing = Subject.objects.get(name="Plumbing")
        for where, org, mentee in (
            ("own", cast.riverside, cast.mentee),
            ("partner", cast.northgate, cast.partner_mentee),
            ("other", cast.eastfield, cast.outsider_mentee),
        ):
            programme, cohort = make_cohort(org)
            request = MentoringRequest.objects.create(
                organisation=org,
                mentee=mentee,
                programme=programme,
                cohort=cohort,
                subject=plumbing,
                development_needs="Behaviour management",
            )
            run = MatchRun.objects.create(
                organisation=org, cohort=cohort, status=RunStatus.READY, mentees=1
            )
            rec[("matchrun", where)] = run
            rec[("proposal", where)] = Proposal.objects.create(
                run=run, request=request, unmatched_reason="No mentor yet"
            )
    return rec


def actor_for(cast, name):
    return ANONYMOUS if name == "anonymous" else cast.actor(name)


def test_runs_and_proposals_have_rules_and_levels():
    for model in MODELS.values():
        assert policies.LEVELS[model._meta.label_lower] == Confidentiality.PROGRAMME


@pytest.mark.parametrize("actor_name", ACTORS)
def test_see_and_change_matrix(cast, world, actor_name):
    actor = actor_for(cast, actor_name)
    problems = []
    for (kind, where), obj in world.items():
        model = MODELS[kind]
        seen = model.objects.visible_to(actor).filter(pk=obj.pk).exists()
        if seen != (actor_name in SEE[where]):
            problems.append(f"see {kind}/{where}: got {seen}")
        if policies.can_change(actor, obj) != (actor_name in CHANGE[where]):
            problems.append(f"change {kind}/{where}")
        try:
            access_object(actor, model, obj.uuid, for_write=True)
            outcome = "ok"
        except Http404:
            outcome = "404"
        except PermissionDenied:
            outcome = "403"
        want = "ok" if actor_name in CHANGE[where] else "404"
        if outcome != want:
            problems.append(f"access {kind}/{where}: got {outcome}, want {want}")
    assert not problems, f"{actor_name}: " + "; ".join(problems)


@pytest.mark.parametrize("actor_name", ACTORS)
def test_page_matrix(cast, world, client, actor_name):
    if actor_name != "anonymous":
        client.force_login(cast.people[actor_name].user)
    problems = []
    for where in ("own", "partner", "other"):
        run = world[("matchrun", where)]
        response = client.get(reverse("matching:run_detail", args=[run.uuid]))
        visible = 200 if actor_name in SEE[where] else 404
        want = 302 if actor_name == "anonymous" else visible
        if response.status_code != want:
            problems.append(f"run {where}: {response.status_code}, want {want}")
    assert not problems, f"{actor_name}: " + "; ".join(problems)


def test_platform_admin_reads_runs_and_requests_others_see_nothing(cast, world, client):
    from tests import factories as f

    root = f.UserFactory(
        username="root@tandem.example", email="root@tandem.example", is_superuser=True
    )
    root.is_staff = True
    root.save()
    client.force_login(root)
    run = world[("matchrun", "own")]
    request = world[("proposal", "own")].request
    for url in (
        reverse("admin:matching_matchrun_changelist"),
        reverse("admin:matching_matchrun_change", args=[run.pk]),
        reverse("admin:matching_mentoringrequest_changelist"),
        reverse("admin:matching_mentoringrequest_change", args=[request.pk]),
    ):
        assert client.get(url).status_code == 200, url
    staff = cast.coordinator.user
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:matching_matchrun_changelist")).status_code == 403
