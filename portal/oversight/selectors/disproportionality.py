"""Disproportionality: is any group over- or under-represented as people move from scored, to eligible
for ranking, to the top N, to tasked? Shares at each stage, and the relative rate index of each step
(the group's rate of progressing against everyone else's) with a 95% interval, flagged when the whole
interval lies outside 0.8-1.25.

Stages: every offender with a live score; those eligible for ranking (live); the top N of the ranking
in force at the end of the period (ties at the boundary included); offenders tasked in the period.
Each step's rate is measured within the stage before it, so it is a proportion: eligible of scored,
top N of everyone ranked in that same published ranking, tasked of the top N.
"""

from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from cases.models import Case
from offenders.models import Offender
from portal.accounts.permissions import restrict
from scoring.models import RankingEntry, RankingSnapshot

from .. import statistics
from .base import Chart, Column, Figure, Period, Report, Table, percent, rounded
from .groups import DIMENSIONS, ETHNIC_GROUPS, ethnicity_expression, group_counts
from .policies import snapshot_for, top_n_entries, top_n_ids

STAGES = [("scored", "All scored"), ("eligible", "Eligible for ranking"), ("top", "Top N"), ("tasked", "Tasked")]
# (label, people who progressed, the stage they progressed from)
STEPS = [
    ("Eligible of scored", "eligible", "scored"),
    ("Top N of ranked", "top", "ranked"),
    ("Tasked of top N", "tasked_from_top", "top"),
]
MAX_TREND_SNAPSHOTS = 52


def stage_querysets(*, user, period: Period, snapshot) -> dict:
    """The offenders at each stage (None for a stage with no source yet, e.g. no ranking published)."""
    offenders = restrict(Offender.objects.all(), user, "reports.view")
    tasked_ids = Case.objects.filter(opened_at__gte=period.start_at, opened_at__lt=period.end_before).values(
        "offender_id"
    )
    stages = {
        "scored": offenders.filter(score__isnull=False),
        "eligible": offenders.filter(score__eligible=True),
        "tasked": offenders.filter(pk__in=tasked_ids),
        "ranked": None,
        "top": None,
        "tasked_from_top": None,
    }
    if snapshot is not None:
        stages["ranked"] = offenders.filter(pk__in=RankingEntry.objects.filter(snapshot=snapshot).values("offender_id"))
        stages["top"] = top = offenders.filter(pk__in=top_n_ids(snapshot))
        stages["tasked_from_top"] = top.filter(pk__in=tasked_ids)
    return stages


def dimension_counts(stages: dict, dimension: str, period: Period) -> dict[str, dict[str, int] | None]:
    return {key: (group_counts(qs, dimension, period.end) if qs is not None else None) for key, qs in stages.items()}


def _groups(dimension, counts) -> list[str]:
    if dimension.fixed_groups is not None:
        return dimension.fixed_groups
    found = counts["scored"] or {}
    extra = {group for stage in counts.values() if stage for group in stage} - set(found)
    return sorted(found, key=lambda group: (-found[group], group)) + sorted(extra)


def share_rows(dimension, counts) -> list[dict]:
    totals = {key: (sum(stage.values()) if stage is not None else None) for key, stage in counts.items()}
    rows = []
    for group in _groups(dimension, counts):
        row: dict[str, Any] = {"group": group}
        for key, _label in STAGES:
            stage = counts[key]
            row[f"{key}_n"] = stage.get(group, 0) if stage is not None and totals[key] else None
            row[f"{key}_share"] = percent(statistics.share(row[f"{key}_n"] or 0, totals[key] or 0))
        rows.append(row)
    return rows if any(totals.values()) else []


def rri_rows(dimension, counts) -> list[dict]:
    """Each group's relative rate index at each step, against everyone else in the same stage."""
    rows = []
    for step_label, progressed_key, base_key in STEPS:
        progressed, base = counts[progressed_key], counts[base_key]
        if not base:
            continue
        total_progressed, total_base = sum((progressed or {}).values()), sum(base.values())
        for group in _groups(dimension, counts):
            a, n1 = (progressed or {}).get(group, 0), base.get(group, 0)
            if not n1:
                continue
            result = statistics.relative_rate_index(a, n1, total_progressed - a, total_base - n1)
            rows.append(_rri_row(dimension.title, group, step_label, result))
    return rows


