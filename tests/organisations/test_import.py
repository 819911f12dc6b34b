"""Importing people, roles and line managers (A3): reading, checking, preview and apply."""

from __future__ import annotations

import codecs
import csv
import io
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from tandem.core.models import AuditEvent
from tandem.core.tenancy import system_access
from tandem.organisations import importing
from tandem.organisations.models import (
    ImportBatch,
    LineManagement,
    Membership,
    Organisation,
    Person,
)
from tests import factories as f

HEADER = [
    "email",
    "given_name",
    "family_name",
    "roles",
    "phone",
    "job_title",
    "site",
    "line_manager_email",
]


def csv_bytes(rows: list[list[str]], header: list[str] | None = None, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER if header is None else header)
    writer.writerows(rows)
    return (codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER if header is None else header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Two new people, one existing member gaining a role and a line manager.
TEAM = [
    [
        "ada.brook@riverside.example",
        "Ada",
        "Brook",
        "line_manager;mentor",
        "0161 555 0101",
        "Head of English",
        "",
        "",
    ],
    [
        "ben.cole@riverside.example",
        "Ben",
        "Cole",
        "Mentee",
        "",
        "Lecturer",
        "",
        "ada.brook@riverside.example",
    ],
    [
        "mentor@riverside.example",
        "Mina",
        "Patel",
        "mentor;trainer",
        "",
        "",
        "",
        "ada.brook@riverside.example",
    ],
]


def snapshot() -> dict[str, Any]:
    """Everything an import could touch, to prove that nothing changed."""
    with system_access():
        return {
            "people": sorted(
                Person.objects.values_list(
                    "email", "given_name", "family_name", "phone", "job_title"
                )
            ),
            "roles": sorted(
                Membership.objects.values_list(
                    "person__email", "organisation__name", "role", "site_id", "starts_on", "ends_on"
                )
            ),
            "links": sorted(
                LineManagement.objects.values_list(
                    "manager__email", "report__email", "organisation_id", "starts_on", "ends_on"
                )
            ),
            "audit": AuditEvent.objects.count(),
            "batches": ImportBatch.objects.count(),
        }


def preview(cast: Any, data: bytes, filename: str = "people.csv", organisation: Any = None):
    return importing.preview(
        cast.actor("coordinator"), organisation or cast.riverside, filename, data
    )


def apply(cast: Any, data: bytes, filename: str = "people.csv", **kwargs: Any):
    return importing.apply(cast.actor("coordinator"), cast.riverside, filename, data, **kwargs)


def problems(report: Any) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in report.problems]


def messages_for(report: Any, row: int) -> str:
    return " ".join(p.message for p in report.problems if p.row == row)


def current_manager(email: str) -> str | None:
    with system_access():
        link = LineManagement.objects.current().filter(report__email=email).first()
        return link.manager.email if link else None


def current_roles(email: str, organisation: Any) -> set[str]:
    with system_access():
        return set(
            Membership.objects.current()
            .filter(person__email=email, organisation=organisation)
            .values_list("role", flat=True)
        )


# --- preview and apply --------------------------------------------------------------------


def test_preview_lists_changes_per_row_and_writes_nothing(cast):
    before = snapshot()
    report = preview(cast, csv_bytes(TEAM))
    assert snapshot() == before
    assert not report.has_problems
    ada, ben, mina = report.rows
    assert (ada.number, ada.status) == (2, "new")
    assert "Role added: Line manager" in ada.changes and "Role added: Mentor" in ada.changes
    assert ben.status == "new"
    assert "Line manager: none → Ada Brook (ada.brook@riverside.example)" in ben.changes
    # An existing member: the new role and the line manager; the role they hold is unchanged.
    assert mina.status == "changed"
    assert mina.changes == [
        "Role added: Trainer of mentors",
        "Line manager: none → Ada Brook (ada.brook@riverside.example)",
    ]
    assert report.counts() == {
        "rows": 3,
        "rows_with_problems": 0,
        "new_people": 2,
        "people_updated": 0,
        "roles_added": 4,
        "sites_changed": 0,
        "line_managers_set": 2,
        "rows_unchanged": 0,
    }


