"""One way to write numbers, days and moments on every page (docs/pages.md): thousands separators,
whole numbers unless a fraction exists, dates as "6 Dec 2026", times on the 24-hour clock in the
portal's time zone. Templates use the `number`, `day` and `moment` filters (portal/templatetags);
report tables call the functions. CSV exports keep machine formats (ISO 8601, plain numbers)."""

import datetime
from decimal import Decimal

from django.utils import timezone

DAY = "%-d %b %Y"
MOMENT = "%-d %b %Y %H:%M"


def number(value, places: int | None = None) -> str:
    """`27111.0` -> "27,111"; `7927.18` -> "7,927.2"; `35002` -> "35,002"; an exact decimal keeps its two
    places (harm days: `Decimal("182.25")` -> "182.25"). Text passes through."""
    if places is None:
        places = 2 if isinstance(value, Decimal) else 1
    if value is None or value == "" or isinstance(value, bool):
        return "" if value in (None, "") else str(value)
    if not isinstance(value, int | float | Decimal):
        try:
            value = float(value)
        except (TypeError, ValueError):
            return str(value)
    rounded = round(float(value), places)
    if rounded == int(rounded):
        return f"{int(rounded):,}"
    return f"{rounded:,.{places}f}".rstrip("0").rstrip(".")


def _local(value):
    """A datetime in the portal's time zone (a naive one as it is); a date as it is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day(value) -> str:
    return "" if value in (None, "") else _local(value).strftime(DAY)


def moment(value) -> str:
    if value in (None, ""):
        return ""
    return _local(value).strftime(MOMENT if isinstance(value, datetime.datetime) else DAY)
