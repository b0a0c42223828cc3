"""What case management and the offence forms read from the scoring app: the live score and rank, rank
history, the top N, whether a re-score is still on its way.

One narrow seam, so the cases app reads scoring in exactly one module. Ranks come from the scoring app's
own selectors, so a rank here is the rank on the ranked list (ties share a rank).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from offenders.models import Offence, Offender
from scoring.formula import ScoreTerms, counted_offences
from scoring.models import OffenderScore, RankingEntry, RankingSnapshot, ScoringPolicy
from scoring.selectors import active_policy, eligible_scores, illustrative_versions, offender_rank


@dataclass(frozen=True)
class LiveScore:
    score: float
    rank: int | None  # None when the offender is scored but not eligible to be ranked
    policy: str
    illustrative: bool = False  # the policy's harm values are illustrative, not the official index


@dataclass(frozen=True)
class RankPoint:
    published_at: dt.datetime
    snapshot_id: int
    rank: int
    score: float


def score_now(*, offender: Offender) -> LiveScore | None:
    """The offender's live score and rank (as the ranked list shows it), or None when never scored."""
    row = OffenderScore.objects.select_related("policy").filter(offender_id=offender.pk).first()
    if row is None:
        return None
    return LiveScore(
        score=row.score,
        rank=offender_rank(offender),
        policy=f"v{row.policy.version}",
        illustrative=row.policy.is_illustrative,
    )


def illustrative_among(*, labels: Iterable[str]) -> bool:
    """Whether any of these policy versions ("v3", as copied onto a case) carries illustrative harm
    values: the case page labels its scores as illustrative only then."""
    return bool(illustrative_versions(labels=labels))


def rank_history(*, offender: Offender, limit: int = 12) -> list[RankPoint]:
    """The offender's rank in each of the last `limit` published snapshots he appears in, oldest first."""
    entries = (
        RankingEntry.objects.filter(offender_id=offender.pk)
        .select_related("snapshot")
        .order_by("-snapshot__published_at")[:limit]
    )
    points = [
        RankPoint(published_at=e.snapshot.published_at, snapshot_id=e.snapshot_id, rank=e.rank, score=e.score)
        for e in entries
    ]
    return list(reversed(points))


def top_offender_ids(*, limit: int | None = None) -> list[int]:
    """The offenders in the current top N by live score (the list the tasking meeting works from)."""
    limit = limit or settings.PORTAL_TOP_N
    return list(eligible_scores(user=None)[:limit].values_list("offender_id", flat=True))


def new_entrant_ids(*, limit: int | None = None) -> list[int]:
    """Offenders in the latest published top N who were not in it in the snapshot before."""
    limit = limit or settings.PORTAL_TOP_N
    latest = RankingSnapshot.objects.order_by("-published_at", "-id").first()
    if latest is None:
        return []
    entries = RankingEntry.objects.filter(snapshot=latest, rank__lte=limit)
    if latest.previous_id is None:
        return list(entries.order_by("rank").values_list("offender_id", flat=True))
    before = RankingEntry.objects.filter(snapshot_id=latest.previous_id, rank__lte=limit).values("offender_id")
    return list(entries.exclude(offender_id__in=before).order_by("rank").values_list("offender_id", flat=True))


@dataclass(frozen=True)
class SnapshotPlace:
    offender_id: int
    rank: int
    score: float
    previous_rank: int | None


@dataclass(frozen=True)
class ExitRule:
    """The active policy's exit rule: any part that is set proposes an exit (a person decides)."""

    outside_top_n_snapshots: int | None
    score_fall_percent: float | None
    in_custody: bool


def latest_snapshot_id() -> int | None:
    """The latest published snapshot, the one a tasking meeting is prepared from."""
    snapshot = RankingSnapshot.objects.order_by("-published_at", "-id").only("pk").first()
    return snapshot.pk if snapshot else None


def snapshot_top(*, snapshot_id: int, limit: int) -> list[SnapshotPlace]:
    """The top `limit` of a published snapshot, in rank order (its frozen rank, score and movement)."""
    rows = (
        RankingEntry.objects.filter(snapshot_id=snapshot_id, rank__lte=limit)
        .order_by("rank", "offender_id")
        .values_list("offender_id", "rank", "score", "previous_rank")
    )
    return [SnapshotPlace(*row) for row in rows]


def snapshot_places(*, snapshot_id: int, offender_ids: Iterable[int]) -> dict[int, SnapshotPlace]:
    """These offenders' places in one snapshot (absent when not ranked in it)."""
    rows = RankingEntry.objects.filter(snapshot_id=snapshot_id, offender_id__in=list(offender_ids)).values_list(
        "offender_id", "rank", "score", "previous_rank"
    )
    return {row[0]: SnapshotPlace(*row) for row in rows}


def exit_rule() -> ExitRule:
    """The exit rule of the active policy (none of its parts set before a policy is active)."""
    policy = ScoringPolicy.objects.active().first()
    if policy is None:
        return ExitRule(outside_top_n_snapshots=None, score_fall_percent=None, in_custody=False)
    return ExitRule(
        outside_top_n_snapshots=policy.exit_outside_top_n_snapshots,
        score_fall_percent=policy.exit_score_fall_percent,
        in_custody=policy.exit_in_custody,
    )


def recent_snapshots(*, count: int) -> list[tuple[int, dt.datetime]]:
    """The last `count` published snapshots (id, published_at), newest first."""
    return list(RankingSnapshot.objects.order_by("-published_at", "-id").values_list("pk", "published_at")[:count])


def outside_top_n_for(*, offender_ids: Iterable[int], snapshot_ids: list[int], limit: int) -> set[int]:
    """Of these offenders, those outside the top `limit` in every one of these snapshots."""
    wanted = list(offender_ids)
    if not wanted or not snapshot_ids:
        return set()
    inside = set(
        RankingEntry.objects.filter(snapshot_id__in=snapshot_ids, rank__lte=limit, offender_id__in=wanted).values_list(
            "offender_id", flat=True
        )
    )
    return set(wanted) - inside


def score_trajectory(*, offender: Offender, since) -> list[RankPoint]:
    """The offender's rank and score in every snapshot published since `since` (tasking), oldest first."""
    entries = (
        RankingEntry.objects.filter(offender_id=offender.pk, snapshot__published_at__gte=since)
        .select_related("snapshot")
        .order_by("snapshot__published_at", "snapshot_id")
    )
    return [
        RankPoint(published_at=e.snapshot.published_at, snapshot_id=e.snapshot_id, rank=e.rank, score=e.score)
        for e in entries
    ]


def offender_counted_offences(*, offender: Offender) -> QuerySet[Offence]:
    """The offender's offences that count in his score today under the active policy (all of them when
    no policy is active yet): whose victims a case's safety panel lists."""
    offences = Offence.objects.filter(offender_id=offender.pk)
    policy = active_policy()
    if policy is None:
        return offences
    return counted_offences(ScoreTerms(policy=policy, as_of=timezone.localdate()), offences)
