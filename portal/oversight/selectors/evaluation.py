"""Does tasking work? The evaluation of section "Evaluation" in docs/evaluation.md.

For each tasking cohort (cases/cohorts.py) with at least the horizon of follow-up, each offender's harm
(CCHI days under the active policy) and offences in the horizon before the ranking's date and the
horizon after are summed in the database (one grouped query for every cohort). The tasked are compared with
the next ranks down (difference in differences) and, at the rank-N cutoff, by a regression
discontinuity (portal/oversight/estimators.py). No estimate is given from too little data: a warning
says why instead. Pseudonymised: only counts, means and estimates leave this module.
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, F, FilteredRelation, Min, Q, QuerySet, Sum
from django.utils import timezone

from cases.cohorts import TaskingCohort, tasking_cohorts
from cases.models import POSITIVE_OUTCOMES, Outcome, PlanAction
from offenders.models import Offence, Offender
from portal.accounts.permissions import restrict
from scoring.formula import ScoreTerms
from scoring.selectors import active_policy

from .. import estimators
from .base import Chart, Column, Figure, Period, Report, Table

DEFAULT_HORIZON_DAYS = 180
MIN_COHORTS = 3
MIN_GROUP = 30  # offenders in each group (tasked, comparison) summed over cohorts
OUTCOMES = {"harm_days": "harm (CCHI days)", "offences": "new offences"}
ORDER_OUTCOMES = frozenset({Outcome.DAPO, Outcome.STALKING_ORDER, Outcome.RESTRAINING_ORDER})
POSITIVE_ACTION = POSITIVE_OUTCOMES | ORDER_OUTCOMES  # arrest, charge, remand, conviction or an order
SAFEGUARDING = ORDER_OUTCOMES | {Outcome.SAFEGUARDING_VISIT, Outcome.DVDS_DISCLOSURE}


@dataclass
class Panel:
    """One row per (cohort, offender): the outcomes before and after, the group, the score's distance."""

    cohort: np.ndarray
    offender: np.ndarray
    treated: np.ndarray  # 1 tasked, 0 comparison, -1 neither (in the top N but not tasked: RDD only)
    above: np.ndarray  # ranked in the top N (the RDD's side of the cutoff)
    distance: np.ndarray  # the score's distance from the cutoff, scaled so the bandwidth is 1
    before: dict[str, np.ndarray]
    after: dict[str, np.ndarray]


def _counted_statuses(policy) -> list[str]:
    return ScoreTerms(policy, timezone.localdate()).counted_statuses


def member_sums(*, policy, members: set[tuple[int, dt.date]], horizon_days: int) -> dict[tuple, dict[str, float]]:
    """For each (offender, ranking date): harm days and offences in the horizon before the date (up to and
    including it) and after it. One grouped query sums each offender's counted offences per day in the
    database (so the page's query count does not grow with the cohorts); the days are then added into
    each member's two windows. Harm days sum whatever type the policy's days column has (whole or
    decimal); an offence type the policy does not list adds an offence but no harm days."""
    if not members:
        return {}
    horizon = dt.timedelta(days=horizon_days)
    dates = [as_of for _, as_of in members]
    entry = FilteredRelation("offence_type__harm_entries", condition=Q(offence_type__harm_entries__policy=policy))
    rows = (
        Offence.objects.filter(
            offender_id__in=sorted({offender_id for offender_id, _ in members}),
            occurred_on__gt=min(dates) - horizon,
            occurred_on__lte=max(dates) + horizon,
            status__in=_counted_statuses(policy),
        )
        .annotate(policy_entry=entry)
        .values("offender_id", "occurred_on")
        .annotate(harm=Sum(F("policy_entry__days")), offences=Count("id"))
        .order_by()
    )
    days: dict[int, list[tuple[dt.date, float, int]]] = defaultdict(list)
    for row in rows:
        days[row["offender_id"]].append((row["occurred_on"], float(row["harm"] or 0), row["offences"]))
    sums = {}
    for offender_id, as_of in members:
        total = dict.fromkeys(("harm_days_before", "harm_days_after", "offences_before", "offences_after"), 0.0)
        for day, harm, offences in days.get(offender_id, ()):
            side = "before" if as_of - horizon < day <= as_of else "after" if as_of < day <= as_of + horizon else None
            if side:
                total[f"harm_days_{side}"] += harm
                total[f"offences_{side}"] += offences
        sums[(offender_id, as_of)] = total
    return sums


