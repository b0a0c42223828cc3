"""Governance: who changed the weight table and who approved it, how much the list churns, why cases
end, and whether reviews happen on time."""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from cases.meetings import meetings_per_month
from cases.models import Case, ExitReason
from offenders.choices import OffenderStatus
from offenders.models import Offender
from portal.accounts.permissions import restrict
from scoring.models import RankingEntry, RankingSnapshot, ScoringPolicy

from .. import statistics
from .base import Chart, Column, Figure, Period, Report, Table, bar_chart, percent
from .policies import policy_rows

MAX_SNAPSHOTS = 104  # two years of weekly rankings
OVERDUE_BANDS = ((1, 7, "1 to 7 days"), (8, 28, "8 to 28 days"), (29, 90, "29 to 90 days"), (91, None, "over 90 days"))


def policies_in_period(period: Period):
    """Versions created, approved, activated or in force during the period."""
    in_force = Q(activated_at__lt=period.end_before) & (Q(retired_at__isnull=True) | Q(retired_at__gte=period.start_at))
    created = Q(created_at__gte=period.start_at, created_at__lt=period.end_before)
    return ScoringPolicy.objects.filter(in_force | created).order_by("-version")


def snapshot_churn(period: Period, top_n: int) -> list[dict]:
    """For each ranking published in the period: who entered and who left the top N since the one before."""
    snapshots = list(
        RankingSnapshot.objects.filter(published_at__gte=period.start_at, published_at__lt=period.end_before)
        .select_related("policy")
        .order_by("published_at", "id")[:MAX_SNAPSHOTS]
    )
    wanted = {s.pk for s in snapshots} | {s.previous_id for s in snapshots if s.previous_id}
    members: dict[int, set[int]] = {pk: set() for pk in wanted}
    for snapshot_id, offender_id in RankingEntry.objects.filter(snapshot_id__in=wanted, rank__lte=top_n).values_list(
        "snapshot_id", "offender_id"
    ):
        members[snapshot_id].add(offender_id)
    rows = []
    for snapshot in snapshots:
        now = members[snapshot.pk]
        before = members.get(snapshot.previous_id) if snapshot.previous_id else None
        entered = len(now - before) if before is not None else None
        rows.append(
            {
                "published": timezone.localtime(snapshot.published_at).date(),
                "snapshot": snapshot.pk,
                "policy_version": snapshot.policy.version,
                "in_top_n": len(now),
                "entered": entered,
                "left": len(before - now) if before is not None else None,
                "churn": percent(statistics.share(entered, len(now))) if entered is not None else None,
            }
        )
    return rows


