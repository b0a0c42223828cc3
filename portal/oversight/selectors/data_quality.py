"""Data quality: records a person should look at before trusting the ranking built on them.

A score is only as fair as its inputs: offences left at "reported" for months, classifications the
weight table does not know (they score nothing), people with no review date, and one person recorded
twice (his harm split in two, so he ranks lower than he should).
"""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from offenders.choices import OffenceStatus, OffenderStatus
from offenders.models import Offence, OffenceType, Offender, offender_reference
from portal.accounts.permissions import restrict

from .base import NO_DATA, Chart, Column, Figure, Period, Report, Table, bar_chart
from .duplicates import duplicate_pairs
from .policies import active_policy, known_offence_type_q

STALE_AFTER_DAYS = 90
# Possible duplicates are found by comparing names person by person (duplicates.py), so the page shows
# the first 50 pairs, a checker's sitting, and the CSV every pair (ADR 1111).
DUPLICATES_SHOWN = 50
UNTOUCHED_SLACK = datetime.timedelta(seconds=1)  # created_at and updated_at are stamped apart by microseconds


def _offences(*, user, period: Period):
    return restrict(Offence.objects.all(), user, "reports.view").filter(
        reported_on__gte=period.start, reported_on__lte=period.end
    )


def stale_q() -> Q:
    """An offence reported more than 90 days ago that never moved: still `reported`, or still open and
    never edited since it was recorded."""
    cutoff = timezone.localdate() - datetime.timedelta(days=STALE_AFTER_DAYS)
    open_statuses = [OffenceStatus.REPORTED, OffenceStatus.INVESTIGATING]
    never_moved = Q(status=OffenceStatus.REPORTED) | Q(updated_at__lt=F("created_at") + UNTOUCHED_SLACK)
    return Q(reported_on__lt=cutoff, status__in=open_statuses) & never_moved


def no_review_q(prefix: str = "") -> Q:
    """An active offender with no review date (`prefix` "offender__" reads him from his offence)."""
    return Q(**{f"{prefix}status": OffenderStatus.ACTIVE, f"{prefix}review_due__isnull": True})


def stale_offences(*, user, period: Period):
    """The offences of the period that never moved (`stale_q`), oldest first."""
    return (
        _offences(user=user, period=period)
        .filter(stale_q())
        .select_related("offence_type")
        .order_by("reported_on", "id")
    )


def _stale_rows(queryset):
    today = timezone.localdate()
    for offence in queryset.iterator(chunk_size=2000):
        yield {
            "offence": offence.pk,
            "offender": offender_reference(offence.offender_id),
            "code": offence.offence_type.code,
            "borough": offence.borough,
            "reported_on": offence.reported_on,
            "status": offence.status,
            "days_since_reported": (today - offence.reported_on).days,
        }


def unknown_codes(*, user, period: Period, policy) -> list[dict]:
    """Offence classifications used in the period that the active policy gives no harm value. The
    unknown classifications are found first among the few dozen types, so the period's offences are read
    through the type's index only when there are some (usually none), never scanned for their absence."""
    unknown = list(OffenceType.objects.exclude(known_offence_type_q(policy, prefix="")).values_list("pk", flat=True))
    if not unknown:
        return []
    rows = (
        _offences(user=user, period=period)
        .filter(offence_type__in=unknown)
        .values("offence_type__code", "offence_type__title")
        .annotate(offences=Count("id"), offenders=Count("offender", distinct=True))
        .order_by("-offences", "offence_type__code")
    )
    return [
        {
            "code": row["offence_type__code"],
            "title": row["offence_type__title"],
            "offences": row["offences"],
            "offenders": row["offenders"],
        }
        for row in rows
    ]


def offenders_without_review(*, user, period: Period):
    """Active offenders named in the period who have no review date."""
    named = Offence.objects.filter(offender=OuterRef("pk"), reported_on__gte=period.start, reported_on__lte=period.end)
    return (
        restrict(Offender.objects.all(), user, "reports.view")
        .filter(no_review_q())
        .filter(Exists(named))
        .order_by("id")
    )


