"""Live scores and published rankings written straight to the tables the reports read."""

import datetime as dt

from django.utils import timezone

from scoring.models import OffenderScore, RankingEntry, RankingSnapshot, ScoringPolicy


def active_policy() -> ScoringPolicy:
    return ScoringPolicy.objects.get(status="active")


def give_score(offender, *, score: float, eligible: bool) -> OffenderScore:
    return OffenderScore.objects.create(
        offender=offender, policy=active_policy(), score=score, harm_days=score, offence_count=2 if eligible else 1,
        victim_count=1, eligible=eligible, as_of=timezone.localdate(), computed_at=timezone.now(),
    )  # fmt: skip


def publish(
    ranked: list,
    *,
    when: dt.datetime | None = None,
    days_ago: int = 0,
    previous: RankingSnapshot | None = None,
    top_score: float = 999,
    score_step: float = 1,
) -> RankingSnapshot:
    """A published ranking of `ranked` offenders, best first (rank 1, 2, ...), published at `when` (default:
    `days_ago` days ago). Rank r scores `top_score - score_step * (r - 1)`; each entry's previous rank is
    its rank in `previous`, as publishing records it."""
    when = when or timezone.now() - dt.timedelta(days=days_ago)
    snapshot = RankingSnapshot.objects.create(
        policy=active_policy(), previous=previous, as_of=when.date(), data_cutoff=when, published_at=when,
        entry_count=len(ranked),
    )  # fmt: skip
    before = {}
    if previous is not None:
        before = dict(RankingEntry.objects.filter(snapshot=previous).values_list("offender_id", "rank"))
    RankingEntry.objects.bulk_create(
        RankingEntry(snapshot=snapshot, offender=offender, rank=rank, score=top_score - score_step * (rank - 1),
                     harm_days=top_score - score_step * (rank - 1), offence_count=2, victim_count=1,
                     days_since_last=1, previous_rank=before.get(offender.pk))
        for rank, offender in enumerate(ranked, start=1)
    )  # fmt: skip
    return snapshot
