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


def publish(ranked: list, *, when: dt.datetime, previous=None) -> RankingSnapshot:
    """A published ranking of `ranked` offenders, best first (rank 1, 2, ...)."""
    snapshot = RankingSnapshot.objects.create(
        policy=active_policy(), previous=previous, as_of=when.date(), data_cutoff=when, published_at=when,
        entry_count=len(ranked),
    )  # fmt: skip
    RankingEntry.objects.bulk_create(
        RankingEntry(snapshot=snapshot, offender=offender, rank=rank, score=1000 - rank, harm_days=1000 - rank,
                     offence_count=2, victim_count=1, days_since_last=1)
        for rank, offender in enumerate(ranked, start=1)
    )  # fmt: skip
    return snapshot
