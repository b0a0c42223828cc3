"""Outcomes: does tasking lead to action, how soon, and does the harm fall? Aggregates only, so
oversight staff see what case work achieved without reading any one case."""

from collections import defaultdict

from django.db.models import Count, Min, Q
from django.utils import timezone

from cases.models import POSITIVE_OUTCOMES, Case, CaseStage, ExitReason
from portal.accounts.permissions import restrict
from scoring.selectors import illustrative_versions

from .. import statistics
from .base import Chart, Column, Figure, Period, Report, Table, bar_chart, percent, rounded

STAGE_LABELS = dict(CaseStage.choices)
EXIT_LABELS = dict(ExitReason.choices)


def cases_tasked(*, user, period: Period):
    """Cases opened (offenders tasked) in the period."""
    return restrict(Case.objects.all(), user, "reports.view").filter(
        opened_at__gte=period.start_at, opened_at__lt=period.end_before
    )


def with_first_positive_action(cases):
    """Each case with the time of its first positive action (arrest, charge, remand, conviction)."""
    positive = Q(actions__status="done", actions__outcome__in=list(POSITIVE_OUTCOMES))
    return cases.annotate(first_positive_at=Min("actions__completed_at", filter=positive))


def monthly_outcomes(cases) -> tuple[list[dict], list[float]]:
    """By month of tasking: offenders tasked, the share with positive action, days to the first;
    and every case's days to its first positive action (for the period's median)."""
    months: dict[str, dict] = defaultdict(lambda: {"offenders": set(), "positive": set(), "days": []})
    tasked = with_first_positive_action(cases).values_list("offender_id", "opened_at", "first_positive_at")
    for offender_id, opened_at, first_positive_at in tasked.iterator(chunk_size=2000):
        month = months[timezone.localtime(opened_at).strftime("%Y-%m")]
        month["offenders"].add(offender_id)
        if first_positive_at is not None:
            month["positive"].add(offender_id)
            month["days"].append(max((first_positive_at - opened_at).total_seconds() / 86400, 0))
    rows = [
        {
            "month": key,
            "tasked": len(value["offenders"]),
            "with_positive_action": len(value["positive"]),
            "positive_share": percent(statistics.share(len(value["positive"]), len(value["offenders"]))),
            "median_days_to_first": rounded(statistics.median(value["days"]), 1),
        }
        for key, value in sorted(months.items())
    ]
    return rows, [days for value in months.values() for days in value["days"]]


def cases_by_stage(cases) -> list[dict]:
    counts = dict(cases.order_by().values_list("stage").annotate(n=Count("id")))
    total = sum(counts.values())
    return (
        [
            {
                "stage": STAGE_LABELS[stage],
                "cases": counts.get(stage, 0),
                "share": percent(statistics.share(counts.get(stage, 0), total)),
            }
            for stage in CaseStage.values
        ]
        if total
        else []
    )


def _closed_with_scores(*, user, period: Period):
    return restrict(Case.objects.closed(), user, "reports.view").filter(
        closed_at__gte=period.start_at,
        closed_at__lt=period.end_before,
        score_at_tasking__isnull=False,
        score_at_exit__isnull=False,
    )


def illustrative_versions_behind_falls(*, user, period: Period) -> list[str]:
    """The policy versions ("v1") behind the scores in the fall table whose harm values are illustrative:
    a harm figure computed from the illustrative index must say so wherever it is shown."""
    used: set[str] = set()
    for at_tasking, at_exit in _closed_with_scores(user=user, period=period).values_list(
        "policy_at_tasking", "policy_at_exit"
    ):
        used.update((at_tasking, at_exit))
    return illustrative_versions(labels=used)


