"""Bulk imports (docs/imports.md): the one service behind the commands, admin pages and API.

`offences_import` streams a CSV through the checks and the bulk loader inside ONE transaction: any
problem anywhere, or a dry run, rolls the whole load back. (The harm-index workbook, which makes a
scoring policy, is imported by the scoring app with the same batches and reports:
scoring/services/harm_index.py.)

Every attempt is on record (docs/decisions/0851-every-import-attempt-is-on-record.md): the batch is
committed as `running` before the load's transaction starts and marked with how it ended after; a load
stopped by an unexpected error is marked failed with the reason, and one whose process was killed is
marked failed by `import_batches_fail_abandoned` (run before every import and whenever an admin lists
the batches).
Only administrators import (checked here, whoever calls: docs/decisions/0506).
"""

import datetime as dt
import logging
from collections.abc import Iterator
from itertools import islice

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from portal.accounts.permissions import person_of, refuse, require
from portal.audit.context import acting_as

from ..hooks import offences_changed
from ..imports.batches import ImportReport, batch_file_hashed, batch_finish, batch_lock, batch_start
from ..imports.harm_codes import active_harm_codes
from ..imports.offences_csv import OffenceFileReader, OffenceRow
from ..imports.offences_load import OffenceLoader
from ..imports.pending import pending_discard, pending_keep, pending_path, pending_save
from ..imports.problems import FileRefused, ProblemLog
from ..imports.sources import Upload, check_size, sha256_of, utf8_lines
from ..models import ImportBatch

CHUNK_ROWS = 5000
ABANDONED = (
    "The import stopped before it finished (its process ended: it was killed, or the server restarted); "
    "nothing was loaded. Import the file again."
)
log = logging.getLogger(__name__)
IMPORT_REFUSAL = "Only an administrator may import offences."


class _RollBack(Exception):
    """Raised inside the load's transaction to undo it (a dry run, or a file with problems)."""


