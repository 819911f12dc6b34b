"""Load the shipped programme templates (data/templates.json) into the database.

Idempotent and respectful of edits: templates are matched by code; a code not
yet in the database is added; an existing template is left exactly as it is,
because platform administrators may have edited it. Nothing is deleted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

DATA_FILE = Path(__file__).resolve().parent / "data" / "templates.json"


def read_templates(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["templates"]


@transaction.atomic
def load_templates(template_model: Any, path: Path = DATA_FILE) -> int:
    """Add shipped templates whose code is new; the model is passed in so migrations can use it.

    Returns how many were added. Keys the model does not have (yet) are skipped,
    so an old migration keeps working when the file grows.
    """
    known = {f.name for f in template_model._meta.get_fields()}
    existing = set(template_model.objects.values_list("code", flat=True))
    added = 0
    for entry in read_templates(path):
        if entry["code"] in existing:
            continue
        template_model.objects.create(**{k: v for k, v in entry.items() if k in known})
        added += 1
    return added
