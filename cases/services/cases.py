"""Writes of cases: tasking an offender, changing lead/team/review date, moving stages, adding notes, and
the audit records of reading a case or the dashboard.

Every write checks the caller's permission here, whoever calls it (`by`; ADR 0500 and 0506), validates
every field at once (a Django ValidationError with field names, which forms and the API both show), and
records itself in the case history and the audit chain inside the same transaction as the change.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from offenders import rules
from offenders.models import Offender
from portal.accounts.permissions import can, require
from portal.accounts.roles import Role, user_role
from portal.accounts.selectors import partner_agreement
from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot

from .. import scores
from ..dashboard import PERSONAL_PANELS
from ..models import ActionStatus, Case, CaseNote, CaseStage, CaseStageChange, ExitReason
from ..selectors import offender_has_open_case

REVIEW_CYCLE_DAYS = 28  # a case is reviewed every four weeks unless the supervisor sets a date
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStage.TASKED: frozenset({CaseStage.ACTIVE, CaseStage.CLOSED}),
    CaseStage.ACTIVE: frozenset({CaseStage.CHARGED, CaseStage.CLOSED}),
    CaseStage.CHARGED: frozenset({CaseStage.ACTIVE, CaseStage.CLOSED}),
    CaseStage.CLOSED: frozenset(),
}
CASE_WORKER_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})
UNSET: Any = object()
REFUSALS = {
    "case.manage": "Only a supervisor may task an offender, or change a case's lead, team, review date or stage.",
    "case.work": "Only the case's lead, its team and supervisors may add notes and actions to it.",
    "case.act": "Only the case's lead, its team and supervisors may add and complete its actions.",
}


def case_require(*, by, capability: str, case: Case | None = None) -> None:
    """Refuse (Refused: a 403, recorded once) unless `by` may use `capability` on `case`: the role, and
    the place on the case (cases/permissions.py)."""
    require(by, capability, case, refusal=REFUSALS[capability])


def case_require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError({"stage": ["This case is closed; it can no longer change."]})


def case_worker_error(user, offender: Offender) -> str | None:
    """Why `user` cannot lead, join or own work on a case about `offender`, or None when they can."""
    if user is None:
        return "Choose a person."
    if not user.is_active or user_role(user) not in CASE_WORKER_ROLES:
        return f"{user.get_username()} is not an active officer or supervisor."
    if not can(user, "offender.view", offender):
        return f"{user.get_username()} may not see this offender (restricted record)."
    return None


def team_member_error(user, offender: Offender) -> str | None:
    """Why `user` cannot join the team of a case about `offender`, or None when they can: police as for
    any case work; a partner while their organisation's agreement is in force, never on a restricted
    offender's case (docs/partners.md)."""
    if user is not None and user_role(user) == Role.PARTNER:
        if not user.is_active or partner_agreement(user) is None:
            return f"{user.get_username()} is a partner whose organisation has no sharing agreement in force."
        if offender.restricted:
            return "A partner cannot join the case of a restricted offender."
        return None
    return case_worker_error(user, offender)


def _check_people(errors: dict, *, offender: Offender, lead=UNSET, team=UNSET) -> None:
    if lead is not UNSET and (problem := case_worker_error(lead, offender)):
        errors["lead"] = [problem]
    if team is not UNSET:
        problems = [p for member in team if (p := team_member_error(member, offender))]
        if problems:
            errors["team"] = problems


def _check_review_due(errors: dict, review_due: dt.date | None) -> None:
    rules.check_field(errors, "review_due", rules.check_due_date, review_due, label="review date")


def case_touch(case: Case) -> None:
    """Note activity on the case (the supervisor's dashboard lists cases without any for 28 days)."""
    case.last_activity_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(last_activity_at=case.last_activity_at)