def _chunks(rows: Iterator[OffenceRow]) -> Iterator[list[OffenceRow]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


def _load(upload: Upload, *, batch: ImportBatch, problems: ProblemLog) -> tuple[OffenceFileReader, OffenceLoader]:
    """Check every row; write chunk by chunk only while the file is still clean (it is rolled back otherwise)."""
    type_ids, titles = active_harm_codes()
    reader = OffenceFileReader(utf8_lines(upload.stream), codes=type_ids, problems=problems)
    loader = OffenceLoader(type_ids=type_ids, titles=titles, purpose=f"import batch {batch.pk}")
    for chunk in _chunks(reader.rows()):
        if not problems:
            loader.load(chunk)
    if reader.rows_read == 0 and not problems:
        problems.add(2, "", "The file has a header but no offence rows.")
    return reader, loader


def _counts(reader: OffenceFileReader | None, loader: OffenceLoader | None) -> tuple[dict[str, int], dict]:
    """The batch's counts; a refused file has only rows read and skipped (its writes were undone)."""
    if reader is None or loader is None:
        return {}, {}
    if reader.problems:
        return {"rows_read": reader.rows_read, "rows_skipped": reader.rows_skipped}, {}
    counts = {
        "rows_read": reader.rows_read,
        "rows_created": loader.counts.offences_created,
        "rows_updated": loader.counts.offences_updated,
        "rows_unchanged": loader.counts.offences_unchanged,
        "rows_skipped": reader.rows_skipped,
    }
    return counts, {**loader.counts.summary(), "ignored_columns": reader.ignored_columns}


def offences_import(*, upload: Upload, by, dry_run: bool = False) -> ImportReport:
    """Import an offences CSV: every row loads, or none does; `dry_run` checks and counts, then undoes.

    Administrators only (`by`; SYSTEM for the command run without --user), refused before the file is
    read. The counts of a dry run are exact (the load really runs, then rolls back), which is what the
    admin preview shows before the person confirms.
    """
    require(by, "import.run", refusal=IMPORT_REFUSAL, system=True)
    return _offences_import_as(upload=upload, by=person_of(by), dry_run=dry_run)


def offences_import_preview(*, uploaded: UploadedFile, by) -> ImportReport:
    """The admin page's preview: keep a copy of the uploaded file and dry-run it. A file that would load
    stays, under its batch's name, for `offences_import_confirm`; any other is deleted at once."""
    require(by, "import.run", refusal=IMPORT_REFUSAL)
    path = pending_save(uploaded)
    with path.open("rb") as stream:
        report = _offences_import_as(
            upload=Upload(stream, uploaded.name or "", uploaded.size or 0), by=by, dry_run=True
        )
    if report.ok:
        pending_keep(path, batch_id=report.batch.pk)
    else:
        pending_discard(path)
    return report


def offences_import_confirm(*, batch_id: int, by) -> ImportReport | None:
    """Load the file `by` checked in a dry run (the admin page's preview, then its confirm button).

    Only one's own preview, and only the bytes it checked: the kept copy must still match the SHA-256
    the preview recorded (Refused otherwise). ImportBatch.DoesNotExist for anyone else's or an unknown
    batch; None when the checked file is no longer waiting (already loaded, or too old).
    """
    require(by, "import.run", refusal=IMPORT_REFUSAL)
    checked = ImportBatch.objects.get(pk=batch_id, kind="offences", outcome=ImportBatch.Outcome.DRY_RUN, started_by=by)
    path = pending_path(checked.pk)
    if not path.exists():
        return None
    with path.open("rb") as stream:
        if sha256_of(stream) != checked.file_sha256:
            refuse(by, "The kept file does not match the one checked; upload it again.", capability="import.run")
        upload = Upload(stream, checked.file_name, checked.file_bytes)
        report = _offences_import_as(upload=upload, by=by, dry_run=False)
    pending_discard(path)
    return report


def _offences_import_as(*, upload: Upload, by, dry_run: bool) -> ImportReport:
    """The import with `by` (a person, or None for the system) as the actor of its records."""
    with acting_as(by):
        return _offences_import(upload=upload, by=by, dry_run=dry_run)


def _offences_import(*, upload: Upload, by, dry_run: bool) -> ImportReport:
    import_batches_fail_abandoned()
    problems = ProblemLog()
    batch = batch_start(kind="offences", file_name=upload.name, file_bytes=upload.size, by=by)
    reader, loader, too_large, crashed = None, None, False, False
    outcome = ImportBatch.Outcome.REJECTED
    try:
        check_size(upload.size)
        batch_file_hashed(batch, sha256_of(upload.stream))
        with transaction.atomic():
            batch_lock(batch)
            reader, loader = _load(upload, batch=batch, problems=problems)
            if problems or dry_run:
                raise _RollBack
            counts, details = _counts(reader, loader)
            batch_finish(batch, outcome=ImportBatch.Outcome.LOADED, problems=problems, counts=counts, details=details)
            offences_changed(offender_ids=sorted(loader.counts.touched_offender_ids))
            return ImportReport(batch=batch, problems=problems)
    except FileRefused as refused:
        problems.add(refused.problem.line, refused.problem.column, refused.problem.message)
        too_large = refused.too_large
    except _RollBack:
        outcome = ImportBatch.Outcome.REJECTED if problems else ImportBatch.Outcome.DRY_RUN
    except Exception as error:  # noqa: BLE001 - whatever stopped the load, the batch says so (and nothing was kept)
        crashed, outcome = import_stopped_by(error, problems), ImportBatch.Outcome.FAILED
    counts, details = _counts(reader, loader)
    with transaction.atomic():
        batch_finish(batch, outcome=outcome, problems=problems, counts=counts, details={**details, "dry_run": dry_run})
    return ImportReport(batch=batch, problems=problems, too_large=too_large, crashed=crashed)


def import_stopped_by(error: Exception, problems: ProblemLog) -> bool:
    """Record why a load stopped; True when it was a fault of the portal (logged with its traceback),
    False when the database refused it (say a concurrent writer took a reference mid-load)."""
    if isinstance(error, DatabaseError):
        problems.add(0, "", f"The database refused the load ({type(error).__name__}); nothing was loaded. Try again.")
        return False
    log.exception("an import stopped with an unexpected error")
    problems.add(
        0,
        "",
        f"The import stopped with an unexpected error ({type(error).__name__}); nothing was loaded. "
        "The error is in the portal's log; tell the portal's administrators.",
    )
    return True


def import_batches_fail_abandoned(*, now: dt.datetime | None = None) -> int:
    """Mark failed every batch still `running` after PORTAL_IMPORT_STALE_SECONDS: its process is gone.

    On PostgreSQL a live import holds its batch row locked (batch_lock), and locked rows are skipped,
    so a long import is never marked while it runs; on SQLite only one writer runs at a time anyway.
    Each batch marked writes the import's one audit event (outcome failed). Returns how many.
    """
    limit = (now or timezone.now()) - dt.timedelta(seconds=settings.PORTAL_IMPORT_STALE_SECONDS)
    running = ImportBatch.objects.filter(outcome=ImportBatch.Outcome.RUNNING, started_at__lt=limit)
    if not running.exists():
        return 0
    with transaction.atomic():
        abandoned = list(running.select_for_update(skip_locked=True).order_by("pk"))
        for batch in abandoned:
            problems = ProblemLog()
            problems.add(0, "", ABANDONED)
            batch_finish(batch, outcome=ImportBatch.Outcome.FAILED, problems=problems, counts={}, details={})
    return len(abandoned)
