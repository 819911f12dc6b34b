"""Benchmark a people import (A3): preview, apply, then apply the same file again.

    .venv/bin/python bench/import_bench.py               # 5,000 people
    .venv/bin/python bench/import_bench.py --people 20000

Generates a deterministic CSV of N people for one new organisation: roles, sites,
phone numbers and a line-management tree (each manager has a handful of reports),
and a few people who already have a sign-in account with the same address (the
import links them). Uses its own SQLite database in a fresh directory under
build/bench (or the database in DATABASE_URL). ``bench/run.py`` calls ``run_bench``
on a fresh organisation in its scale database. Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

FANOUT = 6  # reports per line manager
SITES = ("Main Campus", "City Centre", "Riverside Annexe")
GIVEN = ("Ada", "Ben", "Cara", "Dev", "Ela", "Finn", "Gita", "Hugo", "Isla", "Jay", "Kemi", "Leo")
FAMILY = ("Patel", "Smith", "Jones", "Khan", "Brown", "Nowak", "Evans", "Okafor", "Reid", "Lee")
ROLES = ("mentee", "mentor", "mentee;tutor", "trainer", "mentor;mentee")
ACCOUNT_EVERY = 50  # every 50th person already has a sign-in account


def email_of(i: int, domain: str) -> str:
    return f"person{i:05d}@{domain}"


def make_csv(people: int, domain: str, seed: int = 1) -> bytes:
    """One row per person; person 0 heads the tree, person i reports to (i - 1) // FANOUT."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "email",
            "given_name",
            "family_name",
            "roles",
            "phone",
            "job_title",
            "site",
            "line_manager_email",
        ]
    )
    for i in range(people):
        manages = i * FANOUT + 1 < people
        roles = "coordinator;line_manager" if i == 0 else rng.choice(ROLES)
        if manages and i:
            roles += ";line_manager"
        writer.writerow(
            [
                email_of(i, domain),
                rng.choice(GIVEN),
                rng.choice(FAMILY),
                roles,
                f"0161 496 {i % 10000:04d}" if i % 3 == 0 else "",
                "Head of department" if manages else "Lecturer",
                SITES[i % len(SITES)] if i % 4 else "",
                email_of((i - 1) // FANOUT, domain) if i else "",
            ]
        )
    return out.getvalue().encode("utf-8")


@dataclass
class Figures:
    people: int
    file_kb: float
    preview_s: float
    apply_s: float
    reapply_s: float
    counts: dict[str, int]
    changes_on_reapply: int
    queries: dict[str, int]


def prepare_organisation(name: str, people: int, domain: str) -> tuple[Any, Any]:
    """A fresh organisation with sites, and accounts for some of the people in the file."""
    from django.contrib.auth import get_user_model

    from tandem.core.actor import Actor
    from tandem.core.tenancy import system_access
    from tandem.organisations.models import Organisation, OrganisationKind, Partnership, Site

    with system_access():
        partnership, _ = Partnership.objects.get_or_create(name=f"{name} Partnership")
        organisation = Organisation.objects.create(name=name, kind=OrganisationKind.COLLEGE)
        partnership.members.create(organisation=organisation)
        for site in SITES:
            Site.objects.create(organisation=organisation, name=site)
        users = get_user_model()
        users.objects.bulk_create(
            users(username=email_of(i, domain), email=email_of(i, domain).upper())
            for i in range(0, people, ACCOUNT_EVERY)
        )
    # The command line's actor: allowed everything, audited as the system.
    return organisation, Actor(is_superuser=True)


def run_bench(organisation: Any, actor: Any, people: int, domain: str, seed: int = 1) -> Figures:
    from django.db import connection

    from tandem.core.tenancy import system_access
    from tandem.organisations import importing
    from tandem.organisations.models import Person

    data = make_csv(people, domain, seed)
    queries: dict[str, int] = {}

    def timed(label: str, call: Any) -> tuple[float, Any]:
        count = [0]

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            result = call()
            seconds = time.perf_counter() - started
        queries[label] = count[0]
        return seconds, result

    preview_s, report = timed(
        "preview", lambda: importing.preview(actor, organisation, "people.csv", data)
    )
    if report.has_problems:
        raise SystemExit("\n".join(importing.report_lines(report)[:20]))
    apply_s, result = timed(
        "apply", lambda: importing.apply(actor, organisation, "people.csv", data)
    )
    if not result.applied:
        raise SystemExit("\n".join(importing.report_lines(result.report)[:20]))
    reapply_s, again = timed(
        "reapply", lambda: importing.apply(actor, organisation, "people.csv", data)
    )
    with system_access():
        linked = Person.objects.filter(email__endswith=domain, user__isnull=False).count()
    expected = len(range(0, people, ACCOUNT_EVERY))
    if linked != expected:
        raise SystemExit(f"{linked} people linked to their accounts; expected {expected}")
    return Figures(
        people=people,
        file_kb=len(data) / 1024,
        preview_s=preview_s,
        apply_s=apply_s,
        reapply_s=reapply_s,
        counts=result.report.counts(),
        changes_on_reapply=len(again.report.rows_to_apply) + int(again.applied),
        queries=queries,
    )


def print_figures(figures: Figures) -> None:
    counts = figures.counts
    print(
        f"Import of {figures.people:,} people ({figures.file_kb:,.0f} KB CSV): "
        f"{counts['new_people']:,} new people, {counts['roles_added']:,} roles, "
        f"{counts['line_managers_set']:,} line managers"
    )
    rows = [
        ("Step", "Seconds", "People/s", "Queries"),
        (
            "preview",
            figures.preview_s,
            figures.people / figures.preview_s,
            figures.queries["preview"],
        ),
        ("apply", figures.apply_s, figures.people / figures.apply_s, figures.queries["apply"]),
        (
            "re-apply (no change)",
            figures.reapply_s,
            figures.people / figures.reapply_s,
            figures.queries["reapply"],
        ),
    ]
    text = [rows[0]] + [(s, f"{t:.2f}", f"{r:,.0f}", str(q)) for s, t, r, q in rows[1:]]
    widths = [max(len(row[i]) for row in text) for i in range(4)]
    for n, row in enumerate(text):
        cells = [
            cell.rjust(w) if i and n else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(f"changes found on re-apply: {figures.changes_on_reapply}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--var-dir", type=Path, default=None)
    args = parser.parse_args()

    os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.settings"
    sys.path.insert(0, str(ROOT / "src"))
    if os.environ.get("DATABASE_URL"):
        var_dir = args.var_dir or ROOT / "build" / "bench" / "import-external-db"
        where = "DATABASE_URL"
    else:
        var_dir = args.var_dir or ROOT / "build" / "bench" / f"import-{args.people}"
        where = f"SQLite in {var_dir}"
    if var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True)
    os.environ["TANDEM_VAR_DIR"] = str(var_dir)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False
    settings.TANDEM_MAX_IMPORT_ROWS = max(settings_rows(settings), args.people)
    settings.TANDEM_MAX_IMPORT_BYTES = max(
        getattr(settings, "TANDEM_MAX_IMPORT_BYTES", 0), 200 * args.people
    )
    print(f"Tandem import benchmark — {where} ({connection.vendor})")
    call_command("migrate", verbosity=0, interactive=False)
    stamp = time.strftime("%Y%m%d%H%M%S")
    organisation, actor = prepare_organisation(
        f"Import Bench College {stamp}", args.people, f"importbench-{stamp}.example"
    )
    print_figures(
        run_bench(organisation, actor, args.people, f"importbench-{stamp}.example", args.seed)
    )
    return 0


def settings_rows(settings: Any) -> int:
    return int(getattr(settings, "TANDEM_MAX_IMPORT_ROWS", 0))


if __name__ == "__main__":
    sys.exit(main())
