"""Full recomputes: one ScoringRun, chunk tasks by offender id range, the last chunk publishes.

One run at a time is held by a partial unique index on ScoringRun (status queued or running), so
two requests at once make one run without any check-then-act. Chunks are idempotent: a chunk's
scores and its "done" mark commit together, and a retried chunk that is already done does nothing.
"""

import logging
import time
from datetime import date, timedelta

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from offenders.models import Offender
from portal.audit.services import audit_record

from ..models import OffenderScore, RankingEntry, RankingSnapshot, RunChunk, ScoringPolicy, ScoringRun
from ..selectors import active_policy, run_current
from .scores import scores_write

log = logging.getLogger(__name__)
ACTIVE = [ScoringRun.Status.QUEUED, ScoringRun.Status.RUNNING]


def _fail_stale_runs() -> None:
    """A run whose worker died would block every later run; give up on it after a generous limit."""
    limit = timezone.now() - timedelta(seconds=settings.SCORING_RUN_STALE_SECONDS)
    ScoringRun.objects.filter(status__in=ACTIVE, queued_at__lt=limit).update(
        status=ScoringRun.Status.FAILED, finished_at=timezone.now(), error="abandoned: no progress within the limit"
    )


def run_start(
    *, by=None, reason: str = "manual", publish: bool = True, as_of: date | None = None, dispatch: bool = True
):
    """Queue a full recompute; returns (run, created). A run already queued or running is returned as is.

    `dispatch=False` leaves the run for the caller to plan and execute in process (the benchmark).
    """
    policy = active_policy()
    if policy is None:
        raise ScoringPolicy.DoesNotExist("There is no active scoring policy to compute with.")
    _fail_stale_runs()
    try:
        with transaction.atomic():
            run = ScoringRun.objects.create(
                policy=policy, reason=reason[:64], publish=publish, as_of=as_of or timezone.localdate(),
                started_by=by if getattr(by, "pk", None) else None,
                started_by_username=by.get_username() if getattr(by, "pk", None) else "system",
            )  # fmt: skip
            audit_record(action="recompute.start", target=run, changes={"reason": reason, "policy": policy.version})
    except IntegrityError:
        existing = run_current()
        if existing is None:  # the other run finished in between: try once more
            return run_start(by=by, reason=reason, publish=publish, as_of=as_of, dispatch=dispatch)
        return existing, False
    if dispatch:
        transaction.on_commit(lambda: _dispatch("scoring.tasks.recompute_plan", run.pk))
    return run, True


def _dispatch(task_name: str, *args) -> None:
    """Queue a task by its registered name (the tasks import these services, never the reverse)."""
    try:
        current_app.send_task(task_name, args=args)
    except Exception:  # noqa: BLE001 - a broker outage must not fail the web request that asked
        log.exception("could not queue %s%r", task_name, args)


def runs_supersede(*, reason: str) -> int:
    """Fail any queued or running run (its chunks stop; it will never publish)."""
    return ScoringRun.objects.filter(status__in=ACTIVE).update(
        status=ScoringRun.Status.FAILED, finished_at=timezone.now(), error=reason[:500]
    )


def run_plan(*, run_id: int) -> list[int]:
    """Split the offenders into id ranges, record them as chunks and mark the run running; returns chunk ids."""
    with transaction.atomic():
        run = ScoringRun.objects.select_for_update().get(pk=run_id)
        if run.status != ScoringRun.Status.QUEUED:
            return list(run.chunks.filter(done_at__isnull=True).values_list("pk", flat=True))
        bounds = Offender.objects.aggregate(low=Min("id"), high=Max("id"))
        chunks = [
            RunChunk(run=run, first_id=first, last_id=last) for first, last in _id_ranges(bounds["low"], bounds["high"])
        ]
        RunChunk.objects.bulk_create(chunks)
        run.status, run.started_at = ScoringRun.Status.RUNNING, timezone.now()
        run.chunks_total, run.offenders_total = len(chunks), Offender.objects.count()
        run.save()
        if not chunks:
            _run_finish(run)
    return list(run.chunks.values_list("pk", flat=True))


