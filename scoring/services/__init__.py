"""Writes of the scoring app: policies, live scores (and the outbox that queues them), full recomputes and
published rankings. Reads are scoring.selectors."""

from collections.abc import Iterable

from .outbox import rescore_requests_record, rescore_requests_resend
from .policies import policy_activate, policy_approve, policy_create_draft, policy_update_draft
from .runs import (
    ranking_export_record,
    ranking_view_record,
    run_chunk_execute,
    run_fail,
    run_plan,
    run_start,
    runs_fail_stale,
    snapshot_publish,
    snapshot_view_record,
)
from .scores import offender_scores_erase, offenders_rescore, scores_write

__all__ = [
    "offender_scores_erase", "offenders_rescore", "offenders_rescore_later", "policy_activate", "policy_approve",
    "policy_create_draft", "policy_update_draft", "ranking_export_record", "ranking_view_record",
    "rescore_requests_resend", "run_chunk_execute", "run_fail",
    "run_plan", "run_start", "runs_fail_stale", "scores_write", "snapshot_publish", "snapshot_view_record",
]  # fmt: skip


def offenders_rescore_later(offender_ids: Iterable[int]) -> None:
    """Queue re-scoring of these offenders: recorded in the current transaction, sent once it commits.

    The interface every writer of offences calls (API, pages, imports). The request is written to the
    outbox with the change, so a broker that is down loses nothing (the periodic resend sends it later)
    and the save never waits for the broker. Sent as one task per offender, or chunks of ids for many (an
    import), each one task and one statement, never a task per row.
    """
    ids = sorted({int(i) for i in offender_ids if i is not None})
    if ids:
        rescore_requests_record(offender_ids=ids)
