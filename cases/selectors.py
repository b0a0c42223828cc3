"""Reads of cases: lists (always through restrict()), the case page and its API twin, the plan and
timeline, the profile's cases panel and what the morning digest sends.

Overdue is computed from the dates by the one meaning in cases/models/cases.py (`overdue_actions_q`: an open
action of an open case due before today), so a page is right even before the morning job has marked
anything.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from offenders.models import Offender, ProtectiveOrder, Victim
from offenders.selectors import offender_orders
from portal.accounts.models import SharingAgreement, User
from portal.accounts.permissions import can, restrict
from portal.accounts.roles import Role, user_role
from portal.accounts.selectors import is_partner

from . import scores
from .models import (
    Case,
    CaseNote,
    CaseQuerySet,
    CaseStageChange,
    ClaresLawDisclosure,
    PlanAction,
    RiskGrade,
    Strand,
    VictimSafety,
)

INACTIVE_DAYS = 28


def case_queryset() -> CaseQuerySet:
    """Cases with what every list shows: offender, lead, the counts of open and overdue actions and
    whether the review is overdue (CaseQuerySet.with_list_figures)."""
    return Case.objects.select_related("offender", "lead").with_list_figures().order_by("-opened_at", "-id")


def case_list(*, user: User | None) -> CaseQuerySet:
    """The cases this user may read (none for admin and oversight)."""
    return restrict(case_queryset(), user, "case.view")


def case_get(*, user: User, case_id: Any, capability: str = "case.view") -> Case:
    """One case the user may read, or 404 (a restricted offender's case is not acknowledged to exist)."""
    queryset = restrict(case_queryset().select_related("opened_by"), user, capability)
    return get_object_or_404(queryset, pk=case_id)


def case_get_or_refuse(*, user: User, case_id: Any) -> Case:
    """case_get for a page or an API call: a case that exists but is hidden from this user is refused (403,
    audited by the refusal handlers: docs/roles.md); a missing one is a 404."""
    try:
        return case_get(user=user, case_id=case_id)
    except Http404:
        if Case.objects.filter(pk=case_id).exists():
            raise PermissionDenied("case not visible to this user") from None
        raise


def action_get(*, case: Case, action_id: Any) -> PlanAction:
    """One action of the case, flagged `is_overdue`; 404 when the case has no such action."""
    actions = PlanAction.objects.select_related("owner", "case__offender").with_overdue_flag()
    return get_object_or_404(actions, case=case, pk=action_id)


def case_actions(*, case: Case) -> QuerySet[PlanAction]:
    """The plan's actions, soonest due first, each flagged `is_overdue`."""
    return PlanAction.objects.filter(case=case).select_related("owner").with_overdue_flag().order_by("due_on", "id")


def case_notes(*, case: Case, user: User) -> QuerySet[CaseNote]:
    """The case's notes this user may read: all of them for the police, only those marked for partners
    for a partner (docs/partners.md)."""
    notes = case.notes.all()
    return notes.shared_with_partners() if is_partner(user) else notes


def partner_case(*, case: Case, user: User) -> Case:
    """The case as a partner on its team reads it: `partner_actions` (the whole plan) and `partner_notes`
    (only those marked for partners) set on it for PartnerCaseDetailSerializer."""
    case.partner_actions = list(case_actions(case=case))  # type: ignore[attr-defined]
    case.partner_notes = list(case_notes(case=case, user=user))  # type: ignore[attr-defined]
    return case


def team_candidates() -> QuerySet[User]:
    """People who may join a case's team or own an action: active officers and supervisors, and partners
    whose organisation's agreement is in force (the service checks each again)."""
    in_force = SharingAgreement.objects.in_force().values("organisation_id")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__name__in=[Role.OFFICER, Role.SUPERVISOR])
            | Q(groups__name=Role.PARTNER, organisation_id__in=in_force)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def case_workers() -> QuerySet[User]:
    """People who may lead, join or own actions on cases: active officers and supervisors."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.OFFICER, Role.SUPERVISOR])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def cases_of_person(queryset: CaseQuerySet, *, user: User) -> CaseQuerySet:
    """Cases this person leads or is on the team of."""
    on_team = Case.team.through.objects.filter(user_id=user.pk).values("case_id")
    return queryset.filter(Q(lead_id=user.pk) | Q(pk__in=on_team))


@dataclass
class StrandPlan:
    strand: str
    label: str
    actions: list[PlanAction]


def case_plan(*, case: Case) -> list[StrandPlan]:
    """The plan by strand, each action flagged `is_overdue`."""
    by_strand: dict[str, list[PlanAction]] = {value: [] for value in Strand.values}
    for action in case_actions(case=case):
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


def case_open_for_offender(*, offender: Offender, user: User) -> Case | None:
    """The offender's open case, if this user may read it."""
    return case_list(user=user).open().filter(offender=offender).first()


