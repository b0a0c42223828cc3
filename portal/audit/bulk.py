"""Appending many audit events at once, for imports that update thousands of records.

`audit_record` costs a chain read and an insert per event; a file that changes 100,000 offences would
spend most of its time there. This appends the same events (same fields, same hash chain, same
context) with one chain read and batched inserts, inside the caller's transaction, then moves the
sealed chain head to the last of them (ADR 0304) exactly as `audit_record` does.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from .context import current_context
from .models import AuditEvent
from .services import chain_tail, event_hash, head_advance, scrub


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
    context = current_context()
    with transaction.atomic():
        tail = chain_tail()
        sequence, event_id, previous_hash = tail.sequence, tail.event_id, tail.event_hash
        now = timezone.now()
        rows = []
        for pending in events:
            sequence, event_id = sequence + 1, event_id + 1
            event = AuditEvent(
                id=event_id,
                sequence=sequence,
                occurred_at=now,
                actor_id=context.actor_id,
                actor_username=context.actor_username,
                role=context.role,
                action=pending.action,
                target_type=pending.target_type,
                target_id=str(pending.target_id or ""),
                object_repr=str(pending.object_repr)[:200],
                purpose=pending.purpose,
                client_address=context.client_address,
                request_id=context.request_id,
                channel=context.channel,
                changes=json.loads(json.dumps(scrub(pending.changes), default=str)),
                previous_hash=previous_hash,
            )
            event.event_hash = previous_hash = event_hash(event)
            rows.append(event)
        if not rows:
            return
        AuditEvent.objects.bulk_create(rows, batch_size=batch_size)
        head_advance(rows[-1])
