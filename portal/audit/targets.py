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
"""

from functools import cache
from typing import Any

from django.apps import apps
from django.db.models import Model


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
