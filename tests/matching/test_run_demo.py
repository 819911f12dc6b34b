"""The demonstration run: one cohort matched and left ready to review, idempotently."""

from __future__ import annotations

from tandem.core.tenancy import system_access
from tandem.matching.models import MatchRun, RunStatus
from tandem.matching.run_demo import seed_runs
from tests.matching.test_run_world import build_world


def test_seed_runs_matches_one_cohort_once(cast):
    assert seed_runs() is None  # no cohort has anyone waiting yet
    world = build_world(cast)
    run = seed_runs()
    assert run is not None and run.cohort == world.cohort
    assert run.status == RunStatus.READY and run.published_at is None
    assert run.proposals.count() == 4 and run.matched == 3
    assert run.created_by == cast.coordinator
    assert seed_runs() == run
    with system_access():
        assert MatchRun.objects.count() == 1
