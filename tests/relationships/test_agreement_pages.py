"""The agreement's pages: read, start, edit, send, sign, amend, versions, PDF."""

# The fixtures are imported from agreement_fixtures; pytest passes them by name.
# ruff: noqa: F811

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.relationships import agreement_views, agreements
from tandem.relationships.models import Agreement, Signature, VersionStatus
from tests.relationships.agreement_fixtures import (  # noqa: F401  (fixtures)
    awaiting,
    draft,
    fresh,
    itt_programme,
    mentorship,
    objectives,
    sign_as,
    signed,
)

pytestmark = pytest.mark.django_db
YEAR = str(timezone.localdate().year + 1)


def url(mentorship, name="agreement", **kwargs):
    return reverse(f"relationships:{name}", kwargs={"uuid": mentorship.uuid, **kwargs})


def one_h1(response):
    html = response.content.decode()
    assert html.count("<h1") == 1, "one h1 per page"
    return html


def summary(html):
    """The texts of the error summary's entries."""
    block = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert block, "no error summary"
    return [
        re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", block[1], re.S)
    ]


def test_before_an_agreement_exists(cast, login, mentorship):
    html = one_h1(login(cast.coordinator).get(url(mentorship)))
    assert "There is no agreement for this mentorship yet." in html
    assert "Start the agreement" in html
    html = one_h1(login(cast.tutor).get(url(mentorship)))
    assert "Start the agreement" not in html
    assert "starts it once the mentorship is agreed" in html


@pytest.mark.parametrize(
    "who", ["line_manager", "partner_coordinator", "outsider_coordinator", "trainer", "stranger"]
)
def test_invisible_to_everyone_else(cast, login, mentorship, signed, who):
    client = login(cast.people[who])
    for address in (
        url(mentorship),
        url(mentorship, "agreement_version", number=1),
        url(mentorship, "agreement_pdf", number=1),
        url(mentorship, "agreement_edit"),
    ):
        assert client.get(address).status_code == 404, address
    assert client.post(url(mentorship, "agreement_amend")).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, mentorship):
    response = client.get(url(mentorship))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_start_edit_and_send(cast, login, mentorship):
    client = login(cast.mentor)
    response = client.post(url(mentorship, "agreement_start"))
    assert response.status_code == 302 and response["Location"] == url(mentorship, "agreement_edit")
    html = one_h1(client.get(url(mentorship, "agreement_edit")))
    assert "Objective 3" in html and "Objective 4" not in html
    assert 'value="At Riverside College, in a quiet room' in html

    data = {
        "edit_version": "1",
        "meeting_frequency": "Every other Tuesday",
        "meeting_place": "Room B12",
        "meeting_mode": "Face to face",
        "extra_commitments": "",
        "objective_1_what": "Use questioning to check learning",
        "objective_1_measure": "Seen in an observed session",
        "objective_1_by_0": "30",
        "objective_1_by_1": "6",
        "objective_1_by_2": YEAR,
        "objective_2_what": "Plan differentiated starters",
        "objective_2_measure": "",
        "objective_2_by_0": "1",
        "objective_2_by_1": "7",
        "objective_2_by_2": YEAR,
        "objective_3_what": "Give written feedback within a week",
        "objective_3_measure": "Learners' files",
        "objective_3_by_0": "",
        "objective_3_by_1": "",
        "objective_3_by_2": "",
    }
    response = client.post(url(mentorship, "agreement_edit"), data)
    assert response.status_code == 200
    html = one_h1(response)
    assert "<title>Error: " in html
    assert summary(html) == [
        "Objective 2: say how it will be measured",
        "Objective 3: give a date by when",
    ]
    assert 'href="#id_objective_2_measure"' in html
    assert 'href="#id_objective_3_by_0"' in html

    data |= {
        "objective_2_measure": "Lesson plans",
        "objective_3_by_0": "31",
        "objective_3_by_1": "2",
    }
    response = client.post(url(mentorship, "agreement_edit"), data)
    assert summary(one_h1(response)) == [
        "Objective 3: give the date by when as a real date, for example 30 6 2027"
    ]
    data |= {"objective_3_by_0": "28", "objective_3_by_2": YEAR}
    response = client.post(url(mentorship, "agreement_edit"), data)
    assert response.status_code == 302
    with system_access():
        version = Agreement.objects.get(mentorship=mentorship).versions.get()
    assert [o["by"] for o in version.content["objectives"]] == [
        f"{YEAR}-06-30",
        f"{YEAR}-07-01",
        f"{YEAR}-02-28",
    ]
    html = one_h1(client.get(url(mentorship)))
    assert "How often:</strong> Every other Tuesday" in html
    assert "Send for signature" in html

    # Someone else's stale form is refused, naming the problem.
    response = client.post(url(mentorship, "agreement_edit"), data)
    assert "Someone else changed this draft" in summary(one_h1(response))[0]

    response = client.post(url(mentorship, "agreement_send"))
    assert response.status_code == 302
    assert fresh(version).status == VersionStatus.AWAITING