def test_apply_writes_people_roles_line_managers_batch_and_audit(cast):
    result = apply(cast, csv_bytes(TEAM))
    assert result.applied and not result.blocked
    with system_access():
        ada = Person.objects.get(email="ada.brook@riverside.example")
        assert (ada.given_name, ada.phone, ada.job_title) == (
            "Ada",
            "0161 555 0101",
            "Head of English",
        )
        batch = ImportBatch.objects.get()
        event = AuditEvent.objects.get(code="organisations.import.applied")
        assert AuditEvent.objects.filter(code="organisations.person.created").count() == 2
    assert current_roles(ada.email, cast.riverside) == {"line_manager", "mentor"}
    assert current_roles("ben.cole@riverside.example", cast.riverside) == {"mentee"}
    assert current_roles("mentor@riverside.example", cast.riverside) == {"mentor", "trainer"}
    assert current_manager("ben.cole@riverside.example") == ada.email
    assert current_manager("mentor@riverside.example") == ada.email
    assert (batch.organisation, batch.rows, batch.created_by) == (
        cast.riverside,
        3,
        cast.coordinator,
    )
    assert batch.sha256 == importing.file_sha256(csv_bytes(TEAM))
    assert batch.summary["new_people"] == 2
    assert event.object_uuid == batch.uuid and event.organisation == cast.riverside
    assert event.actor_name == "Cora Coleman"


def test_reimporting_the_same_file_reports_no_changes_and_changes_nothing(cast):
    data = csv_bytes(TEAM)
    apply(cast, data)
    before = snapshot()
    report = preview(cast, data)
    assert not report.has_changes
    assert [r.status for r in report.rows] == ["unchanged"] * 3
    result = apply(cast, data)
    assert not result.applied and not result.blocked
    assert snapshot() == before


def test_applying_twice_from_one_stale_preview_changes_nothing_the_second_time(cast):
    data = csv_bytes(TEAM)
    stale = preview(cast, data)
    assert stale.has_changes
    first = apply(cast, data)
    after_first = snapshot()
    second = apply(cast, data)
    assert first.applied and not second.applied
    assert snapshot() == after_first
    with system_access():
        assert ImportBatch.objects.count() == 1


def test_apply_locks_the_organisation_inside_its_transaction(cast, monkeypatch):
    seen = []
    original = importing.lock_organisation

    def spy(organisation):
        seen.append((organisation.pk, transaction.get_connection().in_atomic_block))
        return original(organisation)

    monkeypatch.setattr(importing, "lock_organisation", spy)
    apply(cast, csv_bytes(TEAM))
    assert seen == [(cast.riverside.pk, True)]
    # The lock is a SELECT … FOR UPDATE of the organisation row.
    with system_access():
        qs = Organisation.objects.select_for_update().filter(pk=cast.riverside.pk)
    assert qs.query.select_for_update


def test_changed_details_of_a_member_are_updated_and_roles_not_in_file_are_kept(cast):
    rows = [
        [
            "Mentor@Riverside.example",
            "Mina",
            "Patel-Shah",
            "mentee",
            "07700 900123",
            "Lecturer",
            "",
            "",
        ]
    ]
    report = preview(cast, csv_bytes(rows))
    (row,) = report.rows
    assert "Family name: ‘Patel’ → ‘Patel-Shah’" in row.changes
    assert "Phone: ‘’ → ‘07700 900123’" in row.changes
    apply(cast, csv_bytes(rows))
    with system_access():
        mina = Person.objects.get(pk=cast.mentor.pk)
    assert (mina.family_name, mina.phone, mina.job_title) == (
        "Patel-Shah",
        "07700 900123",
        "Lecturer",
    )
    assert current_roles(mina.email, cast.riverside) == {"mentor", "mentee"}


def test_blank_optional_cells_leave_stored_values_and_line_managers_alone(cast):
    with system_access():
        Person.objects.filter(pk=cast.mentee.pk).update(phone="0113 496 0000")
    rows = [["mentee@riverside.example", "Tom", "Reyes", "mentee", "", "", "", ""]]
    report = preview(cast, csv_bytes(rows))
    assert report.rows[0].status == "unchanged"
    assert current_manager("mentee@riverside.example") == "line_manager@riverside.example"


def test_sites_are_matched_by_name_and_set_on_roles(cast):
    with system_access():
        f.SiteFactory(organisation=cast.riverside, name="City Campus")
    rows = [
        ["new.person@riverside.example", "New", "Person", "mentor", "", "", "city campus", ""],
        ["mentor@riverside.example", "Mina", "Patel", "mentor", "", "", "City Campus", ""],
    ]
    report = preview(cast, csv_bytes(rows))
    assert report.rows[0].changes == ["New person", "Role added: Mentor at City Campus"]
    assert report.rows[1].changes == ["Site of mentor role: no site → City Campus"]
    apply(cast, csv_bytes(rows))
    with system_access():
        sites = set(
            Membership.objects.filter(
                organisation=cast.riverside,
                role="mentor",
                person__email__in=[rows[0][0], rows[1][0]],
            ).values_list("site__name", flat=True)
        )
    assert sites == {"City Campus"}
    assert not preview(cast, csv_bytes(rows)).has_changes


