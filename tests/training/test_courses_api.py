"""The courses API: same services and policy as the pages; errors name their field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.training.models import CourseStatus
from tests.api import conftest as api_fixtures
from tests.api.conftest import field_errors
from tests.training.conftest import build_course

api_as = api_fixtures.api_as  # the fixture, shared with the API tests

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_courses_listed_by_visibility(cast, api_as):
    published = build_course(cast.riverside, title="Published")
    build_course(cast.riverside, title="Draft", status=CourseStatus.DRAFT)
    build_course(cast.northgate, title="Shared by Northgate", shared=True)
    titles = lambda who: {c["title"] for c in api_as(who).get("/courses").json()["items"]}  # noqa: E731
    assert titles("mentor") == {"Published", "Shared by Northgate"}
    assert titles("trainer") == {"Published", "Draft", "Shared by Northgate"}
    assert titles("outsider_mentee") == set()
    body = api_as("mentor").get(f"/courses/{published.course.uuid}").json()
    assert body["credits"] == 10 and body["validating_body"] == "University of Warwick"
    units = api_as("mentor").get(f"/courses/{published.course.uuid}/units").json()
    assert [u["title"] for u in units["items"]] == [f"Workbook {i}" for i in range(1, 6)]
    assert api_as("outsider_mentee").get(f"/courses/{published.course.uuid}").status_code == 404
    assert api_as(None).get("/courses").status_code == 401


def test_building_a_course_through_the_api(cast, api_as):
    api = api_as("trainer")
    response = api.post(
        f"/organisations/{cast.riverside.uuid}/courses",
        {"title": "Coaching", "glh": 6, "description_html": '<p onclick="x()">Hi</p>'},
    )
    assert response.status_code == 201, response.json()
    course = response.json()
    assert course["status"] == "draft" and course["description_html"] == "<p>Hi</p>"
    assert "onclick" in course["cleaning_note"]
    uuid = course["uuid"]

    response = api.post(f"/courses/{uuid}/publish")
    assert response.status_code == 422
    assert len(field_errors(response)[None]) == 2

    unit = api.post(f"/courses/{uuid}/units", {"title": "Listening", "kind": "segment"}).json()
    page = api.post(
        f"/units/{unit['uuid']}/pages",
        {"title": "Read", "body_html": "<script>x</script><p>Text</p>"},
    ).json()
    assert page["body_html"] == "<p>Text</p>" and page["attachment_url"] is None
    activity = api.post(
        f"/units/{unit['uuid']}/activities",
        {"kind": "reflection", "title": "Think", "prompt": "Why?"},
    )
    assert activity.status_code == 201
    today = timezone.localdate()
    response = api.post(
        f"/courses/{uuid}/runs",
        {
            "name": "Spring",
            "enrolment_opens_on": str(today),
            "enrolment_closes_on": str(today - timedelta(days=1)),
            "starts_on": str(today),
        },
    )
    assert response.status_code == 422
    assert "enrolment_closes_on" in field_errors(response)
    run = api.post(
        f"/courses/{uuid}/runs",
        {"name": "Spring", "enrolment_opens_on": str(today), "starts_on": str(today), "places": 5},
    ).json()
    assert run["places_left"] == 5
    session = api.post(
        f"/runs/{run['uuid']}/live-sessions",
        {"title": "Welcome", "starts_at": "2030-01-07T14:30:00+00:00", "unit": unit["uuid"]},
    )
    assert session.status_code == 201, session.json()
    assert session.json()["unit"]["uuid"] == unit["uuid"]
    response = api.patch(
        f"/live-sessions/{session.json()['uuid']}", {"recording_url": "https://v.example.org/1"}
    )
    assert response.json()["recording_url"] == "https://v.example.org/1"
    published = api.post(f"/courses/{uuid}/publish").json()
    assert published["status"] == "published" and published["version"] == 2

    response = api.patch(f"/courses/{uuid}", {"version": 1, "summary": "Late"})
    assert response.status_code == 422
    assert "Someone else saved" in field_errors(response)[None][0]
    response = api.patch(f"/courses/{uuid}", {"version": 2, "minimum_units": None, "glh": None})
    assert response.status_code == 422 and list(field_errors(response)) == ["glh"]


def test_page_attachment_upload_refuses_wrong_files(cast, api_as, course_world):
    page = course_world.modules[0].pages.get()
    api = api_as("trainer")
    response = api.client.post(
        f"/api/v1/pages/{page.uuid}/attachment",
        {"attachment": SimpleUploadedFile("virus.exe", b"MZ\x90")},
        **api._headers(),
    )
    assert response.status_code == 422
    assert "not an allowed kind of file" in field_errors(response)["attachment"][0]
    response = api.client.post(
        f"/api/v1/pages/{page.uuid}/attachment",
        {"attachment": SimpleUploadedFile("reading.pdf", PDF)},
        **api._headers(),
    )
    assert response.status_code == 200
    assert response.json()["attachment_name"] == "reading.pdf"
    assert response.json()["attachment_url"].endswith(f"/training/pages/{page.uuid}/file/")


def test_who_may_change_through_the_api(cast, api_as, course_world):
    uuid = course_world.course.uuid
    assert api_as("mentor").patch(f"/courses/{uuid}", {"version": 1}).status_code == 403
    assert api_as("mentor").post(f"/courses/{uuid}/units", {"title": "X"}).status_code == 403
    assert api_as("outsider_coordinator").patch(f"/courses/{uuid}", {"version": 1}).status_code == (
        404
    )
    unit = course_world.modules[0]
    assert api_as("mentor").get(f"/units/{unit.uuid}/pages").status_code == 403
    assert api_as("tutor").get(f"/units/{unit.uuid}/pages").status_code == 200
    assert api_as("mentor").delete(f"/units/{unit.uuid}").status_code == 403
    response = api_as("trainer").post(f"/units/{unit.uuid}/move", {"direction": "sideways"})
    assert response.status_code == 422
    response = api_as("trainer").post(f"/units/{unit.uuid}/move", {"direction": "down"})
    assert [u["title"] for u in response.json()][:2] == ["Workbook 2", "Workbook 1"]
    assert api_as("trainer").delete(f"/activities/{course_world.assignment.uuid}").status_code == (
        204
    )


def test_live_session_links_are_for_staff_and_the_runs_learners(cast, course_world, api_as):
    """Anyone who could see the course used to get the joining link and the recording."""
    from django.utils import timezone

    from tandem.core.tenancy import system_access
    from tandem.training.models import Enrolment, LiveSession

    with system_access():
        LiveSession.objects.filter(pk=course_world.session.pk).update(
            recording_url="https://video.example.org/welcome"
        )
    run_sessions = f"/runs/{course_world.run.uuid}/live-sessions"
    one = f"/live-sessions/{course_world.session.uuid}"

    def links(who):
        listed = api_as(who).get(run_sessions).json()["items"][0]
        single = api_as(who).get(one).json()
        assert (listed["joining_url"], listed["recording_url"]) == (
            single["joining_url"],
            single["recording_url"],
        )
        return listed["joining_url"], listed["recording_url"]

    shown = ("https://meet.example.org/welcome", "https://video.example.org/welcome")
    assert links("trainer") == shown
    assert links("mentor") == ("", "")  # sees the course, not on the run
    with system_access():
        enrolment = Enrolment.objects.create(
            run=course_world.run,
            person=cast.mentor,
            organisation=cast.riverside,
            enrolled_at=timezone.now(),
        )
    assert links("mentor") == shown
    with system_access():
        Enrolment.objects.filter(pk=enrolment.pk).update(status="withdrawn")
    assert links("mentor") == ("", "")


def test_minimum_units_out_of_range_is_a_422_naming_the_field(cast, api_as):
    response = api_as("trainer").post(
        f"/organisations/{cast.riverside.uuid}/courses",
        {"title": "API course", "minimum_units": 40000},
    )
    assert response.status_code == 422
    assert "minimum_units" in field_errors(response)
