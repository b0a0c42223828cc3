"""Checking the audit chain: every event's keyed hash, its link to the one before, no gaps, and that
the chain ends where the sealed head record says it does.

Streams the events in id order (a server-side cursor on PostgreSQL), so memory stays flat however
long the log grows, and `first_broken` is the lowest id whose row is wrong; ids are allocated with the
sequence, so on an untouched log id order is chain order. Detects an edited event (its HMAC no longer
matches its content, id included), a deleted one (a gap in the sequence, or a broken link), reordered
or id-swapped ones (sequences and links no longer follow) and events cut from the end (the head names
a later event than the last one left). For a cut end, `first_broken` is the id the first missing event
had: the last surviving id + 1 (ids are allocated one after another), or 1 when nothing survives
(ADR 0304). A deleted head record is reported, and stays reported after later appends: the next
append writes a re-anchoring event, which is itself a break.
"""

import hmac
import logging
from dataclasses import dataclass, replace

from django.db import DatabaseError, transaction

from .models import AuditCheckpoint, AuditEvent, AuditHead
from .services import (
    GENESIS_HASH,
    HEAD_PK,
    REANCHOR_ACTION,
    audit_record,
    checkpoint_seal,
    event_hash,
    head_sealed,
)

logger = logging.getLogger(__name__)

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
    try:
        matches = event_hash(event) == event.event_hash
    except UNREADABLE:  # a value no longer of its type (SQLite keeps whatever text is written)
        matches = False
    if not matches:
        return "its content no longer matches its hash (it was edited)"
    if event.action == REANCHOR_ACTION:
        return (
            "the chain head record was missing or edited when this event was written: "
            "events cut from the end before it cannot be ruled out"
        )
    return ""


# What reading a row whose stored values were overwritten with text of the wrong shape raises (SQLite
# stores any text in any column; Django's converters then fail, or hand back None).
UNREADABLE = (ValueError, TypeError, AttributeError, OverflowError, KeyError)


class _Unreadable(Exception):
    """A row in the chunk being read could not be loaded."""


@dataclass
class _Walk:
    """How far the walk got: the next expected sequence, the last good event's id and hash."""

    expected_sequence: int = 1
    previous_hash: str = GENESIS_HASH
    last_id: int = 0
    checked: int = 0

    def run(self, events) -> ChainReport | None:
        events = iter(events)
        while True:
            try:
                event = next(events, None)
            except UNREADABLE:
                raise _Unreadable from None
            if event is None:
                return None
            problem = _problem(event, self.expected_sequence, self.previous_hash)
            if problem:
                return ChainReport(False, self.checked, event.pk, event.sequence, problem, self.previous_hash)
            self.checked += 1
            self.expected_sequence, self.previous_hash, self.last_id = event.sequence + 1, event.event_hash, event.pk

    def unreadable(self) -> ChainReport:
        """The row after the last good one could not even be loaded: name it by its id alone."""
        rows = AuditEvent.objects.order_by("pk").values_list("pk", flat=True)
        event_id = (rows.filter(pk__gt=self.last_id) if self.checked else rows).first()
        return self.broken(event_id, None, "its stored values cannot be read (it was edited)")

    def broken(self, event_id: int | None, sequence: int | None, problem: str) -> ChainReport:
        return ChainReport(False, self.checked, event_id, sequence, problem, self.previous_hash)


def _head_report(walk: _Walk, head: AuditHead | None) -> ChainReport | None:
    """Compare the end of the walk with the sealed head; None when more events arrived meanwhile."""
    last_sequence = walk.expected_sequence - 1
    if head is None:
        if walk.checked == 0:
            return ChainReport(True, 0)
        return walk.broken(walk.last_id + 1, last_sequence + 1, "the chain head record is missing")
    if not head_sealed(sequence=head.sequence, event_id=head.event_id, event_hash=head.event_hash, seal=head.seal):
        return walk.broken(head.event_id, head.sequence, "the chain head record was edited")
    if head.sequence > last_sequence:
        if AuditEvent.objects.filter(pk__gt=walk.last_id).exists():
            return None  # appended while we walked: keep walking
        missing = head.sequence - last_sequence
        return walk.broken(walk.last_id + 1, last_sequence + 1, f"{missing} event(s) missing from the end of the chain")
    if head.sequence < last_sequence:
        first = (
            AuditEvent.objects.filter(sequence__gt=head.sequence).order_by("pk").values_list("pk", "sequence")
        ).first()
        assert first is not None, "the walk checked events beyond the head"
        first_id, first_sequence = first
        report = walk.broken(first_id, first_sequence, "events follow the recorded chain head")
        return replace(report, checked=walk.checked - (last_sequence - head.sequence))
    if (head.event_id, head.event_hash) != (walk.last_id, walk.previous_hash):
        return walk.broken(walk.last_id, last_sequence, "the last event does not match the chain head")
    return ChainReport(True, walk.checked, head_hash=walk.previous_hash)


def _start() -> _Walk | ChainReport:
    """Where the walk starts: the genesis hash, or after the newest retention checkpoint when the log has
    been trimmed (docs/decisions/1200); a checkpoint whose seal is wrong was forged or edited (perhaps to
    let events be deleted), and is itself the break."""
    checkpoint = AuditCheckpoint.objects.order_by("-sequence").first()
    if checkpoint is None:
        return _Walk()
    expected = checkpoint_seal(
        sequence=checkpoint.sequence, event_id=checkpoint.event_id, event_hash=checkpoint.event_hash
    )
    if not hmac.compare_digest(expected, checkpoint.seal):
        problem = "the retention checkpoint does not match its seal (forged or edited)"
        return ChainReport(False, 0, checkpoint.event_id, checkpoint.sequence, problem)
    return _Walk(expected_sequence=checkpoint.sequence + 1, previous_hash=checkpoint.event_hash)


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole chain once, in id order; stop at the first broken event; then check the end.

    The head is read after the walk (it is written with each append, in the same transaction), so
    events appended during a long walk are walked too rather than reported. A trimmed log is walked from
    its newest retention checkpoint (docs/decisions/1200).
    """
    walk = _start()
    if isinstance(walk, ChainReport):
        return walk
    while True:
        events = AuditEvent.objects.order_by("pk")
        if walk.checked:  # the first pass has no lower bound: a row forged with id 0 or below is walked too
            events = events.filter(pk__gt=walk.last_id)
        try:
            report = walk.run(events.only(*CHECKED_FIELDS).iterator(chunk_size=chunk_size))
        except _Unreadable:  # SQLite converts a whole fetched chunk at once: re-read row by row to name it
            if chunk_size > 1:
                chunk_size = 1
                continue
            report = walk.unreadable()
        if report is None:
            report = _head_report(walk, AuditHead.objects.filter(pk=HEAD_PK).first())
        if report is not None:
            return report


def audit_chain_verify_recorded() -> ChainReport:
    """Verify, then record the check as an `audit.verify` event, as the API and the audit page do.

    A chain tampered with so that the next event cannot be appended (a forged row holding the next id
    or sequence, a head pointed back) makes that append fail; the report is still returned, since
    telling the reader the chain is broken is the point of asking.
    """
    report = audit_chain_verify()
    changes = {"ok": report.ok, "checked": report.checked, "first_broken": report.first_broken}
    try:
        with transaction.atomic():
            audit_record(action="audit.verify", changes=changes)
    except DatabaseError:
        logger.exception("audit.verify could not be appended to the audit chain (report: %s)", report)
    return report
