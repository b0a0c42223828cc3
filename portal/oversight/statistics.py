"""Fairness arithmetic for the disproportionality report: rates, the relative rate index and its interval.

Pure functions with no Django in them, so every figure can be checked by hand in a test. The relative
rate index (RRI) compares how often one group passes from one stage to the next with how often everyone
else does; its 95% confidence interval uses the log method (Katz et al.), which is what the youth-justice
and policing disproportionality toolkits publish, and 0.8 to 1.25 is the "four-fifths" band. A group-step
is flagged for a person to look at only when its whole interval lies outside that band; a small group
(fewer than five) is "too few to tell" (docs/decisions/1100).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z_95 = 1.96  # the published toolkits round to two places; so do we, so figures match by hand
FLAG_LOW = 0.8
FLAG_HIGH = 1.25
SMALL_NUMBER = 5


@dataclass(frozen=True)
class RateComparison:
    """One group's rate against the comparison group's, with what a reader needs to trust it."""

    group_count: int
    group_base: int
    other_count: int
    other_base: int
    rri: float | None
    low: float | None
    high: float | None

    @property
    def group_rate(self) -> float | None:
        return rate(self.group_count, self.group_base)

    @property
    def other_rate(self) -> float | None:
        return rate(self.other_count, self.other_base)

    @property
    def flagged(self) -> bool:
        """The whole 95% interval lies outside 0.8 to 1.25: the index is beyond the band by more than chance.

        An index outside the band whose interval reaches into it is not flagged (on random data about one
        group-step in ten would be, by chance alone); neither is one without an interval, or from a group
        too small to tell (`too_few_to_tell`). Rounded so 0.7999999... in floating point counts as 0.8."""
        if self.too_few_to_tell or self.low is None or self.high is None:
            return False
        return round(self.high, 9) < FLAG_LOW or round(self.low, 9) > FLAG_HIGH

    @property
    def outside_band(self) -> bool:
        """The index itself (not its interval) is outside 0.8 to 1.25: shown, but not a flag on its own."""
        return self.rri is not None and not (FLAG_LOW <= round(self.rri, 9) <= FLAG_HIGH)

    @property
    def too_few_to_tell(self) -> bool:
        """Fewer than five in either count: the index swings on one or two people, so nothing is said."""
        return self.small_numbers

    @property
    def significant(self) -> bool:
        """The 95% interval excludes 1: the difference is unlikely to be chance alone."""
        return self.low is not None and self.high is not None and (self.high < 1 or self.low > 1)

    @property
    def small_numbers(self) -> bool:
        """Fewer than five in either count: the index swings on one or two people; read with care."""
        return self.group_count < SMALL_NUMBER or self.other_count < SMALL_NUMBER


def rate(count: int, base: int) -> float | None:
    """count / base, or None when there is no base (no data is not a rate of zero)."""
    return count / base if base else None


def relative_rate_index(a: int, n1: int, b: int, n2: int) -> RateComparison:
    """RRI = (a/n1) / (b/n2) with its 95% interval exp(ln RRI +- 1.96 sqrt(1/a - 1/n1 + 1/b - 1/n2)).

    `a` of `n1` people in the group reached the stage, `b` of `n2` others did. The index is None when
    either base is empty or nobody else reached the stage (division by zero); the interval is None when
    either count is zero (the logarithm is undefined), so such cells read "not computable", never 0.
    """
    for name, value in (("a", a), ("n1", n1), ("b", b), ("n2", n2)):
        if value < 0:
            raise ValueError(f"{name} must not be negative")
    if a > n1 or b > n2:
        raise ValueError("a count cannot exceed its base")
    if not n1 or not n2 or not b:
        return RateComparison(a, n1, b, n2, None, None, None)
    rri = (a / n1) / (b / n2)
    if not a:
        return RateComparison(a, n1, b, n2, rri, None, None)
    standard_error = math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n2)
    low = math.exp(math.log(rri) - Z_95 * standard_error)
    high = math.exp(math.log(rri) + Z_95 * standard_error)
    return RateComparison(a, n1, b, n2, rri, low, high)


def share(count: int, total: int) -> float | None:
    """A group's share of a stage, or None when the stage is empty."""
    return rate(count, total)


def outliers_among_peers(counts: dict[str, int], *, sd_factor: float = 3.0, median_factor: float = 3.0):
    """Which members stand far above their peers: above peers' mean + 3 sd, or above 3x peers' median.

    Each member is compared with the others (leave-one-out), so one heavy user cannot hide by raising
    the average they are measured against. Needs at least two peers; returns {member: reason}.
    """
    flagged: dict[str, str] = {}
    for member, count in counts.items():
        peers = [value for other, value in counts.items() if other != member]
        if len(peers) < 2:
            continue
        mean = sum(peers) / len(peers)
        sd = math.sqrt(sum((value - mean) ** 2 for value in peers) / (len(peers) - 1))
        median = _median(peers)
        if count > mean + sd_factor * sd and sd > 0:
            flagged[member] = f"above peers' mean + {sd_factor:g} sd ({mean + sd_factor * sd:.1f})"
        elif median > 0 and count > median_factor * median:
            flagged[member] = f"above {median_factor:g}x peers' median ({median:g})"
    return flagged


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def median(values: list[float]) -> float | None:
    """The median, or None for no values."""
    return _median(list(values)) if values else None
