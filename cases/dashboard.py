"""Reads behind the dashboard panels: each role sees its own work, and admin and oversight only counts.

Officers: my open actions, my overdue actions, my cases. Supervisors: new entrants to the top N not
yet tasked, reviews due, cases without activity for 28 days. Admin and oversight: aggregate counts,
no names and no case pages (they may not read cases).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from offenders.models import Offender
from offenders.selectors import offender_list
from portal.accounts.models import User
from portal.accounts.roles import Role, user_role

from . import scores
from .models import ActionStatus, Case, CaseStage, PlanAction
from .selectors import INACTIVE_DAYS, case_list, cases_of_person

PANEL_ROWS = 10
REVIEW_SOON_DAYS = 7
PERSONAL_PANELS = (
    "untasked_entrants",
    "my_cases",
    "my_open_actions",
    "my_overdue_actions",
    "reviews_due",
    "idle_cases",
)


def my_work(*, user: User, today: dt.date) -> tuple[Any, Any, Any]:
    """The person's own work, as the dashboard panels and the "My work" page both count it: open actions
    they own (each flagged overdue), those overdue, and the open cases they lead or are on."""
    visible_cases = case_list(user=user)
    actions = (
        PlanAction.objects.open()
        .filter(owner=user, case__in=visible_cases.values("pk"))
        .with_overdue_flag(today=today)
        .select_related("case__offender")
        .order_by("due_on", "id")
    )
    return actions, actions.overdue(today=today), cases_of_person(visible_cases, user=user).open()


def my_work_page(*, user: User) -> dict[str, Any]:
    """Everything on the "My work" page: every open action and case, with the dashboard's counts."""
    actions, overdue, my_cases = my_work(user=user, today=timezone.localdate())
    action_list = list(actions)
    return {
        "actions": action_list,
        "open_action_count": len(action_list),
        "overdue_action_count": sum(1 for action in action_list if action.is_overdue),
        "cases": list(my_cases.order_by("review_due", "id")),
    }


def officer_panels(*, user: User) -> dict[str, Any]:
    """An officer's (or supervisor's own) actions and cases."""
    actions, overdue, my_cases = my_work(user=user, today=timezone.localdate())
    return {
        "my_open_actions": list(actions[:PANEL_ROWS]),
        "my_open_action_count": actions.count(),
        "my_overdue_actions": list(overdue[:PANEL_ROWS]),
        "my_overdue_action_count": overdue.count(),
        "my_cases": list(my_cases.order_by("review_due", "id")[:PANEL_ROWS]),
        "my_case_count": my_cases.count(),
    }


def supervisor_panels(*, user: User) -> dict[str, Any]:
    """What a tasking supervisor acts on: who to task next, which reviews are due, which cases are idle."""
    today = timezone.localdate()
    open_cases = case_list(user=user).open()
    reviews_due = open_cases.review_due_by(day=today + dt.timedelta(days=REVIEW_SOON_DAYS)).order_by("review_due")
    idle_since = timezone.now() - dt.timedelta(days=INACTIVE_DAYS)
    idle = open_cases.filter(last_activity_at__lt=idle_since).order_by("last_activity_at")
    return {
        "untasked_entrants": untasked_entrants(user=user),
        "reviews_due": list(reviews_due[:PANEL_ROWS]),
        "reviews_due_count": reviews_due.count(),
        "idle_cases": list(idle[:PANEL_ROWS]),
        "idle_case_count": idle.count(),
        "inactive_days": INACTIVE_DAYS,
        "top_n": settings.PORTAL_TOP_N,
    }


def untasked_entrants(*, user: User, limit: int = PANEL_ROWS) -> list[Offender]:
    """New entrants to the top N (latest snapshot against the one before) with no open case, in rank order.

    Before any snapshot is published, the live top N stands in, so the panel is useful from day one.
    """
    ids = scores.new_entrant_ids() or scores.top_offender_ids()
    tasked = set(Case.objects.open().filter(offender_id__in=ids).values_list("offender_id", flat=True))
    wanted = [pk for pk in ids if pk not in tasked]
    visible = offender_list(user=user).filter(pk__in=wanted).in_bulk()
    return [visible[pk] for pk in wanted if pk in visible][:limit]


def aggregate_panels() -> dict[str, Any]:
    """Counts only, for admin and oversight: the state of case work with no personal data."""
    today = timezone.localdate()
    by_stage = dict(Case.objects.values_list("stage").annotate(n=Count("id")).order_by())
    month_start = today.replace(day=1)
    return {
        "stage_counts": [(stage.label, by_stage.get(stage.value, 0)) for stage in CaseStage],
        "open_action_total": PlanAction.objects.open().count(),
        "overdue_action_total": PlanAction.objects.overdue(today=today).count(),
        "reviews_overdue_total": Case.objects.review_overdue(today=today).count(),
        "tasked_this_month": Case.objects.filter(opened_at__date__gte=month_start).count(),
        "done_this_month": PlanAction.objects.filter(
            status=ActionStatus.DONE, completed_at__date__gte=month_start
        ).count(),
    }


def dashboard_panels(*, user: User) -> dict[str, Any]:
    """The panels for this user's role."""
    role = user_role(user)
    if role == Role.OFFICER:
        return {"panels": "officer", **officer_panels(user=user)}
    if role == Role.SUPERVISOR:
        return {"panels": "supervisor", **supervisor_panels(user=user), **officer_panels(user=user)}
    if role in (Role.ADMIN, Role.OVERSIGHT):
        return {"panels": "aggregate", **aggregate_panels()}
    return {"panels": ""}
