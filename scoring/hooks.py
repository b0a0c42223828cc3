"""The seam through which the ranked list (a scoring page) shows what the apps above it know about each
ranked offender: the cases app registers `ranking_marks` (an open case, or the last meeting decision), so
the list works as the tasking team's tool while scoring never imports cases (the layers run one way)."""

from collections.abc import Callable
from typing import Any

# (user=, offender_ids=) -> {offender id: what the row shows about him}
RankingMarks = Callable[..., dict[int, dict[str, Any]]]
_marks: dict[str, RankingMarks] = {}


def register_ranking_marks(name: str, reader: RankingMarks) -> None:
    _marks[name] = reader


def ranking_marks(*, user, offender_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What every registered reader says about these offenders, merged (none registered: nothing)."""
    merged: dict[int, dict[str, Any]] = {}
    for reader in _marks.values():
        for offender_id, marks in reader(user=user, offender_ids=offender_ids).items():
            merged.setdefault(offender_id, {}).update(marks)
    return merged
