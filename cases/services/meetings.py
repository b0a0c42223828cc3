"""Writes of tasking meetings: open one (its agenda built from the latest published snapshot), add a
referral, record one decision per item, close (freeze) it.

The portal prepares the meeting; people decide it. Every decision needs a reason; `task` opens a case
through `case_open` (exactly as the cases API does) and `exit` closes one through `case_transition`, in
the same transaction as the decision. One decision an item, whoever tries at the same moment: the meeting
row is locked, the item is claimed by a conditional update (`decided_at` still empty), and the decision
table's one-to-one key refuses a second row; the loser gets MeetingConflict (a 409), nothing changed.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from offenders import rules
from offenders.models import Offender
from portal.accounts.permissions import require
from portal.accounts.roles import Role, user_role
from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot

from .. import scores
from ..meetings import agenda_for, minutes_csv
from ..models import (
    Case,
    CaseStage,
    DecisionKind,
    ExitReason,
    MeetingDecision,
    MeetingItem,
    MeetingItemKind,
    TaskingMeeting,
)
from .cases import UNSET, case_open, case_transition, case_update

REFUSAL = "Only a supervisor may open a tasking meeting, decide its items or close it."
REASON_REQUIRED = "Give the reason for this decision: the decision is yours, the score only advises."
NEEDS_OPEN_CASE = frozenset({DecisionKind.CONTINUE, DecisionKind.EXIT})
NEEDS_NO_OPEN_CASE = frozenset({DecisionKind.TASK, DecisionKind.DECLINE})


class MeetingConflict(ValidationError):
    """The meeting is closed, or the item already has its decision: a 409 on the API, a form error on the web."""


def _require_chair(by, item: MeetingItem | None = None) -> None:
    require(by, "meeting.chair", item, refusal=REFUSAL)


def meeting_open(*, held_on: dt.date, chair, by) -> TaskingMeeting:
    """Open a meeting chaired by a supervisor, with its agenda from the latest published snapshot."""
    _require_chair(by)
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["Say when the meeting is held."]
    if chair is None or not chair.is_active or user_role(chair) != Role.SUPERVISOR:
        errors["chair"] = ["The chair must be an active supervisor."]
    snapshot_id = scores.latest_snapshot_id()
    if snapshot_id is None:
        errors["snapshot"] = ["No ranking has been published yet: publish a snapshot before the meeting."]
    if errors or snapshot_id is None:
        raise ValidationError(errors)
    top_n = settings.PORTAL_TOP_N
    agenda = agenda_for(user=chair, held_on=held_on, snapshot_id=snapshot_id, top_n=top_n)
    with transaction.atomic():
        meeting = TaskingMeeting.objects.create(
            held_on=held_on,
            chair=chair,
            chair_username=chair.get_username(),
            snapshot_id=snapshot_id,
            top_n=top_n,
            opened_by_username=by.get_username(),
        )
        MeetingItem.objects.bulk_create(
            MeetingItem(
                meeting=meeting,
                kind=entry.kind,
                offender_id=entry.offender_id,
                rank=entry.rank,
                score=entry.score,
                previous_rank=entry.previous_rank,
                case_id=entry.case_id,
                position=position,
            )
            for position, entry in enumerate(agenda, start=1)
        )
        changes = model_changes({}, audit_snapshot(meeting))
        changes["items"] = len(agenda)
        audit_record(action="meeting.open", target=meeting, changes=changes)
    return meeting


def meeting_refer(*, meeting: TaskingMeeting, offender: Offender, reason: str, by) -> MeetingItem:
    """Add an offender to an open meeting's agenda by hand (a referral), with the reason."""
    _require_chair(by)
    require(by, "offender.view", offender, refusal="You may not see this offender.")
    errors: dict[str, list[str]] = {}
    reason = rules.check_field(errors, "reason", rules.CASE_REASON.clean, reason, required="Say why he is referred.")
    if MeetingItem.objects.filter(meeting=meeting, offender=offender).exists():
        errors["offender"] = ["This offender is already on the agenda."]
    if errors:
        raise ValidationError(errors)
    place = None
    if meeting.snapshot_id is not None:
        place = scores.snapshot_places(snapshot_id=meeting.snapshot_id, offender_ids=[offender.pk]).get(offender.pk)
    open_case = Case.objects.open().filter(offender=offender).only("pk").first()
    with transaction.atomic():
        meeting = TaskingMeeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.is_open:
            raise MeetingConflict("This meeting is closed: its agenda can no longer change.")
        position = (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                item = MeetingItem.objects.create(
                    meeting=meeting,
                    kind=MeetingItemKind.REFERRAL,
                    offender=offender,
                    rank=place.rank if place else None,
                    score=place.score if place else None,
                    previous_rank=place.previous_rank if place else None,
                    case=open_case,
                    referral_reason=reason,
                    position=position,
                )
        except IntegrityError as error:
            raise ValidationError({"offender": ["This offender is already on the agenda."]}) from error
        changes = model_changes({}, audit_snapshot(item))
        changes["reason"] = reason
        audit_record(action="meeting.refer", target=item, changes=changes)
    return item


def _check_decision(  # noqa: C901 - one check a line, every problem reported at once
    *, item: MeetingItem, decision: str, reason: str, until, exit_reason: str, open_case: Case | None
) -> str:
    errors: dict[str, list[str]] = {}
    if decision not in DecisionKind.values:
        errors["decision"] = [f"Choose one of: {', '.join(DecisionKind.values)}."]
    reason = rules.check_field(errors, "reason", rules.CASE_REASON.clean, reason, required=REASON_REQUIRED)
    if decision in NEEDS_OPEN_CASE and open_case is None:
        errors["decision"] = ["He has no open case: only task, defer or decline apply."]
    if decision in NEEDS_NO_OPEN_CASE and open_case is not None:
        errors["decision"] = ["He already has an open case: continue, exit or defer it."]
    if decision == DecisionKind.DEFER:
        if until is None:
            errors["until"] = ["Say until when the decision is deferred."]
        elif until <= item.meeting.held_on:
            errors["until"] = ["A deferral runs to a date after the meeting."]
    if decision == DecisionKind.EXIT and exit_reason not in ExitReason.values:
        errors["exit_reason"] = ["Choose why the case ends."]
    if errors:
        raise ValidationError(errors)
    return reason or ""


def meeting_decide(
    *,
    item: MeetingItem,
    decision: str,
    reason: str,
    by,
    lead=None,
    team=(),
    review_due: dt.date | None = None,
    until: dt.date | None = None,
    exit_reason: str = "",
) -> MeetingDecision:
    """Record the one decision on an agenda item, and carry it out: `task` opens a case (lead, team,
    review date), `exit` closes the open case (exit reason), `continue` keeps it (a new review date if
    given), `defer` leaves him off agendas until `until`, `decline` records that he was considered."""
    _require_chair(by, item)
    state: Any = MeetingItem.objects.filter(pk=item.pk).values("decided_at", "meeting__closed_at").first() or {}
    if state.get("meeting__closed_at") is not None:
        raise MeetingConflict("This meeting is closed: its decisions can no longer change.")
    if state.get("decided_at") is not None:
        raise MeetingConflict("This item already has its decision.")
    open_case = Case.objects.open().filter(offender_id=item.offender_id).first()
    reason = _check_decision(
        item=item, decision=decision, reason=reason, until=until, exit_reason=exit_reason, open_case=open_case
    )
    now = timezone.now()
    with transaction.atomic():
        meeting = TaskingMeeting.objects.select_for_update().get(pk=item.meeting_id)
        if not meeting.is_open:
            raise MeetingConflict("This meeting is closed: its decisions can no longer change.")
        if not MeetingItem.objects.filter(pk=item.pk, decided_at__isnull=True).update(decided_at=now):
            raise MeetingConflict("This item already has its decision.")
        case = _carry_out(
            decision, item=item, open_case=open_case, reason=reason, by=by, lead=lead, team=team,
            review_due=review_due, exit_reason=exit_reason,
        )  # fmt: skip
        try:
            with transaction.atomic():
                record = MeetingDecision.objects.create(
                    item=item,
                    decision=decision,
                    reason=reason,
                    defer_until=until if decision == DecisionKind.DEFER else None,
                    exit_reason=exit_reason if decision == DecisionKind.EXIT else "",
                    case=case,
                    decided_by=by,
                    decided_by_username=by.get_username(),
                )
        except IntegrityError as error:
            raise MeetingConflict("This item already has its decision.") from error
        if decision == DecisionKind.TASK and case is not None:
            MeetingItem.objects.filter(pk=item.pk).update(case=case)
        item.decided_at, item.case_id = now, case.pk if case else item.case_id
        changes = model_changes({}, audit_snapshot(record))
        changes["reason"] = reason
        audit_record(action="meeting.decide", target=record, changes=changes)
    return record


def _carry_out(decision, *, item, open_case, reason, by, lead, team, review_due, exit_reason) -> Case | None:
    if decision == DecisionKind.TASK:
        errors = {} if lead is not None else {"lead": ["Choose the lead officer."]}
        if errors:
            raise ValidationError(errors)
        return case_open(offender=item.offender, lead=lead, team=team, reason=reason, review_due=review_due, by=by)
    if decision == DecisionKind.EXIT:
        return case_transition(case=open_case, to=CaseStage.CLOSED, reason=reason, exit_reason=exit_reason, by=by)
    if decision == DecisionKind.CONTINUE:
        if review_due is not None:
            case_update(case=open_case, review_due=review_due, lead=UNSET, team=UNSET, by=by)
        return open_case
    return open_case


def meeting_close(*, meeting: TaskingMeeting, by) -> TaskingMeeting:
    """Freeze the meeting: every item must have its decision first (else MeetingConflict, a 409)."""
    _require_chair(by)
    with transaction.atomic():
        meeting = TaskingMeeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.is_open:
            raise MeetingConflict("This meeting is already closed.")
        undecided = MeetingItem.objects.filter(meeting=meeting, decided_at__isnull=True).count()
        if undecided:
            raise MeetingConflict(f"{undecided} item(s) still have no decision: decide each before closing.")
        before = audit_snapshot(meeting)
        meeting.closed_at, meeting.closed_by_username = timezone.now(), by.get_username()
        meeting.save(update_fields=["closed_at", "closed_by_username"])
        audit_record(action="meeting.close", target=meeting, changes=model_changes(before, audit_snapshot(meeting)))
    return meeting


def meeting_minutes_export(*, meeting: TaskingMeeting, by) -> tuple[list[list[Any]], str]:
    """The minutes as CSV lines and their file name (`minutes_csv`: the page's download and the API's
    alike), recorded as an export of personal data."""
    require(by, "meeting.view", refusal="You may not read tasking meetings.")
    lines, filename = minutes_csv(user=by, meeting=meeting)
    audit_record(action="meeting.export", target=meeting, changes={"format": "csv", "rows": len(lines) - 1})
    return lines, filename
