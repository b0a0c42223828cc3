"""Template tags of the scoring app: small display helpers that only format (they never read the database)."""

from decimal import Decimal

from django import template
from django.conf import settings

from portal.formats import number

register = template.Library()


@register.filter
def movement_label(value) -> str:
    """'up 3', 'down 2', 'no change' or 'new' for a movement in places (None: a new entrant)."""
    if value is None:
        return "new"
    if value > 0:
        return f"up {value}"
    if value < 0:
        return f"down {-value}"
    return "no change"


@register.simple_tag
def run_stale_after_seconds() -> int:
    """How long a run may go without a sign of life before it is failed as lost (the runs page says so)."""
    return settings.PORTAL_RUN_STALE_AFTER_SECONDS


@register.filter
def harm_days(value) -> str:
    """A harm entry's days as the workbook gave them, in the portal's one number format: 182.25, 547.5,
    1,825."""
    return number(value, 2)


@register.filter
def whole(value) -> str:
    """A number of days (or a score) as a whole number with thousands separators: 12,345. Works for a
    float, an int or a Decimal (harm days may be decimals); '–' for none."""
    if value is None or value == "":
        return "–"
    return f"{round(Decimal(str(value))):,}"


@register.simple_tag
def sort_link(query: str, current: str, column: str) -> str:
    """The query string that sorts the list by `column` (descending first for figures; the same column
    again reverses it)."""
    descending = column not in ("rank", "name")
    first = f"-{column}" if descending else column
    target = (column if current == f"-{column}" else f"-{column}") if current.removeprefix("-") == column else first
    return f"?{query}&sort={target}" if query else f"?sort={target}"


@register.simple_tag
def aria_sort(current: str, column: str) -> str:
    if current.removeprefix("-") != column:
        return "none"
    return "descending" if current.startswith("-") else "ascending"
