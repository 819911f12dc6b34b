"""Benchmark compliance (D6): an organisation with 2,000 relationships, a partnership with 100,000.

    .venv/bin/python bench/compliance_bench.py                     # 2,000 and 100,000
    .venv/bin/python bench/compliance_bench.py --partnership 20000  # a quicker run

Builds, deterministically and with bulk inserts, one partnership of organisations
with 2,000 active relationships each (the first is the organisation measured),
with meetings, observations, sent reports, objectives and signed agreements, half
of the organisations on a stored calendar and half on England's default. Then
times, through the Django test client, the coordinator's compliance page (first
page) for the first organisation, and the partnership administrator's figures
for the whole partnership, both as a function and as a page.

Uses its own SQLite database in a fresh directory under build/bench (or the
database in DATABASE_URL) when run on its own; ``bench/run.py`` calls ``run``
inside its scale database. Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import sys
import time
import uuid as uuid_module
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
LONDON = ZoneInfo("Europe/London")
BATCH = 5_000

CONTACT_RULES = [
    {"period": "half_term", "kind": "discussion", "minimum": 2, "periods": [], "label": ""},
    {"period": "term", "kind": "observation", "minimum": 1, "periods": [], "label": ""},
    {"period": "year", "kind": "report", "minimum": 1, "periods": [], "label": ""},
]
MONTHLY_RULES = [
    {"period": "month", "kind": "discussion", "minimum": 1, "periods": [], "label": ""},
]


@dataclass
class Built:
    organisation: Any
    partnership: Any
    coordinator: Any
    administrator: Any
    relationships: int
    organisation_relationships: int
    meetings: int
    seconds: float


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, clock(hour, 0), tzinfo=LONDON)


def _account(person: Any) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username=person.email, email=person.email)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    person.user = user
    person.save(update_fields=["user"])


class Inserter:
    """Rows straight into a table with executemany: the ORM's bulk_create costs ~150 µs a row,
    which would make building 100,000 relationships take minutes. Values are given per column;
    every other column gets its field's default (or NULL, or the empty string)."""

    def __init__(self, model: Any, rng: random.Random) -> None:
        from django.db import connection
        from django.utils import timezone

        self.connection = connection
        self.rng = rng
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
        now = timezone.now()
        self.defaults: dict[str, Any] = {}
        self.adapt: dict[str, Any] = {}
        for f in self.fields:
            kind = f.get_internal_type()
            if kind == "DateTimeField" or kind == "UUIDField":
                self.adapt[f.attname] = lambda v, f=f: f.get_db_prep_save(v, connection)
            if f.has_default() and kind != "UUIDField":
                value = f.get_db_prep_save(f.get_default(), connection)
            elif f.null:
                value = None
            elif kind == "DateTimeField":
                value = f.get_db_prep_save(now, connection)
            else:
                value = ""
            self.defaults[f.attname] = value

    def insert(self, rows: list[dict[str, Any]]) -> None:
        names = [f.attname for f in self.fields]
        out = []
        for row in rows:
            # Fresh identifiers: the scale data of the same seed already holds the
            # deterministic ones, and a database may be benchmarked twice.
            row.setdefault("uuid", uuid_module.uuid4())
            values = []
            for name in names:
                if name in row:
                    value = row[name]
                    adapt = self.adapt.get(name)
                    values.append(adapt(value) if adapt and value is not None else value)
                else:
                    values.append(self.defaults[name])
            out.append(values)
        with self.connection.cursor() as cursor:
            for i in range(0, len(out), 10_000):
                cursor.executemany(self.sql, out[i : i + 10_000])