def test_role_labels_and_values_are_accepted_case_insensitively(cast):
    rows = [
        [
            "r@riverside.example",
            "R",
            "S",
            "Programme Coordinator; LINE MANAGER;line manager;Personal tutor / course leader",
            "",
            "",
            "",
            "",
        ]
    ]
    report = preview(cast, csv_bytes(rows))
    assert not report.has_problems
    assert report.rows[0].roles == ["coordinator", "line_manager", "tutor"]


def test_headers_are_case_insensitive_and_trimmed_and_bom_is_accepted(cast):
    header = ["  Email ", "Given Name", "FAMILY_NAME", "Roles", "Line-Manager Email"]
    rows = [["x@riverside.example", "X", "Y", "mentee", "line_manager@riverside.example"]]
    report = preview(cast, csv_bytes(rows, header=header, bom=True))
    assert not report.has_problems
    assert report.rows[0].manager_email == "line_manager@riverside.example"


def test_reassignments_that_pass_through_a_loop_apply_in_a_safe_order(cast):
    # Lena manages Tom today. Afterwards Tom reports to Trudy and Lena reports to Tom:
    # setting Lena's manager first would briefly make a loop, so managers go first.
    rows = [
        [
            "line_manager@riverside.example",
            "Lena",
            "Morgan",
            "line_manager",
            "",
            "",
            "",
            "mentee@riverside.example",
        ],
        [
            "mentee@riverside.example",
            "Tom",
            "Reyes",
            "mentee",
            "",
            "",
            "",
            "trainer@riverside.example",
        ],
    ]
    result = apply(cast, csv_bytes(rows))
    assert result.applied, result.report.problems
    assert current_manager("mentee@riverside.example") == "trainer@riverside.example"
    assert current_manager("line_manager@riverside.example") == "mentee@riverside.example"


# --- invalid rows -------------------------------------------------------------------------

BAD_ROW = ["not-an-email", "Bad", "Row", "mentee", "", "", "", ""]


def test_a_file_with_invalid_rows_imports_nothing(cast):
    before = snapshot()
    result = apply(cast, csv_bytes([*TEAM, BAD_ROW]))
    assert result.blocked and not result.applied
    assert problems(result.report) == [(5, "email")]
    assert snapshot() == before


def test_valid_rows_only_imports_the_valid_rows_and_records_what_was_left_out(cast):
    result = apply(cast, csv_bytes([*TEAM, BAD_ROW]), valid_rows_only=True)
    assert result.applied
    assert current_manager("ben.cole@riverside.example") == "ada.brook@riverside.example"
    assert result.batch.summary["rows_left_out"] == [5]
    assert result.batch.summary["rows_with_problems"] == 1


def test_every_problem_is_listed_by_row_and_column(cast):
    rows = [
        ["a@riverside.example", "", "Smith", "mentee", "", "", "", ""],
        ["b@riverside", "Bea", "Jones", "mentee", "", "", "", ""],
        ["c@riverside.example", "Cy", "Lee", "mentee;wizard", "", "", "", ""],
        ["d@riverside.example", "Di", "Ray", "", "", "", "Moon Base", ""],
        ["e@riverside.example", "Ed", "Fox", "mentee", "", "", "", "e@riverside.example"],
        ["f@riverside.example", "Flo", "Hart", "mentee", "", "", "", "nobody@elsewhere.example"],
        ["g@riverside.example", "Gus", "Ince", "mentee", "", "x" * 151, "", ""],
    ]
    report = preview(cast, csv_bytes(rows))
    assert problems(report) == [
        (2, "given_name"),
        (3, "email"),
        (4, "roles"),
        (5, "roles"),
        (5, "site"),
        (6, "line_manager_email"),
        (7, "line_manager_email"),
        (8, "job_title"),
    ]
    assert "Enter the person’s given name" in messages_for(report, 2)
    assert "‘b@riverside’ is not a valid email address" in messages_for(report, 3)
    assert "‘wizard’ is not a role. Use one of: mentee, mentor" in messages_for(report, 4)
    assert "Riverside College has no site called ‘Moon Base’" in messages_for(report, 5)
    assert "cannot be their own line manager" in messages_for(report, 6)
    assert (
        "nobody@elsewhere.example is neither in this file nor a current member of Riverside College"
    ) in messages_for(report, 7)
    assert "Longer than 150 characters" in messages_for(report, 8)


