"""Tenancy guard: querysets of tenant records fail closed.

A tenant model's default manager returns querysets that refuse to fetch rows
until they are narrowed by ``visible_to(actor)`` (which applies the rules in
``tandem.core.policies``) or run inside ``system_access()`` (migrations,
management commands, imports already authorised, tests that build data).

Reaching rows through a related manager of an object that was itself fetched
visibly (``organisation.sites.all()``) is allowed: the parent was checked.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from tandem.core.actor import Actor

_system_access: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "tandem_system_access", default=False
)


class TenancyError(RuntimeError):
    """A tenant record was queried without applying the visibility policy."""


@contextmanager
def system_access() -> Iterator[None]:
    """Run trusted code (commands, data loading, authorised services) unscoped."""
    token = _system_access.set(True)
    try:
        yield
    finally:
        _system_access.reset(token)


def in_system_access() -> bool:
    return _system_access.get()


class TenantQuerySet(models.QuerySet):
    _tandem_scoped = False

    def _clone(self) -> TenantQuerySet:
        clone = super()._clone()
        clone._tandem_scoped = self._tandem_scoped
        return clone

    def scoped(self) -> TenantQuerySet:
        """Mark as already narrowed (used by policies and related managers)."""
        clone = self._chain()
        clone._tandem_scoped = True
        return clone

    def visible_to(self, actor: Actor) -> TenantQuerySet:
        from tandem.core import policies

        return policies.visible(self, actor)

    def _check_scope(self) -> None:
        if not self._tandem_scoped and not _system_access.get():
            raise TenancyError(
                f"{self.model.__name__} queried without visible_to(actor); "
                "use a selector or system_access()"
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def iterator(self, chunk_size: int | None = None) -> Iterator[Any]:
        self._check_scope()
        return super().iterator(chunk_size=chunk_size)

    def count(self) -> int:
        self._check_scope()
        return super().count()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def exists(self) -> bool:
        self._check_scope()
        return super().exists()

    def contains(self, obj: Any) -> bool:
        self._check_scope()
        return super().contains(obj)

    def update(self, **kwargs: Any) -> int:
        self._check_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scope()
        return super().delete()

    def explain(self, *, format: str | None = None, **options: Any) -> str:  # noqa: A002
        self._check_scope()
        return super().explain(format=format, **options)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> TenantQuerySet:
        qs = super().get_queryset()
        # Related managers (parent.children.all()) carry the parent instance,
        # which was itself reached through the policy.
        if getattr(self, "instance", None) is not None:
            qs = qs.scoped()
        return qs


def access_object(
    actor: Actor, model: type[models.Model], uuid: Any, *, for_write: bool = False
) -> Any:
    """One record by public UUID: 404 if absent or invisible, 403 if read-only."""
    from tandem.core import policies

    try:
        obj = model._default_manager.visible_to(actor).get(uuid=uuid)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"No {model._meta.verbose_name} found") from exc
    except Exception as exc:  # invalid UUID strings raise ValidationError
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise Http404(f"No {model._meta.verbose_name} found") from exc
        raise
    if for_write and not policies.can_change(actor, obj):
        raise PermissionDenied(f"You can see this {model._meta.verbose_name} but not change it")
    return obj
