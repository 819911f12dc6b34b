"""Helpers shared by the organisations services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from tandem.core import audit
from tandem.core.tenancy import system_access


def require_permission(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def apply_changes(instance: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set fields, validate (uniqueness looks across tenants) and save; return the diff."""
    changes = audit.diff(instance, data) if instance.pk else {k: [None, v] for k, v in data.items()}
    for field, value in data.items():
        setattr(instance, field, value)
    with system_access():
        instance.full_clean()
    instance.save()
    return changes