def _rri_row(dimension_title: str, group: str, step: str, result) -> dict:
    flag = ""
    if result.too_few_to_tell:
        flag = "too few to tell"
    elif result.flagged:
        flag = "above 1.25" if result.rri > statistics.FLAG_HIGH else "below 0.8"
    return {
        "dimension": dimension_title,
        "group": group,
        "step": step,
        "group_count": f"{result.group_count} of {result.group_base}",
        "others_count": f"{result.other_count} of {result.other_base}",
        "group_rate": percent(result.group_rate),
        "others_rate": percent(result.other_rate),
        "rri": rounded(result.rri, 3),
        "ci_low": rounded(result.low, 3),
        "ci_high": rounded(result.high, 3),
        "flag": flag,
        "significant": result.significant if result.low is not None else None,
        "small_numbers": result.small_numbers,
    }


def top_n_ethnic_groups(offenders, snapshots: list[RankingSnapshot]) -> dict[int, dict[str, int]]:
    """For each snapshot, how many of `offenders` in its top N (ties at the boundary included) fall in
    each ethnic group: one GROUP BY query for every snapshot, not one per snapshot."""
    rows = (
        top_n_entries(snapshots)
        .filter(offender__in=offenders)
        .order_by()
        .values("snapshot_id", group=ethnicity_expression(prefix="offender__"))
        .annotate(n=Count("offender_id", distinct=True))
    )
    counts: dict[int, dict[str, int]] = {snapshot.pk: {} for snapshot in snapshots}
    for row in rows:
        counts[row["snapshot_id"]][row["group"]] = row["n"]
    return counts


def trend_rows(*, user, period: Period) -> list[dict]:
    """The ethnic make-up of the top N in each ranking published in the period."""
    offenders = restrict(Offender.objects.all(), user, "reports.view")
    snapshots = list(
        RankingSnapshot.objects.filter(published_at__gte=period.start_at, published_at__lt=period.end_before).order_by(
            "-published_at", "-id"
        )[:MAX_TREND_SNAPSHOTS]
    )[::-1]
    by_snapshot = top_n_ethnic_groups(offenders, snapshots)
    rows = []
    for snapshot in snapshots:
        counts = by_snapshot[snapshot.pk]
        total = sum(counts.values())
        row = {
            "published": timezone.localtime(snapshot.published_at).date(),
            "snapshot": snapshot.pk,
            "in_top_n": total,
        }
        for group in ETHNIC_GROUPS:
            row[group] = percent(statistics.share(counts.get(group, 0), total))
        rows.append(row)
    return rows


def _share_columns(top_n: int) -> list[Column]:
    columns = [Column("group", "Group")]
    for key, label in STAGES:
        label = f"Top {top_n}" if key == "top" else label
        columns += [Column(f"{key}_n", label, True), Column(f"{key}_share", f"{label} (%)", True)]
    return columns


RRI_COLUMNS = [
    Column("dimension", "Characteristic"),
    Column("group", "Group"),
    Column("step", "Step"),
    Column("group_count", "Group progressed"),
    Column("others_count", "Others progressed"),
    Column("group_rate", "Group rate (%)", True),
    Column("others_rate", "Others' rate (%)", True),
    Column("rri", "Relative rate index", True),
    Column("ci_low", "95% CI low", True),
    Column("ci_high", "95% CI high", True),
    Column("flag", "Flag"),
    Column("significant", "Interval excludes 1"),
    Column("small_numbers", "Fewer than 5 (read with care)"),
]


def _shares_chart(shares: list[dict], top_n: int) -> list[Chart]:
    if not shares:
        return []
    datasets = [
        {"label": f"Top {top_n}" if key == "top" else label, "data": [row[f"{key}_share"] for row in shares]}
        for key, label in STAGES
    ]
    labels = [row["group"] for row in shares]
    title = "Share of each ethnic group at each stage"
    return [Chart("ethnicity-shares", title, "bar", labels, datasets, "% of the stage", percent=True)]


