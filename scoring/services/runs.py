"""Full recomputes: one ScoringRun, chunk tasks by offender id range, the last chunk publishes.

One run at a time is held by a partial unique index on ScoringRun (status queued or running), so
two requests at once make one run without any check-then-act. Chunks are idempotent: a chunk's
scores and its "done" mark commit together, and a retried chunk that is already done does nothing.
A run whose worker was lost (no heartbeat for PORTAL_RUN_STALE_AFTER_SECONDS) is failed by the next
request or the sweep, so it cannot hold the slot (docs/decisions/0821-stale-runs-and-heartbeat.md).
"""

import logging
import time
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min, QuerySet
from django.utils import timezone

from offenders.models import Offender
from portal.accounts.permissions import require
from portal.audit.context import AuditContext, audit_context, current_context
from portal.audit.services import audit_record
from portal.queue import task_send

from ..models import OffenderScore, RankingEntry, RankingSnapshot, RunChunk, ScoringPolicy, ScoringRun
from ..selectors import active_policy, run_current
from .scores import scores_write

log = logging.getLogger(__name__)
ACTIVE = [ScoringRun.Status.QUEUED, ScoringRun.Status.RUNNING]
START_REFUSAL = "Only supervisors and administrators may start a recompute."


# A chunk started this often without finishing keeps killing its worker (a redelivered poison message):
# fail the run rather than loop. Above the DatabaseError retries (tasks.CHUNK_RETRIES) with room to spare.
CHUNK_MAX_STARTS = 5


def _run_fail_where(runs: QuerySet[ScoringRun], *, run_id: int, error: str, cause: str) -> bool:
    """Fail one run if `runs` (the caller's conditions) still matches it, and audit it if this call did.

    The conditional UPDATE is the arbiter, not a read before it: of two callers at once exactly one
    changes the row (the other's WHERE no longer matches) and only that one writes the audit event.
    """
    with transaction.atomic():
        changed = runs.filter(pk=run_id, status__in=ACTIVE).update(
            status=ScoringRun.Status.FAILED, finished_at=timezone.now(), error=error[:2000]
        )
        if changed:
            audit_record(
                action="recompute.fail", target_type=ScoringRun._meta.label_lower, target_id=run_id,
                object_repr=f"Run {run_id}", changes={"cause": cause, "error": error[:500]},
            )  # fmt: skip
    return bool(changed)


def runs_fail_stale() -> list[int]:
    """Fail every run no worker has shown a sign of life for within PORTAL_RUN_STALE_AFTER_SECONDS.

    A worker killed hard (SIGKILL, the OOM killer, a lost host) takes its chunk with it: the filesystem
    broker deleted the message when it was delivered, Redis hands it back only after its visibility
    timeout (an hour). The run would hold the one-run slot (ADR 0202) and block every request and
    schedule. Failed as the system (nobody asked for it), with the request that noticed as request id.
    """
    limit = settings.PORTAL_RUN_STALE_AFTER_SECONDS
    stale = ScoringRun.objects.filter(heartbeat_at__lt=timezone.now() - timedelta(seconds=limit))
    failed = []
    system = AuditContext(actor_username="system", channel="system", request_id=current_context().request_id)
    with audit_context(system):
        for run_id, heartbeat in stale.filter(status__in=ACTIVE).values_list("pk", "heartbeat_at"):
            error = (
                f"stale: no sign of life from a worker since {timezone.localtime(heartbeat):%Y-%m-%d %H:%M:%S} "
                f"(more than {limit} s): its worker was probably lost, so the system failed it to let a new run start"
            )
            if _run_fail_where(stale, run_id=run_id, error=error, cause="stale"):
                log.warning("recompute run %s failed: %s", run_id, error)
                failed.append(run_id)
    return failed


def run_start(*, by, reason: str = "manual", publish: bool = True, as_of: date | None = None, dispatch: bool = True):
    """Queue a full recompute; returns (run, created). A run already queued or running is returned as is.

    Supervisors and administrators (`by`), or SYSTEM: the schedule, `manage.py recompute`, an activation.
    `dispatch=False` leaves the run for the caller to plan and execute in process (the benchmark).
    """
    require(by, "recompute.start", refusal=START_REFUSAL, system=True)
    policy = active_policy()
    if policy is None:
        raise ScoringPolicy.DoesNotExist("There is no active scoring policy to compute with.")
    runs_fail_stale()
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
        task_send(name=task_name, args=list(args))  # fails fast: the request that asked does not wait
    except Exception:  # noqa: BLE001 - a broker outage must not fail the web request that asked
        log.exception("could not queue %s%r", task_name, args)


