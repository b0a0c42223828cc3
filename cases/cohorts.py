"""Tasking cohorts: who a tasking meeting tasked from each published ranking, and who was ranked just below.

The one definition the evaluation (portal/oversight, docs/evaluation.md) reads. A tasking decision is a
recorded meeting decision (cases/meetings.py): the cohort of a published ranking is the offenders in its
top N whose agenda item, at a meeting built from that ranking, was decided `task`. A case opened without
a meeting (from the offender's page) is no tasking decision here: it is never in a tasked group, and it
keeps its offender out of the comparison group (docs/decisions/1120).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from scoring.models import RankingEntry, RankingSnapshot

from .models import Case, DecisionKind, MeetingDecision


@dataclass
class TaskingCohort:
    """One published ranking's tasking: the tasked (top N, decided `task` at a meeting built from it) and the
    ranks below."""

    snapshot_id: int
    as_of: dt.date
    published_at: dt.datetime
    top_n: int
    cutoff_score: float | None = None  # the score at rank N (the regression discontinuity's cutoff)
    tasked: dict[int, float] = field(default_factory=dict)  # offender id -> score in this ranking
    comparison: dict[int, float] = field(default_factory=dict)  # ranks N+1..2N, not tasked from it
    untasked_top: dict[int, float] = field(default_factory=dict)  # in the top N but not tasked
    case_ids: list[int] = field(default_factory=list)  # the cases the meetings' task decisions opened

    @property
    def around_cutoff(self) -> dict[int, tuple[float, bool]]:
        """Everyone ranked within N of the cutoff and new to tasking: score and whether above the cutoff."""
        above = {pk: (score, True) for pk, score in {**self.tasked, **self.untasked_top}.items()}
        return {**above, **{pk: (score, False) for pk, score in self.comparison.items()}}


def tasking_cohorts(*, top_n: int, offenders: QuerySet, follow_up_until: dt.date | None = None) -> list[TaskingCohort]:
    """Every published ranking's cohort, oldest first, counting only `offenders` (the reader's visible ones).

    Tasked: an offender in its top N decided `task` at a meeting built from the ranking (the decision's
    case is the tasking). Comparison: ranks N+1 to 2N not tasked from that ranking, neither at a meeting
    nor by a case opened some other way while it was the latest. Offenders already in a case when the
    ranking was published belong to neither (they were tasked before). `follow_up_until` keeps only
    rankings dated on or before that day (those with enough follow-up). Three queries: the meetings' task
    decisions come with the cases, as the ranking each case was tasked from.
    """
    snapshots = RankingSnapshot.objects.order_by("published_at", "id")
    all_snapshots = list(snapshots.values("id", "as_of", "published_at"))
    if not all_snapshots:
        return []
    bounds = {
        row["id"]: (row["published_at"], nxt["published_at"] if nxt else None)
        for row, nxt in zip(all_snapshots, [*all_snapshots[1:], None], strict=True)
    }
    chosen = [row for row in all_snapshots if follow_up_until is None or row["as_of"] <= follow_up_until]
    if not chosen:
        return []
    entries = (
        RankingEntry.objects.filter(snapshot_id__in=[row["id"] for row in chosen], rank__lte=2 * top_n)
        .filter(offender__in=offenders)
        .values_list("snapshot_id", "offender_id", "rank", "score")
    )
    ranked: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for snapshot_id, offender_id, rank, score in entries:
        ranked[snapshot_id].append((offender_id, rank, score))
    first = chosen[0]["published_at"]
    tasked_from = MeetingDecision.objects.filter(case=OuterRef("pk"), decision=DecisionKind.TASK).values(
        "item__meeting__snapshot_id"
    )[:1]
    cases = list(
        Case.objects.filter(Q(closed_at__isnull=True) | Q(closed_at__gt=first))
        .annotate(tasked_from=Subquery(tasked_from))
        .values_list("id", "offender_id", "opened_at", "closed_at", "tasked_from")
    )
    return [_cohort(row, bounds[row["id"]], ranked[row["id"]], cases, top_n) for row in chosen]


def _cohort(row: Any, bounds: tuple, ranked: list[tuple[int, int, float]], cases: list, top_n: int) -> TaskingCohort:
    start, end = bounds
    decided_here, opened_here, already = _cases_around(row["id"], start, end, cases)
    cohort = TaskingCohort(snapshot_id=row["id"], as_of=row["as_of"], published_at=start, top_n=top_n)
    for offender_id, rank, score in sorted(ranked, key=lambda item: item[1]):
        if rank <= top_n:
            cohort.cutoff_score = score
        if offender_id in already:
            continue
        if rank <= top_n and offender_id in decided_here:
            cohort.tasked[offender_id] = score
            cohort.case_ids.append(decided_here[offender_id])
        elif rank <= top_n:
            cohort.untasked_top[offender_id] = score
        elif offender_id not in opened_here:
            cohort.comparison[offender_id] = score
    return cohort


def _cases_around(snapshot_id: int, start: dt.datetime, end: dt.datetime | None, cases: list):
    """(offender -> the case a meeting on this ranking tasked him with; offenders with any case opened while
    it was the latest, by a meeting or not; offenders already in a case when it was published)."""
    decided_here: dict[int, int] = {}
    opened_here: set[int] = set()
    already: set[int] = set()
    for case_id, offender_id, opened_at, closed_at, tasked_from in cases:
        if tasked_from == snapshot_id:
            decided_here.setdefault(offender_id, case_id)
            opened_here.add(offender_id)
        elif opened_at < start and (closed_at is None or closed_at > start):
            already.add(offender_id)
        elif opened_at >= start and (end is None or opened_at < end):
            opened_here.add(offender_id)
    return decided_here, opened_here, already
