"""Celery tasks of the scoring app: thin wrappers that fetch by id and call a service, and
`offenders_rescore_later`, the one way a write hands offenders to them (after its commit).

The tasks call the services; the services never import the tasks (a run is queued by the task's name,
services/runs.py), so the two modules do not import each other.
"""

import logging
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, transaction

from portal.audit.context import AuditContext, audit_context

from . import services

log = logging.getLogger(__name__)
CHUNK_RETRIES = 2


def _task_context():
    """Audit what a task writes as the worker's, and leave no trace of it on the next task."""
    return audit_context(AuditContext(actor_username="celery", channel="task"))


@shared_task(name="scoring.tasks.rescore_offender", acks_late=True)
def rescore_offender(offender_id: int) -> int:
    """Re-score one offender after one of their offences was saved or deleted."""
    with _task_context():
        return services.offenders_rescore(offender_ids=[offender_id])


@shared_task(name="scoring.tasks.rescore_offenders", acks_late=True)
def rescore_offenders(offender_ids: list[int]) -> int:
    """Re-score a batch of offenders (an import) in one statement."""
    with _task_context():
        return services.offenders_rescore(offender_ids=offender_ids)


@shared_task(name="scoring.tasks.recompute_plan", acks_late=True)
def recompute_plan(run_id: int) -> int:
    """Split a queued run into chunks and queue one task per chunk."""
    with _task_context():
        try:
            chunk_ids = services.run_plan(run_id=run_id)
        except Exception as error:
            services.run_fail(run_id=run_id, error=f"planning failed: {error}")
            raise
        for chunk_id in chunk_ids:
            recompute_chunk.delay(chunk_id, run_id)
        return len(chunk_ids)


@shared_task(name="scoring.tasks.recompute_chunk", bind=True, acks_late=True, max_retries=CHUNK_RETRIES)
def recompute_chunk(self, chunk_id: int, run_id: int) -> bool:
    """Score one chunk; a database hiccup is retried (the chunk is idempotent), anything else fails the run."""
    with _task_context():
        try:
            return services.run_chunk_execute(chunk_id=chunk_id)
        except DatabaseError as error:
            if self.request.retries < CHUNK_RETRIES:
                raise self.retry(exc=error, countdown=1 + self.request.retries) from error
            services.run_fail(run_id=run_id, error=f"chunk {chunk_id} failed: {error}")
            raise
        except Exception as error:
            services.run_fail(run_id=run_id, error=f"chunk {chunk_id} failed: {error}")
            raise


@shared_task(name="scoring.tasks.nightly_refresh")
def nightly_refresh() -> int:
    """Beat: refresh every score for today's date (the window and recency move daily); no snapshot."""
    with _task_context():
        run, _created = services.run_start(reason="nightly", publish=False)
        return run.pk


@shared_task(name="scoring.tasks.weekly_snapshot")
def weekly_snapshot() -> int:
    """Beat: a full recompute that publishes the week's ranking snapshot."""
    with _task_context():
        run, _created = services.run_start(reason="weekly", publish=True)
        return run.pk


def offenders_rescore_later(offender_ids: Iterable[int]) -> None:
    """Queue re-scoring of these offenders once the current transaction commits.

    What every writer of offences reaches (API, pages, imports: through offenders.hooks.offences_changed,
    registered in apps.py). One offender is one task; many (an import) are split into chunks of ids, each
    one task and one statement, never a task per row.
    """
    ids = sorted({int(i) for i in offender_ids if i is not None})
    if not ids:
        return
    size = settings.SCORING_RESCORE_BATCH
    transaction.on_commit(lambda: _queue_rescore([ids[i : i + size] for i in range(0, len(ids), size)]))


def _queue_rescore(batches: list[list[int]]) -> None:
    try:
        for batch in batches:
            if len(batch) == 1:
                rescore_offender.delay(batch[0])
            else:
                rescore_offenders.delay(batch)
    except Exception:  # noqa: BLE001 - the offence is saved; the nightly refresh catches up if the broker is down
        log.exception("could not queue rescoring of %d offender batch(es)", len(batches))
