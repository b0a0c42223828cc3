"""What the cases app contributes to records review and disposal (docs/records.md), through the offenders
app's hooks: a record with an open case may not be disposed of; disposal erases the free text of his
cases; the subject access bundle lists his tasking decisions and case stages.
"""

from typing import Any

from offenders.models import Offender

from .models import Case, CaseNote, CaseStageChange, MeetingDecision, MeetingItem, PlanAction, VictimSafety

OPEN_CASE = "He has an open case: close it first."
ERASED = "(erased on disposal)"


def disposal_blocker(*, offender: Offender) -> str:
    return OPEN_CASE if Case.objects.filter(offender=offender).open().exists() else ""


def case_text_erase(*, offender: Offender) -> dict[str, int]:
    """The free text written about him goes (reasons, plan actions, notes, meeting referrals and
    decisions' reasons), and so does what the case team knew of his victims' safety (their risk grades,
    checks and IDVA: the victims themselves are erased next, by the offenders app); stages, dates,
    outcomes, decisions and the copied scores stay, so the outcome counts still add up."""
    cases = Case.objects.filter(offender=offender)
    items = MeetingItem.objects.filter(offender=offender)
    safety, _ = VictimSafety.objects.filter(case__in=cases).delete()
    return {
        "victim_safety": safety,
        "meeting_referrals": items.exclude(referral_reason="").update(referral_reason=ERASED),
        "meeting_decision_reasons": MeetingDecision.objects.filter(item__in=items).update(reason=ERASED),
        "cases": cases.update(reason=ERASED),
        "case_stage_reasons": CaseStageChange.objects.filter(case__in=cases).update(reason=ERASED),
        "plan_actions": PlanAction.objects.filter(case__in=cases).update(description=ERASED),
        "case_notes": CaseNote.objects.filter(case__in=cases).update(text=ERASED),
    }


def subject_access_cases(*, offender: Offender) -> list[dict[str, Any]]:
    """His tasking decisions and case stages, dated; no notes, no staff names, no free text written by
    officers (police-only), no victim."""
    cases = Case.objects.filter(offender=offender).prefetch_related("stage_changes").order_by("opened_at", "pk")
    return [
        {
            "case": case.pk,
            "tasked_on": case.opened_at.date().isoformat(),
            "score_at_tasking": case.score_at_tasking,
            "rank_at_tasking": case.rank_at_tasking,
            "policy_at_tasking": case.policy_at_tasking,
            "stage": case.stage,
            "closed_on": case.closed_at.date().isoformat() if case.closed_at else None,
            "exit_reason": case.exit_reason or None,
            "stages": [
                {"from": change.from_stage or None, "to": change.to_stage, "on": change.changed_at.date().isoformat()}
                for change in sorted(case.stage_changes.all(), key=lambda change: (change.changed_at, change.pk))
            ],
        }
        for case in cases
    ]
