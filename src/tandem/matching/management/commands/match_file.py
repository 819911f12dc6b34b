"""Solve an explicit matching instance: ``manage.py match_file IN.json OUT.json``."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tandem.matching.engine.instance import loads, solve_instance
from tandem.matching.engine.model import EngineError


class Command(BaseCommand):
    help = (
        "Solve a JSON matching instance (mentees, mentors with capacities, allowed pairs with "
        "scores 0-100) and write the optimal assignment as JSON. See docs/matching.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", help="the instance, JSON")
        parser.add_argument("output", help="where to write the result, JSON")

    def handle(self, *args, **options):
        source, target = Path(options["input"]), Path(options["output"])
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{source}: cannot read the instance ({exc})") from exc
        try:
            result = solve_instance(loads(text))
        except EngineError as exc:
            raise CommandError(f"{source}: {exc}") from exc
        directory = target.parent if str(target.parent) else Path(".")
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".match-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(result, handle, indent=2)
                handle.write("\n")
            os.replace(tmp, target)
        except OSError as exc:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
            raise CommandError(f"{target}: cannot write the result ({exc})") from exc
        self.stdout.write(
            f"matched {result['matched']} of {result['matched'] + len(result['unmatched'])} "
            f"mentees, total score {result['total_score']}; written to {target}"
        )
