"""The fairness arithmetic, checked against figures worked by hand."""

import math

import pytest

from portal.oversight.statistics import median, outliers_among_peers, rate, relative_rate_index, share


def test_relative_rate_index_and_interval_by_hand():
    # 30 of 100 in the group progressed, 20 of 200 others: rates 0.30 and 0.10, RRI 3.
    # SE(ln RRI) = sqrt(1/30 - 1/100 + 1/20 - 1/200) = sqrt(0.068333...) = 0.261406
    # interval = exp(ln 3 -/+ 1.96 * 0.261406) = 1.7972 .. 5.0077
    result = relative_rate_index(30, 100, 20, 200)
    assert result.rri == pytest.approx(3.0)
    assert result.low == pytest.approx(1.79725, abs=1e-4)
    assert result.high == pytest.approx(5.00766, abs=1e-4)
    assert result.flagged and result.significant and not result.small_numbers


def test_low_index_with_an_interval_reaching_the_band_is_not_flagged():
    # 10/50 = 0.2 against 40/100 = 0.4: RRI 0.5, interval 0.2733 .. 0.9148 (by hand as above): below 1, so
    # significant, but its top end is inside 0.8 to 1.25, so not flagged.
    result = relative_rate_index(10, 50, 40, 100)
    assert result.rri == pytest.approx(0.5)
    assert (result.low, result.high) == (pytest.approx(0.27328, abs=1e-4), pytest.approx(0.91481, abs=1e-4))
    assert result.significant and result.outside_band and not result.flagged


@pytest.mark.parametrize(
    ("a", "n1", "b", "n2", "flagged"),
    [
        (8, 100, 10, 100, False),
        (125, 1000, 100, 1000, False),
        (79, 1000, 100, 1000, False),  # index 0.79, but its interval (0.60 .. 1.05) reaches into the band
        (126, 1000, 100, 1000, False),  # index 1.26, interval 0.99 .. 1.60: inside the band in part
        (500, 1000, 100, 1000, True),  # 5.0, interval 4.1 .. 6.1: wholly above 1.25
        (50, 1000, 200, 1000, True),  # 0.25, interval 0.19 .. 0.34: wholly below 0.8
        (4, 5, 6, 15, False),  # index 2.0 but four people: too few to tell
    ],
)
def test_flagged_only_when_the_whole_interval_is_outside_the_band(a, n1, b, n2, flagged):
    result = relative_rate_index(a, n1, b, n2)
    assert result.flagged is flagged
    assert result.outside_band is (not 0.8 <= round(result.rri, 9) <= 1.25)


def test_equal_rates_interval_contains_one():
    result = relative_rate_index(20, 100, 40, 200)
    assert result.rri == pytest.approx(1.0)
    assert result.low < 1 < result.high
    assert not result.flagged and not result.significant


def test_no_data_is_none_not_zero():
    assert relative_rate_index(0, 0, 5, 10).rri is None  # empty group
    assert relative_rate_index(3, 10, 0, 10).rri is None  # nobody else progressed: division by zero
    nobody = relative_rate_index(0, 10, 5, 10)
    assert nobody.rri == 0.0 and nobody.low is None and nobody.high is None and nobody.small_numbers
    assert rate(1, 0) is None and share(0, 0) is None and median([]) is None


def test_everyone_progressed_gives_a_zero_width_variance_term_not_an_error():
    # a == n1 and b == n2: 1/a - 1/n1 = 0 and 1/b - 1/n2 = 0, the interval collapses on the index.
    result = relative_rate_index(10, 10, 20, 20)
    assert result.rri == 1.0 and result.low == pytest.approx(1.0) and result.high == pytest.approx(1.0)


@pytest.mark.parametrize("args", [(-1, 10, 1, 10), (11, 10, 1, 10), (1, 10, 11, 10)])
def test_impossible_counts_are_refused(args):
    with pytest.raises(ValueError):
        relative_rate_index(*args)


def test_outliers_among_peers_leave_one_out():
    # Peers of "heavy": 10, 12, 11, 9 -> mean 10.5, sd sqrt(5/3)=1.29, mean+3sd = 14.37; 100 is above.
    counts = {"a": 10, "b": 12, "c": 11, "d": 9, "heavy": 100}
    flagged = outliers_among_peers(counts)
    assert set(flagged) == {"heavy"}
    assert "mean + 3 sd" in flagged["heavy"]
    assert math.isclose(10.5 + 3 * math.sqrt(5 / 3), 14.37, abs_tol=0.01)


def test_outliers_by_median_when_peers_are_identical():
    # Peers 5, 5, 5 have no spread; 16 > 3 x 5 is flagged by the median rule, 15 is not.
    assert "median" in outliers_among_peers({"a": 5, "b": 5, "c": 5, "x": 16})["x"]
    assert outliers_among_peers({"a": 5, "b": 5, "c": 5, "x": 15}) == {}


def test_outliers_need_two_peers():
    assert outliers_among_peers({"a": 1, "b": 1000}) == {}
