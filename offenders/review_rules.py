"""When an offender's record comes up for review (docs/records.md): the rules a force configures.

Police information is kept only while it is necessary for a policing purpose, so every record carries a
review date. By default it is two years after his last offence (the date it occurred), six when any of
his offences has been charged or ended in a conviction (`PORTAL_REVIEW_YEARS`,
`PORTAL_REVIEW_YEARS_CHARGED`, `PORTAL_REVIEW_CHARGED_STATUSES`); a record with no offence counts from
the day it was made. A review that retains the record puts the next one no earlier than the date it set.

The dates are recomputed whenever his offences change, whoever writes them (the offence services and
the import call `offenders.hooks.offences_changed`, to which this module is registered), in the writer's
transaction: one read of every touched offender and one batched write, however many rows an import loads.
"""

import datetime
from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q

from .choices import OffenderStatus
from .models import Offence, Offender, ReviewOutcome

BATCH = 2000


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February becomes 28 February in a year that has none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def review_date(
    *,
    last_offence_on: datetime.date | None,
    charged: bool,
    created_on: datetime.date,
    retained_until: datetime.date | None = None,
) -> datetime.date:
    """The rule itself, for one record: what its review date should be."""
    years = settings.PORTAL_REVIEW_YEARS_CHARGED if charged else settings.PORTAL_REVIEW_YEARS
    due = years_after(last_offence_on or created_on, years)
    return max(due, retained_until) if retained_until else due


def retain_until(*, today: datetime.date) -> datetime.date:
    """The earliest next review a "retain" outcome sets."""
    return years_after(today, settings.PORTAL_REVIEW_RETAIN_YEARS)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    iterator = iter(sorted(set(ids)))
    while chunk := list(islice(iterator, BATCH)):
        yield chunk


def review_dates_set(*, offender_ids: Iterable[int]) -> None:
    """Recompute the review dates of these offenders by the rules.

    Registered as an `offences_changed` receiver (offenders/apps.py), so it runs in the transaction of the
    write that touched the offences. A disposed record has no review date any more and is left alone.
    """
    charged = Offence.objects.filter(offender=OuterRef("pk"), status__in=settings.PORTAL_REVIEW_CHARGED_STATUSES)
    for chunk in _chunks(offender_ids):
        rows = (
            Offender.objects.filter(pk__in=chunk)
            .exclude(status=OffenderStatus.DISPOSED)
            .annotate(
                last_offence_on=Max("offences__occurred_on"),
                retained_until=Max("reviews__next_review_on", filter=Q(reviews__outcome=ReviewOutcome.RETAIN)),
                charged=Exists(charged),
            )
            .only("pk", "review_due", "created_at")
        )
        updates = []
        for offender in rows:
            due = review_date(
                last_offence_on=offender.last_offence_on,
                charged=offender.charged,
                created_on=offender.created_at.date(),
                retained_until=offender.retained_until,
            )
            if offender.review_due != due:
                offender.review_due = due
                updates.append(offender)
        Offender.objects.bulk_update(updates, ["review_due"], batch_size=BATCH)


def review_dates_fill() -> int:
    """Give a review date to every live record that has none (records made before the rules, or by hand
    without one): the nightly retention task runs it. Returns how many were missing."""
    missing = list(
        Offender.objects.filter(review_due__isnull=True)
        .exclude(status=OffenderStatus.DISPOSED)
        .values_list("pk", flat=True)
    )
    review_dates_set(offender_ids=missing)
    return len(missing)
