"""Records for the development plan and observation tests (import the fixtures you use)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.core.roles import Role
from tandem.core.tenancy import system_access
from tandem.programmes.models import ObservationPolicy, Programme
from tandem.relationships.demo import create_active
from tandem.relationships.models import (
    Judgement,
    Mentorship,
    Observation,
    ObservationPurpose,
    ObservationStatus,
)
from tests.relationships.conftest import mentor_profile, new_person


def make_mentorship(cast: Any, where: str = "own", *, policy: str = "") -> Mentorship:
    """An active mentorship run by Riverside (own), Northgate (partner) or Eastfield (other)."""
    org, mentee = {
        "own": (cast.riverside, cast.mentee),
        "partner": (cast.northgate, cast.partner_mentee),
        "other": (cast.eastfield, cast.outsider_mentee),
    }[where]
    with system_access():
        programme = Programme.objects.create(
            organisation=org,
            name=f"{org.name} induction {policy}".strip(),
            purpose="induction",
            observation_policy=policy or ObservationPolicy.FORMATIVE_ONLY,
        )
    mentor = cast.mentor if where == "own" else new_person(org, Role.MENTOR, "Mo", where.title())
    mentor_profile(mentor, org)
    return create_active(mentee, mentor, programme, org)


def held_observation(
    mentorship: Mentorship,
    *,
    purpose: str = ObservationPurpose.FORMATIVE,
    joint: Any = None,
    mentee_observes: bool = False,
    days_ago: int = 1,
) -> Observation:
    """An observation planned in advance that has now taken place (not yet recorded)."""
    now = timezone.now()
    observer, observed = mentorship.mentor, mentorship.mentee
    if mentee_observes:
        observer, observed = observed, observer
    with system_access():
        return Observation.objects.create(
            mentorship=mentorship,
            observer=observer,
            observed=observed,
            joint_observer=joint,
            purpose=purpose,
            purpose_declared_at=now - timedelta(days=days_ago + 7),
            scheduled_for=now - timedelta(days=days_ago),
            session="Level 3 Business: marketing mix",
        )


def recorded_observation(mentorship: Mentorship, *, joint: Any = None, targets: Any = None) -> Any:
    """A held observation with the observer's judgement (two targets unless told)."""
    observation = held_observation(mentorship, joint=joint)
    with system_access():
        Judgement.objects.create(
            observation=observation,
            judge=observation.observer,
            strengths="Clear routines",
            areas_to_develop="Questioning",
            targets=[
                {"text": t, "objective": None}
                for t in (targets or ["Ask open questions", "Check learning before moving on"])
            ],
        )
        observation.status = ObservationStatus.RECORDED
        observation.save()
    return observation


@pytest.fixture
def mentorship(cast: Any) -> Mentorship:
    return make_mentorship(cast)


@pytest.fixture
def assessing(cast: Any) -> Mentorship:
    """A mentorship whose programme lets mentor observations count towards assessment."""
    return make_mentorship(cast, policy=ObservationPolicy.MAY_ASSESS)
