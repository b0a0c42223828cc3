"""A rank deep in the list: the count of scores above a man is read exactly near the top and kept past
EXACT_COUNT_LIMIT until a score is next written or removed (ADR 1430), and is exact either way."""

import datetime as dt

import pytest
from django.utils import timezone

from scoring.models import OffenderScore
from scoring.selectors import live_ranks, offender_rank
from scoring.selectors import rankings as ranking_selectors
from scoring.services.scores import offender_scores_erase
from tests.factories.people import OffenderFactory
from tests.factories.scores import give_score

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder(monkeypatch):
    """Twelve eligible men scored 120, 110, ... 10, and one not eligible at the top; counting is exact up
    to 3 here, so most ranks take the kept count's path."""
    monkeypatch.setattr(ranking_selectors, "EXACT_COUNT_LIMIT", 3)
    men = [OffenderFactory() for _ in range(12)]
    for place, man in enumerate(men):
        give_score(man, score=120 - 10 * place, eligible=True)
    give_score(OffenderFactory(), score=500, eligible=False)
    return men


def brute_rank(score: float) -> int:
    return 1 + sum(1 for other in OffenderScore.objects.filter(eligible=True) if other.score > score)


def test_every_rank_is_exact_on_both_paths(ladder):
    for man in ladder:
        assert offender_rank(man) == brute_rank(man.score.score)
    scores = [man.score.score for man in ladder[5:9]]
    assert live_ranks(scores) == [brute_rank(score) for score in scores] == [6, 7, 8, 9]


def test_a_kept_count_is_not_used_after_a_score_is_written(ladder):
    deepest = ladder[-1]
    assert offender_rank(deepest) == 12  # counted, and kept
    newcomer = give_score(OffenderFactory(), score=115, eligible=True)  # a later computed_at
    assert newcomer.computed_at >= OffenderScore.objects.exclude(pk=newcomer.pk).latest("computed_at").computed_at
    assert offender_rank(deepest) == 13


def test_a_kept_count_is_not_used_after_a_score_is_removed(ladder, django_capture_on_commit_callbacks):
    deepest = ladder[-1]
    OffenderScore.objects.filter(offender=deepest).update(computed_at=timezone.now() + dt.timedelta(days=1))
    assert offender_rank(deepest) == 12  # kept, under the newest computed_at, which removing another keeps
    with django_capture_on_commit_callbacks(execute=True):
        offender_scores_erase(offender=ladder[0])
    assert offender_rank(deepest) == 11