def _review_rows(queryset):
    for pk, created_at in queryset.values_list("pk", "created_at").iterator(chunk_size=5000):
        yield {"offender": offender_reference(pk), "recorded_on": timezone.localtime(created_at).date()}


STALE_COLUMNS = [
    Column("offence", "Offence id", True),
    Column("offender", "Offender"),
    Column("code", "Code"),
    Column("borough", "Borough"),
    Column("reported_on", "Reported"),
    Column("status", "Status"),
    Column("days_since_reported", "Days since reported", True),
]
CODE_COLUMNS = [
    Column("code", "Code"),
    Column("title", "Title"),
    Column("offences", "Offences", True),
    Column("offenders", "Offenders", True),
]
REVIEW_COLUMNS = [Column("offender", "Offender"), Column("recorded_on", "Recorded")]
DUPLICATE_COLUMNS = [
    Column("offender", "Offender"),
    Column("possible_duplicate", "Possible duplicate"),
    Column("reason", "Why"),
    Column("similarity", "Name similarity", True),
]


def period_counts(*, user, period: Period) -> dict[str, int]:
    """The offences of the period, the stale among them, and the active offenders without a review date
    named in them, counted in one pass over the period's offences (one query, not three): an offender
    counts once however many of his offences fall in the period, as `offenders_without_review` lists him."""
    return _offences(user=user, period=period).aggregate(
        offences=Count("id"),
        stale=Count("id", filter=stale_q()),
        no_review=Count("offender", distinct=True, filter=no_review_q("offender__")),
    )


def _figures(*, counts: dict[str, int], codes: list[dict], policy) -> list[Figure]:
    """Counts only when the period has offences at all; otherwise each says 'no data'."""
    offences = counts["offences"]
    return [
        Figure("Offences reported in the period", offences or None),
        Figure("Reported over 90 days ago and never moved", counts["stale"] if offences else None),
        Figure(
            "Offences with a code the active policy does not know",
            sum(row["offences"] for row in codes) if offences and policy else None,
            "" if policy else "no active scoring policy",
        ),
        Figure("Active offenders without a review date", counts["no_review"] if offences else None),
    ]


def data_quality_report(*, user, period: Period) -> Report:
    policy = active_policy()
    stale = stale_offences(user=user, period=period)
    no_review = offenders_without_review(user=user, period=period)
    codes = unknown_codes(user=user, period=period, policy=policy) if policy is not None else []
    people = restrict(Offender.objects.all(), user, "reports.view")
    figures = _figures(counts=period_counts(user=user, period=period), codes=codes, policy=policy)
    tables = [
        Table("stale", "Offences reported more than 90 days ago whose status never moved", STALE_COLUMNS,
              lambda: _stale_rows(stale), head=lambda n: _stale_rows(stale[:n])),
        Table("unknown-codes", "Offence codes not in the active policy", CODE_COLUMNS, codes,
              empty_message="No active scoring policy." if policy is None else NO_DATA),
        Table("no-review", "Active offenders without a review date", REVIEW_COLUMNS, lambda: _review_rows(no_review),
              head=lambda n: _review_rows(no_review[:n])),
        Table("duplicates", "Possible duplicate people (same date of birth, similar names)", DUPLICATE_COLUMNS,
              lambda: duplicate_pairs(people),
              "Across all records, whatever the period; for a person to check, never merged automatically.",
              display_limit=DUPLICATES_SHOWN),
    ]  # fmt: skip
    return Report(
        name="data-quality",
        title="Data quality",
        summary="Records to check before trusting the ranking built on them.",
        period=period,
        figures=figures,
        tables=tables,
        charts=_charts(figures),
    )


def _charts(figures: list[Figure]) -> list[Chart]:
    """The three counted checks side by side (duplicates are found by streaming, so are not counted)."""
    checks = [{"check": figure.label, "records": figure.value} for figure in figures[1:] if figure.value is not None]
    return bar_chart(
        "checks", "Records to check, by kind", checks, label="check", series={"Records": "records"}, y_label="records"
    )
