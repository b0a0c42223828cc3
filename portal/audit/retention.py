"""Retention of the audit log (docs/records.md, docs/decisions/1200): events older than
`PORTAL_AUDIT_RETENTION_DAYS` are removed by the scheduled task, without breaking the chain.

The cut: in one transaction, holding the chain's lock, the whole chain is verified first (trimming a
tampered log would launder the tampering: a broken chain is never trimmed, and the refusal is recorded);
then a checkpoint sealed with the audit key records the last event removed (sequence, id, hash); the
database lets DELETE through only for events at or before the newest checkpoint (migration 0005); the
events are deleted; and an `audit.trimmed` event is appended. Verification then starts from the
checkpoint instead of the genesis hash, so `verify_audit` passes, and a forged checkpoint (to let
events be deleted) fails it. The event the head points to is never removed.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.accounts.permissions import SYSTEM, refuse

from .models import AuditCheckpoint, AuditEvent
from .services import audit_record, chain_tail, checkpoint_seal
from .verify import audit_chain_verify

TRIM_REFUSAL = "Only the portal's own schedule trims the audit log."


@dataclass(frozen=True)
class TrimResult:
    removed: int
    through_sequence: int | None = None
    refused: str = ""


def audit_log_trim(*, before: datetime.datetime | None = None, by) -> TrimResult:
    """Remove the events that occurred before `before` (default: now minus the retention period)."""
    if by is not SYSTEM:
        refuse(by, TRIM_REFUSAL, capability="audit.trim")
    before = before or timezone.now() - datetime.timedelta(days=settings.PORTAL_AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        tail = chain_tail()  # the chain's lock, until the cut is done
        report = audit_chain_verify()
        if not report.ok:
            audit_record(
                action="audit.trim_refused",
                target_type="audit.chain",
                changes={"reason": "the chain is broken", "first_broken": report.first_broken},
            )
            return TrimResult(0, refused=f"the chain is broken at event {report.first_broken}")
        cut = (
            AuditEvent.objects.filter(occurred_at__lt=before, sequence__lt=tail.sequence)
            .order_by("-sequence")
            .values("pk", "sequence", "event_hash", "occurred_at")
            .first()
        )
        if cut is None:
            return TrimResult(0)
        removed = AuditEvent.objects.filter(sequence__lte=cut["sequence"]).count()
        AuditCheckpoint.objects.create(
            sequence=cut["sequence"], event_id=cut["pk"], event_hash=cut["event_hash"],
            event_occurred_at=cut["occurred_at"], events_removed=removed,
            seal=checkpoint_seal(sequence=cut["sequence"], event_id=cut["pk"], event_hash=cut["event_hash"]),
        )  # fmt: skip
        AuditEvent.objects.filter(sequence__lte=cut["sequence"]).delete()
        audit_record(
            action="audit.trimmed",
            target_type="audit.chain",
            target_id=cut["sequence"],
            changes={"through_sequence": cut["sequence"], "events_removed": removed, "before": before.isoformat()},
        )
    return TrimResult(removed, cut["sequence"])
