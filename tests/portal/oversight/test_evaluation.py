"""The tasking evaluation against planted answers (docs/evaluation.md), with cohorts from the synthetic
history's tasking meetings. The population's shape is tested in tests/offenders/test_population_shape.py."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from cases.cohorts import tasking_cohorts
from cases.models import Case, DecisionKind, MeetingDecision, TaskingMeeting
from offenders.models import Offender
from portal.oversight.selectors.evaluation import tasking_evaluation
from scoring.models import RankingSnapshot
from tests.conftest import mark_session_mfa_verified

ANCHOR = "2026-06-30"
TOP_N = 100  # the default list; the planted tests need a full-sized population to be precise


def seed(offenders: int, *extra: str) -> None:
    call_command("seed_demo", "--offenders", str(offenders), "--seed", "7", "--anchor", ANCHOR, *extra,
                 stdout=io.StringIO())  # fmt: skip


def evaluate() -> dict:
    return tasking_evaluation(user=None, today=dt.date.fromisoformat(ANCHOR))


def did_harm(answer: dict) -> dict:
    return next(e for e in answer["estimates"] if e["method"] == "did" and e["outcome"] == "harm_days")


@pytest.fixture
def top_n(settings):
    settings.PORTAL_TOP_N = TOP_N


def test_a_planted_fall_is_found_and_its_interval_holds_it(db, top_n):
    seed(35000, "--history-months", "24", "--tasking-effect", "-0.4")
    answer = evaluate()
    estimate = did_harm(answer)
    assert estimate["ci_high"] < 0, estimate  # excludes 0
    assert estimate["ci_low"] <= -0.4 <= estimate["ci_high"], estimate  # contains the planted effect
    assert len(answer["cohorts"]) >= 3 and not answer["warnings"]
    assert estimate["n_treated"] >= 30 and estimate["n_comparison"] >= 30
    assert {(e["method"], e["outcome"]) for e in answer["estimates"]} == {
        ("did", "harm_days"),
        ("did", "offences"),
        ("rdd", "harm_days"),
        ("rdd", "offences"),
    }
    assert "fell by more than the comparison group's" in answer["summary"][0]
    assert answer["actions"]["tasked_cases"] > 0 and answer["actions"]["positive_actions_per_case"] > 0


def test_no_planted_effect_is_no_effect_found(db, top_n):
    seed(35000, "--history-months", "24")
    answer = evaluate()
    estimate = did_harm(answer)
    assert estimate["ci_low"] <= 0 <= estimate["ci_high"], estimate
    assert answer["summary"][0].startswith("No effect of tasking on harm was found")
    # both groups fall (they were listed at their worst): named for what it is
    tasked, comparison = answer["groups"]
    assert tasked["harm_days_change"] < 0 and comparison["harm_days_change"] < 0
    assert any("regression to the mean" in sentence for sentence in answer["summary"])


def test_too_few_cohorts_warns_and_estimates_nothing(db, top_n):
    seed(3000, "--history-months", "7")  # two rankings have 180 days of follow-up
    answer = evaluate()
    assert answer["estimates"] == []
    assert any("at least 3 are needed" in warning for warning in answer["warnings"])
    assert answer["summary"][0].startswith("No estimate of the effect of tasking can be given yet")


def test_the_history_holds_a_closed_meeting_on_each_monthly_ranking_and_tasks_from_its_decisions(db, top_n):
    seed(3000, "--history-months", "4")
    snapshots = list(RankingSnapshot.objects.order_by("as_of"))
    assert len(snapshots) == 4
    assert all(
        later.as_of - earlier.as_of == dt.timedelta(days=30)
        for earlier, later in zip(snapshots, snapshots[1:], strict=False)
    )
    meetings = list(TaskingMeeting.objects.order_by("held_on"))
    assert [m.snapshot_id for m in meetings] == [s.pk for s in snapshots]
    assert all(m.closed_at is not None and m.held_on > m.snapshot.as_of for m in meetings)
    decisions = MeetingDecision.objects.filter(item__meeting__in=meetings)
    kinds = set(decisions.values_list("decision", flat=True))
    assert DecisionKind.TASK in kinds and kinds & {DecisionKind.DECLINE, DecisionKind.DEFER}
    assert not decisions.filter(reason="").exists()
    assert not MeetingDecision.objects.filter(decision=DecisionKind.DEFER, defer_until__isnull=True).exists()
    tasked = decisions.filter(decision=DecisionKind.TASK)
    assert not tasked.filter(case__isnull=True).exists()
    cohorts = {c.snapshot_id: c for c in tasking_cohorts(top_n=TOP_N, offenders=Offender.objects.all())}
    for meeting in meetings:  # the tasked group is exactly the meeting's task decisions
        cohort = cohorts[meeting.snapshot_id]
        decided = tasked.filter(item__meeting=meeting)
        assert set(cohort.tasked) == set(decided.values_list("item__offender_id", flat=True))
        assert sorted(cohort.case_ids) == sorted(decided.values_list("case_id", flat=True))
        not_tasked = decisions.filter(item__meeting=meeting).exclude(decision=DecisionKind.TASK)
        assert not set(cohort.tasked) & set(not_tasked.values_list("item__offender_id", flat=True))
        assert not set(cohort.tasked) & set(cohort.comparison)
    history = set(Case.objects.filter(reason__contains="synthetic history").values_list("id", flat=True))
    assert history == set(tasked.values_list("case_id", flat=True))


def test_evaluate_tasking_prints_a_table_and_the_same_json(db, top_n):
    seed(3000, "--history-months", "8")
    out = io.StringIO()
    call_command("evaluate_tasking", "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert {"horizon_days", "cohorts", "estimates", "warnings"} <= set(answer)
    assert answer["horizon_days"] == 180
    out = io.StringIO()
    call_command("evaluate_tasking", "--horizon", "90", stdout=out)
    assert "Horizon: 90 days" in out.getvalue()


def test_the_page_api_and_csv_show_the_evaluation_pseudonymised(db, top_n, make_user, client):
    seed(3000, "--history-months", "8")
    oversight = make_user("oversight", username="watcher")
    client.force_login(oversight)
    mark_session_mfa_verified(client, oversight)
    page = client.get("/oversight/evaluation/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Does tasking work?" in body and 'data-table="estimates"' in body
    assert "DEMO7-P" not in body and Offender.objects.first().surname not in body  # no one is named
    api = client.get("/api/v1/reports/evaluation/?horizon=180")
    assert api.status_code == 200
    assert {"horizon_days", "cohorts", "estimates", "warnings"} <= set(api.json())
    csv = client.get("/api/v1/reports/evaluation/?format=csv")
    assert csv.status_code == 200 and b"method,outcome,effect" in b"".join(csv.streaming_content)
    assert client.get("/api/v1/reports/evaluation/?horizon=abc").status_code == 400
    client.force_login(make_user("officer", username="constable"))
    assert client.get("/api/v1/reports/evaluation/").status_code == 403
