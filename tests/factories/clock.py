"""Days and times relative to today, for scenarios computed by hand."""

import datetime as dt

from django.utils import timezone

from portal.oversight.selectors.base import Period


def at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def period(start: dt.date, end: dt.date | None = None) -> Period:
    return Period(start=start, end=end or timezone.localdate())
