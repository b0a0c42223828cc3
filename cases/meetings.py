"""Reads of tasking meetings: the agenda a meeting is prepared with, the meetings and items a user may
read, and the minutes (identities and reasons only for officers and supervisors; admin and oversight
read references, kinds, decisions and counts).

The agenda comes from the latest published snapshot (never the live score), so what the meeting saw can
be shown later exactly as it was: new entrants to the top N, re-entrants, open cases due for review, open
cases meeting the active policy's exit rule. Referrals are added by hand (cases/services/meetings.py).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from offenders.models import Offender
from portal.accounts.models import User
from portal.accounts.permissions import restrict, role_allows
from portal.accounts.roles import Role

from . import scores
from .models import (
    ActionStatus,
    Case,
    DecisionKind,
    MeetingDecision,
    MeetingItem,
    MeetingItemKind,
    Outcome,
    PlanAction,
    TaskingMeeting,
)

KIND_ORDER = (
    MeetingItemKind.NEW_ENTRANT,
    MeetingItemKind.RE_ENTRANT,
    MeetingItemKind.REVIEW_DUE,
    MeetingItemKind.EXIT_PROPOSED,
    MeetingItemKind.REFERRAL,
)


# A decision as a list says it happened ("Deferred 3 Dec 2026").
DECIDED = {"task": "Tasked", "defer": "Deferred", "decline": "Declined", "continue": "Continued", "exit": "Exited"}


@dataclass(frozen=True)
class AgendaEntry:
    kind: str
    offender_id: int
    rank: int | None
    score: float | None
    previous_rank: int | None
    case_id: int | None


def deferred_offender_ids(*, held_on: dt.date) -> set[int]:
    """Offenders a meeting deferred to a date after `held_on`: left off the agenda until then."""
    return set(
        MeetingDecision.objects.filter(decision=DecisionKind.DEFER, defer_until__gt=held_on).values_list(
            "item__offender_id", flat=True
        )
    )


def exit_proposals(*, open_cases: list[Case], snapshot_id: int, top_n: int) -> set[int]:
    """The ids of `open_cases` that meet the active policy's exit rule (any of its parts): outside the
    top N for K consecutive snapshots published since tasking, a score fallen by X% since tasking (the
    latest snapshot against the score copied at tasking), or in custody (a remand recorded on the case)."""
    rule = scores.exit_rule()
    proposed: set[int] = set()
    if not open_cases:
        return proposed
    if rule.outside_top_n_snapshots:
        recent = scores.recent_snapshots(count=rule.outside_top_n_snapshots)
        if len(recent) == rule.outside_top_n_snapshots:
            oldest = min(published for _, published in recent)
            candidates = [c for c in open_cases if c.opened_at <= oldest]
            outside = scores.outside_top_n_for(
                offender_ids=[c.offender_id for c in candidates], snapshot_ids=[pk for pk, _ in recent], limit=top_n
            )
            proposed |= {c.pk for c in candidates if c.offender_id in outside}
    if rule.score_fall_percent is not None:
        places = scores.snapshot_places(snapshot_id=snapshot_id, offender_ids=[c.offender_id for c in open_cases])
        keep = 1 - rule.score_fall_percent / 100
        for case in open_cases:
            if case.score_at_tasking:
                place = places.get(case.offender_id)
                now = place.score if place else 0.0
                if now <= case.score_at_tasking * keep:
                    proposed.add(case.pk)
    if rule.in_custody:
        remanded = PlanAction.objects.filter(
            case_id__in=[c.pk for c in open_cases], status=ActionStatus.DONE, outcome=Outcome.REMAND
        ).values_list("case_id", flat=True)
        proposed |= set(remanded)
    return proposed


def agenda_for(*, user: User, held_on: dt.date, snapshot_id: int, top_n: int) -> list[AgendaEntry]:
    """What a meeting held on `held_on` considers, in order: the snapshot's top N without an open case
    (never tasked: new entrants; tasked before: re-entrants), then open cases due for review, then open
    cases meeting the exit rule. One item an offender; restricted offenders only for a chair with the
    grant; offenders deferred past `held_on` are left off."""
    deferred = deferred_offender_ids(held_on=held_on)
    top = [
        place
        for place in scores.snapshot_top(snapshot_id=snapshot_id, limit=top_n)
        if place.offender_id not in deferred
    ]
    open_cases = [
        case
        for case in restrict(Case.objects.open(), user, "case.view").only(
            "pk", "offender_id", "review_due", "score_at_tasking", "opened_at"
        )
        if case.offender_id not in deferred
    ]
    open_by_offender = {case.offender_id: case for case in open_cases}
    top_ids = [place.offender_id for place in top]
    visible = set(restrict(Offender.objects.filter(pk__in=top_ids), user, "offender.view").values_list("pk", flat=True))
    tasked_before = set(Case.objects.closed().filter(offender_id__in=top_ids).values_list("offender_id", flat=True))
    entries: list[AgendaEntry] = []
    for place in top:
        if place.offender_id not in visible or place.offender_id in open_by_offender:
            continue
        kind = MeetingItemKind.RE_ENTRANT if place.offender_id in tasked_before else MeetingItemKind.NEW_ENTRANT
        entries.append(AgendaEntry(kind, place.offender_id, place.rank, place.score, place.previous_rank, None))
    exits = exit_proposals(open_cases=open_cases, snapshot_id=snapshot_id, top_n=top_n)
    due = [c for c in open_cases if c.pk not in exits and c.review_due is not None and c.review_due <= held_on]
    leaving = [c for c in open_cases if c.pk in exits]
    places = scores.snapshot_places(snapshot_id=snapshot_id, offender_ids=[c.offender_id for c in due + leaving])
    for kind, cases in ((MeetingItemKind.REVIEW_DUE, due), (MeetingItemKind.EXIT_PROPOSED, leaving)):
        for case in sorted(cases, key=lambda c: (c.review_due or dt.date.max, c.pk)):
            found = places.get(case.offender_id)
            entries.append(
                AgendaEntry(
                    kind,
                    case.offender_id,
                    found.rank if found else None,
                    found.score if found else None,
                    found.previous_rank if found else None,
                    case.pk,
                )
            )
    return entries


def meeting_list(*, user: User) -> QuerySet[TaskingMeeting]:
    """The meetings this user may read, newest first, each with its item and decision counts."""
    if not role_allows(user, "meeting.view"):
        return TaskingMeeting.objects.none()
    items = restrict(MeetingItem.objects.all(), user, "meeting.view")
    return TaskingMeeting.objects.annotate(
        item_count=Count("items", filter=Q(items__in=items), distinct=True),
        decided_count=Count("items", filter=Q(items__in=items, items__decided_at__isnull=False), distinct=True),
    ).order_by("-held_on", "-id")


def meeting_get(*, user: User, meeting_id: Any) -> TaskingMeeting:
    return get_object_or_404(meeting_list(user=user).select_related("chair", "snapshot"), pk=meeting_id)


def meeting_items(*, user: User, meeting: TaskingMeeting) -> QuerySet[MeetingItem]:
    """The meeting's agenda as this user may read it (restricted offenders absent without the grant),
    each item with its offender, case and decision."""
    return (
        restrict(MeetingItem.objects.filter(meeting=meeting), user, "meeting.view")
        .select_related("offender", "case", "decision", "decision__decided_by")
        .order_by("position", "id")
    )


def meeting_item_get(*, user: User, meeting: TaskingMeeting, item_id: Any) -> MeetingItem:
    return get_object_or_404(meeting_items(user=user, meeting=meeting), pk=item_id)


def meeting_item_to_decide(*, meeting: TaskingMeeting, item_id: Any) -> MeetingItem:
    """An item of the meeting for a decision, found whoever asks: the decision service refuses (403,
    audited) a chair who may not see its offender, e.g. one marked restricted since the agenda was built."""
    return get_object_or_404(MeetingItem.objects.select_related("meeting", "offender"), meeting=meeting, pk=item_id)


def shows_identities(user: User) -> bool:
    """Whether this user reads meetings with names and reasons (officers, supervisors) or pseudonymised."""
    return role_allows(user, "ranking.view_identities")


MINUTES_COLUMNS = (
    ("item", "Item"), ("kind", "Kind"), ("reference", "Reference"), ("name", "Name"), ("rank", "Rank"),
    ("score", "Score"), ("case", "Case"), ("decision", "Decision"), ("reason", "Reason"),
    ("defer_until", "Deferred until"), ("decided_by", "Decided by"), ("decided_at", "Decided at"),
)  # fmt: skip
PSEUDONYMOUS_COLUMNS = tuple(column for column in MINUTES_COLUMNS if column[0] not in ("name", "reason"))


def minutes_csv(*, user: User, meeting: TaskingMeeting) -> tuple[list[list[Any]], str]:
    """The minutes as CSV lines (header first) and their file name, for the page's download and the API's
    `?format=csv` alike: admin and oversight get no name and no reason columns."""
    rows = minutes_rows(user=user, meeting=meeting)
    columns = MINUTES_COLUMNS if shows_identities(user) else PSEUDONYMOUS_COLUMNS
    lines = [[label for _, label in columns], *([row[key] for key, _ in columns] for row in rows)]
    return lines, f"meeting-{meeting.pk}-minutes.csv"


def minutes_rows(*, user: User, meeting: TaskingMeeting) -> list[dict[str, Any]]:
    """One row per agenda item, as the minutes page and the CSV show it: names and reasons only for
    officers and supervisors."""
    named = shows_identities(user)
    rows = []
    for item in meeting_items(user=user, meeting=meeting):
        decision = getattr(item, "decision", None)
        rows.append(
            {
                "item": item.pk,
                "kind": item.get_kind_display(),
                "reference": item.offender.reference,
                "name": item.offender.display_name if named else "",
                "rank": item.rank,
                "score": item.score,
                "case": item.case_id or (decision.case_id if decision else None),
                "decision": decision.get_decision_display() if decision else "",
                "reason": (decision.reason if decision else item.referral_reason) if named else "",
                "defer_until": decision.defer_until if decision else None,
                "decided_by": decision.decided_by_username if decision else "",
                "decided_at": decision.decided_at if decision else None,
            }
        )
    return rows


def meetings_per_month(*, user: User, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The governance report's meetings table: per month of meetings held from `start` to `end`, the
    meetings, offenders considered, and the decisions by kind (counts only: no names, no reasons)."""
    meetings = TaskingMeeting.objects.filter(held_on__gte=start, held_on__lte=end)
    items = restrict(MeetingItem.objects.filter(meeting__in=meetings), user, "meeting.view")
    months: dict[dt.date, dict[str, Any]] = defaultdict(
        lambda: {"meetings": 0, "considered": 0, **{kind.value: 0 for kind in DecisionKind}}
    )
    for month, n in meetings.annotate(month=TruncMonth("held_on")).values_list("month").annotate(n=Count("id")):
        months[month]["meetings"] = n
    for month, n in (
        items.annotate(month=TruncMonth("meeting__held_on")).values_list("month").annotate(n=Count("id")).order_by()
    ):
        months[month]["considered"] = n
    decided = items.filter(decided_at__isnull=False).annotate(month=TruncMonth("meeting__held_on"))
    for month, kind, n in decided.values_list("month", "decision__decision").annotate(n=Count("id")).order_by():
        months[month][kind] = n
    return [{"month": f"{month:%Y-%m}", **figures} for month, figures in sorted(months.items(), reverse=True)]


def meeting_chairs() -> QuerySet[User]:
    """Active supervisors, who may chair a meeting, by name."""
    return User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR).order_by(
        "last_name", "first_name", "username"
    )


def ranking_marks(*, user: User, offender_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For the ranked list: each offender's open case (`case_id`; linked only for roles that read cases)
    or, without one, the last meeting decision about him (`decision`, `decided_on`). Two queries."""
    marks: dict[int, dict[str, Any]] = {}
    if not offender_ids:
        return marks
    open_cases = Case.objects.open().filter(offender_id__in=offender_ids).values_list("offender_id", "pk")
    for offender_id, case_id in open_cases:
        marks[offender_id] = {"case_id": case_id, "case_link": role_allows(user, "case.view")}
    latest = (
        MeetingDecision.objects.filter(item__offender_id__in=[pk for pk in offender_ids if pk not in marks])
        .order_by("item__offender_id", "-decided_at")
        .values_list("item__offender_id", "decision", "decided_at", "defer_until")
    )
    for offender_id, decision, decided_at, until in latest:
        if offender_id not in marks:
            marks[offender_id] = {
                "decision": DECIDED[decision],
                "decided_on": decided_at.date(),
                "until": until,
            }
    return marks
