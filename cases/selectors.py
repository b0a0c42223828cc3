"""Reads of cases: lists (always through restrict()), the case page, the plan and timeline, the dashboard.

Overdue is computed here from the dates (an open action due before today), so a page is right even
before the morning job has marked anything.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal.accounts.permissions import restrict
from portal.accounts.roles import Role

from .models import ActionStatus, Case, CaseStage, PlanAction, Strand

INACTIVE_DAYS = 28


def overdue_actions_q(today: dt.date | None = None, prefix: str = "") -> Q:
    """Open actions due before today on a case that is still open."""
    today = today or timezone.localdate()
    return Q(
        **{
            f"{prefix}status": ActionStatus.OPEN,
            f"{prefix}due_on__lt": today,
        }
    ) & ~Q(**{f"{prefix}case__stage": CaseStage.CLOSED})


def case_queryset() -> QuerySet[Case]:
    """Cases with what every list shows: offender, lead, and counts of open and overdue actions."""
    today = timezone.localdate()
    return (
        Case.objects.select_related("offender", "lead")
        .annotate(
            open_action_count=Count("actions", filter=Q(actions__status=ActionStatus.OPEN), distinct=True),
            overdue_action_count=Count(
                "actions", filter=Q(actions__status=ActionStatus.OPEN, actions__due_on__lt=today), distinct=True
            ),
        )
        .order_by("-opened_at", "-id")
    )


def case_list(*, user) -> QuerySet[Case]:
    """The cases this user may read (none for admin and oversight)."""
    return restrict(case_queryset(), user, "case.view")


def case_get(*, user, case_id: Any, capability: str = "case.view") -> Case:
    """One case the user may read, or 404 (a restricted offender's case is not acknowledged to exist)."""
    queryset = restrict(case_queryset().select_related("opened_by"), user, capability)
    return get_object_or_404(queryset, pk=case_id)


def case_get_or_refuse(*, user, case_id: Any) -> Case:
    """case_get for a page or an API call: a case that exists but is hidden from this user is refused (403,
    audited by the refusal handlers: CONTRACT.md section 2); a missing one is a 404."""
    try:
        return case_get(user=user, case_id=case_id)
    except Http404:
        if Case.objects.filter(pk=case_id).exists():
            raise PermissionDenied("case not visible to this user") from None
        raise


def action_get(*, case: Case, action_id: Any) -> PlanAction:
    return get_object_or_404(PlanAction.objects.select_related("owner", "case__offender"), case=case, pk=action_id)


def case_actions(*, case: Case) -> QuerySet[PlanAction]:
    """The plan's actions, soonest due first."""
    return case.actions.select_related("owner").order_by("due_on", "id")


def case_workers() -> QuerySet:
    """People who may lead, join or own actions on cases: active officers and supervisors."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.OFFICER, Role.SUPERVISOR])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def cases_of_person(queryset: QuerySet[Case], *, user) -> QuerySet[Case]:
    """Cases this person leads or is on the team of."""
    on_team = Case.team.through.objects.filter(user_id=user.pk).values("case_id")
    return queryset.filter(Q(lead_id=user.pk) | Q(pk__in=on_team))


@dataclass
class StrandPlan:
    strand: str
    label: str
    actions: list[PlanAction]


def case_plan(*, case: Case) -> list[StrandPlan]:
    """The plan by strand, each action flagged `is_overdue` (open and due before today)."""
    today = timezone.localdate()
    by_strand: dict[str, list[PlanAction]] = {value: [] for value in Strand.values}
    for action in case_actions(case=case):
        action.is_overdue = action.status == ActionStatus.OPEN and action.due_on < today and case.is_open
        by_strand[action.strand].append(action)
    return [StrandPlan(strand=s.value, label=s.label, actions=by_strand[s.value]) for s in Strand]


@dataclass
class TimelineItem:
    at: dt.datetime
    kind: str
    title: str
    detail: str
    who: str


def case_timeline(*, case: Case) -> list[TimelineItem]:
    """Stage changes, notes and actions (added, finished) in one list, newest first."""
    items = [
        TimelineItem(
            c.changed_at,
            "stage",
            f"Stage: {c.get_from_stage_display() or 'new'} to {c.get_to_stage_display()}",
            c.reason + (f" (exit: {c.get_exit_reason_display()})" if c.exit_reason else ""),
            c.changed_by_username,
        )
        for c in case.stage_changes.all()
    ]
    items += [TimelineItem(n.created_at, "note", "Note", n.text, n.author_username) for n in case.notes.all()]
    for action in case.actions.select_related("owner", "created_by"):
        creator = action.created_by.get_username() if action.created_by else ""
        items.append(
            TimelineItem(
                action.created_at, "action", f"{action.get_strand_display()} action added", action.description, creator
            )
        )
        if action.completed_at:
            outcome = f": {action.get_outcome_display()}" if action.outcome else ""
            title = f"{action.get_strand_display()} action {action.get_status_display().lower()}{outcome}"
            items.append(
                TimelineItem(action.completed_at, "action", title, action.description, action.owner.get_username())
            )
    return sorted(items, key=lambda item: item.at, reverse=True)


def case_open_for_offender(*, offender, user) -> Case | None:
    return case_list(user=user).filter(offender=offender).exclude(stage=CaseStage.CLOSED).first()


def has_overdue_actions() -> Exists:
    """An Exists() for annotating or filtering cases that have an overdue action."""
    return Exists(PlanAction.objects.filter(overdue_actions_q(), case=OuterRef("pk")))
