"""Published snapshots for tasking-meeting tests, written straight to the tables (the scoring app's own
tests cover publishing; these need known ranks)."""

import datetime as dt

from django.utils import timezone

from scoring.models import RankingEntry, RankingSnapshot, ScoringPolicy


def publish(ranked: list, *, days_ago: int = 0, previous: RankingSnapshot | None = None) -> RankingSnapshot:
    """A snapshot ranking `ranked` (offenders, best first; scores 1000, 900, ...) published `days_ago`."""
    published = timezone.now() - dt.timedelta(days=days_ago)
    snapshot = RankingSnapshot.objects.create(
        policy=ScoringPolicy.objects.get(status="active"),
        previous=previous,
        as_of=published.date(),
        data_cutoff=published,
        published_at=published,
        entry_count=len(ranked),
    )
    before = {}
    if previous is not None:
        before = dict(RankingEntry.objects.filter(snapshot=previous).values_list("offender_id", "rank"))
    RankingEntry.objects.bulk_create(
        RankingEntry(
            snapshot=snapshot, offender=offender, rank=rank, score=1000 - 100 * (rank - 1),
            harm_days=1000 - 100 * (rank - 1), offence_count=2, victim_count=1, days_since_last=10,
            previous_rank=before.get(offender.pk),
        )
        for rank, offender in enumerate(ranked, start=1)
    )  # fmt: skip
    return snapshot
