"""Benchmark badges (E3): issuing and verifying Open Badges 3.0 credentials.

    .venv/bin/python bench/credentials_bench.py              # 500 badges
    .venv/bin/python bench/credentials_bench.py --badges 2000

Builds one organisation with a five-unit course and enough learners for the number
of badges, then times issuing every badge (each in its own transaction, as
completing a unit does: an Ed25519 signature, a revocation-list index, a row) and
verifying every token (key lookup from the issuer, OB3Verifier signature check,
the revocation list built and checked in-process, the stored row). A tenth of the
badges are then revoked and every token verified again.

Uses its own SQLite database in a fresh directory under build/bench (or the
database in DATABASE_URL). Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
UNITS = 5


def build_world(badges: int, seed: int) -> tuple[Any, list[tuple[Any, Any]]]:
    """An organisation, its trainer, a course of five units and the (enrolment, unit)
    pairs to award a badge for."""
    from django.utils import timezone

    from tandem.core.roles import Role
    from tandem.core.tenancy import system_access
    from tandem.organisations.models import Membership, Organisation, Person
    from tandem.training.models import Course, CourseRun, CourseStatus, Enrolment, Module

    today = timezone.localdate()
    learners = -(-badges // UNITS)
    stamp = f"{seed}-{time.strftime('%Y%m%d%H%M%S')}"  # fresh names in a reused database
    with system_access():
        organisation = Organisation.objects.create(
            name=f"Bench College {stamp}", kind="college", website="https://college.example"
        )
        trainer = Person.objects.create(
            given_name="Bench", family_name="Trainer", email=f"trainer-{stamp}@bench.example"
        )
        Membership.objects.create(
            person=trainer, organisation=organisation, role=Role.TRAINER, starts_on=today
        )
        course = Course.objects.create(
            organisation=organisation,
            title="Mentoring in further education",
            status=CourseStatus.PUBLISHED,
            glh=Decimal("40"),
            credits=Decimal("10"),
            level="Level 4",
            validating_body="Bench University",
        )
        run = CourseRun.objects.create(
            course=course,
            name="Rolling",
            enrolment_opens_on=today - timedelta(days=30),
            starts_on=today - timedelta(days=30),
        )
        modules = [
            Module.objects.create(
                course=course, position=i, title=f"Workbook {i}", glh=Decimal("8")
            )
            for i in range(1, UNITS + 1)
        ]
        people = Person.objects.bulk_create(
            Person(
                given_name=f"Learner{i}",
                family_name="Bench",
                email=f"learner-{stamp}-{i}@bench.example",
            )
            for i in range(learners)
        )
        now = timezone.now()
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(run=run, person=p, organisation=organisation, enrolled_at=now) for p in people
        )
    pairs = [(e, m) for e in enrolments for m in modules][:badges]
    return trainer, pairs


def run(badges: int, seed: int = 1) -> dict[str, float]:
    from django.conf import settings
    from django.db import transaction

    from tandem.core.actor import build_actor
    from tandem.core.tenancy import system_access
    from tandem.training import credentials

    # Learners are emailed when a badge is issued or revoked: keep those in memory.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    started = time.perf_counter()
    trainer, pairs = build_world(badges, seed)
    print(f"built {len(pairs)} learner-unit pairs: {time.perf_counter() - started:.1f} s")

    # The first credential also makes the organisation's key: issue it untimed.
    with transaction.atomic():
        first = credentials.issue_badge(*pairs[0])
    issued = [first]
    timings: list[float] = []
    started = time.perf_counter()
    for enrolment, module in pairs[1:]:
        t0 = time.perf_counter()
        with transaction.atomic():
            issued.append(credentials.issue_badge(enrolment, module))
        timings.append(time.perf_counter() - t0)
    issue_seconds = time.perf_counter() - started
    issue_rate = len(timings) / issue_seconds

    # Issuing again is idempotent and cheap.
    started = time.perf_counter()
    for enrolment, module in pairs[1:101]:
        credentials.issue_badge(enrolment, module)
    reissue_rate = min(100, len(pairs) - 1) / (time.perf_counter() - started)

    def verify_all() -> tuple[float, int, list[float]]:
        each = []
        valid = 0
        t_start = time.perf_counter()
        for credential in issued:
            t0 = time.perf_counter()
            valid += credentials.verify_token(credential.token).valid
            each.append(time.perf_counter() - t0)
        return len(issued) / (time.perf_counter() - t_start), valid, each

    verify_rate, valid, verify_each = verify_all()

    user = trainer
    with system_access():
        from django.contrib.auth import get_user_model

        account = get_user_model().objects.create(username=user.email, email=user.email)
        user.user = account
        user.save(update_fields=["user"])
    actor = build_actor(account)
    revoked = issued[::10]
    for credential in revoked:
        credentials.revoke(actor, credential, "Benchmark revocation")
    revoked_rate, still_valid, _ = verify_all()

    def ms(samples: list[float], q: float) -> float:
        ordered = sorted(samples)
        return ordered[max(0, int(q * len(ordered)) - 1)] * 1000

    print(
        f"credentials issued per second: {issue_rate:.1f} "
        f"(median {statistics.median(timings) * 1000:.1f} ms, p95 {ms(timings, 0.95):.1f} ms, "
        f"{len(timings)} badges)"
    )
    print(f"credentials re-issued (idempotent) per second: {reissue_rate:.1f}")
    print(
        f"credentials verified per second: {verify_rate:.1f} "
        f"(median {statistics.median(verify_each) * 1000:.1f} ms, "
        f"p95 {ms(verify_each, 0.95):.1f} ms; {valid} of {len(issued)} valid)"
    )
    print(
        f"credentials verified per second after revoking {len(revoked)}: {revoked_rate:.1f} "
        f"({still_valid} of {len(issued)} valid)"
    )
    ok = valid == len(issued) and still_valid == len(issued) - len(revoked)
    return {"issued_per_second": issue_rate, "verified_per_second": verify_rate, "ok": ok}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--badges", type=int, default=500, help="badges to issue and verify")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--var-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.badges < 2:
        parser.error("--badges must be at least 2")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    # The learners' notifications are built but not printed.
    os.environ.setdefault("TANDEM_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    sys.path.insert(0, str(ROOT / "src"))
    if os.environ.get("DATABASE_URL"):
        where = "DATABASE_URL"
    else:
        var_dir = args.var_dir or ROOT / "build" / "bench" / "credentials"
        if var_dir.exists():
            shutil.rmtree(var_dir)
        var_dir.mkdir(parents=True)
        os.environ["TANDEM_VAR_DIR"] = str(var_dir)
        where = f"SQLite in {var_dir}"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"Tandem credentials benchmark — {where} ({connection.vendor})")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    result = run(args.badges, seed=args.seed)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
