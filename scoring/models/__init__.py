"""Models of the scoring app: policies (weight tables), live scores, published rankings, runs and the rescore outbox."""

from .outbox import RescoreRequest
from .policies import HarmEntry, ScoringPolicy
from .rankings import OffenderScore, RankingEntry, RankingSnapshot
from .runs import RunChunk, ScoringRun

__all__ = [
    "HarmEntry",
    "OffenderScore",
    "RankingEntry",
    "RankingSnapshot",
    "RescoreRequest",
    "RunChunk",
    "ScoringPolicy",
    "ScoringRun",
]
