"""Celery tasks of the scoring app: thin wrappers that fetch by id and call a service.

Every task is acknowledged late and rejected (so redelivered) if its pool process is lost. The settings
say so for every task already (CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST); each task here
says it again so a change of default cannot quietly drop it. A hard kill of the worker itself still
loses the message on the filesystem broker (and holds it for an hour on Redis): the run's heartbeat and
the stale sweep cover that (docs/decisions/0821-stale-runs-and-heartbeat.md).
"""

import logging

from celery import shared_task
from django.db import DatabaseError

from portal.accounts.permissions import SYSTEM
from portal.audit.context import AuditContext, audit_context

from . import services

log = logging.getLogger(__name__)
CHUNK_RETRIES = 2
REDELIVERED = {"acks_late": True, "reject_on_worker_lost": True}


def _task_context():
    """Audit what a task writes as the worker's, and leave no trace of it on the next task."""
    return audit_context(AuditContext(actor_username="celery", channel="task"))


@shared_task(name="scoring.tasks.rescore_offender", ignore_result=True, **REDELIVERED)
def rescore_offender(offender_id: int) -> int:
    """Re-score one offender after one of their offences was saved or deleted."""
    with _task_context():
        return services.offenders_rescore(offender_ids=[offender_id])


@shared_task(name="scoring.tasks.rescore_offenders", ignore_result=True, **REDELIVERED)
def rescore_offenders(offender_ids: list[int]) -> int:
    """Re-score a batch of offenders (an import) in one statement."""
    with _task_context():
        return services.offenders_rescore(offender_ids=offender_ids)


@shared_task(name="scoring.tasks.rescore_resend", ignore_result=True, **REDELIVERED)
def rescore_resend() -> int:
    """Beat: send the re-score requests still waiting in the outbox (the broker was down when they were written)."""
    with _task_context():
        return services.rescore_requests_resend()


@shared_task(name="scoring.tasks.recompute_plan", **REDELIVERED)
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


@shared_task(name="scoring.tasks.recompute_chunk", bind=True, max_retries=CHUNK_RETRIES, **REDELIVERED)
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


@shared_task(name="scoring.tasks.nightly_refresh", **REDELIVERED)
def nightly_refresh() -> int:
    """Beat: refresh every score for today's date (the window and recency move daily); no snapshot."""
    with _task_context():
        run, _created = services.run_start(by=SYSTEM, reason="nightly", publish=False)
        return run.pk


@shared_task(name="scoring.tasks.weekly_snapshot", **REDELIVERED)
def weekly_snapshot() -> int:
    """Beat: a full recompute that publishes the week's ranking snapshot."""
    with _task_context():
        run, _created = services.run_start(by=SYSTEM, reason="weekly", publish=True)
        return run.pk


@shared_task(name="scoring.tasks.sweep_stale_runs", **REDELIVERED)
def sweep_stale_runs() -> list[int]:
    """Beat, every PORTAL_RUN_SWEEP_SECONDS: fail runs whose worker was lost before anyone has to ask."""
    with _task_context():
        return services.runs_fail_stale()
