"""Retention of import records and files (docs/records.md): what the scheduled task removes.

- Import batches (the record of each offences CSV or harm-index workbook: file name, SHA-256, counts and
  the first thousand errors, which may quote a row's values) older than `PORTAL_IMPORT_RETENTION_DAYS`.
  The audit log keeps its own record of each import for as long as it keeps events.
- Files an admin previewed but never confirmed: dropped after a day (offenders/imports/pending.py);
  confirmed files are loaded and never kept.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.accounts.permissions import SYSTEM, refuse
from portal.audit.services import audit_record

from ..imports.pending import forget_stale_pending
from ..models import ImportBatch

RETENTION_REFUSAL = "Only the portal's own schedule applies the retention rules."


def import_records_trim(*, before: datetime.datetime | None = None, by) -> dict[str, int]:
    """Remove import batches that started before `before` (default: now minus the retention period),
    and stale pending files; one audit event with the counts."""
    if by is not SYSTEM:
        refuse(by, RETENTION_REFUSAL, capability="import.retention")
    before = before or timezone.now() - datetime.timedelta(days=settings.PORTAL_IMPORT_RETENTION_DAYS)
    with transaction.atomic():
        batches, _ = (
            ImportBatch.objects.filter(started_at__lt=before).exclude(outcome=ImportBatch.Outcome.RUNNING).delete()
        )
        files = forget_stale_pending()
        audit_record(
            action="import.trimmed",
            target_type="offenders.importbatch",
            changes={"batches_removed": batches, "pending_files_removed": files, "before": before.isoformat()},
        )
    return {"batches_removed": batches, "pending_files_removed": files}
