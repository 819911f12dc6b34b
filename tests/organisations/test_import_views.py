"""The import pages: upload, check, apply, permissions and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.core.tenancy import system_access
from tandem.organisations.import_views import PENDING_KEY
from tandem.organisations.models import ImportBatch, Person
from tests.organisations.test_import import (
    BAD_ROW,
    TEAM,
    csv_bytes,
    current_manager,
    snapshot,
    xlsx_bytes,
)

START = reverse("organisations:import_start")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def coordinator(client, cast):
    client.force_login(cast.coordinator.user)
    return client


def upload(client, cast, data: bytes, name: str = "people.csv", organisation=None):
    organisation = organisation or cast.riverside
    return client.post(
        START,
        {
            "organisation": str(organisation.uuid),
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        },
    )


def pending_files(media: Path) -> list[Path]:
    folder = media / "imports" / "pending"
    return list(folder.iterdir()) if folder.exists() else []


def test_upload_page_preselects_the_organisation(coordinator, cast):
    response = coordinator.get(START, {"organisation": str(cast.riverside.uuid)})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{cast.riverside.uuid}" selected>Riverside College</option>' in html
    assert 'enctype="multipart/form-data"' in html
    assert "roles people already hold that are not in the file are left alone" in html


def test_check_then_import_then_reimport(coordinator, cast, media):
    data = csv_bytes(TEAM)
    before = snapshot()
    response = upload(coordinator, cast, data)
    assert response.status_code == 302
    check_url = response["Location"]
    page = coordinator.get(check_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Check the import into Riverside College" in html
    assert "Line manager: none → Ada Brook (ada.brook@riverside.example)" in html
    assert "Import 3 rows" in html
    assert snapshot() == before  # checking writes nothing
    assert len(pending_files(media)) == 1

    response = coordinator.post(check_url + "apply/")
    with system_access():
        batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:import_batch", args=[batch.uuid])
    assert current_manager("ben.cole@riverside.example") == "ada.brook@riverside.example"
    assert pending_files(media) == []  # the kept file is deleted once imported
    page = coordinator.get(response["Location"])
    assert "Import of people.csv" in page.content.decode()

    after = snapshot()
    response = upload(coordinator, cast, data)
    page = coordinator.get(response["Location"])
    assert "No changes: everything in this file is already in Tandem" in page.content.decode()
    response = coordinator.post(response["Location"] + "apply/", follow=True)
    assert "No changes" in response.content.decode()
    assert snapshot() == after


def test_problems_are_listed_and_block_the_import_until_valid_rows_only(coordinator, cast):
    response = upload(coordinator, cast, csv_bytes([*TEAM, BAD_ROW]))
    check_url = response["Location"]
    html = coordinator.get(check_url).content.decode()
    assert '<h2 class="govuk-heading-m" id="problems">Problems</h2>' in html
    assert "‘not-an-email’ is not a valid email address" in html
    assert "Import the valid rows only" in html
    before = snapshot()
    response = coordinator.post(check_url + "apply/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in html and 'href="#valid_rows_only"' in html
    assert snapshot() == before
    response = coordinator.post(check_url + "apply/", {"valid_rows_only": "yes"})
    assert response.status_code == 302
    with system_access():
        assert ImportBatch.objects.get().summary["rows_left_out"] == [5]
        assert Person.objects.filter(email="ada.brook@riverside.example").exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("people.csv", "email\n".encode("utf-16"), "CSV UTF-8"),
        ("people.csv", "email,given_name\nzoë,Zoë\n".encode("latin-1"), "not saved as UTF-8"),
        ("people.csv", b"", "The selected file is empty"),
        ("people.docx", b"PK\x03\x04", "is not a CSV or XLSX file"),
        ("people.xlsx", b"PK\x03\x04 not really", "cannot be read as an Excel workbook"),
    ],
)
def test_unreadable_uploads_are_explained_on_the_form(
    coordinator, cast, media, name, data, message
):
    response = upload(coordinator, cast, data, name=name)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html
    assert "<title>Error: " in html
    assert pending_files(media) == []


def test_a_missing_file_is_explained(coordinator, cast):
    response = coordinator.post(START, {"organisation": str(cast.riverside.uuid)})
    assert "Select a CSV or Excel file to import" in response.content.decode()


def test_oversized_uploads_are_refused(coordinator, cast, settings, media):
    settings.TANDEM_MAX_IMPORT_BYTES = 1024
    response = upload(coordinator, cast, csv_bytes(TEAM * 20))
    assert "the largest file Tandem imports is 1 KB" in response.content.decode()
    assert pending_files(media) == []


def test_missing_columns_are_shown_on_the_check_page_without_an_import_button(coordinator, cast):
    response = upload(coordinator, cast, b"email,surname\na@x.example,A\n")
    html = coordinator.get(response["Location"]).content.decode()
    assert "The file has no given_name or family_name or roles column" in html
    assert "‘surname’ is not a column Tandem imports" in html
    assert "Import the valid rows only" not in html and "/apply/" not in html


def test_xlsx_upload(coordinator, cast):
    response = upload(coordinator, cast, xlsx_bytes(TEAM), name="people.xlsx")
    response = coordinator.post(response["Location"] + "apply/")
    assert response.status_code == 302
    assert current_manager("mentor@riverside.example") == "ada.brook@riverside.example"


def test_a_check_belongs_to_the_session_that_uploaded_it(coordinator, client, cast):
    check_url = upload(coordinator, cast, csv_bytes(TEAM))["Location"]
    client.logout()
    client.force_login(cast.coordinator.user)  # a new session for the same person
    response = client.post(check_url + "apply/", follow=True)
    assert "That upload has expired" in response.content.decode()
    with system_access():
        assert not ImportBatch.objects.exists()


def test_a_changed_kept_file_is_not_imported(coordinator, cast, media):
    check_url = upload(coordinator, cast, csv_bytes(TEAM))["Location"]
    (kept,) = pending_files(media)
    kept.write_bytes(csv_bytes(TEAM[:1]))
    response = coordinator.post(check_url + "apply/", follow=True)
    assert "That upload has expired" in response.content.decode()
    with system_access():
        assert not ImportBatch.objects.exists()


def test_only_a_few_checks_are_kept_per_session(coordinator, cast, media):
    for n in range(7):
        upload(coordinator, cast, csv_bytes([[f"p{n}@riverside.example", "P", "Q", "mentee"]]))
    assert len(coordinator.session[PENDING_KEY]) == 5
    assert len(pending_files(media)) == 5


def test_template_download(coordinator):
    response = coordinator.get(reverse("organisations:import_template"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == (
        "email,given_name,family_name,roles,phone,job_title,site,line_manager_email"
    )


# --- permission -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentor", "mentee", "line_manager", "tutor"])
def test_members_who_do_not_coordinate_get_403(client, cast, who):
    client.force_login(getattr(cast, who).user)
    assert client.get(START).status_code == 403
    assert client.get(START, {"organisation": str(cast.riverside.uuid)}).status_code == 403
    before = snapshot()
    assert upload(client, cast, csv_bytes(TEAM)).status_code == 403
    assert snapshot() == before


def test_someone_outside_the_organisation_cannot_see_it(client, cast):
    client.force_login(cast.stranger.user)
    assert client.get(START).status_code == 403
    assert client.get(START, {"organisation": str(cast.riverside.uuid)}).status_code == 404


def test_a_partner_organisation_is_403_and_another_partnership_404(coordinator, cast):
    assert coordinator.get(START, {"organisation": str(cast.northgate.uuid)}).status_code == 403
    assert coordinator.get(START, {"organisation": str(cast.eastfield.uuid)}).status_code == 404
    assert coordinator.get(START, {"organisation": "not-a-uuid"}).status_code == 404
    before = snapshot()
    assert (
        upload(coordinator, cast, csv_bytes(TEAM), organisation=cast.eastfield).status_code == 404
    )
    assert (
        upload(coordinator, cast, csv_bytes(TEAM), organisation=cast.northgate).status_code == 403
    )
    assert snapshot() == before


def test_another_coordinators_batch_is_404(client, coordinator, cast):
    check_url = upload(coordinator, cast, csv_bytes(TEAM))["Location"]
    batch_url = coordinator.post(check_url + "apply/")["Location"]
    client.force_login(cast.partner_coordinator.user)
    assert client.get(batch_url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(START)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