def _id_ranges(low: int | None, high: int | None) -> list[tuple[int, int]]:
    """Even slices of the id range, none larger than SCORING_CHUNK_SIZE (even, so parallel workers finish
    together rather than one waiting on a short last chunk)."""
    if low is None or high is None:
        return []
    span = high - low + 1
    count = -(-span // settings.SCORING_CHUNK_SIZE)
    size = -(-span // count)
    return [(first, min(first + size - 1, high)) for first in range(low, high + 1, size)]


def run_chunk_execute(*, chunk_id: int) -> bool:
    """Score one chunk in ONE statement; the chunk that completes the run publishes. Returns True if it scored."""
    chunk = RunChunk.objects.select_related("run__policy").get(pk=chunk_id)
    if chunk.done_at or chunk.run.status != ScoringRun.Status.RUNNING:
        return False
    started = time.monotonic()
    with transaction.atomic():
        written = scores_write(
            policy=chunk.run.policy, as_of=chunk.run.as_of, first_id=chunk.first_id, last_id=chunk.last_id
        )
        run = ScoringRun.objects.select_for_update().get(pk=chunk.run_id)  # serialises the completions
        chunk = RunChunk.objects.get(pk=chunk_id)
        if run.status != ScoringRun.Status.RUNNING or chunk.done_at:
            transaction.set_rollback(True)  # superseded or already done: leave no trace
            return False
        chunk.done_at, chunk.offenders, chunk.seconds = timezone.now(), written, time.monotonic() - started
        chunk.save(update_fields=["done_at", "offenders", "seconds"])
        run.chunks_done += 1
        run.offenders_scored += written
        if run.chunks_done >= run.chunks_total:
            _run_finish(run)
        else:
            run.save(update_fields=["chunks_done", "offenders_scored"])
    return True


def _run_finish(run: ScoringRun) -> None:
    """Inside the last chunk's transaction: publish (if asked) and mark the run succeeded, all or nothing."""
    if run.publish:
        snapshot = snapshot_publish(run=run)
        run.ranked_count = snapshot.entry_count
    else:
        run.ranked_count = OffenderScore.objects.filter(eligible=True).count()
    run.status, run.finished_at = ScoringRun.Status.SUCCEEDED, timezone.now()
    run.save()
    if connection.vendor == "postgresql":  # fresh statistics keep the rank queries on the score index
        transaction.on_commit(_analyze_scores)


def _analyze_scores() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {OffenderScore._meta.db_table}")
        cursor.execute(f"ANALYZE {RankingEntry._meta.db_table}")


def run_fail(*, run_id: int, error: str) -> None:
    """Mark a run failed (its own transaction); the published ranking stays as it was."""
    ScoringRun.objects.filter(pk=run_id, status__in=ACTIVE).update(
        status=ScoringRun.Status.FAILED, finished_at=timezone.now(), error=error[:2000]
    )


def snapshot_publish(*, run: ScoringRun) -> RankingSnapshot:
    """Freeze the live ranking: every eligible offender, ranked (ties share a rank), with movement."""
    previous = RankingSnapshot.objects.order_by("-published_at", "-id").first()
    snapshot = RankingSnapshot.objects.create(
        policy=run.policy, run=run, previous=previous, as_of=run.as_of,
        data_cutoff=run.started_at or run.queued_at, published_at=timezone.now(),
    )  # fmt: skip
    entries, scores = RankingEntry._meta.db_table, OffenderScore._meta.db_table
    sql = (
        f"INSERT INTO {entries} (snapshot_id, offender_id, rank, score, harm_days, offence_count, victim_count, "  # noqa: S608 - table names only
        f"days_since_last, previous_rank) "
        f"SELECT %s, s.offender_id, RANK() OVER (ORDER BY s.score DESC), s.score, s.harm_days, s.offence_count, "
        f"s.victim_count, s.days_since_last, p.rank "
        f"FROM {scores} s LEFT JOIN {entries} p ON p.snapshot_id = %s AND p.offender_id = s.offender_id "
        f"WHERE s.eligible = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [snapshot.pk, previous.pk if previous else -1, True])
        snapshot.entry_count = cursor.rowcount
    snapshot.save(update_fields=["entry_count"])
    audit_record(action="ranking.publish", target=snapshot, changes={"entries": snapshot.entry_count, "run": run.pk})
    return snapshot


def snapshot_view_record(*, snapshot: RankingSnapshot, rows: list[dict]) -> None:
    """CONTRACT s.7: every list of personal data is audited. A published ranking shown with offenders'
    names (API or page) writes `ranking.snapshot_view`, as the live list writes `ranking.list`; shown
    pseudonymised only (admin, oversight: references, no names) it writes nothing, as the live list."""
    if any(row["offender"]["display_name"] for row in rows):
        audit_record(action="ranking.snapshot_view", target=snapshot, changes={"rows": len(rows)})


def ranking_view_record(*, rows: list[dict]) -> None:
    """The live ranked list (page or API) shown with any offender's name writes `ranking.list` with the
    number of rows; shown pseudonymised only (admin, oversight) it writes nothing (CONTRACT.md section 7)."""
    if any(row["offender"]["display_name"] for row in rows):
        audit_record(
            action="ranking.list", target_type="scoring.ranking", target_id="current", changes={"rows": len(rows)}
        )
