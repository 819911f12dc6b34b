"""manage.py import_people: the same checks and report as the web pages, run as the system."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tandem.organisations.models import ImportBatch
from tests.organisations.test_import import TEAM, csv_bytes, current_manager, snapshot

DATA = Path(__file__).parent / "data"
GOOD = DATA / "riverside_people.csv"
BAD = DATA / "riverside_people_with_problems.csv"


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_people", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_failing(*args: str) -> tuple[str, CommandError]:
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_people", *args, stdout=out, stderr=StringIO())
    assert caught.value.returncode == 1
    return out.getvalue(), caught.value


def test_imports_by_organisation_name_as_the_system(cast):
    output = run(str(GOOD), "--organisation", "Riverside College")
    assert "Row 3 (ben.cole@riverside.example): Line manager: none → Ada Brook" in output
    assert "Summary: 2 new people" in output and "Imported (batch " in output
    assert current_manager("mentor@riverside.example") == "ada.brook@riverside.example"
    with system_access():
        batch = ImportBatch.objects.get()
        event = AuditEvent.objects.get(code="organisations.import.applied")
    assert batch.created_by is None and batch.filename == "riverside_people.csv"
    assert event.actor_name == "system" and event.actor_user is None


def test_reimporting_by_uuid_reports_no_changes(cast):
    run(str(GOOD), "--organisation", str(cast.riverside.uuid))
    before = snapshot()
    output = run(str(GOOD), "--organisation", str(cast.riverside.uuid))
    assert "No changes: everything in the file is already in Tandem." in output
    assert snapshot() == before


def test_dry_run_reports_and_writes_nothing(cast):
    before = snapshot()
    output = run(str(GOOD), "--organisation", "Riverside College", "--dry-run")
    assert "Row 2 (ada.brook@riverside.example): New person" in output
    assert "Dry run: nothing was written." in output
    assert snapshot() == before


def test_problems_are_printed_by_row_and_column_and_nothing_is_imported(cast):
    before = snapshot()
    output, error = run_failing(str(BAD), "--organisation", "Riverside College")
    assert "Row 3, email: ‘not-an-email’ is not a valid email address." in output
    assert "Row 4, roles: ‘wizard’ is not a role." in output
    assert "Nothing was imported" in str(error)
    assert snapshot() == before


def test_dry_run_with_problems_exits_non_zero(cast):
    output, error = run_failing(str(BAD), "--organisation", "Riverside College", "--dry-run")
    assert "Row 3, email" in output and "2 problem(s) found." in str(error)


def test_valid_rows_only_imports_the_rest_and_still_exits_non_zero(cast):
    output, error = run_failing(
        str(BAD), "--organisation", "Riverside College", "--valid-rows-only"
    )
    assert "the valid rows were imported" in str(error)
    with system_access():
        assert ImportBatch.objects.get().summary["rows_left_out"] == [3, 4]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation", "Nowhere College"], "No organisation has the UUID or name"),
        (["--organisation", "00000000-0000-0000-0000-000000000000"], "No organisation"),
    ],
)
def test_an_unknown_organisation_is_an_error(cast, args, message):
    with pytest.raises(CommandError, match=message):
        run(str(GOOD), *args)


def test_unreadable_and_missing_files_are_errors(cast, tmp_path, settings):
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "email,given_name,family_name,roles\nzoë@x.example,Zoë,Ng,mentee\n".encode("latin-1")
    )
    with pytest.raises(CommandError, match="latin.csv: The file is not saved as UTF-8"):
        run(str(latin), "--organisation", "Riverside College")
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.csv"), "--organisation", "Riverside College")
    big = tmp_path / "big.csv"
    big.write_bytes(csv_bytes(TEAM * 20))
    settings.TANDEM_MAX_IMPORT_BYTES = 1024
    with pytest.raises(CommandError, match="largest file Tandem imports is 1 KB"):
        run(str(big), "--organisation", "Riverside College")
