"""Writing audit events: every write goes through `audit_record`, inside the caller's transaction.

Appends are serialised (an advisory lock on PostgreSQL; SQLite serialises writers itself) so the
chain has one order, and each event's hash covers its content and the previous hash.
"""

import datetime
import hashlib
import json
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .context import current_context
from .models import AuditEvent

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 727_001  # arbitrary, constant: "the audit chain"
SECRET_FIELDS = frozenset({"password", "key", "key_hash", "token", "secret", "otp_secret"})
HASHED_FIELDS = (
    "sequence", "occurred_at", "actor_id", "actor_username", "role", "action", "target_type", "target_id",
    "object_repr", "purpose", "client_address", "request_id", "channel", "changes", "previous_hash",
)  # fmt: skip


def canonical_content(event: AuditEvent) -> bytes:
    """The bytes an event's hash covers: every recorded field, in a fixed order and form."""
    values = {name: getattr(event, name) for name in HASHED_FIELDS}
    values["occurred_at"] = event.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_content(event)).hexdigest()


def scrub(changes: dict[str, Any] | None) -> dict[str, Any]:
    """Drop secrets (passwords, tokens) from a change record, at any depth."""
    if not changes:
        return {}
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name in SECRET_FIELDS:
            continue
        cleaned[name] = scrub(value) if isinstance(value, dict) else value
    return cleaned


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def audit_record(
    *,
    action: str,
    target: Any = None,
    target_type: str = "",
    target_id: Any = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    purpose: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the current transaction (opened here if there is none)."""
    context = current_context()
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        object_repr = object_repr or str(target)
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-sequence").values("sequence", "event_hash").first()
        event = AuditEvent(
            sequence=(last["sequence"] + 1) if last else 1,
            occurred_at=timezone.now(),
            actor_id=context.actor_id,
            actor_username=context.actor_username,
            role=context.role,
            action=action,
            target_type=target_type,
            target_id=str(target_id or ""),
            object_repr=str(object_repr)[:200],
            purpose=purpose,
            client_address=context.client_address,
            request_id=context.request_id,
            channel=context.channel,
            changes=json.loads(json.dumps(scrub(changes), default=str)),
            previous_hash=last["event_hash"] if last else GENESIS_HASH,
        )
        event.event_hash = event_hash(event)
        event.save(force_insert=True)
    return event


def audit_refusal(*, request, reason: str = "") -> AuditEvent:
    """Record a refused request (deny by default means every refusal is visible to oversight)."""
    from .middleware import bind_request_user

    bind_request_user(request)
    return audit_record(
        action="access.refused",
        target_type="url",
        target_id=request.path[:64],
        object_repr=f"{request.method} {request.path}"[:200],
        changes={"reason": reason} if reason else None,
    )


def model_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields that differ, as {"field": {"before": x, "after": y}}."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def audit_log_read(*, filters: dict[str, Any], page: Any = None) -> AuditEvent:
    """Reading the audit log is itself recorded (who looked at whose trail)."""
    used = {name: str(value) for name, value in filters.items() if value not in (None, "")}
    return audit_record(action="audit.read", target_type="audit.auditevent", changes={"filters": used, "page": page})