def runs_supersede(*, reason: str) -> int:
    """Fail any queued or running run (its chunks stop; it will never publish)."""
    active = ScoringRun.objects.filter(status__in=ACTIVE)
    return sum(
        _run_fail_where(active, run_id=run_id, error=reason, cause="superseded")
        for run_id in active.values_list("pk", flat=True)
    )


def run_plan(*, run_id: int) -> list[int]:
    """Split the offenders into id ranges, record them as chunks and mark the run running; returns chunk ids."""
    with transaction.atomic():
        run = ScoringRun.objects.select_for_update().get(pk=run_id)
        if run.status == ScoringRun.Status.RUNNING:  # planned already (a redelivered plan task)
            return list(run.chunks.filter(done_at__isnull=True).values_list("pk", flat=True))
        if run.status != ScoringRun.Status.QUEUED:  # failed (stale, superseded) before a worker took it
            return []
        bounds = Offender.objects.aggregate(low=Min("id"), high=Max("id"))
        chunks = [
            RunChunk(run=run, first_id=first, last_id=last) for first, last in _id_ranges(bounds["low"], bounds["high"])
        ]
        RunChunk.objects.bulk_create(chunks)
        run.status, run.started_at = ScoringRun.Status.RUNNING, timezone.now()
        run.heartbeat_at = run.started_at
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
    if chunk.done_at or not _chunk_begin(chunk):
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
        run.heartbeat_at = timezone.now()
        if run.chunks_done >= run.chunks_total:
            _run_finish(run)
        else:
            run.save(update_fields=["chunks_done", "offenders_scored", "heartbeat_at"])
    return True


def _chunk_begin(chunk: RunChunk) -> bool:
    """A chunk starting is a sign of life: move the run's heartbeat and count the start, committed at once
    (not in the chunk's long transaction). False when the run is no longer running (failed, superseded,
    stale: a late or redelivered chunk does nothing), or when this chunk has been started too often."""
    with transaction.atomic():
        alive = ScoringRun.objects.filter(pk=chunk.run_id, status=ScoringRun.Status.RUNNING).update(
            heartbeat_at=timezone.now()
        )
        if alive:
            RunChunk.objects.filter(pk=chunk.pk).update(attempts=F("attempts") + 1)
    if alive and chunk.attempts + 1 > CHUNK_MAX_STARTS:
        error = (
            f"chunk {chunk.pk} was started {chunk.attempts + 1} times without finishing: its worker was lost each time"
        )
        run_fail(run_id=chunk.run_id, error=error)
        return False
    return bool(alive)


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
    _run_fail_where(ScoringRun.objects.all(), run_id=run_id, error=error, cause="error")


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
    """docs/access-and-audit.md: every list of personal data is audited. A published ranking shown with offenders'
    names (API or page) writes `ranking.snapshot_view`, as the live list writes `ranking.list`; shown
    pseudonymised only (admin, oversight: references, no names) it writes nothing, as the live list."""
    if any(row["offender"]["display_name"] for row in rows):
        audit_record(action="ranking.snapshot_view", target=snapshot, changes={"rows": len(rows)})


def ranking_view_record(*, rows: list[dict]) -> None:
    """The live ranked list (page or API) shown with any offender's name writes `ranking.list` with the
    number of rows; shown pseudonymised only (admin, oversight) it writes nothing (docs/access-and-audit.md)."""
    if any(row["offender"]["display_name"] for row in rows):
        audit_record(
            action="ranking.list", target_type="scoring.ranking", target_id="current", changes={"rows": len(rows)}
        )


def ranking_export_record(*, rows: list[dict], query: dict, by) -> None:
    """The ranked list was exported as CSV (an export of personal data when it carries names; audited
    for every reader, with the filters used, as every export is)."""
    require(by, "ranking.view", refusal="You may not read the ranking.")
    named = any(row["offender"]["display_name"] for row in rows)
    audit_record(
        action="ranking.export", target_type="scoring.ranking", target_id="current",
        changes={"rows": len(rows), "named": named, "query": query},
    )  # fmt: skip
