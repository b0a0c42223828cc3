"""The record of an import (ImportBatch), its audit event, and the report every caller renders.

The command, the admin page and the API all show the same `ImportReport`: counts when the file
loaded, every problem (the first thousand) when it did not.

A batch lives in three steps: `batch_start` commits it as `running` before anything is read (so even
an import whose process is killed leaves its trace), `batch_lock` holds it inside the load's
transaction (so a live import is never taken for an abandoned one), and `batch_finish` records how
it ended, with the one audit event of the import.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.audit.context import current_context
from portal.audit.services import audit_record, model_changes

from ..models import ImportBatch
from .problems import ProblemLog


@dataclass
class ImportReport:
    """What happened to one file: its batch record, counts and problems."""

    batch: ImportBatch
    problems: ProblemLog
    too_large: bool = False
    crashed: bool = False  # stopped by an unexpected error (a fault of the portal, not of the file)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def loaded(self) -> bool:
        return self.batch.outcome == ImportBatch.Outcome.LOADED

    @property
    def ok(self) -> bool:
        """Loaded, or (for a dry run) would load: no problem at all."""
        return self.batch.outcome in (ImportBatch.Outcome.LOADED, ImportBatch.Outcome.DRY_RUN)

    def as_dict(self) -> dict[str, Any]:
        batch = self.batch
        return {
            "batch": batch.pk,
            "kind": batch.kind,
            "outcome": batch.outcome,
            "file_name": batch.file_name,
            "file_sha256": batch.file_sha256,
            "rows_read": batch.rows_read,
            "created": batch.rows_created,
            "updated": batch.rows_updated,
            "unchanged": batch.rows_unchanged,
            "skipped": batch.rows_skipped,
            "details": batch.details,
            "error_count": batch.error_count,
            "errors": self.problems.as_dicts(),
        }


def batch_start(*, kind: str, file_name: str, file_bytes: int, by=None) -> ImportBatch:
    """Create the batch row as `running` and commit it before the load begins (a transaction of its own;
    called inside another, it is a savepoint of that one)."""
    context = current_context()
    with transaction.atomic():
        return ImportBatch.objects.create(
            kind=kind,
            started_by=by if by is not None and by.is_authenticated else None,
            started_by_username=by.get_username() if by is not None else context.actor_username or "command line",
            file_name=file_name[:255],
            file_bytes=file_bytes,
            outcome=ImportBatch.Outcome.RUNNING,
        )


def batch_file_hashed(batch: ImportBatch, sha256: str) -> None:
    """Put the file's SHA-256 on the running batch at once, so even an import that never ends names its file."""
    batch.file_sha256 = sha256
    ImportBatch.objects.filter(pk=batch.pk).update(file_sha256=sha256)


def batch_lock(batch: ImportBatch) -> None:
    """Lock the batch row for the rest of the load's transaction: on PostgreSQL the check for abandoned
    batches skips a locked one, so only an import whose process is gone can be marked failed."""
    ImportBatch.objects.select_for_update().filter(pk=batch.pk).first()


def batch_finish(batch: ImportBatch, *, outcome: str, problems: ProblemLog, counts: dict[str, int], details: dict):
    """Store the outcome and counts, and write the one `import.<kind>` audit event for the whole file."""
    batch.outcome = outcome
    batch.finished_at = timezone.now()
    for name in ("rows_read", "rows_created", "rows_updated", "rows_unchanged", "rows_skipped"):
        setattr(batch, name, counts.get(name, 0))
    batch.error_count = problems.total
    batch.errors = problems.as_dicts()
    batch.details = details
    batch.save()
    summary = {
        "outcome": outcome,
        "file_name": batch.file_name,
        "file_sha256": batch.file_sha256,
        "error_count": problems.total,
        **counts,
        **{name: value for name, value in details.items() if isinstance(value, int | str)},
    }
    audit_record(action=f"import.{batch.kind}", target=batch, changes=model_changes({}, summary))
    return batch
