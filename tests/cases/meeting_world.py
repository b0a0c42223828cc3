"""Published snapshots for tasking-meeting tests, written straight to the tables (the scoring app's own
tests cover publishing; these need known ranks)."""

from scoring.models import RankingSnapshot
from tests.factories import scores


def publish(ranked: list, *, days_ago: int = 0, previous: RankingSnapshot | None = None) -> RankingSnapshot:
    """A snapshot ranking `ranked` (offenders, best first; scores 1000, 900, ...) published `days_ago`."""
    return scores.publish(ranked, days_ago=days_ago, previous=previous, top_score=1000, score_step=100)
