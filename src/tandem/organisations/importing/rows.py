"""The columns of an import file and the checks each row passes on its own."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tandem.core.roles import Role

if TYPE_CHECKING:
    from tandem.organisations.importing.files import Table
    from tandem.organisations.models import Membership, Person, Site

REQUIRED_COLUMNS = ("email", "given_name", "family_name", "roles")
OPTIONAL_COLUMNS = ("phone", "job_title", "site", "line_manager_email")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_LENGTHS = {
    "email": 254,
    "given_name": 100,
    "family_name": 100,
    "roles": 500,
    "phone": 40,
    "job_title": 150,
    "site": 200,
    "line_manager_email": 254,
}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


def squash(text: str) -> str:
    return " ".join(text.lower().split())


def _column_key(heading: str) -> str:
    return "_".join(heading.strip().lower().replace("-", " ").split())


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def quoted(value: str, limit: int = 60) -> str:
    return f"‘{value if len(value) <= limit else value[:limit] + '…'}’"


# Each role by its value ("line_manager"), with spaces ("line manager") or its label.
ROLE_NAMES = {
    squash(name): value
    for value, label in Role.choices
    for name in (value, value.replace("_", " "), label)
}
ROLE_LIST = ", ".join(Role.values)


def map_columns(table: Table) -> tuple[dict[str, int], list[Problem]]:
    """Column name → position, and the problems with the header row."""
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    row = table.header_row
    width = max([len(table.headers), *(len(cells) for _, cells in table.rows)])
    for index in range(width):
        heading = table.headers[index] if index < len(table.headers) else ""
        key = _column_key(heading)
        if not key:
            if any(index < len(cells) and cells[index] for _, cells in table.rows):
                problems.append(
                    Problem(
                        row,
                        f"Column {_column_letter(index)}",
                        "This column has values but no heading. Give it one of the column names, "
                        "or delete it.",
                    )
                )
        elif key in positions:
            problems.append(Problem(row, heading, f"The column {quoted(heading)} appears twice."))
        elif key not in COLUMNS:
            problems.append(
                Problem(
                    row,
                    heading,
                    f"{quoted(heading)} is not a column Tandem imports. Remove it, or rename "
                    f"it to one of: {', '.join(COLUMNS)}.",
                )
            )
        else:
            positions[key] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        message = (
            f"The file has no {' or '.join(missing)} column. The first row must name the "
            f"columns {', '.join(REQUIRED_COLUMNS)}."
        )
        if len(table.headers) == 1 and ";" in table.headers[0]:
            message += (
                " The columns seem to be separated by semicolons: save the file as CSV UTF-8."
            )
        problems.append(Problem(row, ", ".join(missing), message))
    return positions, problems


@dataclass
class ImportRow:
    """One person's row: what the file says, its problems and what would change."""

    number: int
    email: str = ""
    given_name: str = ""
    family_name: str = ""
    roles: list[str] = field(default_factory=list)
    phone: str = ""
    job_title: str = ""
    site_name: str = ""
    manager_email: str = ""
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    person: Person | None = None
    site: Site | None = None
    field_updates: dict[str, str] = field(default_factory=dict)
    new_roles: list[str] = field(default_factory=list)
    site_moves: list[Membership] = field(default_factory=list)
    manager_changes: bool = False
    new: bool = False

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.number, column, message))

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def status(self) -> str:
        if self.problems:
            return "problems"
        if self.new:
            return "new"
        return "changed" if self.changes else "unchanged"


def parse_row(number: int, cells: list[str], positions: dict[str, int]) -> ImportRow:
    values = {name: cells[index] if index < len(cells) else "" for name, index in positions.items()}
    row = ImportRow(number)
    too_long = set()
    for name, value in values.items():
        if len(value) > MAX_LENGTHS[name]:
            row.problem(name, f"Longer than {MAX_LENGTHS[name]} characters.")
            too_long.add(name)
            values[name] = ""
    email = values.get("email", "").lower()
    if not email:
        if "email" not in too_long:
            row.problem("email", "Enter the person’s email address.")
    elif not _is_email(email):
        row.problem("email", f"{quoted(email)} is not a valid email address.")
    else:
        row.email = email
    for name, label in (("given_name", "given name"), ("family_name", "family name")):
        setattr(row, name, values.get(name, ""))
        if not getattr(row, name) and name not in too_long:
            row.problem(name, f"Enter the person’s {label}.")
    tokens = [t.strip() for t in re.split(r"[;,]", values.get("roles", "")) if t.strip()]
    if not tokens and "roles" not in too_long:
        row.problem("roles", f"Enter at least one role ({ROLE_LIST}); separate several with ;.")
    for token in tokens:
        role = ROLE_NAMES.get(squash(token))
        if role is None:
            row.problem("roles", f"{quoted(token)} is not a role. Use one of: {ROLE_LIST}.")
        elif role not in row.roles:
            row.roles.append(role)
    row.phone = values.get("phone", "")
    row.job_title = values.get("job_title", "")
    row.site_name = values.get("site", "")
    manager = values.get("line_manager_email", "").lower()
    if manager and not _is_email(manager):
        row.problem("line_manager_email", f"{quoted(manager)} is not a valid email address.")
    elif manager and manager == row.email:
        row.problem("line_manager_email", "A person cannot be their own line manager.")
    else:
        row.manager_email = manager
    return row


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
