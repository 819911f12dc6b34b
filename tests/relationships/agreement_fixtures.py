"""Records for the agreement tests: a programme with rules, an active mentorship, versions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.programmes.models import Programme
from tandem.relationships import agreements
from tandem.relationships.demo import create_active
from tandem.relationships.models import AgreementVersion
from tests.relationships.conftest import mentor_profile

RULES = {
    "purpose": "itt_in_service",
    "contact_rules": [
        {"period": "half_term", "kind": "discussion", "minimum": 3, "periods": [], "label": ""},
        {"period": "half_term", "kind": "observation", "minimum": 1, "periods": [], "label": ""},
    ],
    "required_documents": ["agreement", "skills_audit", "development_plan"],
    "report_schedule": [
        {"name": "Initial review", "due": "11-30", "recipients": ["tutor"]},
        {"name": "January report", "due": "01-31", "recipients": ["tutor", "coordinator"]},
    ],
    "mentor_hours_per_mentee": 20,
    "remission_hours_per_mentee": 10,
    "observation_policy": "formative_only",
}


def objectives(n: int = 3) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "what": f"Objective number {i}: plan differentiated starters",
            "measure": "Seen in two observed sessions",
            "by": today + timedelta(days=30 * i),
        }
        for i in range(1, n + 1)
    ]


def fresh(version: AgreementVersion) -> AgreementVersion:
    with system_access():
        return AgreementVersion.objects.get(pk=version.pk)


@pytest.fixture
def itt_programme(cast: Any) -> Programme:
    with system_access():
        return Programme.objects.create(
            organisation=cast.riverside, name="Certificate in Education", **RULES
        )


@pytest.fixture
def mentorship(cast: Any, itt_programme: Programme) -> Any:
    mentor_profile(cast.mentor, cast.riverside)
    return create_active(cast.mentee, cast.mentor, itt_programme, cast.riverside)


@pytest.fixture
def draft(cast: Any, mentorship: Any) -> AgreementVersion:
    agreement = agreements.start_agreement(cast.actor("coordinator"), mentorship)
    return agreement.versions.get()


@pytest.fixture
def awaiting(cast: Any, draft: AgreementVersion) -> AgreementVersion:
    version = agreements.edit_draft(
        cast.actor("mentor"), draft, expected_version=draft.edit_version, objectives=objectives()
    )
    return agreements.send_for_signature(cast.actor("mentor"), version)


def sign_as(cast: Any, name: str, version: AgreementVersion) -> Any:
    person = cast.people[name]
    return agreements.sign(
        cast.actor(name), fresh(version), typed_name=str(person), text_hash=version.text_hash
    )


@pytest.fixture
def signed(cast: Any, awaiting: AgreementVersion) -> AgreementVersion:
    for name in ("mentee", "mentor", "coordinator"):
        sign_as(cast, name, awaiting)
    return fresh(awaiting)
