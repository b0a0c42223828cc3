"""The evaluation's estimators, all from statsmodels (docs/evaluation.md): nothing hand-written.

Difference in differences: a Poisson regression (pseudo-maximum likelihood, which needs only that the
mean is right, so it suits harm days as well as counts) of each offender's outcome in the horizon before
and after the ranking, on tasked, after and tasked x after, with a term per cohort and per cohort x after.
exp(tasked x after) - 1 is the proportional change in the tasked group's outcome beyond the change the
comparison group saw; standard errors are clustered by offender (one man can be in several cohorts).

Regression discontinuity: a local linear Poisson regression of the outcome after the ranking on the
score's distance from the rank-N cutoff (scaled within each cohort), either side, with triangular
kernel weights inside the bandwidth; exp(above the cutoff) - 1 is the intent-to-treat change at the
cutoff. Bandwidth rule: the N ranks either side of the cutoff (each cohort's distance is divided by the
spread of those scores), the whole of the data the design keeps.
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import SpecificationWarning

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    """A proportional effect with its 95% interval (exp of the coefficient and its bounds, minus one)."""

    effect: float
    ci_low: float
    ci_high: float
    n_treated: int
    n_comparison: int


class EstimateError(ValueError):
    """The model could not be fitted (for example, no offence at all after the ranking in one group)."""


def _proportional(result, column: int, n_treated: int, n_comparison: int) -> Estimate:
    coefficient = float(result.params[column])
    standard_error = float(result.bse[column])
    if not math.isfinite(coefficient) or not math.isfinite(standard_error) or standard_error <= 0:
        raise EstimateError("the model did not converge to a finite estimate")
    low, high = coefficient - Z_95 * standard_error, coefficient + Z_95 * standard_error
    return Estimate(math.expm1(coefficient), math.expm1(low), math.expm1(high), n_treated, n_comparison)


def _dummies(codes: np.ndarray) -> np.ndarray | None:
    """One column per cohort after the first (the first is the intercept's)."""
    levels = np.unique(codes)
    return np.column_stack([(codes == level).astype(float) for level in levels[1:]]) if len(levels) > 1 else None


def _fit(y: np.ndarray, x: np.ndarray, groups: np.ndarray, weights: np.ndarray | None = None):
    if not np.any(y > 0):
        raise EstimateError("no outcome at all in the data")
    model = sm.GLM(y, x, family=sm.families.Poisson(), var_weights=weights)
    try:
        with warnings.catch_warnings():  # kernel weights with clustered errors: statsmodels warns that
            warnings.simplefilter("ignore", SpecificationWarning)  # the weights are not frequencies; they are not
            return model.fit(cov_type="cluster", cov_kwds={"groups": groups})
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError) as error:  # pragma: no cover - defensive
        raise EstimateError(str(error)) from error


def difference_in_differences(
    before: np.ndarray, after: np.ndarray, treated: np.ndarray, cohort: np.ndarray, offender: np.ndarray
) -> Estimate:
    """Rows are (cohort, offender) pairs; `treated` is 1 for the tasked, 0 for the comparison."""
    n = len(before)
    y = np.concatenate([before, after]).astype(float)
    post = np.concatenate([np.zeros(n), np.ones(n)])
    group = np.concatenate([treated, treated]).astype(float)
    columns = [np.ones(2 * n), group, post, group * post]
    dummies = _dummies(np.concatenate([cohort, cohort]))
    if dummies is not None:
        columns += [dummies, dummies * post[:, None]]
    x = np.column_stack(columns)
    result = _fit(y, x, np.concatenate([offender, offender]))
    return _proportional(result, 3, int(treated.sum()), int(n - treated.sum()))


def regression_discontinuity(after: np.ndarray, distance: np.ndarray, above: np.ndarray, cohort: np.ndarray,
                             offender: np.ndarray) -> Estimate:  # fmt: skip
    """`distance` is the score's distance from the cutoff, already scaled to the bandwidth (|d| <= 1 inside)."""
    inside = np.abs(distance) < 1  # the triangular weight is 0 at the edge: leave those out
    after, distance, above, cohort, offender = (a[inside] for a in (after, distance, above, cohort, offender))
    weights = 1 - np.abs(distance)  # triangular kernel
    columns = [np.ones(len(after)), above.astype(float), distance, distance * above]
    dummies = _dummies(cohort)
    if dummies is not None:
        columns.append(dummies)
    result = _fit(after.astype(float), np.column_stack(columns), offender, weights)
    return _proportional(result, 1, int(above.sum()), int(len(above) - above.sum()))


def mean_interval(values: np.ndarray) -> tuple[float, float, float] | None:
    """The mean with its 95% interval (statsmodels' DescrStatsW, t distribution); None for under two values."""
    if len(values) < 2:
        return None
    stats = sm.stats.DescrStatsW(values.astype(float))
    low, high = stats.tconfint_mean()
    return float(stats.mean), float(low), float(high)