def test_send_without_objectives_says_why(cast, login, mentorship, draft):
    client = login(cast.mentee)
    response = client.post(url(mentorship, "agreement_send"), follow=True)
    assert "Agree at least 3 objectives; there are 0 so far" in response.content.decode()
    assert fresh(draft).status == VersionStatus.DRAFT


def test_the_mentee_signs(cast, login, mentorship, awaiting):
    client = login(cast.mentee)
    html = one_h1(client.get(url(mentorship)))
    assert "Sign version 1" in html
    assert f'value="{awaiting.text_hash}"' in html
    assert "Riverside College agrees" in html

    response = client.post(
        url(mentorship, "agreement_sign"), {"typed_name": "Tom", "text_hash": awaiting.text_hash}
    )
    html = one_h1(response)
    assert summary(html) == ["Type your full name as it appears here: Tom Reyes"]
    assert not awaiting.signatures.exists()

    response = client.post(
        url(mentorship, "agreement_sign"),
        {"typed_name": " tom reyes ", "text_hash": awaiting.text_hash},
        follow=True,
    )
    html = one_h1(response)
    assert "You have signed version 1." in html
    assert "Signed by you" in html
    assert "Sign version 1" not in html
    assert "It comes into force when Mina Patel and A coordinator of Riverside College have" in html


def test_a_stale_page_is_refused_and_nothing_is_stored(cast, login, mentorship, awaiting):
    seen = awaiting.text_hash
    draft = agreements.reopen(cast.actor("coordinator"), awaiting)
    draft = agreements.edit_draft(
        cast.actor("coordinator"),
        draft,
        expected_version=draft.edit_version,
        meetings={"place": "Library"},
    )
    agreements.send_for_signature(cast.actor("coordinator"), draft)
    response = login(cast.mentee).post(
        url(mentorship, "agreement_sign"),
        {"typed_name": "Tom Reyes", "text_hash": seen},
        follow=True,
    )
    assert agreements.STALE in response.content.decode()
    with system_access():
        assert not Signature.objects.exists()


def test_read_only_staff_see_but_cannot_sign_or_edit(cast, login, mentorship, draft):
    client = login(cast.tutor)
    html = one_h1(client.get(url(mentorship)))
    assert "Edit the draft" not in html and "Send for signature" not in html
    assert client.get(url(mentorship, "agreement_edit")).status_code == 403
    assert client.post(url(mentorship, "agreement_send")).status_code == 403
    version = agreements.edit_draft(
        cast.actor("mentor"), draft, expected_version=1, objectives=objectives()
    )
    agreements.send_for_signature(cast.actor("mentor"), version)
    html = one_h1(client.get(url(mentorship)))
    assert "Sign version 1" not in html
    response = client.post(
        url(mentorship, "agreement_sign"),
        {"typed_name": "Tariq Hussain", "text_hash": fresh(version).text_hash},
    )
    assert response.status_code == 403


def test_signed_amend_and_versions(cast, login, mentorship, signed):
    client = login(cast.coordinator)
    html = one_h1(client.get(url(mentorship)))
    assert "Signed by everyone" in html
    assert "Amend the agreement" in html
    assert "Edit the draft" not in html
    response = client.post(url(mentorship, "agreement_amend"), {"amend-change_summary": "New aim"})
    assert response["Location"] == url(mentorship, "agreement_edit")
    html = one_h1(client.get(url(mentorship)))
    assert "Version 1 stays in force until everyone signs version 2" in html
    assert url(mentorship, "agreement_version", number=1) in html
    assert url(mentorship, "agreement_version", number=2) in html
    html = one_h1(client.get(url(mentorship, "agreement_version", number=1)))
    assert "Mentoring agreement, version 1" in html and signed.text_hash in html
    assert client.get(url(mentorship, "agreement_version", number=9)).status_code == 404


def test_the_pdf(cast, login, mentorship, signed):
    response = login(cast.mentee).get(url(mentorship, "agreement_pdf", number=1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="agreement-tom-reyes-v1.pdf"'
    assert response.content.startswith(b"%PDF")
    # No PDF text extractor is installed: check the HTML the PDF is printed from.
    html = agreement_views.pdf_html(cast.actor("mentee"), mentorship, signed)
    for words in (
        "Tom Reyes",
        "Mina Patel",
        "Cora Coleman",
        signed.text_hash,
        "version 1",
        "Signed by everyone",
        "Riverside College agrees",
        "Objective 3",
    ):
        assert words in html, words
    assert re.search(r"\d{1,2} \w+ \d{4}, \d\d:\d\d (GMT|BST)", html)