def offender_has_open_case(*, offender: Offender) -> bool:
    """Whether the offender already has an open case: then nobody may task him again (one open case per
    offender, a database constraint too)."""
    return Case.objects.open().filter(offender=offender).exists()


def offender_cases_panel(*, user: User, offender: Offender, score_summary: dict[str, Any]) -> dict[str, Any]:
    """The profile's cases panel (registered through offenders.hooks): the offender's cases this user may
    read and, for a supervisor, whether he may be tasked now."""
    return {
        "cases": list(case_list(user=user).filter(offender=offender).order_by("-opened_at")),
        "may_read": can(user, "case.view"),
        "may_task": can(user, "case.manage") and not offender_has_open_case(offender=offender),
    }


@dataclass(frozen=True)
class CaseDetail:
    """One case as its page and the API detail read it. The API answers the case and its live score;
    the page (`panels`) also shows the plan, the timeline, the notes, the rank history and what this
    user may do."""

    case: Case
    live_score: scores.LiveScore | None
    stage_changes: list[CaseStageChange] = field(default_factory=list)
    team: list[User] = field(default_factory=list)
    scores_illustrative: bool = False
    plan: list[StrandPlan] = field(default_factory=list)
    timeline: list[TimelineItem] = field(default_factory=list)
    notes: list[CaseNote] = field(default_factory=list)
    rank_history: list[scores.RankPoint] = field(default_factory=list)
    trajectory: dict[str, Any] = field(default_factory=dict)
    may_work: bool = False
    may_manage: bool = False


def case_detail(*, user: User, case: Case, panels: bool = True) -> CaseDetail:
    """The case page's reads (and, without `panels`, the API detail's): one source, so both show the
    same live score."""
    live_score = scores.score_now(offender=case.offender)
    if not panels:
        return CaseDetail(case=case, live_score=live_score)
    return CaseDetail(
        case=case,
        live_score=live_score,
        stage_changes=list(case.stage_changes.all()),
        team=list(case.team.order_by("username")),
        scores_illustrative=scores.illustrative_among(
            labels=(case.policy_at_tasking, case.policy_at_exit, live_score.policy if live_score else "")
        ),
        plan=case_plan(case=case),
        timeline=case_timeline(case=case),
        notes=list(case_notes(case=case, user=user)),
        rank_history=scores.rank_history(offender=case.offender),
        trajectory=score_trajectory(case=case),
        may_work=case.is_open and can(user, "case.work", case),
        may_manage=case.is_open and can(user, "case.manage", case),
    )


def score_trajectory(*, case: Case) -> dict[str, Any]:
    """The offender's score in every snapshot published since he was tasked, beside the score at tasking:
    the fall in harm MATAC measures. `rows` for the table, `labels` and `values` for the chart."""
    points = scores.score_trajectory(offender=case.offender, since=case.opened_at)
    if case.closed_at is not None:
        points = [point for point in points if point.published_at <= case.closed_at]
    base = case.score_at_tasking
    rows = [
        {
            "published_at": point.published_at,
            "rank": point.rank,
            "score": point.score,
            "change_percent": round((point.score - base) / base * 100, 1) if base else None,
        }
        for point in points
    ]
    labels = ["Tasked", *(point.published_at.date().isoformat() for point in points)]
    values = [base, *(point.score for point in points)]
    return {"rows": rows, "labels": labels, "values": values, "at_tasking": base}


@dataclass
class Digest:
    """One person's morning digest: the overdue actions they own, the due reviews of the cases they lead, and
    the protective orders ending soon against the offenders of the cases they lead."""

    overdue_actions: list[PlanAction] = field(default_factory=list)
    reviews_due: list[Case] = field(default_factory=list)
    orders_ending: list[ProtectiveOrder] = field(default_factory=list)
    order_days: int = 14


