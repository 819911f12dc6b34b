"""The learning API: same services and policy as the pages; errors named by field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.training import learning
from tandem.training.models import Enrolment, Submission
from tests.api.conftest import api_as, field_errors  # noqa: F401  (fixture)
from tests.training.test_learning_services import PDF, count, no_credentials, update_run


@pytest.fixture
def world(course_world):
    return no_credentials(course_world)


def test_enrol_list_and_progress(cast, world, api_as):  # noqa: F811
    api = api_as("mentor")
    created = api.post(f"/course-runs/{world.run.uuid}/enrolments")
    assert created.status_code == 201, created.content
    uuid = created.json()["uuid"]
    again = api.post(f"/course-runs/{world.run.uuid}/enrolments")
    assert again.status_code == 200 and again.json()["uuid"] == uuid
    listed = api.get("/enrolments").json()
    assert listed["count"] == 1 and listed["items"][0]["organisation"]["name"] == (
        "Riverside College"
    )
    detail = api.get(f"/enrolments/{uuid}").json()
    assert detail["progress"]["units_total"] == 5
    assert [u["state"] for u in detail["units"]] == ["open"] * 5
    assert api_as("mentee").get(f"/enrolments/{uuid}").status_code == 404
    assert api_as("line_manager").get(f"/enrolments/{uuid}").status_code == 404
    assert api_as("trainer").get(f"/enrolments/{uuid}").status_code == 200
    assert api_as("mentee").get("/enrolments").json()["count"] == 0


def test_enrol_closed_run_is_422_on_run(cast, world, api_as):  # noqa: F811
    closed = timezone.localdate() - timedelta(days=1)
    update_run(world.run, enrolment_closes_on=closed)
    response = api_as("mentor").post(f"/course-runs/{world.run.uuid}/enrolments")
    assert response.status_code == 422
    assert field_errors(response) == {
        "run": [f"Enrolment for Autumn run closed on {closed.day} {closed:%B %Y}"]
    }
    assert count(Enrolment) == 0
    assert api_as("outsider_mentee").post(
        f"/course-runs/{world.run.uuid}/enrolments"
    ).status_code == (404)


def test_answer_complete_submit_assess(cast, world, api_as):  # noqa: F811
    learner, trainer = api_as("mentor"), api_as("trainer")
    uuid = learner.post(f"/course-runs/{world.run.uuid}/enrolments").json()["uuid"]
    unit = world.modules[0].uuid
    refused = learner.post(f"/enrolments/{uuid}/units/{unit}/complete")
    assert refused.status_code == 422
    assert field_errors(refused) == {"module": ["Answer the reflective question ‘Reflection 1’"]}
    put = learner.put(
        f"/enrolments/{uuid}/answers/{world.reflections[0].uuid}", {"text": "I noticed"}
    )
    assert put.status_code == 200 and put.json()["text"] == "I noticed"
    assert (
        trainer.put(
            f"/enrolments/{uuid}/answers/{world.reflections[0].uuid}", {"text": "x"}
        ).status_code
        == 403
    )
    done = learner.post(f"/enrolments/{uuid}/units/{unit}/complete")
    assert done.status_code == 200 and done.json()["already_completed"] is False
    again = learner.post(f"/enrolments/{uuid}/units/{unit}/complete").json()
    assert again["already_completed"] is True

    bad = learner.post(
        f"/enrolments/{uuid}/submissions", {"activity": str(world.project.uuid), "sections": {}}
    )
    assert bad.status_code == 422 and "section_rationale" in field_errors(bad)
    sub = learner.post(
        f"/enrolments/{uuid}/submissions",
        {"activity": str(world.assignment.uuid), "text": "My essay"},
    )
    assert sub.status_code == 201, sub.content
    sub_uuid = sub.json()["uuid"]
    assert trainer.get("/assessments").json()["count"] == 1
    assert api_as("mentee").get(f"/submissions/{sub_uuid}").status_code == 404
    assert api_as("line_manager").get(f"/submissions/{sub_uuid}").status_code == 404
    own = learner.post(f"/submissions/{sub_uuid}/assessment", {"outcome": "met"})
    assert own.status_code == 403
    missing = trainer.post(f"/submissions/{sub_uuid}/assessment", {"outcome": "not_yet_met"})
    assert missing.status_code == 422 and "feedback" in field_errors(missing)
    assessed = trainer.post(
        f"/submissions/{sub_uuid}/assessment", {"outcome": "not_yet_met", "feedback": "More"}
    )
    assert assessed.status_code == 200 and assessed.json()["outcome"] == "not_yet_met"
    changed = trainer.post(f"/submissions/{sub_uuid}/assessment", {"outcome": "met"})
    assert changed.status_code == 422 and "outcome" in field_errors(changed)
    second = learner.post(
        f"/enrolments/{uuid}/submissions",
        {"activity": str(world.assignment.uuid), "text": "Better"},
    )
    assert second.json()["attempt"] == 2


def test_submission_with_file(settings, tmp_path, cast, world, api_as):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    api = api_as("mentor")
    uuid = api.post(f"/course-runs/{world.run.uuid}/enrolments").json()["uuid"]
    url = f"/api/v1/enrolments/{uuid}/submissions/with-file"
    headers = api._headers()
    wrong = api.client.post(
        url,
        {"activity": str(world.assignment.uuid), "file": SimpleUploadedFile("a.exe", b"MZ")},
        **headers,
    )
    assert wrong.status_code == 422 and "file" in field_errors(wrong)
    assert count(Submission) == 0
    ok = api.client.post(
        url,
        {
            "activity": str(world.assignment.uuid),
            "file": SimpleUploadedFile("essay.pdf", PDF),
            "text": "Attached",
        },
        **headers,
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["file_name"] == "essay.pdf"


def test_practice_entries(cast, world, api_as):  # noqa: F811
    api = api_as("mentor")
    uuid = api.post(f"/course-runs/{world.run.uuid}/enrolments").json()["uuid"]
    today = timezone.localdate().isoformat()
    bad = api.post(
        f"/enrolments/{uuid}/practice-entries", {"on": today, "hours": 30, "description": "x"}
    )
    assert bad.status_code == 422 and "hours" in field_errors(bad)
    made = api.post(
        f"/enrolments/{uuid}/practice-entries",
        {"on": today, "hours": "1.5", "description": "Meeting"},
    )
    assert made.status_code == 201
    practice = api.get(f"/enrolments/{uuid}/practice").json()
    assert float(practice["practice_hours"]) == 1.5 and len(practice["rows"]) == 1
    assert api_as("trainer").post(
        f"/enrolments/{uuid}/practice-entries",
        {"on": today, "hours": 1, "description": "Not theirs"},
    ).status_code == (403)
    assert api_as("trainer").delete(f"/practice-entries/{made.json()['uuid']}").status_code == 403
    assert api.delete(f"/practice-entries/{made.json()['uuid']}").status_code == 204


def test_withdraw(cast, world, api_as):  # noqa: F811
    enrolment = learning.enrol(cast.actor("mentor"), world.run)
    assert api_as("mentee").post(f"/enrolments/{enrolment.uuid}/withdraw").status_code == 404
    response = api_as("mentor").post(f"/enrolments/{enrolment.uuid}/withdraw")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    with system_access():
        assert Enrolment.objects.get().status == "withdrawn"