def build_panel(cohorts: list[TaskingCohort], *, policy, horizon_days: int) -> Panel:
    columns: dict[str, list] = {"cohort": [], "offender": [], "treated": [], "above": [], "distance": []}
    outcomes: dict[str, list[float]] = {f"{key}_{side}": [] for key in OUTCOMES for side in ("before", "after")}
    everyone = {(offender_id, cohort.as_of) for cohort in cohorts for offender_id in cohort.around_cutoff}
    sums = member_sums(policy=policy, members=everyone, horizon_days=horizon_days)
    for index, cohort in enumerate(cohorts):
        members = cohort.around_cutoff
        scores = [score for score, _ in members.values()]
        spread = (max(scores) - min(scores)) / 2 if scores else 0
        for offender_id, (score, above) in members.items():
            columns["cohort"].append(index)
            columns["offender"].append(offender_id)
            columns["treated"].append(1 if offender_id in cohort.tasked else 0 if not above else -1)
            columns["above"].append(1 if above else 0)
            cutoff = cohort.cutoff_score or 0
            columns["distance"].append((score - cutoff) / spread if spread else 0.0)
            row = sums[(offender_id, cohort.as_of)]
            for key in outcomes:
                outcomes[key].append(row.get(key, 0.0))
    arrays = {key: np.asarray(values) for key, values in columns.items()}
    return Panel(
        cohort=arrays["cohort"], offender=arrays["offender"], treated=arrays["treated"], above=arrays["above"],
        distance=arrays["distance"].astype(float),
        before={key: np.asarray(outcomes[f"{key}_before"], dtype=float) for key in OUTCOMES},
        after={key: np.asarray(outcomes[f"{key}_after"], dtype=float) for key in OUTCOMES},
    )  # fmt: skip


def _estimate_row(method: str, outcome: str, estimate: estimators.Estimate, n: tuple[int, int]) -> dict:
    return {
        "method": method,
        "outcome": outcome,
        "effect": round(estimate.effect, 4),
        "ci_low": round(estimate.ci_low, 4),
        "ci_high": round(estimate.ci_high, 4),
        "n_treated": n[0],
        "n_comparison": n[1],
    }


def _estimates(panel: Panel, warnings: list[str]) -> list[dict]:
    did = panel.treated >= 0
    designs = [
        ("did", "Difference in differences", "tasked and", "comparison offenders",
         (int((panel.treated == 1).sum()), int((panel.treated == 0).sum())),
         lambda outcome: estimators.difference_in_differences(
             panel.before[outcome][did], panel.after[outcome][did], panel.treated[did], panel.cohort[did],
             panel.offender[did])),
        ("rdd", "Regression discontinuity", "above and", "below the cutoff",
         (int(panel.above.sum()), int(len(panel.above) - panel.above.sum())),
         lambda outcome: estimators.regression_discontinuity(
             panel.after[outcome], panel.distance, panel.above, panel.cohort, panel.offender)),
    ]  # fmt: skip
    rows = []
    for method, name, first, second, sizes, fit in designs:
        if min(sizes) < MIN_GROUP:
            warnings.append(
                f"{name}: {sizes[0]} {first} {sizes[1]} {second}; at least {MIN_GROUP} in each are needed, "
                "so no estimate is given."
            )
            continue
        for outcome in OUTCOMES:
            try:
                rows.append(_estimate_row(method, outcome, fit(outcome), sizes))
            except estimators.EstimateError as error:
                warnings.append(f"{name} ({OUTCOMES[outcome]}): no estimate, {error}.")
    return rows


def _group_rows(panel: Panel) -> list[dict]:
    """Each group's mean harm and offences before and after, and its own change (before the comparison)."""
    rows = []
    for label, mask in (("Tasked", panel.treated == 1), ("Comparison (next ranks, not tasked)", panel.treated == 0)):
        row: dict[str, Any] = {"group": label, "offenders": int(mask.sum())}
        for outcome in OUTCOMES:
            before = float(panel.before[outcome][mask].mean()) if mask.any() else None
            after = float(panel.after[outcome][mask].mean()) if mask.any() else None
            row[f"{outcome}_before"] = None if before is None else round(before, 2)
            row[f"{outcome}_after"] = None if after is None else round(after, 2)
            row[f"{outcome}_change"] = round(after / before - 1, 4) if before and after is not None else None
        rows.append(row)
    return rows


