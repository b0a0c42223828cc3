"""Writes about victims' safety on a case: safety checks (with the victim's risk grade, MARAC status and
IDVA) and Clare's Law disclosures; and the safety gate an enforcement action passes before it is done.

Enforcement against a perpetrator can put the victim in more danger (MATAC evaluations: "tensions around
safeguarding and risk"), so an `enforcement` action is not marked done while any high-risk victim on the
case has had no safety check in the last PORTAL_SAFETY_CHECK_DAYS days (7 by default), unless a
supervisor overrides with a reason. Refusals, passes and overrides are all audited (docs/cases.md).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from offenders.models import Victim
from portal.accounts.permissions import require
from portal.accounts.roles import Role, user_role
from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot
from portal.field_errors import FieldErrors, check_choice, check_length, check_past_date

from ..models import (
    Case,
    ClaresLawDisclosure,
    DisclosureDecision,
    DisclosureRoute,
    MaracStatus,
    PlanAction,
    RiskGrade,
    SafetyCheck,
    VictimSafety,
)
from ..selectors import case_victim_ids, victims_needing_check
from .cases import UNSET, case_require_open, case_touch

SAFETY_REFUSAL = "Only the case's lead, its team and supervisors may record victims' safety on it."
NOTES_MAX = 2000
OVERRIDE_REASON_MAX = 1000


class SafetyGateClosed(ValidationError):
    """An enforcement action cannot be done yet: a high-risk victim needs a safety check first (a 409)."""

    def __init__(self, message: str, *, victim_refs: list[str]):
        super().__init__({"status": [message]})
        self.victim_refs = victim_refs
        self.detail = message


def safety_check_days() -> int:
    return settings.PORTAL_SAFETY_CHECK_DAYS


def _require(case: Case, by) -> None:
    require(by, "case.safety", case, refusal=SAFETY_REFUSAL)


def safety_check_record(
    *,
    case: Case,
    victim: Victim | None,
    checked_on: dt.date | None,
    risk_grade: str,
    notes: str = "",
    marac: str = UNSET,
    idva=UNSET,
    by,
) -> SafetyCheck:
    """Record a safety check with one victim of the case (the lead, the team, supervisors): her risk grade
    from the check, optionally her MARAC status and IDVA. A check in the future, or for someone who is
    not a victim on this case, is refused (400) and nothing is changed."""
    _require(case, by)
    case_require_open(case)
    errors = _safety_check_errors(case, victim=victim, checked_on=checked_on, risk_grade=risk_grade, notes=notes)
    if marac is not UNSET:
        check_choice(errors, "marac", marac, MaracStatus, what="a MARAC status")
    if idva is not UNSET and idva is not None and not idva.is_active:
        errors["idva"] = ["Choose an active person as the IDVA."]
    if errors:
        raise ValidationError(errors)
    assert victim is not None and checked_on is not None, "refused above"
    with transaction.atomic():
        safety, _ = VictimSafety.objects.select_for_update().get_or_create(case=case, victim=victim)
        before = audit_snapshot(safety)
        safety.risk_grade = risk_grade
        if safety.last_safety_check_on is None or checked_on > safety.last_safety_check_on:
            safety.last_safety_check_on = checked_on
        if marac is not UNSET:
            safety.marac = marac
        if idva is not UNSET:
            safety.idva = idva
        safety.save()
        check = SafetyCheck.objects.create(
            safety=safety,
            checked_on=checked_on,
            risk_grade=risk_grade,
            notes=(notes or "").strip(),
            checked_by=by,
            checked_by_username=by.get_username(),
        )
        case_touch(case)
        audit_record(
            action="case.safety_check.create",
            target=check,
            changes={"case": case.pk, "victim": victim.pk, **model_changes(before, audit_snapshot(safety))},
        )
    return check


def victims_view_record(*, case: Case) -> None:
    """The case's victims' safety was read (the case team only): audited like every view of personal data."""
    audit_record(action="case.victims.view", target=case)


def clares_law_view_record(*, case: Case) -> None:
    """The case's Clare's Law decisions were read through the API (the case team only): audited like the
    victims' safety. On the case page the read is the page's own `case.view`."""
    audit_record(action="case.clares_law.view", target=case)


def _safety_check_errors(
    case: Case, *, victim: Victim | None, checked_on: dt.date | None, risk_grade: str, notes: str
) -> dict[str, list[str]]:
    errors: FieldErrors = {}
    if victim is None or victim.pk not in case_victim_ids(case=case):
        errors["victim"] = ["Choose a victim of this offender's counted offences."]
    check_past_date(
        errors, "checked_on", checked_on, missing="Give the date of the check.",
        future="A safety check cannot be in the future.",
    )  # fmt: skip
    check_choice(errors, "risk_grade", risk_grade, RiskGrade, what="a risk grade")
    check_length(errors, "notes", notes, limit=NOTES_MAX)
    return errors


def safety_gate_check(*, action: PlanAction, override_reason: str = "", by) -> str:
    """Before an enforcement action is marked done: "" when no high-risk victim on the case lacks a recent
    safety check; "override" when a supervisor gives a reason to go ahead anyway. Otherwise the refusal is
    audited and raised (SafetyGateClosed, naming the victims' references and what to do). Every decision
    is recorded (`case.action.safety_gate`)."""
    days = safety_check_days()
    today = timezone.localdate()
    waiting = victims_needing_check(case=action.case, today=today, days=days)
    override_reason = (override_reason or "").strip()
    base = {"action": action.pk, "case": action.case_id, "days": days, "victims": [v.victim_id for v in waiting]}
    if not waiting:
        audit_record(action="case.action.safety_gate", target=action, changes={**base, "outcome": "passed"})
        return ""
    if override_reason and user_role(by) == Role.SUPERVISOR:
        if len(override_reason) > OVERRIDE_REASON_MAX:
            raise ValidationError({"override_reason": [f"At most {OVERRIDE_REASON_MAX} characters."]})
        audit_record(
            action="case.action.safety_gate",
            target=action,
            changes={**base, "outcome": "overridden", "reason": override_reason},
        )
        return "override"
    refs = [safety.victim.victim_ref for safety in waiting]
    since = today - dt.timedelta(days=days)
    message = (
        f"Victim {', '.join(refs)} is high risk and has had no safety check since {since:%d %b %Y} "
        f"(the last {days} days). Record a safety check with her first (Victims' safety on this case), "
        "or ask a supervisor to override with a reason."
    )
    if override_reason:
        message += " Only a supervisor may override the safety gate."
    audit_record(action="case.action.safety_gate", target=action, changes={**base, "outcome": "refused"})
    raise SafetyGateClosed(message, victim_refs=refs)


def clares_law_record(*, case: Case, route: str, decision: str, decided_on: dt.date | None, by) -> ClaresLawDisclosure:
    """Record a Clare's Law (Domestic Violence Disclosure Scheme) request on the case: its route, the
    decision, its date and who decided (the lead, the team, supervisors); audited."""
    _require(case, by)
    errors: FieldErrors = {}
    check_choice(errors, "route", route, DisclosureRoute, what="a route")
    check_choice(errors, "decision", decision, DisclosureDecision, what="a decision")
    check_past_date(
        errors, "decided_on", decided_on, missing="Give the date of the decision.",
        future="A decision cannot be dated in the future.",
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    assert decided_on is not None, "refused above"
    with transaction.atomic():
        disclosure = ClaresLawDisclosure.objects.create(
            case=case,
            route=route,
            decision=decision,
            decided_on=decided_on,
            decided_by=by,
            decided_by_username=by.get_username(),
        )
        case_touch(case)
        audit_record(
            action="case.clares_law.create",
            target=disclosure,
            changes=model_changes({}, audit_snapshot(disclosure)),
        )
    return disclosure
