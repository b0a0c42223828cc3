"""Writes of the scoring app: policies, live scores, full recomputes and published rankings."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from ..selectors import active_policy, run_current
from .policies import policy_activate, policy_approve, policy_create_draft, policy_update_draft
from .runs import (
    ranking_view_record,
    run_chunk_execute,
    run_fail,
    run_plan,
    run_start,
    runs_fail_stale,
    snapshot_publish,
    snapshot_view_record,
)
from .scores import offenders_rescore, scores_write

log = logging.getLogger(__name__)

__all__ = [
    "active_policy", "offenders_rescore", "offenders_rescore_later", "policy_activate", "policy_approve",
    "policy_create_draft", "policy_update_draft", "ranking_view_record", "run_chunk_execute", "run_current",
    "run_fail", "run_plan", "run_start", "runs_fail_stale", "scores_write", "snapshot_publish", "snapshot_view_record",
]  # fmt: skip


def offenders_rescore_later(offender_ids: Iterable[int]) -> None:
    """Queue re-scoring of these offenders once the current transaction commits.

    The interface every writer of offences calls (API, pages, imports). One offender is one task; many
    (an import) are split into chunks of ids, each one task and one statement, never a task per row.
    """
    ids = sorted({int(i) for i in offender_ids if i is not None})
    if not ids:
        return
    size = settings.SCORING_RESCORE_BATCH
    transaction.on_commit(lambda: _queue_rescore([ids[i : i + size] for i in range(0, len(ids), size)]))


def _queue_rescore(batches: list[list[int]]) -> None:
    from .. import tasks

    try:
        for batch in batches:
            if len(batch) == 1:
                tasks.rescore_offender.delay(batch[0])
            else:
                tasks.rescore_offenders.delay(batch)
    except Exception:  # noqa: BLE001 - the offence is saved; the nightly refresh catches up if the broker is down
        log.exception("could not queue rescoring of %d offender batch(es)", len(batches))