def _actions(cohorts: list[TaskingCohort]) -> dict[str, Any]:
    """Positive action (arrest, charge, remand, conviction or an order) per tasked case, the median days
    from tasking to the first, and the victims' safeguarding actions done: two grouped queries."""
    case_ids = [case_id for cohort in cohorts for case_id in cohort.case_ids]
    if not case_ids:
        return {"tasked_cases": 0, "positive_actions_per_case": None, "cases_with_positive_action": None,
                "median_days_to_first_action": None, "safeguarding_actions": None}  # fmt: skip
    done = PlanAction.objects.filter(case_id__in=case_ids, status="done")
    positive = done.filter(outcome__in=list(POSITIVE_ACTION))
    firsts = positive.values("case_id").annotate(first=Min("completed_at")).values_list("case__opened_at", "first")
    days = [(first - opened).total_seconds() / 86400 for opened, first in firsts.order_by()]
    safeguarding = done.filter(outcome__in=list(SAFEGUARDING)).count()
    return {
        "tasked_cases": len(case_ids),
        "positive_actions_per_case": round(positive.count() / len(case_ids), 3),
        "cases_with_positive_action": round(len(days) / len(case_ids), 3),
        "median_days_to_first_action": round(statistics.median(days), 1) if days else None,
        "safeguarding_actions": safeguarding,
    }


def _cohort_rows(cohorts: list[TaskingCohort]) -> list[dict]:
    return [
        {
            "snapshot": c.snapshot_id,
            "as_of": c.as_of.isoformat(),
            "tasked": len(c.tasked),
            "comparison": len(c.comparison),
        }
        for c in cohorts
    ]


def visible_offenders(user) -> QuerySet[Offender]:
    """The offenders a reader's figures count: restricted ones only with the grant (admin and oversight
    never hold it); `None` (the management command) counts what admin and oversight see."""
    if user is None:
        return Offender.objects.filter(restricted=False)
    return restrict(Offender.objects.all(), user, "reports.view")


def tasking_evaluation(*, user, horizon_days: int = DEFAULT_HORIZON_DAYS, today: dt.date | None = None) -> dict:
    """The evaluation as `reports/evaluation/` answers it (docs/api.md), plus the groups, actions and summary."""
    today = today or timezone.localdate()
    policy = active_policy()
    offenders = visible_offenders(user)
    cohorts = tasking_cohorts(
        top_n=settings.PORTAL_TOP_N, offenders=offenders, follow_up_until=today - dt.timedelta(days=horizon_days)
    )
    cohorts = [cohort for cohort in cohorts if cohort.tasked or cohort.comparison]
    warnings: list[str] = []
    answer: dict[str, Any] = {"horizon_days": horizon_days, "cohorts": _cohort_rows(cohorts), "estimates": [],
                              "warnings": warnings, "groups": [], "actions": _actions(cohorts)}  # fmt: skip
    if policy is None:
        warnings.append("No scoring policy is active, so harm cannot be measured.")
    elif len(cohorts) < MIN_COHORTS:
        warnings.append(
            f"Only {len(cohorts)} tasking cohort(s) have {horizon_days} days of follow-up; at least {MIN_COHORTS} "
            "are needed before any estimate is given."
        )
    else:
        panel = build_panel(cohorts, policy=policy, horizon_days=horizon_days)
        answer["groups"] = _group_rows(panel)
        answer["estimates"] = _estimates(panel, warnings)
    answer["summary"] = summary_sentences(answer)
    return answer


def _percent(value: float) -> str:
    return f"{abs(value) * 100:.0f}%"


def summary_sentences(answer: dict) -> list[str]:
    """What the evaluation shows, in plain words that never claim more than the interval allows."""
    did = next((e for e in answer["estimates"] if e["method"] == "did" and e["outcome"] == "harm_days"), None)
    if did is None:
        return ["No estimate of the effect of tasking can be given yet: " + " ".join(answer["warnings"])]
    low, high, effect = did["ci_low"], did["ci_high"], did["effect"]
    sentences = []
    if high < 0:
        sentences.append(
            f"Tasked offenders' harm fell by more than the comparison group's: by between {_percent(high)} and "
            f"{_percent(low)} more (95% interval; best estimate {_percent(effect)})."
        )
    elif low > 0:
        sentences.append(
            f"Tasked offenders' harm rose relative to the comparison group's: by between {_percent(low)} and "
            f"{_percent(high)} (95% interval; best estimate {_percent(effect)})."
        )
    else:
        sentences.append(
            f"No effect of tasking on harm was found: the 95% interval runs from a fall of {_percent(low)} to a "
            f"rise of {_percent(high)}, so the data are consistent with no effect (and with effects in that range)."
        )
    groups = {row["group"].split(" ")[0]: row for row in answer["groups"]}
    tasked, comparison = groups.get("Tasked"), groups.get("Comparison")
    if tasked and comparison and tasked["harm_days_change"] is not None and comparison["harm_days_change"] is not None:
        sentences.append(
            f"The tasked group's harm changed by {tasked['harm_days_change'] * 100:+.0f}% from before to after; the "
            f"comparison group's, never tasked, by {comparison['harm_days_change'] * 100:+.0f}%."
        )
        if comparison["harm_days_change"] < 0 and low <= 0 <= high:
            sentences.append(
                "The fall the two groups share is regression to the mean (people are listed at their worst), "
                "not an effect of tasking."
            )
    return sentences