def _rri_chart(rri: list[dict]) -> list[Chart]:
    """Each step's index per group as bars, with the 0.8 and 1.25 flag lines across."""
    if not rri:
        return []
    index = {(row["group"], row["step"]): row["rri"] for row in rri}
    datasets: list[dict[str, Any]] = [
        {"label": step, "data": [index.get((g, step)) for g in ETHNIC_GROUPS]} for step, _p, _b in STEPS
    ]
    for bound in (statistics.FLAG_LOW, statistics.FLAG_HIGH):
        datasets.append({"type": "line", "label": f"{bound:g}", "data": [bound] * len(ETHNIC_GROUPS),
                         "pointRadius": 0, "borderDash": [6, 4], "colour": "#505a5f"})  # fmt: skip
    title = "Relative rate index by ethnic group (the 0.8 to 1.25 band marked)"
    return [Chart("ethnicity-rri", title, "bar", ETHNIC_GROUPS, datasets, "relative rate index")]


def _trend_chart(trend: list[dict], top_n: int) -> list[Chart]:
    if not trend:
        return []
    labels = [f"{row['published']} #{row['snapshot']}" for row in trend]
    datasets = [{"label": group, "data": [row[group] for row in trend]} for group in ETHNIC_GROUPS]
    title = f"Ethnic make-up of the top {top_n}, ranking by ranking"
    return [Chart("trend", title, "line", labels, datasets, f"% of the top {top_n}", percent=True)]


def trend_columns(top_n: int) -> list[Column]:
    fixed = [
        Column("published", "Published"),
        Column("snapshot", "Ranking", True),
        Column("in_top_n", "In top N", True),
    ]
    return fixed + [Column(group, f"{group} (%)", True) for group in ETHNIC_GROUPS]


def _figures(stages: dict, snapshot, all_rri: list[dict], top_n: int) -> list[Figure]:
    published = (
        f"ranking #{snapshot.pk} published {snapshot.published_at:%Y-%m-%d}; offenders tied at rank {top_n} all count"
        if snapshot
        else ""
    )
    return [
        Figure("Offenders scored (now)", stages["scored"].count() or None),
        Figure("Eligible for ranking (now)", stages["eligible"].count() or None),
        Figure(f"In the top {top_n}", stages["top"].count() if stages["top"] is not None else None,
               published or "no ranking published"),
        Figure("Offenders tasked in the period", stages["tasked"].count() or None),
        Figure("Group-steps flagged (95% interval wholly outside 0.8 to 1.25)",
               sum(1 for row in all_rri if row["flag"] in FLAGS) if all_rri else None),
    ]  # fmt: skip


RRI_NOTE = (
    "Each group's rate of progressing from the stage before, divided by everyone else's; "
    "95% interval by the log method; flagged only when the whole interval lies outside 0.8 to 1.25; "
    "fewer than five in either count is too few to tell."
)
FLAGS = ("above 1.25", "below 0.8")
STAGES_NOTE = (
    "Scored and eligible are today's live scores; the top N is the ranking in force at the end of the period; "
    "tasked counts cases opened in the period. Ethnicity, sex and age are never inputs to the score: they are "
    "recorded only for this monitoring."
)


def disproportionality_report(*, user, period: Period) -> Report:
    top_n = settings.PORTAL_TOP_N
    snapshot = snapshot_for(period)
    stages = stage_querysets(user=user, period=period, snapshot=snapshot)
    share_tables, all_rri, by_dimension = [], [], {}
    for dimension in DIMENSIONS:
        counts = dimension_counts(stages, dimension.key, period)
        by_dimension[dimension.key] = (share_rows(dimension, counts), rri_rows(dimension, counts))
        all_rri += by_dimension[dimension.key][1]
        title = f"{dimension.title}: share at each stage"
        share_tables.append(
            Table(f"shares-{dimension.key}", title, _share_columns(top_n), by_dimension[dimension.key][0])
        )
    trend = trend_rows(user=user, period=period)
    trend_title = f"Ethnic make-up of the top {top_n} over rankings published in the period"
    tables = [
        Table("rri", "Relative rate index of each step, by group", RRI_COLUMNS, all_rri, RRI_NOTE),
        *share_tables,
        Table("trend", trend_title, trend_columns(top_n), trend),
    ]
    shares, rri = by_dimension["ethnicity"]
    return Report(
        name="disproportionality",
        title="Disproportionality",
        summary="Whether any group is over- or under-represented as people move from scored to tasked.",
        period=period,
        figures=_figures(stages, snapshot, all_rri, top_n),
        tables=tables,
        notes=[STAGES_NOTE],
        charts=_shares_chart(shares, top_n) + _rri_chart(rri) + _trend_chart(trend, top_n),
    )