def case_open(
    *,
    offender: Offender,
    lead,
    team: Iterable = (),
    reason: str,
    review_due: dt.date | None = None,
    by,
) -> Case:
    """Task an offender: a supervisor's decision, with a reason; the score at tasking is copied."""
    case_require(by=by, capability="case.manage")
    require(by, "offender.view", offender, refusal="You may not see this offender.")
    team = list(dict.fromkeys(team))
    errors: dict[str, list[str]] = {}
    required = "Say why this offender is being tasked: the decision is yours, the score only advises."
    reason = rules.check_field(errors, "reason", rules.CASE_REASON.clean, reason, required=required)
    _check_people(errors, offender=offender, lead=lead, team=team)
    _check_review_due(errors, review_due)
    if offender_has_open_case(offender=offender):
        errors["offender"] = ["This offender already has an open case."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        score = scores.score_now(offender=offender)
        case = Case(
            offender=offender,
            lead=lead,
            reason=reason,
            review_due=review_due or timezone.localdate() + dt.timedelta(days=REVIEW_CYCLE_DAYS),
            score_at_tasking=score.score if score else None,
            rank_at_tasking=score.rank if score else None,
            policy_at_tasking=score.policy if score else "",
            opened_by=by,
            opened_by_username=by.get_username(),
        )
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as error:  # a concurrent tasking of the same offender won the race
            raise ValidationError({"offender": ["This offender already has an open case."]}) from error
        case.team.set(team)
        _record_stage(case, from_stage="", to_stage=CaseStage.TASKED, reason=reason, by=by)
        audit_record(action="case.open", target=case, changes=model_changes({}, audit_snapshot(case)))
    return case


def case_update(*, case: Case, by, lead=UNSET, team=UNSET, review_due=UNSET) -> Case:
    """Change the lead, the team or the review date of an open case (supervisors)."""
    case_require(by=by, capability="case.manage", case=case)
    case_require_open(case)
    team = UNSET if team is UNSET else list(dict.fromkeys(team))
    errors: dict[str, list[str]] = {}
    _check_people(errors, offender=case.offender, lead=lead, team=team)
    if review_due is not UNSET:
        if review_due is None:
            errors["review_due"] = ["An open case needs a review date."]
        else:
            _check_review_due(errors, review_due)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = audit_snapshot(case)
        if lead is not UNSET:
            case.lead = lead
        if review_due is not UNSET and review_due != case.review_due:
            case.review_due, case.review_flagged_on = review_due, None
        case.last_activity_at = timezone.now()
        case.save()
        if team is not UNSET:
            case.team.set(team)
        changes = model_changes(before, audit_snapshot(case))
        if changes:
            audit_record(action="case.update", target=case, changes=changes)
    return case


def case_transition(*, case: Case, to: str, reason: str, exit_reason: str = "", by) -> Case:
    """Move a case along an allowed transition; closing needs an exit reason and cancels open actions."""
    case_require(by=by, capability="case.manage", case=case)
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("offender").get(pk=case.pk)
        _check_transition(case, to=to, reason=reason, exit_reason=exit_reason)
        before = audit_snapshot(case)
        from_stage, case.stage = case.stage, to
        cancelled = 0
        if to == CaseStage.CLOSED:
            case.exit_reason, case.closed_at = exit_reason, timezone.now()
            _copy_score_at_exit(case)
            cancelled = case.actions.filter(status=ActionStatus.OPEN).update(
                status=ActionStatus.CANCELLED, completed_at=case.closed_at, updated_at=case.closed_at
            )
        case.last_activity_at = timezone.now()
        case.save()
        _record_stage(case, from_stage=from_stage, to_stage=to, reason=reason.strip(), exit_reason=exit_reason, by=by)
        changes = model_changes(before, audit_snapshot(case))
        changes["reason"] = reason.strip()
        if cancelled:
            changes["open_actions_cancelled"] = cancelled
        audit_record(action="case.transition", target=case, changes=changes)
    return case


def _copy_score_at_exit(case: Case) -> None:
    """Freeze the score, rank and policy on the day the case closed (ADR 0503): the fall in harm from
    tasking to exit must not drift as the live score moves on after the case is gone."""
    score = scores.score_now(offender=case.offender)
    case.score_at_exit = score.score if score else None
    case.rank_at_exit = score.rank if score else None
    case.policy_at_exit = score.policy if score else ""


def _check_transition(case: Case, *, to: str, reason: str, exit_reason: str) -> None:
    """Every way a stage move can be wrong, reported at once; nothing is changed when any is."""
    errors: dict[str, list[str]] = {}
    allowed = ALLOWED_TRANSITIONS.get(case.stage, frozenset())
    if to not in CaseStage.values:
        errors["to"] = [f"Unknown stage {to!r}: choose one of {', '.join(CaseStage.values)}."]
    elif to not in allowed:
        options = ", ".join(sorted(allowed)) or "none (the case is closed)"
        errors["to"] = [f"A case cannot move from {case.stage} to {to}. Allowed from {case.stage}: {options}."]
    rules.check_field(
        errors, "reason", rules.CASE_REASON.clean, reason, required="Give a reason for the change of stage."
    )
    if to == CaseStage.CLOSED and exit_reason not in ExitReason.values:
        errors["exit_reason"] = [f"Closing a case needs an exit reason: one of {', '.join(ExitReason.values)}."]
    elif to != CaseStage.CLOSED and exit_reason:
        errors["exit_reason"] = ["An exit reason is given only when closing a case."]
    if errors:
        raise ValidationError(errors)


def _record_stage(case: Case, *, from_stage: str, to_stage: str, reason: str, by, exit_reason: str = "") -> None:
    CaseStageChange.objects.create(
        case=case,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason,
        exit_reason=exit_reason,
        changed_by=by,
        changed_by_username=by.get_username() if by else "",
    )


def case_note_add(*, case: Case, text: str, shared_with_partners: bool = False, by) -> CaseNote:
    """Add a note (the lead, the team and supervisors); police-only unless `shared_with_partners`."""
    case_require(by=by, capability="case.work", case=case)
    case_require_open(case)
    errors: dict[str, list[str]] = {}
    text = rules.check_field(errors, "text", rules.CASE_NOTE.clean, text, required="Write the note.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case,
            text=text,
            author=by,
            author_username=by.get_username(),
            shared_with_partners=bool(shared_with_partners),
        )
        case_touch(case)
        audit_record(
            action="case.note.create",
            target=note,
            object_repr=f"Note on case {case.pk}",
            changes={"case": case.pk, "length": len(text), "shared_with_partners": note.shared_with_partners},
        )
    return note


def case_view_record(*, case: Case, purpose: str = "") -> None:
    """Record that a case was opened (docs/access-and-audit.md: every view of a case is audited)."""
    audit_record(action="case.view", target=case, purpose=purpose)


def partner_disclosure_record(*, user, what: str, case: Case | None = None, case_ids: Iterable[int] = ()) -> None:
    """A partner read case information: one `partner.disclosure` event naming their organisation and the
    agreement it was shared under (DPA 2018 s.62: every disclosure is logged). `what`: the list, the case,
    its actions or its notes. Nothing is recorded for a police reader (their reads are audited as usual)."""
    agreement = partner_agreement(user)
    if agreement is None:
        return
    changes = {
        "organisation": agreement.organisation.name,
        "organisation_id": agreement.organisation_id,
        "agreement": agreement.pk,
        "legal_basis": agreement.legal_basis[:200],
        "what": what,
    }
    if case is not None:
        audit_record(action="partner.disclosure", target=case, changes=changes)
    else:
        changes["cases"] = sorted(case_ids)
        audit_record(action="partner.disclosure", target_type=Case.AUDIT_TARGET_TYPE, changes=changes)


def dashboard_view_record(*, panels: dict[str, Any]) -> None:
    """The officer and supervisor panels name offenders (my cases, actions, reviews, new entrants), so a
    dashboard that shows any writes ONE `dashboard.view` event with the rows per panel; the aggregate
    (counts-only) dashboard of admin and oversight writes none."""
    rows = {name: len(panels[name]) for name in PERSONAL_PANELS if panels.get(name)}
    if rows:
        audit_record(
            action="dashboard.view", target_type="portal.dashboard", target_id=panels["panels"], changes={"rows": rows}
        )
