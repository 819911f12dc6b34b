"""Private notes are for the pair alone: absent from every page and API answer of anyone else.

Coordinators, tutors, line managers, partnership administrators, superusers and
strangers — none of them gets the note's text in HTML or JSON.
"""

from __future__ import annotations

import pytest

from tandem.core.tenancy import system_access
from tandem.relationships.models import PrivateNote
from tests import factories as f
from tests.relationships.conftest import api_as  # noqa: F401  (fixture)
from tests.relationships.meeting_fixtures import (  # noqa: F401  (fixtures)
    NOTE_TEXT,
    induction,
    meeting,
    noted_meeting,
    pair,
)

OUTSIDERS = [
    "coordinator",
    "tutor",
    "line_manager",
    "partnership_admin",
    "partner_coordinator",
    "outsider_coordinator",
    "trainer",
    "stranger",
    "superuser",
]


@pytest.fixture
def superuser(cast):
    with system_access():
        person = f.person_with_account("root@tandem.example", "Ada", "Root")
        person.user.is_superuser = True
        person.user.is_staff = True
        person.user.save()
    cast.people["superuser"] = person
    return person


def _pages(m):
    mentorship = m.mentorship
    return [
        f"/meetings/{m.uuid}/",
        f"/mentorships/{mentorship.uuid}/meetings/",
        f"/mentorships/{mentorship.uuid}/time/",
        f"/mentorships/{mentorship.uuid}/",
    ]


@pytest.mark.parametrize("name", OUTSIDERS)
def test_note_text_absent_from_pages(client, cast, noted_meeting, superuser, name):  # noqa: F811
    client.force_login(cast.people[name].user)
    for path in _pages(noted_meeting):
        response = client.get(path)
        assert response.status_code in (200, 302, 403, 404), path
        assert NOTE_TEXT not in response.content.decode(), path
    # Posting a note is refused as if the notes did not exist.
    response = client.post(f"/meetings/{noted_meeting.uuid}/private-notes/", {"text": "hello"})
    assert response.status_code in (302, 404)  # 302: asked to set up two-factor first
    with system_access():
        assert PrivateNote.objects.count() == 1


@pytest.mark.parametrize("name", OUTSIDERS)
def test_note_text_absent_from_api(cast, noted_meeting, superuser, api_as, name):  # noqa: F811
    if name == "superuser":
        from django.test import Client

        from tandem.api import services
        from tests.api.conftest import ApiClient

        _, raw = services.create_token(cast.actor("superuser"), name="root")
        api = ApiClient(Client(), raw)
    else:
        api = api_as(name)
    notes = api.get(f"/meetings/{noted_meeting.uuid}/private-notes")
    assert notes.status_code == 404
    assert NOTE_TEXT not in notes.content.decode()
    assert (
        api.post(f"/meetings/{noted_meeting.uuid}/private-notes", {"text": "x"}).status_code == 404
    )
    for path in (
        f"/meetings/{noted_meeting.uuid}",
        f"/mentorships/{noted_meeting.mentorship.uuid}/meetings",
        f"/mentorships/{noted_meeting.mentorship.uuid}/time",
    ):
        response = api.get(path)
        assert NOTE_TEXT not in response.content.decode(), path


@pytest.mark.parametrize("name", ["mentor", "mentee"])
def test_the_pair_reads_the_note(client, cast, noted_meeting, api_as, name):  # noqa: F811
    client.force_login(cast.people[name].user)
    page = client.get(f"/meetings/{noted_meeting.uuid}/").content.decode()
    assert NOTE_TEXT in page
    response = api_as(name).get(f"/meetings/{noted_meeting.uuid}/private-notes")
    assert response.status_code == 200
    assert [n["text"] for n in response.json()["items"]] == [NOTE_TEXT]


def test_the_pair_adds_a_note_on_the_page(client, cast, meeting):  # noqa: F811
    client.force_login(cast.mentor.user)
    response = client.post(f"/meetings/{meeting.uuid}/private-notes/", {"text": ""})
    assert response.status_code == 200
    assert "Private note: Write the note" in response.content.decode()
    response = client.post(
        f"/meetings/{meeting.uuid}/private-notes/", {"text": "Talk about workload"}, follow=True
    )
    assert "Talk about workload" in response.content.decode()
    client.force_login(cast.coordinator.user)
    assert "Talk about workload" not in client.get(f"/meetings/{meeting.uuid}/").content.decode()
