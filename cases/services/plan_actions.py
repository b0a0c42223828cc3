"""Writes of 4P plan actions: adding an action to a strand and completing or cancelling it.

An action always has an owner who can work the case (so the person chased by the morning digest can
actually do it) and a due date that is not already past; "done" always carries an outcome, because
outcomes are what the oversight reports count.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from offenders import rules
from portal.accounts.permissions import can, refuse
from portal.accounts.roles import Role, user_role
from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot

from ..models import ActionKind, ActionStatus, Case, Outcome, PlanAction, Strand
from .cases import UNSET, case_require, case_require_open, case_touch, case_worker_error
from .safety import safety_gate_check


def _owner_error(owner, case: Case, *, by) -> str | None:
    """Why `owner` cannot own an action on `case`: an officer or a partner must be the lead or on the team,
    and a partner adds actions only for themselves."""
    if user_role(by) == Role.PARTNER and owner != by:
        return "A partner adds actions they own themselves."
    if user_role(owner) == Role.PARTNER:
        if not can(owner, "case.act", case):
            return f"{owner.get_username()} is not on the team of this case; add them to the team first."
        return None
    if problem := case_worker_error(owner, case.offender):
        return problem
    if user_role(owner) == Role.OFFICER and not can(owner, "case.work", case):
        return f"{owner.get_username()} is not the lead or on the team of this case; add them to the team first."
    return None


def plan_action_add(
    *,
    case: Case,
    strand: str,
    description: str,
    owner,
    due_on: dt.date | None,
    kind: str = ActionKind.GENERAL,
    by,
) -> PlanAction:
    """Add an action to one strand of the plan (the lead, the team and supervisors); `kind` enforcement
    for an arrest, search, order application or disruption visit (the safety gate applies when done)."""
    case_require(by=by, capability="case.act", case=case)
    case_require_open(case)
    errors: dict[str, list[str]] = {}
    if strand not in Strand.values:
        errors["strand"] = [f"Choose a strand: {', '.join(Strand.values)}."]
    if kind not in ActionKind.values:
        errors["kind"] = [f"Choose a kind: {', '.join(ActionKind.values)}."]
    description = rules.check_field(
        errors, "description", rules.ACTION_DESCRIPTION.clean, description, required="Describe the action."
    )
    if owner is None:
        errors["owner"] = ["Every action needs an owner."]
    elif problem := _owner_error(owner, case, by=by):
        errors["owner"] = [problem]
    if due_on is None:
        errors["due_on"] = ["Every action needs a due date."]
    else:
        rules.check_field(errors, "due_on", rules.check_due_date, due_on, label="due date")
    if errors:
        raise ValidationError(errors)
    assert due_on is not None, "refused above"
    with transaction.atomic():
        action = PlanAction.objects.create(
            case=case, strand=strand, kind=kind, description=description, owner=owner, due_on=due_on, created_by=by
        )
        case_touch(case)
        audit_record(
            action="case.action.create",
            target=action,
            object_repr=f"Action {action.pk} on case {case.pk}",
            changes=model_changes({}, audit_snapshot(action)),
        )
    return action


def plan_action_update(
    *, action: PlanAction, by, status: str = UNSET, outcome: str = UNSET, override_reason: str = ""
) -> PlanAction:
    """Complete (with an outcome) or cancel an open action; a finished action is not reopened. An
    enforcement action passes the victims' safety gate before it is done (cases/services/safety.py; a
    supervisor may override it with `override_reason`)."""
    case = action.case
    case_require(by=by, capability="case.act", case=case)
    if user_role(by) == Role.PARTNER and action.owner_id != by.pk:
        refuse(by, "A partner completes only the actions they own.", capability="case.act", target=action)
    case_require_open(case)
    new_status = action.status if status is UNSET else status
    new_outcome = action.outcome if outcome is UNSET else (outcome or "")
    _check_action_change(action, new_status=new_status, new_outcome=new_outcome)
    overridden = ""
    if action.kind == ActionKind.ENFORCEMENT and new_status == ActionStatus.DONE and action.status != new_status:
        overridden = safety_gate_check(action=action, override_reason=override_reason, by=by)
    with transaction.atomic():
        before = audit_snapshot(action)
        if overridden:
            action.safety_override_reason = override_reason.strip()
        if new_status != action.status:
            action.completed_at = timezone.now() if new_status != ActionStatus.OPEN else None
        action.status, action.outcome = new_status, new_outcome
        action.save()
        changes = model_changes(before, audit_snapshot(action))
        if changes:
            case_touch(case)
            audit_record(
                action="case.action.update",
                target=action,
                object_repr=f"Action {action.pk} on case {case.pk}",
                changes=changes,
            )
    return action


def _check_action_change(action: PlanAction, *, new_status: str, new_outcome: str) -> None:
    errors: dict[str, list[str]] = {}
    if new_status not in ActionStatus.values:
        errors["status"] = [f"Choose a status: {', '.join(ActionStatus.values)}."]
    elif action.status != ActionStatus.OPEN and new_status != action.status:
        errors["status"] = [f"This action is already {action.status}; add a new action instead of reopening it."]
    if new_outcome and new_outcome not in Outcome.values:
        errors["outcome"] = [f"Choose an outcome: {', '.join(Outcome.values)}."]
    elif new_status == ActionStatus.DONE and not new_outcome:
        errors["outcome"] = ["A done action needs an outcome."]
    elif new_status != ActionStatus.DONE and new_outcome:
        errors["outcome"] = ["An outcome is recorded only when the action is done."]
    if errors:
        raise ValidationError(errors)