ESTIMATE_COLUMNS = [
    Column("method", "Method"),
    Column("outcome", "Outcome"),
    Column("effect", "Proportional change", True),
    Column("ci_low", "95% CI low", True),
    Column("ci_high", "95% CI high", True),
    Column("n_treated", "Tasked (or above the cutoff)", True),
    Column("n_comparison", "Comparison", True),
]
GROUP_COLUMNS = [
    Column("group", "Group"),
    Column("offenders", "Offenders", True),
    *[
        Column(f"{key}_{part}", f"{label} {words}", True)
        for key, label in (("harm_days", "Harm days"), ("offences", "Offences"))
        for part, words in (("before", "before (mean)"), ("after", "after (mean)"), ("change", "(proportional change)"))
    ],
]
COHORT_COLUMNS = [
    Column("snapshot", "Ranking", True),
    Column("as_of", "Ranking date"),
    Column("tasked", "Tasked", True),
    Column("comparison", "Comparison", True),
]
METHOD_NOTE = (
    "did: difference in differences, tasked offenders against the next ranks down who were not tasked, the "
    "horizon after the ranking against the horizon before; rdd: regression discontinuity at the rank-N cutoff "
    "(intent to treat). Changes are proportional (-0.4 is a 40% fall); intervals are 95%. See docs/evaluation.md."
)


def _charts(answer: dict) -> list[Chart]:
    charts = []
    if answer["groups"]:
        labels = [row["group"] for row in answer["groups"]]
        datasets = [
            {"label": "Before", "data": [row["harm_days_before"] for row in answer["groups"]]},
            {"label": "After", "data": [row["harm_days_after"] for row in answer["groups"]]},
        ]
        title = f"Mean harm (CCHI days) in the {answer['horizon_days']} days before and after the ranking"
        charts.append(Chart("evaluation-groups", title, "bar", labels, datasets, "harm days per offender"))
    if answer["estimates"]:
        labels = [f"{row['method']} {row['outcome']}" for row in answer["estimates"]]
        datasets = [
            {"label": key, "data": [round(row[key] * 100, 1) for row in answer["estimates"]]}
            for key in ("ci_low", "effect", "ci_high")
        ]
        title = "Estimated change from tasking (%), with the 95% interval's ends"
        charts.append(Chart("evaluation-estimates", title, "bar", labels, datasets, "% change", percent=True))
    return charts


def evaluation_report(*, user, period: Period) -> Report:
    """The evaluation as an oversight page and CSV (docs/oversight.md): the same answer as the API's."""
    answer = tasking_evaluation(user=user, today=period.end)
    actions = answer["actions"]
    figures = [
        Figure("Tasking cohorts with full follow-up", len(answer["cohorts"]) or None),
        Figure("Tasked cases in them", actions["tasked_cases"] or None),
        Figure("Positive actions per tasked case", actions["positive_actions_per_case"],
               "arrest, charge, remand, conviction or an order"),
        Figure("Share of tasked cases with a positive action", actions["cases_with_positive_action"]),
        Figure("Median days from tasking to the first positive action", actions["median_days_to_first_action"]),
        Figure("Victims' safeguarding actions done", actions["safeguarding_actions"]),
    ]  # fmt: skip
    return Report(
        name="evaluation",
        title="Does tasking work?",
        summary=" ".join(answer["summary"]),
        period=period,
        figures=figures,
        tables=[
            Table("estimates", "Estimates", ESTIMATE_COLUMNS, answer["estimates"], METHOD_NOTE),
            Table("groups", "Each group before and after", GROUP_COLUMNS, answer["groups"]),
            Table("cohorts", "Tasking cohorts", COHORT_COLUMNS, answer["cohorts"]),
        ],
        charts=_charts(answer),
        notes=answer["warnings"],
    )
