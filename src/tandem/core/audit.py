"""Record audit events. Every service write calls ``record``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tandem.core.models import AuditEvent

if TYPE_CHECKING:
    from tandem.core.actor import Actor


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def build_event(
    actor: Actor | None,
    code: str,
    obj: Any = None,
    *,
    organisation: Any = None,
    partnership: Any = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved audit event; ``record`` saves one, bulk writers save many at once."""
    user = getattr(actor, "user", None)
    person = getattr(actor, "person", None)
    if person is not None:
        name = str(person)
    elif user is not None:
        name = user.get_username()
    else:
        name = "system"
    return AuditEvent(
        actor_user=user,
        actor_name=name,
        code=code,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_uuid=getattr(obj, "uuid", None),
        object_label=str(obj)[:300] if obj is not None else "",
        organisation_id=getattr(organisation, "pk", organisation),
        partnership_id=getattr(partnership, "pk", partnership),
        changes=_plain(changes or {}),
    )


def record(
    actor: Actor | None,
    code: str,
    obj: Any = None,
    *,
    organisation: Any = None,
    partnership: Any = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. ``changes`` maps field → [old, new] or a value.

    ``organisation`` and ``partnership`` may be records or their ids.
    """
    event = build_event(
        actor, code, obj, organisation=organisation, partnership=partnership, changes=changes
    )
    event.save()
    return event


def diff(instance: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields in ``data`` whose stored value differs, as [old, new].

    Compares with the row in the database, not the instance: a bound ModelForm
    has already copied the submitted values onto the instance.
    """
    stored = instance
    if instance.pk is not None:
        stored = type(instance)._base_manager.filter(pk=instance.pk).first() or instance
    changed = {}
    for name, new in data.items():
        old = getattr(stored, name)
        if old != new:
            changed[name] = [old, new]
    return changed
