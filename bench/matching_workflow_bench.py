"""Benchmark a cohort matching run end to end: the task's stages, then publishing.

    .venv/bin/python bench/matching_workflow_bench.py                  # 2,000 mentees
    .venv/bin/python bench/matching_workflow_bench.py --mentees 10000 --no-publish

One organisation with N waiting mentees in one cohort and N / 2 approved mentors
(capacity 1-3) over a few dozen subjects; every 20th mentee is line-managed by a
mentor. Uses its own SQLite database in a fresh directory under build/bench (or the
database in DATABASE_URL). Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def build(mentees: int, seed: int) -> tuple[Any, Any]:
    """An organisation, a cohort, its waiting requests and a pool of mentors."""
    from tandem.core.actor import Actor
    from tandem.core.tenancy import system_access
    from tandem.matching.models import MentoringRequest
    from tandem.mentors.models import MentorProfile, ProfileStatus, Subject, TrainingStatus
    from tandem.organisations.models import LineManagement, Membership, Organisation, Person
    from tandem.programmes.models import AcademicCalendar, Cohort, Programme

    rng = random.Random(seed)
    stamp = time.strftime("%Y%m%d%H%M%S")
    with system_access():
        organisation = Organisation.objects.create(name=f"Bench College {stamp}", kind="college")
        programme = Programme.objects.create(
            organisation=organisation, name="Induction", purpose="induction"
        )
        calendar = AcademicCalendar.objects.create(
            organisation=organisation,
            name="2026/27",
            starts_on=date(2026, 9, 1),
            ends_on=date(2027, 7, 31),
        )
        cohort = Cohort.objects.create(
            programme=programme,
            organisation=organisation,
            calendar=calendar,
            name="Autumn 2026",
            starts_on=date(2026, 9, 1),
            ends_on=date(2027, 7, 15),
        )
        subjects = list(Subject.objects.order_by("pk")[:40])
        n_mentors = max(mentees // 2, 1)
        people = Person.objects.bulk_create(
            Person(given_name="Person", family_name=f"{i:06d}", email=f"p{i}-{stamp}@bench.example")
            for i in range(mentees + n_mentors)
        )
        mentee_people, mentor_people = people[:mentees], people[mentees:]
        Membership.objects.bulk_create(
            Membership(person=p, organisation=organisation, role="mentor") for p in mentor_people
        )
        profiles = MentorProfile.objects.bulk_create(
            MentorProfile(
                person=p,
                organisation=organisation,
                capacity=rng.randint(1, 3),
                years_teaching=rng.randint(0, 15),
                status=ProfileStatus.APPROVED,
                training_status=TrainingStatus.TRAINED,
                modes=rng.sample(["face_to_face", "online", "phone"], 2),
                availability=rng.choice(["Monday mornings", "Tuesday afternoons", "weekdays"]),
                generic_pool=rng.random() < 0.1,
            )
            for p in mentor_people
        )
        through = MentorProfile.specialisms.through
        through.objects.bulk_create(
            through(mentorprofile_id=profile.pk, subject_id=s.pk)
            for profile in profiles
            for s in rng.sample(subjects, 2)
        )
        MentoringRequest.objects.bulk_create(
            MentoringRequest(
                organisation=organisation,
                mentee=p,
                programme=programme,
                cohort=cohort,
                subject=rng.choice(subjects),
                development_needs="Behaviour management",
                modes=["online"],
                availability="Tuesday afternoon",
            )
            for p in mentee_people
        )
        LineManagement.objects.bulk_create(
            LineManagement(
                organisation=organisation, manager=mentor_people[i % n_mentors], report=p
            )
            for i, p in enumerate(mentee_people)
            if i % 20 == 0
        )
    return cohort, Actor(is_superuser=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentees", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args()

    os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.settings"
    os.environ["TANDEM_TASK_BACKEND"] = "immediate"
    os.environ["TANDEM_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    sys.path.insert(0, str(ROOT / "src"))
    if not os.environ.get("DATABASE_URL"):
        var_dir = ROOT / "build" / "bench" / f"matching-workflow-{args.mentees}"
        if var_dir.exists():
            shutil.rmtree(var_dir)
        var_dir.mkdir(parents=True)
        os.environ["TANDEM_VAR_DIR"] = str(var_dir)

    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.core.management import call_command
    from django.db import connection

    from tandem.matching import services, tasks

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    cohort, actor = build(args.mentees, args.seed)
    print(f"Matching workflow benchmark ({connection.vendor}): {args.mentees:,} mentees")
    print(f"data built in {time.perf_counter() - started:.1f} s")

    marks: list[tuple[str, float]] = []
    progress = tasks._progress

    def timed_progress(run_id: int, percent: int, stage: str) -> None:
        marks.append((stage, time.perf_counter()))
        progress(run_id, percent, stage)

    tasks._progress = timed_progress
    started = time.perf_counter()
    run = services.start_run(actor, cohort)
    finished = time.perf_counter()
    marks.append(("(done)", finished))
    print(f"run {run.status}: {run.matched:,} of {run.mentees:,} matched, {run.mentors:,} mentors")
    for (stage, at), (_, after) in zip(marks, marks[1:], strict=False):
        print(f"  {stage:<40} {after - at:7.2f} s")
    print(f"  {'whole run':<40} {finished - started:7.2f} s")
    if run.error:
        print(run.error)
    if not args.no_publish and run.status == "ready":
        started = time.perf_counter()
        created = services.publish(actor, run, expected_version=run.version)
        print(f"publish: {len(created):,} mentorships in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
