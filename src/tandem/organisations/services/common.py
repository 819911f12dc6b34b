"""Helpers shared by the organisations services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def require_permission(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()
