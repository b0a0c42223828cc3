"""Outcomes and governance figures against cases, actions, policies and rankings placed by hand."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, PlanAction
from portal.oversight.selectors.governance import governance_report
from portal.oversight.selectors.outcomes import outcomes_report
from scoring.models import HarmEntry, ScoringPolicy
from tests.factories import OffenderFactory
from tests.factories.cases import open_case
from tests.factories.clock import at_noon, days_ago, period
from tests.factories.scores import active_policy, give_score, publish

pytestmark = pytest.mark.django_db


def add_action(case, *, outcome: str, status: str = "done", after_days: float, owner):
    completed = case.opened_at + dt.timedelta(days=after_days)
    return PlanAction.objects.create(case=case, strand="pursue", description="x", owner=owner, due_on=completed.date(),
                                     status=status, outcome=outcome, completed_at=completed)  # fmt: skip


@pytest.fixture
def outcomes(make_user, supervisor):
    """Month 1 (70 days ago): A (arrest after 10 days, a referral too; closed, convicted, score 500 -> 200)
    and B (only a cancelled charge). Month 2 (30 days ago): C (charge after 4 days, conviction after 20)."""
    a, b, c = OffenderFactory(), OffenderFactory(), OffenderFactory()
    give_score(a, score=150, eligible=True)  # the live score has moved on since A's case closed: not the exit score
    first, second = at_noon(days_ago(70)), at_noon(days_ago(30))
    case_a = open_case(a, lead=supervisor, opened_at=first, score_at_tasking=500)
    case_b = open_case(b, lead=supervisor, opened_at=first + dt.timedelta(hours=1), stage="active")
    case_c = open_case(c, lead=supervisor, opened_at=second, score_at_tasking=300)
    add_action(case_a, outcome="arrest", after_days=10, owner=supervisor)
    add_action(case_a, outcome="referral", after_days=2, owner=supervisor)
    add_action(case_b, outcome="charge", status="cancelled", after_days=1, owner=supervisor)
    add_action(case_c, outcome="conviction", after_days=20, owner=supervisor)
    add_action(case_c, outcome="charge", after_days=4, owner=supervisor)
    Case.objects.filter(pk=case_a.pk).update(
        stage="closed", exit_reason="convicted", closed_at=at_noon(days_ago(5)), score_at_exit=200
    )
    report = outcomes_report(user=make_user("oversight"), period=period(days_ago(365)))
    months = [timezone.localtime(first).strftime("%Y-%m"), timezone.localtime(second).strftime("%Y-%m")]
    return report, months


def test_monthly_tasking_and_positive_action(outcomes):
    report, months = outcomes
    rows = report.table("monthly").preview()[0]
    assert rows == [
        {"month": months[0], "tasked": 2, "with_positive_action": 1, "positive_share": 50.0,
         "median_days_to_first": 10.0},
        {"month": months[1], "tasked": 1, "with_positive_action": 1, "positive_share": 100.0,
         "median_days_to_first": 4.0},
    ]  # fmt: skip
    figures = {figure.label: figure.value for figure in report.figures}
    assert figures["Offenders tasked"] == 3
    assert figures["With positive action (arrest, charge, remand, conviction)"] == "2 (66.7%)"
    assert figures["Median days from tasking to first positive action"] == 7.0


def test_stages_and_score_fall(outcomes):
    report, _months = outcomes
    stages = {row["stage"]: row["cases"] for row in report.table("stages").preview()[0]}
    assert stages == {"Tasked": 1, "Active": 1, "Charged": 0, "Closed": 1}
    assert report.table("score-fall").preview()[0] == [
        {"exit_reason": "Convicted", "cases": 1, "mean_at_tasking": 500.0, "mean_at_exit": 200.0, "mean_fall": 300.0,
         "median_fall": 300.0, "share_fallen": 100.0}
    ]  # fmt: skip
    assert [chart.key for chart in report.charts] == ["tasked-by-month", "cases-by-stage"]


def test_outcomes_without_cases_is_no_data(make_user):
    report = outcomes_report(user=make_user("oversight"), period=period(days_ago(30)))
    assert [figure.value for figure in report.figures] == [None, None, None, None]
    assert report.table("stages").preview()[0] == [] and report.charts == []


@pytest.fixture
def governance(settings, make_user, supervisor):
    settings.PORTAL_TOP_N = 4
    v1 = active_policy()
    v2 = ScoringPolicy.objects.create(name="Longer window", version=2, based_on=v1, window_days=730,
                                      author_username="admin_ann")  # fmt: skip
    entries = list(v1.entries.all()[:3])
    HarmEntry.objects.bulk_create(
        HarmEntry(policy=v2, offence_type=e.offence_type, code=e.code, title=e.title, days=e.days + (i == 0))
        for i, e in enumerate(entries)
    )
    people = [OffenderFactory() for _ in range(7)] + [OffenderFactory(review_due=days_ago(1))]
    first = publish(people[:6], when=at_noon(days_ago(14)))
    publish([people[0], people[1], people[6], people[7], people[2]], when=at_noon(days_ago(7)), previous=first)
    today = timezone.localdate()
    for offender, reason in zip(people[:3], ("convicted", "convicted", "risk_reduced"), strict=True):
        open_case(offender, lead=supervisor, opened_at=at_noon(days_ago(60)), stage="closed", exit_reason=reason,
                  closed_at=at_noon(days_ago(10)))  # fmt: skip
    for offender, due in zip(people[3:8], (3, 10, 100, None, -5), strict=True):
        open_case(offender, lead=supervisor, opened_at=at_noon(days_ago(60)),
                  review_due=today - dt.timedelta(days=due) if due is not None else None)  # fmt: skip
    return governance_report(user=make_user("oversight"), period=period(days_ago(365))), v2


def test_policy_versions_with_author_approver_and_changes(governance):
    report, v2 = governance
    rows = {row["version"]: row for row in report.table("policies").preview()[0]}
    assert rows[1]["approved_by"] == "system (installation)" and rows[1]["status"] == "active"
    assert rows[1]["changes"] == "first version"
    assert rows[2]["author"] == "admin_ann" and rows[2]["approved_by"] == ""
    removed = rows[1] and v2.based_on.entries.count() - 3
    assert (
        rows[2]["changes"]
        == f"from v1: window_days 365 -> 730; {removed} offence codes removed; 1 offence codes changed"
    )


def test_churn_exits_and_overdue_reviews(governance):
    report, _v2 = governance
    churn = report.table("churn").preview()[0]
    assert [(row["in_top_n"], row["entered"], row["left"], row["churn"]) for row in churn] == [
        (4, None, None, None),  # the first ranking has nothing to compare with
        (4, 2, 2, 50.0),  # top 4 went from people 0-3 to 0, 1, 6, 7
    ]
    exits = [(row["exit_reason"], row["cases"], row["share"]) for row in report.table("exits").preview()[0]]
    assert exits == [("Convicted", 2, 66.7), ("Risk reduced", 1, 33.3)]
    overdue = {row["overdue_by"]: row["cases"] for row in report.table("overdue").preview()[0]}
    assert overdue == {"1 to 7 days": 1, "8 to 28 days": 1, "29 to 90 days": 0, "over 90 days": 1,
                       "no review date set": 1}  # fmt: skip
    figures = {figure.label: figure.value for figure in report.figures}
    assert figures["Open cases with an overdue review (today)"] == 3
    assert figures["Cases closed in the period"] == 3
    assert figures["Active offenders whose review date has passed (today)"] == 1  # one of the eight people


def test_no_offender_review_dates_is_no_data_not_zero(make_user):
    from portal.oversight.selectors.governance import offender_reviews_overdue

    OffenderFactory(review_due=None)
    assert offender_reviews_overdue(user=make_user("oversight")) is None
    OffenderFactory(review_due=days_ago(-10))
    assert offender_reviews_overdue(user=make_user("oversight")) == 0