def exits_by_reason(*, user, period: Period) -> list[dict]:
    closed = restrict(Case.objects.closed(), user, "reports.view").filter(
        closed_at__gte=period.start_at, closed_at__lt=period.end_before
    )
    counts = dict(closed.order_by().values_list("exit_reason").annotate(n=Count("id")))
    total = sum(counts.values())
    labels = dict(ExitReason.choices)
    return [
        {"exit_reason": labels.get(reason, reason), "cases": n, "share": percent(statistics.share(n, total))}
        for reason, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def overdue_reviews(*, user, today: datetime.date) -> list[dict]:
    """Open cases whose review date has passed, by how late (as of today, whatever the period)."""
    open_cases = restrict(Case.objects.open(), user, "reports.view")
    if not open_cases.exists():
        return []
    rows = []
    for low, high, label in OVERDUE_BANDS:
        window = Q(review_due__lte=today - datetime.timedelta(days=low))
        if high is not None:
            window &= Q(review_due__gte=today - datetime.timedelta(days=high))
        rows.append({"overdue_by": label, "cases": open_cases.filter(window).count()})
    rows.append({"overdue_by": "no review date set", "cases": open_cases.filter(review_due__isnull=True).count()})
    return rows


def offender_reviews_overdue(*, user) -> int | None:
    """Active offenders past their own review date; None when nobody has a review date at all."""
    offenders = restrict(Offender.objects.all(), user, "reports.view").filter(
        status=OffenderStatus.ACTIVE, review_due__isnull=False
    )
    if not offenders.exists():
        return None
    return offenders.filter(review_due__lt=timezone.localdate()).count()


def _charts(churn: list[dict], exits: list[dict]) -> list[Chart]:
    compared = [row for row in churn if row["entered"] is not None]
    return bar_chart(
        "churn", "Entered and left the top N, by ranking", compared,
        label=lambda row: f"{row['published']} #{row['snapshot']}", series={"Entered": "entered", "Left": "left"},
        y_label="people",
    ) + bar_chart(
        "exits", "Case exits by reason", exits, label="exit_reason", series={"Cases": "cases"}, y_label="cases"
    )  # fmt: skip


POLICY_COLUMNS = [
    Column("version", "Version", True),
    Column("name", "Name"),
    Column("status", "Status"),
    Column("illustrative", "Harm values"),
    Column("author", "Author"),
    Column("approved_by", "Approved by"),
    Column("approved_on", "Approved"),
    Column("activated_by", "Activated by"),
    Column("activated_on", "Activated"),
    Column("retired_on", "Retired"),
    Column("changes", "What changed"),
]
EXIT_COLUMNS = [Column("exit_reason", "Exit reason"), Column("cases", "Cases", True), Column("share", "Share %", True)]
MEETING_COLUMNS = [
    Column("month", "Month"), Column("meetings", "Meetings", True), Column("considered", "Considered", True),
    Column("task", "Tasked", True), Column("defer", "Deferred", True), Column("decline", "Declined", True),
    Column("continue", "Continued", True), Column("exit", "Exited", True),
]  # fmt: skip
OVERDUE_COLUMNS = [Column("overdue_by", "Overdue by"), Column("cases", "Open cases", True)]


def churn_columns(top_n: int) -> list[Column]:
    return [
        Column("published", "Published"),
        Column("snapshot", "Ranking", True),
        Column("policy_version", "Policy version", True),
        Column("in_top_n", f"In top {top_n}", True),
        Column("entered", "Entered", True),
        Column("left", "Left", True),
        Column("churn", "Churn (% entered)", True),
    ]


def governance_report(*, user, period: Period) -> Report:
    top_n = settings.PORTAL_TOP_N
    policies = policy_rows(policies_in_period(period))
    churn = snapshot_churn(period, top_n)
    exits = exits_by_reason(user=user, period=period)
    overdue = overdue_reviews(user=user, today=timezone.localdate())
    overdue_total = sum(row["cases"] for row in overdue if row["overdue_by"] != "no review date set")
    figures = [
        Figure("Policy versions in the period", len(policies) or None),
        Figure("Rankings published in the period", len(churn) or None),
        Figure("Cases closed in the period", sum(row["cases"] for row in exits) or None),
        Figure("Open cases with an overdue review (today)", overdue_total if overdue else None),
        Figure("Active offenders whose review date has passed (today)", offender_reviews_overdue(user=user)),
    ]
    policy_note = "Every version created or in force during the period; the author can never approve their own."
    tables = [
        Table("policies", "Scoring policy versions", POLICY_COLUMNS, policies, policy_note),
        Table("churn", f"Churn of the top {top_n} between rankings", churn_columns(top_n), churn),
        Table("exits", "Exits and their reasons (cases closed in the period)", EXIT_COLUMNS, exits),
        Table("overdue", "Reviews overdue, as of today", OVERDUE_COLUMNS, overdue),
        Table(
            "meetings",
            "Tasking meetings by month: offenders considered and decisions by kind",
            MEETING_COLUMNS,
            meetings_per_month(user=user, start=period.start, end=period.end),
            "Counts only: the reasons stay with officers and supervisors.",
        ),
    ]
    return Report(
        name="governance",
        title="Governance",
        summary="Who changed the weight table and who approved it, how the list churns, why cases end, "
        "and whether reviews happen on time.",
        period=period,
        figures=figures,
        tables=tables,
        charts=_charts(churn, exits),
    )
