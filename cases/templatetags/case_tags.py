"""Template tags for case panels shown on other apps' pages (the offender profile)."""

from django import template

from portal.accounts.permissions import can

from ..selectors import case_list

register = template.Library()


@register.inclusion_tag("cases/_offender_cases.html", takes_context=True)
def offender_cases_panel(context, offender):
    """The offender's cases this user may read and, for a supervisor, the way to task him."""
    user = context["request"].user
    cases = list(case_list(user=user).filter(offender=offender).order_by("-opened_at"))
    has_open = any(case.is_open for case in cases)
    return {
        "offender": offender,
        "cases": cases,
        "may_read": can(user, "case.view"),
        "may_task": can(user, "case.manage") and not has_open,
    }
