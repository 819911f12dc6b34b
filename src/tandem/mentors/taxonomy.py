"""Load the shipped subject taxonomy (data/subjects.json) into the database.

Idempotent: sectors and subjects are matched by name; new ones are added,
kinds and positions updated; nothing is deleted (records may refer to it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

DATA_FILE = Path(__file__).resolve().parent / "data" / "subjects.json"


def read_taxonomy(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["sectors"]


@transaction.atomic
def load_taxonomy(sector_model: Any, subject_model: Any, path: Path = DATA_FILE) -> dict[str, int]:
    """Upsert sectors and subjects; the models are passed in so migrations can use it."""
    added = {"sectors": 0, "subjects": 0}
    for entry in read_taxonomy(path):
        sector, created = sector_model.objects.update_or_create(
            name=entry["name"], defaults={"kind": entry["kind"], "position": entry["position"]}
        )
        added["sectors"] += created
        for name in entry["subjects"]:
            _, created = subject_model.objects.get_or_create(sector=sector, name=name)
            added["subjects"] += created
    return added
