"""The harm-index workbook import: a workbook becomes a new DRAFT scoring policy.

The same all-or-nothing way as the offences import, and on the same record: an ImportBatch, its one
`import.harm_index` audit event and the ImportReport every caller (command, admin page) shows, all from
offenders.imports. Any bad row, and nothing at all is created. Every attempt is on record: the batch is
committed as `running` before the load's transaction starts (docs/decisions/0851).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from offenders.imports.batches import ImportReport, batch_file_hashed, batch_finish, batch_lock, batch_start
from offenders.imports.problems import FileRefused, ProblemLog
from offenders.imports.sources import Upload, check_size, sha256_of
from offenders.models import ImportBatch
from offenders.services.imports import import_batches_fail_abandoned, import_stopped_by
from portal.accounts.permissions import person_of, require
from portal.audit.context import acting_as

from ..harm_workbook import HarmIndexContents, HarmWorkbookReader
from ..models import ScoringPolicy
from ..selectors import active_policy
from .policies import policy_create_draft

IMPORT_REFUSAL = "Only an administrator may import a harm index."


def _draft_from(contents: HarmIndexContents, *, name: str, upload: Upload, sha256: str, by) -> ScoringPolicy:
    """The new draft: the workbook's entries with the active policy's parameters (window, factors...)."""
    return policy_create_draft(
        name=name,
        by=by,
        based_on=active_policy(),
        entries=contents.entries,
        new_codes=True,  # the workbook may bring classifications not yet offence types (docs/imports.md)
        notes=f"Imported from the harm-index workbook {upload.name} (sheet '{contents.sheet}', SHA-256 {sha256}).",
    )


def harm_index_import(*, upload: Upload, name: str, by) -> ImportReport:
    """A harm-index workbook becomes a new DRAFT scoring policy (approved and activated as any other),
    or, if any row is bad, nothing at all. Administrators only (`by`; SYSTEM for the command run
    without --user), refused before the file is read."""
    require(by, "import.run", refusal=IMPORT_REFUSAL, system=True)
    with acting_as(person_of(by)):
        return _harm_index_import(upload=upload, name=name, by=by)


def _harm_index_import(*, upload: Upload, name: str, by) -> ImportReport:
    import_batches_fail_abandoned()
    person = person_of(by)  # the batch's starter; the draft's author is `by` (policy_create_draft checks it)
    problems = ProblemLog(unit="row")
    batch = batch_start(kind="harm_index", file_name=upload.name, file_bytes=upload.size, by=person)
    contents, too_large, crashed = None, False, False
    outcome = ImportBatch.Outcome.REJECTED
    try:
        check_size(upload.size)
        sha256 = sha256_of(upload.stream)
        batch_file_hashed(batch, sha256)
        contents = HarmWorkbookReader(upload.stream, file_name=upload.name, problems=problems).contents()
        if not problems:
            with transaction.atomic():
                batch_lock(batch)
                policy = _draft_from(contents, name=name, upload=upload, sha256=sha256, by=by)
                counts, details = _harm_counts(contents, policy)
                batch_finish(
                    batch, outcome=ImportBatch.Outcome.LOADED, problems=problems, counts=counts, details=details
                )
                return ImportReport(batch=batch, problems=problems, details={"policy": policy})
    except FileRefused as refused:
        problems.add(refused.problem.line, refused.problem.column, refused.problem.message)
        too_large = refused.too_large
    except ValidationError as error:  # the policy rules (a name, days within range) refused it
        for message in error.messages:
            problems.add(0, "", message)
    except Exception as error:  # noqa: BLE001 - whatever stopped the load, the batch says so (and nothing was kept)
        crashed, outcome = import_stopped_by(error, problems), ImportBatch.Outcome.FAILED
    counts, details = _harm_counts(contents)
    with transaction.atomic():
        batch_finish(batch, outcome=outcome, problems=problems, counts=counts, details=details)
    return ImportReport(batch=batch, problems=problems, too_large=too_large, crashed=crashed)


def _harm_counts(contents: HarmIndexContents | None, policy: ScoringPolicy | None = None) -> tuple[dict, dict]:
    if contents is None:
        return {}, {}
    skipped = contents.expired_skipped + contents.unclassified_skipped
    counts = {"rows_read": contents.rows_read, "rows_skipped": skipped}
    details = {"sheet": contents.sheet, "expired_skipped": contents.expired_skipped,
               "unclassified_skipped": contents.unclassified_skipped}  # fmt: skip
    if policy is not None:
        counts["rows_created"] = len(contents.entries)
        details.update(policy_id=policy.pk, policy_version=policy.version, policy_name=policy.name)
    return counts, details
