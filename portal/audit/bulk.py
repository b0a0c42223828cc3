"""Appending many audit events at once, for imports that update thousands of records.

`audit_record` costs a chain read and an insert per event; a file that changes 100,000 offences would
spend most of its time there. This appends the same events (same fields, same hash chain, same
context) with one chain read and batched inserts, inside the caller's transaction, then moves the
sealed chain head to the last of them (ADR 0304) exactly as `audit_record` does.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from .context import current_context
from .models import AuditEvent
from .services import ChainTail, chain_event, chain_tail, head_advance


@dataclass
class PendingEvent:
    """An event waiting to be appended: what `audit_record` would have been called with."""

    action: str
    target_type: str
    target_id: Any
    object_repr: str
    changes: dict[str, Any]
    purpose: str = ""


@dataclass
class AuditBuffer:
    """Collects events during a load and appends them in order when flushed."""

    pending: list[PendingEvent] = field(default_factory=list)
    written: int = 0

    def add(self, event: PendingEvent) -> None:
        self.pending.append(event)

    def flush(self) -> None:
        if self.pending:
            audit_append_many(self.pending)
            self.written += len(self.pending)
            self.pending = []


def audit_append_many(events: list[PendingEvent], *, batch_size: int = 1000) -> None:
    """Append `events` to the chain in order, in the current transaction (opened here if none)."""
    if not events:
        return
    context, now = current_context(), timezone.now()
    with transaction.atomic():
        tail, rows = chain_tail(), []
        for pending in events:
            event = chain_event(
                tail,
                action=pending.action,
                target_type=pending.target_type,
                target_id=pending.target_id,
                object_repr=pending.object_repr,
                changes=pending.changes,
                purpose=pending.purpose,
                context=context,
                occurred_at=now,
            )
            rows.append(event)
            tail = ChainTail(event.sequence, event.pk, event.event_hash)
        AuditEvent.objects.bulk_create(rows, batch_size=batch_size)
        head_advance(rows[-1])
