"""Benchmark course statistics (E6): one course, 5 units, 4 runs, 50,000 enrolments.

    .venv/bin/python bench/training_stats_bench.py                      # 50,000 enrolments
    .venv/bin/python bench/training_stats_bench.py --enrolments 5000    # a quicker run

Builds, deterministically and with bulk inserts, one organisation's course with five
units and four runs, 50,000 enrolments spread over the runs (12,500 learners, each on
every run), their unit completions, a badge per completed unit (not signed: dummy token
text as long as a real token, under one issuer key), some completed and withdrawn
enrolments, and recent answers and activity. Then times, through the Django test client
signed in as the course's trainer, the statistics page for the whole course and focused
on one run, and prints the median, the 95th percentile and the number of queries.

Uses its own SQLite database in a fresh directory under build/bench (or the database in
DATABASE_URL) when run on its own; ``run`` can be called inside another benchmark's
database once Django is set up. Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

UNITS = 5
RUNS = 4
# A dummy token as long as a real signed Open Badges 3.0 credential (compact JWT, ~1.6 KB):
# the row's size matters to how fast badges are counted.
TOKEN = "eyJhbGciOiJFZERTQSJ9." + "x" * 1_500 + ".signature"


@dataclass
class Built:
    course: Any
    runs: list[Any]
    trainer: Any
    enrolments: int
    completions: int
    badges: int
    seconds: float


def build(enrolments: int, seed: int = 1) -> Built:
    """The organisation, its trainer, the course and its learning records."""
    from compliance_bench import Inserter, _account
    from django.db import transaction
    from django.utils import timezone

    from tandem.core.roles import Role
    from tandem.core.tenancy import system_access
    from tandem.organisations.models import Membership, Organisation, Person
    from tandem.training.models import (
        Activity,
        Answer,
        Course,
        CourseRun,
        Credential,
        Enrolment,
        IssuerKey,
        Module,
        ModuleCompletion,
    )

    started = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    stamp = time.strftime("%Y%m%d%H%M%S")
    learners = max(1, -(-enrolments // RUNS))
    with system_access(), transaction.atomic():
        organisation = Organisation.objects.create(
            name=f"Training Bench College {stamp}", kind="college"
        )
        trainer = Person.objects.create(
            given_name="Trudy", family_name="Bench", email=f"tb{stamp}-trainer@bench.example"
        )
        Membership.objects.create(person=trainer, organisation=organisation, role=Role.TRAINER)
        _account(trainer)
        course = Course.objects.create(
            organisation=organisation,
            title="Mentoring in schools and colleges",
            status="published",
            glh=Decimal("40"),
            is_mentor_training=True,
        )
        modules = [
            Module.objects.create(
                course=course, position=i, title=f"Workbook {i}", glh=Decimal("8")
            )
            for i in range(1, UNITS + 1)
        ]
        reflections = [
            Activity.objects.create(
                module=m, position=1, kind="reflection", title="Reflection", prompt="Why?"
            )
            for m in modules
        ]
        runs = [
            CourseRun.objects.create(
                course=course,
                name=f"Run {k + 1}",
                enrolment_opens_on=today - timedelta(days=400 - 90 * k),
                starts_on=today - timedelta(days=400 - 90 * k),
            )
            for k in range(RUNS)
        ]
        key = IssuerKey.objects.create(
            organisation=organisation, public_key_pem="bench", private_key_encrypted="bench"
        )

        prefix = f"tb{stamp}-"
        Inserter(Person, rng).insert(
            [
                {
                    "given_name": f"Learner{i}",
                    "family_name": "Bench",
                    "email": f"{prefix}learner{i}@bench.example",
                }
                for i in range(learners)
            ]
        )
        people = list(
            Person.objects.filter(email__startswith=prefix, given_name__startswith="Learner")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Inserter(Membership, rng).insert(
            [
                {
                    "person_id": p,
                    "organisation_id": organisation.pk,
                    "role": Role.MENTOR,
                    "starts_on": today - timedelta(days=500),
                }
                for p in people
            ]
        )

        rows = []
        for run in runs:
            for p in people:
                if len(rows) >= enrolments:
                    break
                roll = rng.random()
                status = "completed" if roll < 0.3 else "withdrawn" if roll < 0.4 else "active"
                enrolled = now - timedelta(days=rng.randint(1, 400))
                recent = rng.random() < 0.25
                rows.append(
                    {
                        "run_id": run.pk,
                        "person_id": p,
                        "organisation_id": organisation.pk,
                        "status": status,
                        "enrolled_at": enrolled,
                        "completed_at": now - timedelta(days=rng.randint(1, 200))
                        if status == "completed"
                        else None,
                        "last_active_at": now - timedelta(days=rng.randint(0, 20))
                        if recent
                        else now - timedelta(days=rng.randint(31, 300)),
                    }
                )
        Inserter(Enrolment, rng).insert(rows)
        made = list(
            Enrolment.objects.filter(run__course=course)
            .order_by("pk")
            .values_list("pk", "status", "person_id")
        )

        completions, badges, answers = [], [], []
        index = 0
        for pk, status, person_id in made:
            units = UNITS if status == "completed" else rng.randint(0, UNITS - 1)
            for m in modules[:units]:
                when = now - timedelta(days=rng.randint(0, 300))
                completions.append({"enrolment_id": pk, "module_id": m.pk, "completed_at": when})
                index += 1
                badges.append(
                    {
                        "kind": "badge",
                        "enrolment_id": pk,
                        "module_id": m.pk,
                        "course_id": course.pk,
                        "recipient_id": person_id,
                        "issuer_id": organisation.pk,
                        "key_id": key.pk,
                        "name": f"{m.title} badge",
                        "token": TOKEN,
                        "status_index": index,
                        "issued_at": when,
                        "revoked_at": now if rng.random() < 0.01 else None,
                    }
                )
            if status == "active" and rng.random() < 0.1:
                answers.append(
                    {
                        "enrolment_id": pk,
                        "activity_id": reflections[min(units, UNITS - 1)].pk,
                        "text": "A reflection in progress",
                        "updated_at": now - timedelta(days=rng.randint(0, 60)),
                    }
                )
        Inserter(ModuleCompletion, rng).insert(completions)
        Inserter(Credential, rng).insert(badges)
        Inserter(Answer, rng).insert(answers)
    return Built(
        course=course,
        runs=runs,
        trainer=trainer,
        enrolments=len(made),
        completions=len(completions),
        badges=len(badges),
        seconds=time.perf_counter() - started,
    )


def run(enrolments: int = 50_000, *, requests: int = 20, warmup: int = 2, seed: int = 1) -> list:
    """Build the data in the current database, then time and print (Django is set up)."""
    from compliance_bench import print_table, time_page
    from django.conf import settings
    from django.db import connection
    from django.urls import reverse

    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    built = build(enrolments, seed)
    print(
        f"Training data: 1 course, {UNITS} units, {RUNS} runs, {built.enrolments:,} enrolments, "
        f"{built.completions:,} unit completions, {built.badges:,} badges; "
        f"built in {built.seconds:.1f} s"
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    url = reverse("training:course_statistics", kwargs={"uuid": built.course.uuid})
    who = f"trainer, {built.enrolments:,} enrolments"
    rows = [
        time_page("Course statistics, all runs", who, built.trainer, url, requests, warmup),
        time_page(
            "Course statistics, one run",
            who,
            built.trainer,
            f"{url}?run={built.runs[0].uuid}",
            requests,
            warmup,
        ),
    ]
    print()
    print_table(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enrolments", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--var-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    sys.path.insert(0, str(ROOT / "src"))
    if os.environ.get("DATABASE_URL"):
        where = "DATABASE_URL"
    else:
        var_dir = args.var_dir or ROOT / "build" / "bench" / "training-stats"
        if var_dir.exists():
            shutil.rmtree(var_dir)
        var_dir.mkdir(parents=True)
        os.environ["TANDEM_VAR_DIR"] = str(var_dir)
        where = f"SQLite in {var_dir}"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"Tandem course statistics benchmark — {where} ({connection.vendor})")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    rows = run(args.enrolments, requests=args.requests, warmup=args.warmup, seed=args.seed)
    return 0 if all(r.status == 200 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