def build(per_organisation: int, total: int, seed: int = 1) -> Built:
    """The partnership, its organisations and relationships; returns what is measured."""
    from django.db import transaction
    from django.utils import timezone

    from tandem.core.roles import Role
    from tandem.core.tenancy import system_access
    from tandem.organisations.models import (
        Membership,
        Organisation,
        Partnership,
        PartnershipMember,
        PartnershipRole,
        Person,
    )
    from tandem.programmes import academic_year
    from tandem.programmes.models import AcademicCalendar, CalendarPeriod, Programme
    from tandem.relationships.compliance import academic_start_year
    from tandem.relationships.models import (
        Agreement,
        AgreementVersion,
        DevelopmentPlan,
        Meeting,
        Mentorship,
        Objective,
        Observation,
        Report,
    )

    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    stamp = time.strftime("%Y%m%d%H%M%S")
    n_orgs = max(1, math.ceil(total / per_organisation))
    with system_access(), transaction.atomic():
        partnership = Partnership.objects.create(
            name=f"Compliance Bench Partnership {stamp}", require_mfa_for_admins=False
        )
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(name=f"Compliance Bench College {stamp} {k + 1:03d}", kind="college")
                for k in range(n_orgs)
            ]
        )
        PartnershipMember.objects.bulk_create(
            [PartnershipMember(partnership=partnership, organisation=o) for o in organisations]
        )
        shared = Programme.objects.create(
            partnership=partnership,
            name="Shared ITT programme",
            purpose="itt_in_service",
            contact_rules=CONTACT_RULES,
        )
        own = Programme.objects.bulk_create(
            [
                Programme(
                    organisation=o,
                    name="Induction",
                    purpose="induction",
                    contact_rules=MONTHLY_RULES,
                )
                for o in organisations
            ]
        )
        # Half of the organisations keep their own calendar; the rest use England's default.
        spec = academic_year.england(academic_start_year(today))
        calendars = AcademicCalendar.objects.bulk_create(
            [
                AcademicCalendar(
                    organisation=o, name=spec.name, starts_on=spec.starts_on, ends_on=spec.ends_on
                )
                for o in organisations[::2]
            ]
        )
        CalendarPeriod.objects.bulk_create(
            [
                CalendarPeriod(
                    calendar=c,
                    kind=p.kind,
                    position=p.position,
                    name=p.name,
                    starts_on=p.starts_on,
                    ends_on=p.ends_on,
                )
                for c in calendars
                for p in spec.periods
            ]
        )

        coordinator = Person.objects.create(
            given_name="Cora", family_name="Bench", email=f"cb{stamp}-coordinator@bench.example"
        )
        Membership.objects.create(
            person=coordinator, organisation=organisations[0], role=Role.COORDINATOR
        )
        administrator = Person.objects.create(
            given_name="Ada", family_name="Bench", email=f"cb{stamp}-admin@bench.example"
        )
        PartnershipRole.objects.create(partnership=partnership, person=administrator)
        _account(coordinator)
        _account(administrator)

        mentors_per_org = max(1, per_organisation // 5)
        prefix = f"cb{stamp}-"
        people = []
        for k in range(n_orgs):
            for i in range(mentors_per_org):
                people.append(
                    {
                        "given_name": f"Mentor{i}",
                        "family_name": f"Org{k + 1}",
                        "email": f"{prefix}{k + 1}-mentor{i}@bench.example",
                    }
                )
            for i in range(per_organisation):
                people.append(
                    {
                        "given_name": f"Mentee{i}",
                        "family_name": f"Org{k + 1}",
                        "email": f"{prefix}{k + 1}-mentee{i}@bench.example",
                    }
                )
        Inserter(Person, rng).insert(people)
        ids = dict(Person.objects.filter(email__startswith=prefix).values_list("email", "id"))

        rows = []
        for k, organisation in enumerate(organisations):
            for i in range(per_organisation):
                if len(rows) >= total:
                    break
                rows.append(
                    {
                        "organisation_id": organisation.pk,
                        "mentor_organisation_id": organisation.pk,
                        "mentor_id": ids[
                            f"{prefix}{k + 1}-mentor{i % mentors_per_org}@bench.example"
                        ],
                        "mentee_id": ids[f"{prefix}{k + 1}-mentee{i}@bench.example"],
                        "programme_id": shared.pk if i % 4 else own[k].pk,
                        "source": "coordinator",
                        "status": "active",
                        "starts_on": today - timedelta(days=rng.randrange(5, 300)),
                    }
                )
        Inserter(Mentorship, rng).insert(rows)
        made = list(
            Mentorship.objects.filter(organisation__in=organisations)
            .order_by("id")
            .values_list("id", "mentor_id", "mentee_id", "starts_on")
        )

        meetings, observations, reports, plans, agreements = [], [], [], [], []
        for pk, mentor_id, mentee_id, starts_on in made:
            span = max(1, (today - starts_on).days)
            for _ in range(rng.randrange(0, 6)):
                day = starts_on + timedelta(days=rng.randrange(0, span))
                meetings.append(
                    {
                        "mentorship_id": pk,
                        "status": "held",
                        "starts_at": _moment(day, rng.randrange(8, 18)),
                        "duration_minutes": rng.choice((30, 45, 60, 90)),
                        "mode": "face_to_face",
                    }
                )
            if rng.random() < 0.4:
                day = starts_on + timedelta(days=rng.randrange(0, span))
                observations.append(
                    {
                        "mentorship_id": pk,
                        "observer_id": mentor_id,
                        "observed_id": mentee_id,
                        "purpose": "developmental",
                        "purpose_declared_at": _moment(day, 8),
                        "scheduled_for": _moment(day, 10),
                        "status": "recorded",
                    }
                )
            if rng.random() < 0.3:
                day = starts_on + timedelta(days=rng.randrange(0, span))
                reports.append(
                    {
                        "mentorship_id": pk,
                        "kind": "scheduled",
                        "name": "Progress review",
                        "due_on": day,
                        "status": "sent",
                        "sent_at": _moment(day, 12),
                    }
                )
            if rng.random() < 0.5:
                plans.append({"mentorship_id": pk})
            if rng.random() < 0.7:
                agreements.append({"mentorship_id": pk})
        Inserter(Meeting, rng).insert(meetings)
        Inserter(Observation, rng).insert(observations)
        Inserter(Report, rng).insert(reports)
        Inserter(DevelopmentPlan, rng).insert(plans)
        Inserter(Agreement, rng).insert(agreements)
        in_bench = {"mentorship__organisation__in": organisations}
        Inserter(Objective, rng).insert(
            [
                {
                    "plan_id": plan_id,
                    "what": "Plan lessons with clear outcomes",
                    "measure": "Observed lessons",
                    "due_on": today + timedelta(days=rng.randrange(-60, 90)),
                    "status": rng.choice(("not_started", "in_progress", "achieved")),
                }
                for plan_id in DevelopmentPlan.objects.filter(**in_bench)
                .order_by("id")
                .values_list("id", flat=True)
            ]
        )
        text_hash = AgreementVersion.hash_text("We agree.")
        Inserter(AgreementVersion, rng).insert(
            [
                {
                    "agreement_id": agreement_id,
                    "number": 1,
                    "text": "We agree.",
                    "text_hash": text_hash,
                    "status": "signed",
                    "created_by_name": "Bench",
                }
                for agreement_id in Agreement.objects.filter(**in_bench)
                .order_by("id")
                .values_list("id", flat=True)
            ]
        )
    return Built(
        organisation=organisations[0],
        partnership=partnership,
        coordinator=coordinator,
        administrator=administrator,
        relationships=len(made),
        organisation_relationships=min(per_organisation, len(made)),
        meetings=len(meetings),
        seconds=time.perf_counter() - started,
    )


def nearest_rank(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Timing:
    what: str
    who: str
    median_ms: float
    p95_ms: float
    queries: int | str
    status: int | str


def time_page(what: str, who: str, person: Any, url: str, requests: int, warmup: int) -> Timing:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(person.user)
    status: int | str = 0
    for _ in range(warmup):
        status = client.get(url).status_code
    with CaptureQueriesContext(connection) as captured:
        status = client.get(url).status_code
    queries = len(captured)
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            status = response.status_code
    return Timing(
        what, who, statistics.median(samples), nearest_rank(samples, 0.95), queries, status
    )


def time_summary(partnership: Any, runs: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tandem.relationships.compliance_selectors import partnership_summary, totals

    today = timezone.localdate()
    with CaptureQueriesContext(connection) as captured:
        figures = partnership_summary(partnership, today=today)
    queries = len(captured)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        figures = partnership_summary(partnership, today=today)
        samples.append((time.perf_counter() - started) * 1000)
    total = totals(figures)
    who = f"{total.active:,} relationships: {total.overdue:,} overdue, {total.at_risk:,} at risk"
    return Timing(
        "Partnership summary (function)",
        who,
        statistics.median(samples),
        nearest_rank(samples, 0.95),
        queries,
        "ok",
    )


def print_table(rows: list[Timing]) -> None:
    header = ("Page", "As", "Median ms", "p95 ms", "Queries", "Status")
    text = [header] + [
        (r.what, r.who, f"{r.median_ms:.1f}", f"{r.p95_ms:.1f}", str(r.queries), str(r.status))
        for r in rows
    ]
    widths = [max(len(row[i]) for row in text) for i in range(len(header))]
    numeric = {2, 3, 4}
    for n, row in enumerate(text):
        cells = [
            cell.rjust(w) if i in numeric and n else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def run(
    per_organisation: int = 2_000,
    total: int = 100_000,
    *,
    requests: int = 5,
    warmup: int = 1,
    summary_runs: int = 3,
    seed: int = 1,
) -> list[Timing]:
    """Build the data in the current database, then time and print (Django is set up)."""
    from django.conf import settings
    from django.db import connection
    from django.urls import reverse

    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    built = build(per_organisation, total, seed)
    print(
        f"Compliance data: {built.relationships:,} active relationships in "
        f"{math.ceil(built.relationships / per_organisation)} organisations "
        f"({built.meetings:,} meetings), built in {built.seconds:.1f} s"
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    org_url = reverse(
        "relationships:organisation_compliance", kwargs={"uuid": built.organisation.uuid}
    )
    partnership_url = reverse(
        "relationships:partnership_compliance", kwargs={"uuid": built.partnership.uuid}
    )
    rows = [
        time_page(
            "Compliance, page 1",
            f"coordinator, {built.organisation_relationships:,} relationships",
            built.coordinator,
            org_url,
            requests,
            warmup,
        ),
        time_page(
            "Compliance, overdue only",
            f"coordinator, {built.organisation_relationships:,} relationships",
            built.coordinator,
            org_url + "?standing=overdue",
            requests,
            warmup,
        ),
        time_summary(built.partnership, summary_runs),
        time_page(
            "Partnership compliance page",
            f"administrator, {built.relationships:,} relationships",
            built.administrator,
            partnership_url,
            summary_runs,
            0,
        ),
    ]
    print()
    print_table(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisation", type=int, default=2_000, help="relationships each")
    parser.add_argument("--partnership", type=int, default=100_000, help="relationships in all")
    parser.add_argument("--requests", type=int, default=5, help="timed requests per page")
    parser.add_argument("--summary-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--var-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    sys.path.insert(0, str(ROOT / "src"))
    if os.environ.get("DATABASE_URL"):
        where = "DATABASE_URL"
    else:
        var_dir = args.var_dir or ROOT / "build" / "bench" / "compliance"
        if var_dir.exists():
            shutil.rmtree(var_dir)
        var_dir.mkdir(parents=True)
        os.environ["TANDEM_VAR_DIR"] = str(var_dir)
        where = f"SQLite in {var_dir}"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"Tandem compliance benchmark — {where} ({connection.vendor})")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    rows = run(
        args.organisation,
        args.partnership,
        requests=args.requests,
        summary_runs=args.summary_runs,
        seed=args.seed,
    )
    return 0 if all(r.status in (200, "ok") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
