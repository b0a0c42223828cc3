"""Writes of the scoring app: policies, live scores, full recomputes and published rankings.

(Queueing a re-score after a write is scoring.tasks.offenders_rescore_later: it hands work to the tasks,
which call these services, so it lives with them. Reads are scoring.selectors.)
"""

from .policies import policy_activate, policy_approve, policy_create_draft, policy_update_draft
from .runs import (
    ranking_view_record,
    run_chunk_execute,
    run_fail,
    run_plan,
    run_start,
    snapshot_publish,
    snapshot_view_record,
)
from .scores import offenders_rescore, scores_write

__all__ = [
    "offenders_rescore", "policy_activate", "policy_approve", "policy_create_draft", "policy_update_draft",
    "ranking_view_record", "run_chunk_execute", "run_fail", "run_plan", "run_start", "scores_write",
    "snapshot_publish", "snapshot_view_record",
]  # fmt: skip