def test_duplicate_emails_are_reported_on_both_rows(cast):
    rows = [
        ["dup@riverside.example", "A", "One", "mentee", "", "", "", ""],
        ["ok@riverside.example", "B", "Two", "mentee", "", "", "", ""],
        ["DUP@riverside.example", "C", "Three", "mentor", "", "", "", ""],
    ]
    report = preview(cast, csv_bytes(rows))
    assert problems(report) == [(2, "email"), (4, "email")]
    assert "appears on more than one row (2, 4)" in messages_for(report, 4)


def test_a_loop_within_the_file_is_reported_on_each_row_in_it(cast):
    rows = [
        ["a@riverside.example", "A", "A", "mentor", "", "", "", "b@riverside.example"],
        ["b@riverside.example", "B", "B", "mentor", "", "", "", "c@riverside.example"],
        ["c@riverside.example", "C", "C", "mentor", "", "", "", "a@riverside.example"],
        ["d@riverside.example", "D", "D", "mentor", "", "", "", "a@riverside.example"],
    ]
    report = preview(cast, csv_bytes(rows))
    assert problems(report) == [
        (2, "line_manager_email"),
        (3, "line_manager_email"),
        (4, "line_manager_email"),
        (5, "line_manager_email"),
    ]
    # Row 5 is not in the loop, but its line manager's row cannot be imported.
    assert "is on row 2, which has problems" in messages_for(report, 5)
    assert (
        "line-management loop: a@riverside.example is managed by b@riverside.example, "
        "who is managed by c@riverside.example, who is managed by a@riverside.example"
    ) in messages_for(report, 2)


def test_a_loop_with_existing_line_management_is_reported(cast):
    # Lena already manages Tom; the file asks for Tom to manage Lena.
    rows = [
        [
            "line_manager@riverside.example",
            "Lena",
            "Morgan",
            "line_manager",
            "",
            "",
            "",
            "mentee@riverside.example",
        ]
    ]
    report = preview(cast, csv_bytes(rows))
    assert problems(report) == [(2, "line_manager_email")]
    assert "loop" in messages_for(report, 2)
    assert apply(cast, csv_bytes(rows)).blocked


def test_a_line_manager_whose_own_row_is_invalid_is_reported(cast):
    rows = [
        ["boss@riverside.example", "Boss", "", "line_manager", "", "", "", ""],
        [
            "worker@riverside.example",
            "Worker",
            "Bee",
            "mentee",
            "",
            "",
            "",
            "boss@riverside.example",
        ],
        [
            "other@riverside.example",
            "Other",
            "Bee",
            "mentee",
            "",
            "",
            "",
            "coordinator@riverside.example",
        ],
    ]
    report = preview(cast, csv_bytes(rows))
    assert problems(report) == [(2, "family_name"), (3, "line_manager_email")]
    assert "is on row 2, which has problems" in messages_for(report, 3)
    result = apply(cast, csv_bytes(rows), valid_rows_only=True)
    assert result.batch.rows == 3 and result.batch.summary["new_people"] == 1
    assert current_manager("other@riverside.example") == "coordinator@riverside.example"


def test_someone_in_another_organisation_gets_the_role_but_keeps_their_details(cast):
    rows = [["partner_mentee@example.org", "Renamed", "Person", "mentee", "0000", "", "", ""]]
    report = preview(cast, csv_bytes(rows))
    (row,) = report.rows
    assert not report.has_problems
    assert row.changes == ["Role added: Mentee"]
    assert "Already in Tandem outside Riverside College" in row.notes[0]
    apply(cast, csv_bytes(rows))
    with system_access():
        person = Person.objects.get(pk=cast.partner_mentee.pk)
    assert (person.given_name, person.family_name, person.phone) == ("Partner", "Mentee", "")
    assert current_roles(person.email, cast.riverside) == {"mentee"}
    assert current_roles(person.email, cast.northgate) == {"mentee"}


# --- the file itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("people.csv", b"", "The file is empty"),
        ("people.csv", b"\r\n \r\n", "The file is empty"),
        ("people.csv", "email,given_name\n".encode("utf-16"), "save As and pick ‘CSV UTF-8"),
        (
            "people.csv",
            "email,given_name,family_name,roles\nzoë@x.example,Zoë,Ng,mentee\n".encode("latin-1"),
            "not saved as UTF-8 text (the first character Tandem cannot read is on line 2)",
        ),
        ("people.pdf", b"%PDF-1.4", "‘people.pdf’ is not a CSV or XLSX file"),
        ("people.xls", b"\xd0\xcf\x11\xe0", "not .xls files"),
        ("people.xlsx", b"this is not a workbook", "cannot be read as an Excel workbook"),
        ("people.xlsx", b"PK\x03\x04broken zip", "cannot be read as an Excel workbook"),
    ],
)
def test_unreadable_files_get_a_clear_message(cast, filename, data, message):
    with pytest.raises(importing.ImportFileError) as caught:
        preview(cast, data, filename=filename)
    assert message.lower() in caught.value.message.lower()


