"""Checking the audit chain: every event's hash, its link to the one before, and no gaps.

Streams the events in chain order (a server-side cursor on PostgreSQL), so memory stays flat however
long the log grows. Detects an edited event (its hash no longer matches its content), a deleted one
(a gap in the sequence, or a broken link) and reordered ones (links no longer follow). Removing
events from the very end leaves a shorter but consistent chain: compare `head_hash` with a copy kept
elsewhere (for example the last verify_audit output) to catch that.
"""

from dataclasses import dataclass

from .models import AuditEvent
from .services import GENESIS_HASH, event_hash

CHECKED_FIELDS = ("id", "sequence", "occurred_at", "actor_id", "actor_username", "role", "action", "target_type",
                  "target_id", "object_repr", "purpose", "client_address", "request_id", "channel", "changes",
                  "previous_hash", "event_hash")  # fmt: skip


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken: int | None = None
    first_broken_sequence: int | None = None
    problem: str = ""
    head_hash: str = GENESIS_HASH

    def as_api(self) -> dict:
        return {"ok": self.ok, "checked": self.checked, "first_broken": self.first_broken}


def _problem(event: AuditEvent, expected_sequence: int, previous_hash: str) -> str:
    if event.sequence != expected_sequence:
        return f"sequence {event.sequence} where {expected_sequence} was expected (an event is missing or moved)"
    if event.previous_hash != previous_hash:
        return "its link to the previous event does not match (an event before it was removed, changed or moved)"
    if event_hash(event) != event.event_hash:
        return "its content no longer matches its hash (it was edited)"
    return ""


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole chain once, in order; stop at the first broken event."""
    expected_sequence, previous_hash, checked = 1, GENESIS_HASH, 0
    events = AuditEvent.objects.order_by("sequence").only(*CHECKED_FIELDS).iterator(chunk_size=chunk_size)
    for event in events:
        problem = _problem(event, expected_sequence, previous_hash)
        if problem:
            return ChainReport(False, checked, event.pk, event.sequence, problem, previous_hash)
        checked += 1
        expected_sequence, previous_hash = event.sequence + 1, event.event_hash
    return ChainReport(True, checked, head_hash=previous_hash)