def digests_collect(*, today: dt.date) -> dict[int, Digest]:
    """Per person: the overdue actions they own and the due reviews of the cases they lead."""
    digests: dict[int, Digest] = defaultdict(Digest)
    overdue = PlanAction.objects.overdue(today=today).select_related("case__offender")
    for action in overdue.order_by("owner_id", "due_on", "id").iterator(chunk_size=500):
        digests[action.owner_id].overdue_actions.append(action)
    due = Case.objects.review_due_by(day=today).select_related("offender")
    for case in due.order_by("lead_id", "review_due", "id").iterator(chunk_size=500):
        digests[case.lead_id].reviews_due.append(case)
    days = settings.PORTAL_ORDER_ENDING_DAYS
    leads = dict(Case.objects.open().values_list("offender_id", "lead_id"))
    ending = ProtectiveOrder.objects.ending_within(today=today, days=days).filter(offender_id__in=list(leads))
    for order in ending.select_related("offender").order_by("ends_on", "id"):
        digest = digests[leads[order.offender_id]]
        digest.orders_ending.append(order)
        digest.order_days = days
    return digests


def case_victim_ids(*, case: Case) -> set[int]:
    """The victims of the offender's counted offences: who the case's safety panel is about."""
    offences = scores.offender_counted_offences(offender=case.offender)
    return set(offences.values_list("victim_id", flat=True))


@dataclass
class CaseVictim:
    """One victim on the case with what the team knows of her safety (blank until a first check)."""

    victim: Victim
    risk_grade: str | None
    marac: str
    idva: User | None
    last_safety_check_on: dt.date | None
    needs_check: bool


def case_victims(*, case: Case, today: dt.date | None = None, days: int = 7) -> list[CaseVictim]:
    """The case's victims, by force reference, each with risk grade, MARAC, IDVA and last check, and
    whether the safety gate waits on her (high risk, no check in the last `days` days)."""
    since = (today or timezone.localdate()) - dt.timedelta(days=days)
    victims = Victim.objects.filter(pk__in=case_victim_ids(case=case)).order_by("victim_ref")
    safety = {s.victim_id: s for s in VictimSafety.objects.filter(case=case).select_related("idva")}
    waiting = {pk for pk, s in safety.items() if s.risk_grade == RiskGrade.HIGH and not _checked_since(s, since)}
    rows = []
    for victim in victims:
        known = safety.get(victim.pk)
        rows.append(
            CaseVictim(
                victim=victim,
                risk_grade=(known.risk_grade or None) if known else None,
                marac=known.marac if known else "none",
                idva=known.idva if known else None,
                last_safety_check_on=known.last_safety_check_on if known else None,
                needs_check=victim.pk in waiting,
            )
        )
    return rows


def _checked_since(safety: VictimSafety, since: dt.date) -> bool:
    """The loaded row's side of victims_needing_check: a check on or after `since`."""
    return safety.last_safety_check_on is not None and safety.last_safety_check_on >= since


def case_victim_get(*, case: Case, victim_id: Any) -> Victim:
    """One victim of the case's counted offences, or 404 (no victim of this case has that id)."""
    return get_object_or_404(Victim.objects.filter(pk__in=case_victim_ids(case=case)), pk=victim_id)


def victims_needing_check(*, case: Case, today: dt.date, days: int) -> list[VictimSafety]:
    """The high-risk victims of the case with no safety check in the last `days` days (the safety gate)."""
    since = today - dt.timedelta(days=days)
    return list(
        VictimSafety.objects.filter(case=case, risk_grade=RiskGrade.HIGH, victim_id__in=case_victim_ids(case=case))
        .filter(Q(last_safety_check_on__isnull=True) | Q(last_safety_check_on__lt=since))
        .select_related("victim")
        .order_by("victim__victim_ref")
    )


def case_disclosures(*, case: Case) -> QuerySet[ClaresLawDisclosure]:
    """The case's Clare's Law decisions, latest first: the Protect panel's list and the API's (one read)."""
    return ClaresLawDisclosure.objects.filter(case=case).order_by("-decided_on", "-id")


def case_protect_panel(*, user: User, case: Case) -> dict[str, Any] | None:
    """The case page's Protect panel for the case team (None for anyone else): the victims with their
    safety, and the Clare's Law decisions. Supervisors may override the safety gate."""
    if not can(user, "case.safety", case):
        return None
    return {
        "victims": case_victims(case=case, days=settings.PORTAL_SAFETY_CHECK_DAYS),
        "days": settings.PORTAL_SAFETY_CHECK_DAYS,
        "disclosures": list(case_disclosures(case=case)),
        "orders": offender_orders(user=user, offender=case.offender),
        "may_override": user_role(user) == Role.SUPERVISOR,
        "may_record": case.is_open,
    }