def score_fall_by_exit(*, user, period: Period) -> list[dict]:
    """For cases closed in the period: score at tasking, at exit and the fall, by exit reason."""
    closed = _closed_with_scores(user=user, period=period)
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for reason, at_tasking, at_exit in closed.values_list("exit_reason", "score_at_tasking", "score_at_exit"):
        groups[reason].append((at_tasking, at_exit))
    rows = []
    for reason, pairs in sorted(groups.items()):
        falls = [before - after for before, after in pairs]
        rows.append(
            {
                "exit_reason": EXIT_LABELS.get(reason, reason),
                "cases": len(pairs),
                "mean_at_tasking": rounded(sum(b for b, _ in pairs) / len(pairs)),
                "mean_at_exit": rounded(sum(a for _, a in pairs) / len(pairs)),
                "mean_fall": rounded(sum(falls) / len(falls)),
                "median_fall": rounded(statistics.median(falls)),
                "share_fallen": percent(statistics.share(sum(1 for f in falls if f > 0), len(falls))),
            }
        )
    return rows


def _charts(monthly: list[dict], stages: list[dict]) -> list[Chart]:
    return bar_chart(
        "tasked-by-month", "Offenders tasked and with positive action, by month", monthly, label="month",
        series={"Tasked": "tasked", "With positive action": "with_positive_action"}, y_label="offenders",
    ) + bar_chart(
        "cases-by-stage", "Cases tasked in the period, by stage now", stages, label="stage",
        series={"Cases": "cases"}, y_label="cases",
    )  # fmt: skip


MONTHLY_COLUMNS = [
    Column("month", "Month"),
    Column("tasked", "Offenders tasked", True),
    Column("with_positive_action", "With positive action", True),
    Column("positive_share", "Share (%)", True),
    Column("median_days_to_first", "Median days to first positive action", True),
]
STAGE_COLUMNS = [Column("stage", "Stage"), Column("cases", "Cases", True), Column("share", "Share (%)", True)]
FALL_COLUMNS = [
    Column("exit_reason", "Exit reason"),
    Column("cases", "Cases", True),
    Column("mean_at_tasking", "Mean score at tasking", True),
    Column("mean_at_exit", "Mean score at exit", True),
    Column("mean_fall", "Mean fall", True),
    Column("median_fall", "Median fall", True),
    Column("share_fallen", "Share whose score fell (%)", True),
]


def _figures(monthly: list[dict], days_to_first: list[float], falls: list[dict]) -> list[Figure]:
    tasked = sum(row["tasked"] for row in monthly)
    positive = sum(row["with_positive_action"] for row in monthly)
    return [
        Figure("Offenders tasked", tasked or None, "a person tasked in two months counts in each"),
        Figure(
            "With positive action (arrest, charge, remand, conviction)",
            f"{positive} ({percent(statistics.share(positive, tasked))}%)" if tasked else None,
        ),
        Figure("Median days from tasking to first positive action", rounded(statistics.median(days_to_first), 1)),
        Figure("Cases closed in the period with scores at tasking and exit", sum(r["cases"] for r in falls) or None),
    ]


def outcomes_report(*, user, period: Period) -> Report:
    cases = cases_tasked(user=user, period=period)
    monthly, days_to_first = monthly_outcomes(cases)
    stages = cases_by_stage(cases)
    falls = score_fall_by_exit(user=user, period=period)
    fall_note = "Scores at tasking and at exit are those copied onto the case on the day it was tasked and closed."
    if illustrative := illustrative_versions_behind_falls(user=user, period=period):
        fall_note += (
            f" Scores under policy {', '.join(illustrative)} use illustrative harm values,"
            " not the official Cambridge Crime Harm Index."
        )
    tables = [
        Table("monthly", "Tasking and positive action, by month of tasking", MONTHLY_COLUMNS, monthly),
        Table("stages", "Cases tasked in the period, by stage now", STAGE_COLUMNS, stages),
        Table("score-fall", "Fall in score from tasking to exit, by exit reason (cases closed in the period)",
              FALL_COLUMNS, falls, fall_note),
    ]  # fmt: skip
    return Report(
        name="outcomes",
        title="Outcomes",
        summary="What tasking led to: positive action, how soon, where cases stand, and the fall in harm.",
        period=period,
        figures=_figures(monthly, days_to_first, falls),
        tables=tables,
        charts=_charts(monthly, stages),
    )
