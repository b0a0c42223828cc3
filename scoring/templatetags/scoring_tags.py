"""Template tags of the scoring app: small display helpers that only format (they never read the database)."""

from django import template
from django.conf import settings

from ..days import days_text

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
    """A harm entry's days as the workbook gave them: 182.25, 547.5, 365."""
    return days_text(value)
