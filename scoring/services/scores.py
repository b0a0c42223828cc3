"""Writing live scores: one set-based statement per slice of offenders, whoever asks (run or rescore)."""

import time
from datetime import date

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from offenders.models import DomesticIncident, Offence, Offender

from ..formula import ScoreTerms, incident_counts, offender_aggregates
from ..models import OffenderScore, RankingEntry, RankingSnapshot, RescoreRequest, ScoringPolicy
from ..selectors import active_policy
from ..selectors.rankings import COUNTS_GENERATION

SCORE_COLUMNS = (
    "score", "harm_days", "offence_count", "victim_count", "last_offence_on", "days_since_last", "eligible",
)  # fmt: skip


def _upsert_sql(aggregate_sql: str, where: str, incident_sql: str | None = None) -> str:
    """INSERT ... SELECT ... ON CONFLICT: valid on PostgreSQL and SQLite (3.24+) alike.

    Every offender in the slice but a disposed one gets a row (zero when nothing counts), so the table holds one row per
    offender and a score that fell to nothing is overwritten rather than left stale. With `incident_sql`
    (a policy that counts non-crime incidents) each counted incident adds the policy's days (the first
    two parameters after the time) to the harm days and the score.
    """
    table = OffenderScore._meta.db_table
    offenders = Offender._meta.db_table
    columns = ", ".join(SCORE_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in (*SCORE_COLUMNS, "policy_id", "as_of", "computed_at"))
    extra = " + COALESCE(i.incidents, 0) * %s" if incident_sql else ""
    join = f" LEFT JOIN ({incident_sql}) i ON i.offender_id = o.id" if incident_sql else ""
    return (
        f"INSERT INTO {table} (offender_id, policy_id, as_of, computed_at, {columns}) "  # noqa: S608 - table names only
        f"SELECT o.id, %s, %s, %s, COALESCE(a.score, 0){extra}, COALESCE(a.harm_days, 0){extra}, "
        f"COALESCE(a.offence_count, 0), COALESCE(a.victim_count, 0), a.last_offence_on, a.days_since_last, "
        f"COALESCE(a.eligible, %s) "
        f"FROM {offenders} o LEFT JOIN ({aggregate_sql}) a ON a.offender_id = o.id{join} "
        f"WHERE {where} AND o.status <> 'disposed' "  # a disposed record has no score (docs/records.md)
        f"ON CONFLICT (offender_id) DO UPDATE SET {updates}"
    )


def scores_write(
    *,
    policy: ScoringPolicy,
    as_of: date,
    first_id: int | None = None,
    last_id: int | None = None,
    offender_ids: list[int] | None = None,
) -> int:
    """Score a slice of offenders (an id range, or a list of ids) in ONE statement; returns rows written."""
    terms = ScoreTerms(policy=policy, as_of=as_of)
    if offender_ids is not None:
        offences = Offence.objects.filter(offender_id__in=offender_ids)
        incidents = DomesticIncident.objects.filter(offender_id__in=offender_ids)
        where, where_params = f"o.id IN ({', '.join(['%s'] * len(offender_ids))})", list(offender_ids)
    else:
        assert first_id is not None and last_id is not None, "an id range, or a list of ids"
        offences = Offence.objects.filter(offender_id__gte=first_id, offender_id__lte=last_id)
        incidents = DomesticIncident.objects.filter(offender_id__gte=first_id, offender_id__lte=last_id)
        where, where_params = "o.id >= %s AND o.id <= %s", [first_id, last_id]
    aggregate_sql, aggregate_params = offender_aggregates(terms, offences).query.sql_with_params()
    incident_sql: str | None = None
    incident_params: tuple = ()
    incident_days: list = []
    if policy.incident_days:
        incident_sql, incident_params = incident_counts(terms, incidents).query.sql_with_params()
        days = connection.ops.adapt_decimalfield_value(policy.incident_days, 7, 2)
        incident_days = [days, days]
    ops = connection.ops
    params = [
        policy.pk,
        ops.adapt_datefield_value(as_of),
        ops.adapt_datetimefield_value(timezone.now()),
        *incident_days,
        False,  # the eligibility of an offender with nothing counted
        *aggregate_params,
        *incident_params,
        *where_params,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # One short aggregate per chunk: JIT compilation costs more than it saves, and the sort by
            # offender should stay in memory (see docs/decisions/0203-recompute-statement.md).
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(_upsert_sql(aggregate_sql, where, incident_sql), params)
        return cursor.rowcount


def offenders_rescore(*, offender_ids: list[int], as_of: date | None = None) -> int:
    """Re-score these offenders now under the active policy (the incremental path after an offence change)."""
    policy = active_policy()
    if policy is None or not offender_ids:
        return 0
    with transaction.atomic():
        return scores_write(policy=policy, as_of=as_of or timezone.localdate(), offender_ids=list(offender_ids))


def offender_scores_erase(*, offender: Offender) -> dict[str, int]:
    """A disposed record leaves the live scores (and the rescore outbox); a published ranking keeps his row
    by reference, rank, score and counts, but not how long ago his last offence was (a date of his, given
    the ranking's date). Registered as a disposal eraser (offenders/hooks.py, docs/records.md)."""
    scores, _ = OffenderScore.objects.filter(offender=offender).delete()
    transaction.on_commit(lambda: cache.set(COUNTS_GENERATION, time.time_ns(), None))  # cached counts are stale
    RescoreRequest.objects.filter(offender_id=offender.pk).delete()
    # Through the snapshots: one probe of the (snapshot, offender) index each (no index leads with the offender).
    published = RankingSnapshot.objects.values("pk")
    entries = RankingEntry.objects.filter(snapshot_id__in=published, offender=offender).update(days_since_last=None)
    return {"live_scores": scores, "snapshot_rows_kept": entries}
