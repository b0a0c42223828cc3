"""Every stage move: the six allowed ones succeed and are recorded; every other one is refused and changes nothing."""

import itertools

import pytest
from django.core.exceptions import ValidationError

from cases.models import ActionStatus, Case, CaseStageChange, PlanAction
from cases.services.cases import case_transition
from cases.services.plan_actions import plan_action_add
from portal.audit.models import AuditEvent

STAGES = ["tasked", "active", "charged", "closed"]
ALLOWED = {("tasked", "active"), ("tasked", "closed"), ("active", "charged"), ("active", "closed"),
           ("charged", "active"), ("charged", "closed")}  # fmt: skip
PATH_TO = {"tasked": [], "active": ["active"], "charged": ["active", "charged"], "closed": ["closed"]}


def bring_to(case, stage, by):
    for step in PATH_TO[stage]:
        extra = {"exit_reason": "risk_reduced"} if step == "closed" else {}
        case = case_transition(case=case, to=step, reason=f"to {step}", by=by, **extra)
    return case


@pytest.mark.parametrize(("start", "to"), sorted(ALLOWED))
def test_allowed_transition_is_recorded_and_audited(case, supervisor, start, to):
    case = bring_to(case, start, supervisor)
    history_before = case.stage_changes.count()
    extra = {"exit_reason": "convicted"} if to == "closed" else {}
    case = case_transition(case=case, to=to, reason="Reviewed at tasking meeting", by=supervisor, **extra)

    case.refresh_from_db()
    assert case.stage == to
    last = case.stage_changes.order_by("-id").first()
    assert (last.from_stage, last.to_stage, last.reason) == (start, to, "Reviewed at tasking meeting")
    assert last.changed_by == supervisor and last.changed_by_username == "sgt_sup"
    assert case.stage_changes.count() == history_before + 1
    event = AuditEvent.objects.filter(action="case.transition", target_id=str(case.pk)).order_by("-sequence").first()
    assert event.changes["stage"] == {"before": start, "after": to}
    if to == "closed":
        assert case.exit_reason == "convicted" and case.closed_at is not None


REFUSED = [(a, b) for a, b in itertools.product(STAGES, STAGES) if (a, b) not in ALLOWED]


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_refused_transition_changes_nothing(case, supervisor, start, to):
    case = bring_to(case, start, supervisor)
    history = case.stage_changes.count()
    audits = AuditEvent.objects.filter(action="case.transition").count()
    extra = {"exit_reason": "other"} if to == "closed" else {}
    with pytest.raises(ValidationError) as error:
        case_transition(case=case, to=to, reason="try it", by=supervisor, **extra)
    assert "to" in error.value.message_dict
    assert f"cannot move from {start} to {to}" in error.value.message_dict["to"][0]
    case.refresh_from_db()
    assert case.stage == start
    assert case.stage_changes.count() == history
    assert AuditEvent.objects.filter(action="case.transition").count() == audits


def test_count_of_transitions_covered():
    assert len(ALLOWED) + len(REFUSED) == 16


@pytest.mark.parametrize("exit_reason", ["", "bored", None])
def test_closing_needs_a_known_exit_reason(case, supervisor, exit_reason):
    with pytest.raises(ValidationError) as error:
        case_transition(case=case, to="closed", reason="done", exit_reason=exit_reason or "", by=supervisor)
    assert "exit_reason" in error.value.message_dict
    case.refresh_from_db()
    assert case.stage == "tasked" and case.exit_reason == ""


def test_exit_reason_only_when_closing(case, supervisor):
    with pytest.raises(ValidationError) as error:
        case_transition(case=case, to="active", reason="go", exit_reason="convicted", by=supervisor)
    assert "exit_reason" in error.value.message_dict
    assert Case.objects.get(pk=case.pk).stage == "tasked"


def test_reason_is_required(case, supervisor):
    with pytest.raises(ValidationError) as error:
        case_transition(case=case, to="active", reason="   ", by=supervisor)
    assert "reason" in error.value.message_dict
    assert Case.objects.get(pk=case.pk).stage == "tasked"


def test_unknown_stage_is_refused(case, supervisor):
    with pytest.raises(ValidationError) as error:
        case_transition(case=case, to="archived", reason="x", by=supervisor)
    assert "Unknown stage" in error.value.message_dict["to"][0]


def test_closing_cancels_open_actions_and_keeps_done_ones(case, supervisor, lead, today):
    import datetime as dt

    open_one = plan_action_add(case=case, strand="pursue", description="Arrest", owner=lead,
                               due_on=today + dt.timedelta(days=3), by=lead)  # fmt: skip
    done = plan_action_add(case=case, strand="protect", description="Visit", owner=lead, due_on=today, by=lead)
    PlanAction.objects.filter(pk=done.pk).update(status="done", outcome="safeguarding_visit")
    case_transition(case=case, to="closed", reason="Convicted at crown court", exit_reason="convicted", by=supervisor)
    open_one.refresh_from_db()
    done.refresh_from_db()
    assert open_one.status == ActionStatus.CANCELLED and open_one.completed_at is not None
    assert done.status == ActionStatus.DONE and done.outcome == "safeguarding_visit"


def test_history_starts_with_the_tasking(case):
    first = CaseStageChange.objects.filter(case=case).order_by("id").first()
    assert (first.from_stage, first.to_stage) == ("", "tasked")
    assert first.reason == "Top of the list; repeat partner abuse"