def test_an_xlsx_named_csv_is_explained(cast):
    with pytest.raises(importing.ImportFileError, match="Excel workbook with a .csv name"):
        preview(cast, xlsx_bytes([]), filename="people.csv")


def test_missing_and_unknown_columns_are_named(cast):
    header = ["Email", "given_name", "Department", "Line manager email", "Start date"]
    report = preview(cast, csv_bytes([["a@x.example", "A", "Maths", "", ""]], header=header))
    assert problems(report) == [(1, "Department"), (1, "Start date"), (1, "family_name, roles")]
    text = messages_for(report, 1)
    assert "‘Department’ is not a column Tandem imports" in text
    assert "The file has no family_name or roles column" in text
    assert report.rows == []


def test_unknown_columns_stop_the_import_even_for_valid_rows_only(cast):
    header = [*HEADER, "Department"]
    data = csv_bytes([[*TEAM[0], "English"]], header=header)
    report = preview(cast, data)
    assert problems(report) == [(1, "Department")]
    before = snapshot()
    assert apply(cast, data, valid_rows_only=True).blocked
    assert snapshot() == before


def test_a_column_named_twice_is_reported(cast):
    header = ["email", "given_name", "family_name", "roles", "Email"]
    report = preview(cast, csv_bytes([["a@x.example", "A", "B", "mentee", "b@x.example"]], header))
    assert problems(report) == [(1, "Email")]
    assert "The column ‘Email’ appears twice" in messages_for(report, 1)


def test_a_header_without_rows_is_reported(cast):
    report = preview(cast, csv_bytes([]))
    assert [p.message for p in report.problems] == [
        "The file has column headings but no rows of people."
    ]


def test_values_in_a_column_without_a_heading_are_reported(cast):
    data = csv_bytes(
        [["a@riverside.example", "A", "B", "mentee", "stray"]],
        header=["email", "given_name", "family_name", "roles"],
    )
    assert problems(preview(cast, data)) == [(1, "Column E")]


def test_semicolon_separated_files_get_a_hint(cast):
    data = b"email;given_name;family_name;roles\na@x.example;A;B;mentee\n"
    assert "separated by semicolons" in messages_for(preview(cast, data), 1)


def test_oversized_files_are_refused_before_reading(cast, settings):
    settings.TANDEM_MAX_IMPORT_BYTES = 1024
    with pytest.raises(importing.ImportFileError, match="the largest file Tandem imports is 1 KB"):
        importing.check_size(2048)
    with pytest.raises(importing.ImportFileError, match="largest file"):
        preview(cast, csv_bytes(TEAM * 20))


def test_too_many_rows_are_refused(cast, settings):
    settings.TANDEM_MAX_IMPORT_ROWS = 2
    with pytest.raises(importing.ImportFileError, match="more than 2 rows"):
        preview(cast, csv_bytes(TEAM))


def test_xlsx_round_trip(cast):
    rows = [[*r[:4], 1615550101 if i == 0 else None, *r[5:]] for i, r in enumerate(TEAM)]
    data = xlsx_bytes(rows)
    result = apply(cast, data, filename="People.XLSX")
    assert result.applied, result.report.problems
    with system_access():
        assert Person.objects.get(email="ada.brook@riverside.example").phone == "1615550101"
    assert current_manager("ben.cole@riverside.example") == "ada.brook@riverside.example"
    before = snapshot()
    assert not apply(cast, data, filename="people.xlsx").applied
    assert snapshot() == before


def test_xlsx_problems_use_spreadsheet_row_numbers(cast):
    data = xlsx_bytes([TEAM[0], [None] * 8, ["bad", "B", "C", "mentee"]])
    assert problems(preview(cast, data, filename="p.xlsx")) == [(4, "email")]


# --- permission -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentor", "tutor", "partner_coordinator", "outsider_coordinator"])
def test_only_the_organisations_coordinators_import(cast, who):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        importing.preview(cast.actor(who), cast.riverside, "p.csv", csv_bytes(TEAM))
    with pytest.raises(PermissionDenied):
        importing.apply(cast.actor(who), cast.riverside, "p.csv", csv_bytes(TEAM))
    assert snapshot() == before
