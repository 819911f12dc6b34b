"""Benchmark Tandem at national scale: data generation and page timings.

    .venv/bin/python bench/run.py                 # 15 partnerships, 500 organisations, 300,000
                                                  # people
    .venv/bin/python bench/run.py --people 20000  # a quicker run

Uses its own SQLite database in a fresh directory under build/bench (or the
database in DATABASE_URL, whose scale data it replaces). Times are printed,
never asserted: they depend on the machine.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import resource
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partnerships", type=int, default=15)
    parser.add_argument("--organisations", type=int, default=500)
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests per page first")
    parser.add_argument(
        "--import-people",
        type=int,
        default=5_000,
        help="people in the timed import into a fresh organisation (import_bench.py; 0 skips)",
    )
    parser.add_argument(
        "--matching-sizes",
        default="1000,10000,100000",
        help="cohort sizes for the matching engine benchmark (matching_bench.py; 0 or empty skips)",
    )
    parser.add_argument(
        "--compliance",
        default="2000,100000",
        help="relationships in one organisation and in one partnership for the compliance "
        "benchmark (compliance_bench.py; 0 skips)",
    )
    parser.add_argument(
        "--training-enrolments",
        type=int,
        default=50_000,
        help="enrolments on the course whose statistics page is timed "
        "(training_stats_bench.py; 0 skips)",
    )
    parser.add_argument(
        "--credentials",
        type=int,
        default=500,
        help="Open Badges credentials issued and verified (credentials_bench.py; 0 skips)",
    )
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="skip ANALYZE after seeding (a live database keeps statistics; SQLite needs it)",
    )
    parser.add_argument(
        "--var-dir",
        type=Path,
        default=None,
        help="directory for the SQLite database (default build/bench/sqlite-<people>; emptied)",
    )
    return parser.parse_args()


def prepare_environment(args: argparse.Namespace) -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.settings"
    sys.path.insert(0, str(ROOT / "src"))
    var_dir = args.var_dir or ROOT / "build" / "bench" / f"sqlite-{args.people}"
    if os.environ.get("DATABASE_URL"):
        var_dir = args.var_dir or ROOT / "build" / "bench" / "external-db"
        where = "DATABASE_URL (its scale data is replaced)"
    else:
        where = f"SQLite in {var_dir}"
    if var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True)
    os.environ["TANDEM_VAR_DIR"] = str(var_dir)
    return where


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


@dataclass
class Case:
    page: str
    who: str
    person: Any
    url: str


@dataclass
class Result:
    case: Case
    status: int | str
    median_ms: float
    p95_ms: float
    queries: int


def nearest_rank(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def choose_cases() -> list[Case]:
    """The people behind each role home, in the largest organisation and partnership."""
    from django.db.models import Count
    from django.urls import reverse

    from tandem.core.roles import Role
    from tandem.core.tenancy import system_access
    from tandem.organisations.management.commands.seed_scale import PREFIX
    from tandem.organisations.models import (
        LineManagement,
        Membership,
        Organisation,
        Partnership,
        PartnershipRole,
        Person,
    )

    def home(kind: str) -> str:
        return reverse("core:role_home", kwargs={"kind": kind})

    with system_access():
        sizes = (
            Membership.objects.current()
            .filter(organisation__name__startswith=PREFIX)
            .values("organisation")
            .annotate(n=Count("person", distinct=True))
            .order_by("-n")
        )
        top = sizes[0]
        org = Organisation.objects.get(pk=top["organisation"])
        partnership = (
            Partnership.objects.filter(name__startswith=PREFIX)
            .annotate(n=Count("members"))
            .order_by("-n", "id")
            .first()
        )
        admin = (
            PartnershipRole.objects.filter(partnership=partnership)
            .select_related("person")
            .order_by("id")
            .first()
            .person
        )

        def holder(role: str, exclude_roles: tuple[str, ...] = ()) -> Any:
            members = Membership.objects.current().filter(organisation=org, role=role)
            if exclude_roles:
                others = Membership.objects.filter(organisation=org, role__in=exclude_roles)
                members = members.exclude(person__in=others.values("person"))
            return members.select_related("person").order_by("id").first().person

        managers = (
            LineManagement.objects.current()
            .filter(organisation=org)
            .values("manager")
            .annotate(n=Count("id"))
            .order_by("-n", "manager")
        )
        head_id = managers[0]["manager"]
        middle_id = next(m["manager"] for m in managers if m["manager"] != head_id)
        people = Person.objects.in_bulk([head_id, middle_id])
        coordinator = holder(Role.COORDINATOR)
        n_partners = partnership.n
        size = f"{top['n']:,} people"
        return [
            Case("Coordinator home", f"coordinator, {size}", coordinator, home("coordinator")),
            Case(
                "Partnership home",
                f"administrator, {n_partners} organisations",
                admin,
                home("partnership"),
            ),
            Case(
                "Mentor home", "mentor", holder(Role.MENTOR, (Role.LINE_MANAGER,)), home("mentor")
            ),
            Case(
                "Mentee home",
                "mentee with a line manager",
                holder(Role.MENTEE, (Role.MENTOR,)),
                home("mentee"),
            ),
            Case("Line manager home", "manages a team", people[middle_id], home("line-manager")),
            Case(
                "Line manager home",
                "head of the organisation",
                people[head_id],
                home("line-manager"),
            ),
            Case("Tutor home", "tutor", holder(Role.TUTOR), home("tutor")),
            Case("Trainer home", "trainer", holder(Role.TRAINER), home("trainer")),
            Case(
                "People list, page 1",
                f"coordinator, {size}",
                coordinator,
                reverse("organisations:organisation_people", kwargs={"uuid": org.uuid}),
            ),
            Case(
                "People list, search",
                f"coordinator, {size}",
                coordinator,
                reverse("organisations:organisation_people", kwargs={"uuid": org.uuid})
                + "?q=patel",
            ),
        ]


def give_accounts(cases: list[Case]) -> None:
    from django.contrib.auth import get_user_model

    from tandem.core.tenancy import system_access

    user_model = get_user_model()
    with system_access():
        for case in cases:
            person = case.person
            if person.user_id is None:
                user = user_model.objects.create(username=person.email, email=person.email)
                user.set_unusable_password()
                user.save(update_fields=["password"])
                person.user = user
                person.save(update_fields=["user"])


def measure(case: Case, requests: int, warmup: int) -> Result:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(case.person.user)
    status: int | str = 0
    for _ in range(warmup):
        status = client.get(case.url).status_code
    with CaptureQueriesContext(connection) as captured:
        status = client.get(case.url).status_code
    queries = len(captured)  # now: the next request empties the connection's log
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(case.url)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            status = response.status_code
    return Result(case, status, statistics.median(samples), nearest_rank(samples, 0.95), queries)


def print_table(results: list[Result]) -> None:
    header = ("Page", "As", "Median ms", "p95 ms", "Queries", "Status")
    rows = [header] + [
        (
            r.case.page,
            r.case.who,
            f"{r.median_ms:.1f}",
            f"{r.p95_ms:.1f}",
            str(r.queries),
            str(r.status),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {2, 3, 4}
    for n, row in enumerate(rows):
        cells = [
            cell.rjust(w) if i in numeric and n else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main() -> int:
    args = parse_args()
    where = prepare_environment(args)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # Measure as production runs: no per-query debug log, no debug templates.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    print(f"Tandem benchmark — {where} ({connection.vendor})")
    print(
        f"Scale: {args.partnerships} partnerships, {args.organisations} organisations, "
        f"{args.people:,} people, seed {args.seed}"
    )
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - started:.1f} s")

    output = io.StringIO()
    started = time.perf_counter()
    call_command(
        "seed_scale",
        partnerships=args.partnerships,
        organisations=args.organisations,
        people=args.people,
        seed=args.seed,
        flush_scale=True,
        stdout=output,
    )
    seed_seconds = time.perf_counter() - started
    print(output.getvalue().rstrip())
    print(f"seed_scale: {seed_seconds:.1f} s ({args.people / seed_seconds:,.0f} people/s)")
    print(f"peak memory after seeding: {peak_memory_mb():,.0f} MB")
    if args.analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print("ANALYZE run: the planner has table statistics")

    cases = choose_cases()
    give_accounts(cases)
    print(
        f"\nPage timings: {args.warmup} warm-up then {args.requests} requests each "
        "(django.test.Client, signed in with force_login)\n"
    )
    results = []
    failed = False
    for case in cases:
        try:
            results.append(measure(case, args.requests, args.warmup))
        except Exception as exc:  # report and carry on with the other pages
            failed = True
            print(f"{case.page} ({case.who}) failed: {type(exc).__name__}: {exc}")
    print_table(results)
    failed = failed or any(r.status != 200 for r in results)
    if args.import_people:
        from import_bench import prepare_organisation, print_figures, run_bench

        stamp = time.strftime("%Y%m%d%H%M%S")  # fresh names, even in a reused database
        domain = f"importbench-{stamp}.example"
        print("\nImport: preview, apply and re-apply a file into a fresh organisation\n")
        organisation, actor = prepare_organisation(
            f"Import Bench College {stamp}", args.import_people, domain
        )
        print_figures(run_bench(organisation, actor, args.import_people, domain, args.seed))
    sizes = [s for s in args.matching_sizes.split(",") if s.strip() and int(s) > 0]
    if sizes:
        import matching_bench

        print()
        matching_bench.main(["--sizes", ",".join(sizes), "--seed", str(args.seed)])
    per_organisation, _, total = args.compliance.partition(",")
    if int(per_organisation or 0) > 0:
        import compliance_bench

        print(
            f"\nCompliance: an organisation with {int(per_organisation):,} relationships, "
            f"a partnership with {int(total or 0):,}\n"
        )
        compliance_bench.run(int(per_organisation), int(total or 0))
    if args.training_enrolments > 0:
        import training_stats_bench

        print(f"\nCourse statistics: a course with {args.training_enrolments:,} enrolments\n")
        training_stats_bench.run(
            args.training_enrolments, requests=args.requests, warmup=args.warmup, seed=args.seed
        )
    if args.credentials > 0:
        import credentials_bench

        print(f"\nOpen Badges 3.0 credentials: {args.credentials:,} issued and verified\n")
        figures = credentials_bench.run(args.credentials, seed=args.seed)
        failed = failed or not figures["ok"]
    print(f"\npeak memory (whole run): {peak_memory_mb():,.0f} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
