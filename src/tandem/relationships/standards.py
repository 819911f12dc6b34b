"""Load the shipped professional-standards framework (data/standards.json).

Idempotent: frameworks matched by code, standards by (framework, code); new
ones are added and nothing is overwritten, so edits made in the admin stay.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

DATA_FILE = Path(__file__).resolve().parent / "data" / "standards.json"


def read_frameworks(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def load_standards(framework_model: Any, standard_model: Any, path: Path = DATA_FILE) -> int:
    """Add shipped frameworks and standards that are missing; return how many were added."""
    added = 0
    for entry in read_frameworks(path):
        framework, created = framework_model.objects.get_or_create(
            code=entry["code"],
            defaults={"name": entry["name"], "description": entry["description"]},
        )
        added += created
        for position, item in enumerate(entry["standards"], start=1):
            _, created = standard_model.objects.get_or_create(
                framework=framework,
                code=item["code"],
                defaults={"area": item["area"], "text": item["text"], "position": position},
            )
            added += created
    return added
