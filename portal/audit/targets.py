"""What the audit log asks of the models it records: the hook a model implements, in the spirit of
NetBox's `to_objectchange` on the model. The audit app never names another app's models.

A model may declare, all optional:

- `AUDIT_TARGET_TYPE`: the target type its events carry (default `app_label.model_name`). A model
  that moved between apps keeps its old one, so existing events, filters and reports still match it
  (cases say `offenders.case`: docs/decisions/0505).
- `AUDIT_PERSONAL_FIELDS`: the change fields whose values the log's readers see only as "(redacted)",
  at any depth (redaction.py). None by default.
- `audit_repr(self) -> str`: how a new event names the instance (default `str(self)`).
- `audit_reader_repr(cls, target_id: str, stored: str) -> str`: how a reader sees a stored event's
  target named, whatever was stored then (default: what was stored).
- `AUDIT_FIELDS`: what a write records about the instance, read by `audit_snapshot` (below): each entry
  a field name, or (name, dotted path) for a value reached through a relation. Every writer of the model
  compares `audit_snapshot` before and after (`model_changes`), so its change records have one shape.
"""

from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model


def target_type_of(model: type[Model] | Model) -> str:
    """The target type of events about `model` (a class or an instance)."""
    return getattr(model, "AUDIT_TARGET_TYPE", "") or model._meta.label_lower


def target_repr(target: Any) -> str:
    """How a new event names `target`."""
    audit_repr = getattr(target, "audit_repr", None)
    return audit_repr() if callable(audit_repr) else str(target)


@cache
def _models_by_target_type() -> dict[str, type[Model]]:
    return {target_type_of(model): model for model in apps.get_models()}


def model_of(target_type: str) -> type[Model] | None:
    """The model whose events carry `target_type`, or None (a url, a job, a report...)."""
    return _models_by_target_type().get(target_type)


def personal_fields_of(target_type: str) -> frozenset[str]:
    return frozenset(getattr(model_of(target_type), "AUDIT_PERSONAL_FIELDS", ()))


def reader_repr(target_type: str, target_id: str, stored: str) -> str:
    """How a reader sees the target of a stored event named."""
    model = model_of(target_type)
    reader = getattr(model, "audit_reader_repr", None)
    return reader(target_id, stored) if reader is not None else stored


def audit_snapshot(instance: Model) -> dict[str, Any]:
    """The instance's AUDIT_FIELDS as plain values, what `model_changes` compares before and after a write.

    A foreign key gives the related id, a date its ISO form, a to-many relation the sorted ids of its rows
    (empty before the instance is saved), or each row's own snapshot, in that model's order, when the
    related model declares AUDIT_FIELDS too (a policy's harm entries).
    """
    entries = getattr(instance, "AUDIT_FIELDS", ())
    return {name: _value(instance, path) for name, path in ((e, e) if isinstance(e, str) else e for e in entries)}


def _value(instance: Model, path: str) -> Any:
    name, _, rest = path.partition(".")
    if rest:
        related = getattr(instance, name)
        return None if related is None else _value(related, rest)
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if field is not None and (field.many_to_many or field.one_to_many):
        return _rows(instance, name)
    if isinstance(field, Field) and field.many_to_one and field.concrete:
        return getattr(instance, field.attname)
    value = getattr(instance, name)
    return value.isoformat() if hasattr(value, "isoformat") else value


def _rows(instance: Model, name: str) -> list[Any]:
    if instance.pk is None:
        return []
    manager = getattr(instance, name)
    related = manager.model
    if getattr(related, "AUDIT_FIELDS", ()):
        return [audit_snapshot(row) for row in manager.order_by(*(related._meta.ordering or ["pk"]))]
    return sorted(manager.values_list("pk", flat=True))
