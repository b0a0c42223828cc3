"""Template tags of the scoring app: the offender profile's score panel, and small display helpers."""

from django import template
from django.conf import settings

from .. import selectors

register = template.Library()


@register.inclusion_tag("scoring/_score_panel.html")
def offender_score_panel(offender):
    """Score, rank, components, the per-offence breakdown and the harm chart for one offender."""
    summary = selectors.offender_score_breakdown(offender)
    return {"offender": offender, "summary": summary, "history": selectors.offender_harm_history(offender)}


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
