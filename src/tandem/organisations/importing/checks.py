"""Checking rows against the file and the stored data, and working out what would change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tandem.core.roles import Role
from tandem.organisations.importing.files import Table, file_sha256
from tandem.organisations.importing.rows import (
    REQUIRED_COLUMNS,
    ImportRow,
    Problem,
    map_columns,
    parse_row,
    quoted,
    squash,
)
from tandem.organisations.models import LineManagement, Membership, Organisation, Person, Site

CHUNK = 500


def _chunks(items: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


@dataclass
class ImportReport:
    """Everything found in one file, and what applying it would change."""

    organisation: Organisation
    filename: str
    sha256: str
    file_problems: list[Problem] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    line_manager_order: list[ImportRow] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.file_problems + [p for row in self.rows for p in row.problems]

    @property
    def has_problems(self) -> bool:
        return bool(self.file_problems) or any(row.problems for row in self.rows)

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.problems]

    @property
    def rows_to_apply(self) -> list[ImportRow]:
        return [row for row in self.rows if row.valid and row.changes]

    @property
    def unchanged_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.status == "unchanged"]

    @property
    def has_changes(self) -> bool:
        return not self.file_problems and bool(self.rows_to_apply)

    def counts(self) -> dict[str, int]:
        apply = self.rows_to_apply
        return {
            "rows": len(self.rows),
            "rows_with_problems": len(self.invalid_rows),
            "new_people": sum(1 for r in apply if r.new),
            "people_updated": sum(1 for r in apply if r.field_updates),
            "roles_added": sum(len(r.new_roles) for r in apply),
            "sites_changed": sum(len(r.site_moves) for r in apply),
            "line_managers_set": sum(1 for r in apply if r.manager_changes),
            "rows_unchanged": len(self.unchanged_rows),
        }


def build_report(
    organisation: Organisation, filename: str, data: bytes, table: Table
) -> ImportReport:
    """Validate every row against the file and the data (call under system access)."""
    report = ImportReport(organisation, filename, file_sha256(data))
    positions, report.file_problems = map_columns(table)
    if any(name not in positions for name in REQUIRED_COLUMNS):
        return report
    report.rows = [parse_row(number, cells, positions) for number, cells in table.rows]
    if not report.rows:
        report.file_problems.append(
            Problem(table.header_row, "", "The file has column headings but no rows of people.")
        )
        return report
    by_email: dict[str, list[ImportRow]] = defaultdict(list)
    for row in report.rows:
        if row.email:
            by_email[row.email].append(row)
    for email, same in by_email.items():
        if len(same) > 1:
            numbers = ", ".join(str(r.number) for r in same)
            for row in same:
                row.problem(
                    "email",
                    f"{email} appears on more than one row ({numbers}); give each person one row.",
                )
    _Checker(organisation, report, {e: rows[0] for e, rows in by_email.items()}).run()
    return report


class _Checker:
    """Resolves rows against the stored people, sites, roles and line management."""

    def __init__(
        self, organisation: Organisation, report: ImportReport, rows_by_email: dict[str, ImportRow]
    ) -> None:
        self.organisation = organisation
        self.report = report
        self.rows_by_email = rows_by_email
        self.links: dict[str, list[tuple[int, str]]] = {}

    def run(self) -> None:
        org = self.organisation
        rows = self.report.rows
        emails = {r.email for r in rows if r.email} | {
            r.manager_email for r in rows if r.manager_email
        }
        people: dict[str, Person] = {}
        for chunk in _chunks(sorted(emails)):
            for person in Person.objects.filter(email__in=chunk):
                people[person.email.lower()] = person
        self.report.people = people
        ids = [p.pk for p in people.values()]
        self.roles_here: dict[int, dict[str, Membership]] = defaultdict(dict)
        self.managers_here: dict[int, Person] = {}
        for chunk in _chunks(ids):
            memberships = Membership.objects.current().filter(organisation=org, person_id__in=chunk)
            for m in memberships.select_related("site"):
                self.roles_here[m.person_id][m.role] = m
            links = LineManagement.objects.current().filter(organisation=org, report_id__in=chunk)
            for link in links.select_related("manager"):
                self.managers_here[link.report_id] = link.manager
        self._load_links(emails)
        sites = {squash(s.name): s for s in Site.objects.filter(organisation=org)}
        for row in rows:
            self._check_person(row, people.get(row.email), sites)
        self._check_line_managers()
        for row in rows:
            if row.valid:
                self._describe_changes(row)

    def _check_person(self, row: ImportRow, person: Person | None, sites: dict[str, Site]) -> None:
        if row.site_name:
            row.site = sites.get(squash(row.site_name))
            if row.site is None:
                known = ", ".join(sorted(s.name for s in sites.values())[:10])
                row.problem(
                    "site",
                    f"{self.organisation} has no site called {quoted(row.site_name)}. "
                    + (f"Its sites are: {known}." if known else "Add the site first."),
                )
        row.person = person
        if person is not None and person.pk not in self.roles_here:
            row.notes.append(
                f"Already in Tandem outside {self.organisation}: the roles are added, and their "
                "name and contact details are left as they are."
            )

    def _is_member(self, email: str) -> bool:
        person = self.report.people.get(email)
        return person is not None and person.pk in self.roles_here

    def _shown(self, email: str) -> str:
        """Name only people this coordinator may see: those in the file or members here."""
        if email in self.rows_by_email or self._is_member(email):
            return email
        return "someone in another organisation"

    # line management: every manager must exist, and no loops once the file is applied

    def _check_line_managers(self) -> None:
        changed = True
        while changed:
            changed = False
            for row in self.report.rows:
                if not row.valid or not row.manager_email:
                    continue
                manager_row = self.rows_by_email.get(row.manager_email)
                if self._is_member(row.manager_email) or (manager_row and manager_row.valid):
                    continue
                changed = True
                if manager_row is not None:
                    row.problem(
                        "line_manager_email",
                        (
                            f"The line manager {row.manager_email} is on row {manager_row.number}, "
                            "which has problems; correct that row first."
                        ),
                    )
                else:
                    row.problem(
                        "line_manager_email",
                        (
                            f"{row.manager_email} is neither in this file nor a current member of "
                            f"{self.organisation}. Add them to the file, or correct the address."
                        ),
                    )
            if not changed:
                changed = self._mark_loops()

    def _load_links(self, emails: Iterable[str]) -> None:
        wanted = [e for e in emails if e not in self.links]
        for email in wanted:
            self.links[email] = []
        for chunk in _chunks(wanted):
            links = LineManagement.objects.current().filter(report__email__in=chunk)
            for org_id, report, manager in links.values_list(
                "organisation_id", "report__email", "manager__email"
            ):
                self.links.setdefault(report.lower(), []).append((org_id, manager.lower()))

    def _managers(self, email: str) -> list[str]:
        """The person's line managers once the valid rows are applied (any organisation)."""
        if email not in self.links:
            self._load_links([email])
        row = self.rows_by_email.get(email)
        if row is not None and row.valid and row.manager_email:
            others = [m for org_id, m in self.links[email] if org_id != self.organisation.pk]
            return [row.manager_email, *others]
        return [m for _, m in self.links[email]]

    def _mark_loops(self) -> bool:
        roots = [r.email for r in self.report.rows if r.valid and r.manager_email]
        components = strongly_connected(roots, self._managers)
        found: list[tuple[ImportRow, list[str]]] = []
        for component in components:
            if len(component) < 2:
                continue
            members = set(component)
            for email in component:
                row = self.rows_by_email.get(email)
                if row is not None and row.valid and row.manager_email in members:
                    path = _path(row.manager_email, email, members, self._managers)
                    found.append((row, [email, *path]))
        # Mark only once every loop is described: marking changes the graph.
        for row, chain in found:
            shown = [self._shown(e) for e in chain]
            text = f"{shown[0]} is managed by {shown[1]}" + "".join(
                f", who is managed by {e}" for e in shown[2:]
            )
            row.problem(
                "line_manager_email",
                f"This makes a line-management loop: {text}. Nobody can be managed, "
                "directly or up the chain, by someone they manage.",
            )
        if not found:
            ordered = [self.rows_by_email.get(e) for component in components for e in component]
            self.report.line_manager_order = [
                row for row in ordered if row is not None and row.valid and row.manager_email
            ]
        return bool(found)

    def _describe_changes(self, row: ImportRow) -> None:
        person = row.person
        at_site = f" at {row.site}" if row.site else ""
        if person is None:
            row.new = True
            row.changes.append("New person")
            row.new_roles = list(row.roles)
        else:
            held = self.roles_here.get(person.pk, {})
            if person.pk in self.roles_here:
                updates = {"given_name": row.given_name, "family_name": row.family_name}
                updates |= {
                    k: v for k, v in (("phone", row.phone), ("job_title", row.job_title)) if v
                }
                for name, value in updates.items():
                    if getattr(person, name) != value:
                        row.field_updates[name] = value
                        label = name.replace("_", " ").capitalize()
                        row.changes.append(
                            f"{label}: {quoted(getattr(person, name))} → {quoted(value)}"
                        )
            for role in row.roles:
                membership = held.get(role)
                if membership is None:
                    row.new_roles.append(role)
                elif row.site is not None and membership.site_id != row.site.pk:
                    row.site_moves.append(membership)
                    old = membership.site.name if membership.site else "no site"
                    row.changes.append(
                        f"Site of {Role(role).label.lower()} role: {old} → {row.site}"
                    )
        row.changes.extend(f"Role added: {Role(role).label}{at_site}" for role in row.new_roles)
        if row.manager_email:
            current = self.managers_here.get(person.pk) if person is not None else None
            if current is None or current.email.lower() != row.manager_email:
                row.manager_changes = True
                old = f"{current} ({current.email})" if current else "none"
                row.changes.append(f"Line manager: {old} → {self._label(row.manager_email)}")

    def _label(self, email: str) -> str:
        row = self.rows_by_email.get(email)
        person = self.report.people.get(email)
        name = (
            str(person)
            if person is not None and self._is_member(email)
            else (row.name if row is not None else "")
        )
        return f"{name} ({email})" if name else email


def strongly_connected(
    roots: Iterable[str], successors: Callable[[str], list[str]]
) -> list[list[str]]:
    """Tarjan's algorithm, iteratively. A component comes after every one it reaches,
    so following line managers upwards gives managers before the people they manage."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    for root in roots:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors(root)))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    result.append(component)
    return result


def _path(
    start: str, goal: str, within: set[str], successors: Callable[[str], list[str]]
) -> list[str]:
    """The shortest chain of managers from ``start`` up to ``goal``, inclusive."""
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        if node == goal:
            break
        for child in successors(node):
            if child in within and child not in previous:
                previous[child] = node
                queue.append(child)
    path: list[str] = []
    node: str | None = goal
    while node is not None:
        path.append(node)
        node = previous.get(node)
    return path[::-1]
