"""The access report against audit events placed by hand on two days."""

import pytest

from portal.oversight.selectors.access import access_report
from tests.factories import OffenderFactory
from tests.factories.audit import record_event
from tests.factories.cases import open_case
from tests.factories.clock import at_noon, days_ago, period

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(make_user):
    day1, day2 = days_ago(10), days_ago(9)
    alpha, bravo, charlie, heavy = (make_user("officer", username=name) for name in
                                    ("pc_alpha", "pc_bravo", "pc_charlie", "pc_heavy"))  # fmt: skip
    delta = make_user("supervisor", username="sgt_delta")
    hidden = OffenderFactory(surname="Restrictedname", forenames="Quentin", restricted=True)
    plain = OffenderFactory()
    view = {"action": "offender.view", "when": at_noon(day1)}
    record_event(user=alpha, target=hidden, purpose="investigation", **view)
    record_event(user=alpha, target=plain, purpose="investigation", **view)
    record_event(user=alpha, action="offender.view", when=at_noon(day2), target=plain, purpose="investigation")
    record_event(user=bravo, target=plain, purpose="safeguarding", **view)
    record_event(user=bravo, action="access.refused", when=at_noon(day1), target_type="url",
                 target_id=f"/offenders/{hidden.pk}/", changes={"reason": "needs restricted access"})  # fmt: skip
    hidden_case = open_case(hidden, lead=delta, opened_at=at_noon(days_ago(20)))
    record_event(user=charlie, action="case.view", when=at_noon(day1), target=hidden_case)
    for _ in range(20):
        record_event(user=heavy, action="offender.view", when=at_noon(day2), target=plain, purpose="tasking")
    record_event(user=delta, action="report.export", when=at_noon(day1), target_type="report", target_id="outcomes")
    record_event(user=alpha, action="offender.view", when=at_noon(days_ago(30)), target=plain)  # outside the period
    return {
        "day1": day1,
        "day2": day2,
        "hidden": hidden,
        "report": access_report(user=delta, period=period(day1, day2)),
        "granted": access_report(
            user=make_user("supervisor", restricted_access=True, username="sgt_cleared"), period=period(day1, day2)
        ),
    }


def rows(report, key):
    return report.table(key).preview()[0]


def test_headline_figures(scenario):
    figures = {figure.label: figure.value for figure in scenario["report"].figures}
    assert figures["Audit events"] == 3 + 2 + 1 + 20 + 1
    assert figures["People active"] == 5
    assert figures["Refusals"] == 1
    assert figures["Exports"] == 1
    assert figures["People far above their peers"] == 1


def test_per_user_totals_and_the_one_who_stands_out(scenario):
    by_user = {row["user"]: row for row in rows(scenario["report"], "users")}
    assert [row["user"] for row in rows(scenario["report"], "users")][0] == "pc_heavy"
    assert by_user["pc_alpha"]["events"] == 3 and by_user["pc_alpha"]["days_active"] == 2
    assert by_user["pc_bravo"]["refusals"] == 1 and by_user["sgt_delta"]["exports"] == 1
    # pc_heavy's peers (officers) had 3, 2 and 1 events: mean 2, sd 1, so anything above 5 stands out.
    assert "mean + 3 sd" in by_user["pc_heavy"]["flag"]
    assert by_user["pc_heavy"]["peer_median"] == 2
    assert [user for user, row in by_user.items() if row["flag"]] == ["pc_heavy"]
    assert by_user["sgt_delta"]["flag"] == ""  # the only supervisor: no peers to compare with


def test_events_per_user_and_day(scenario):
    daily = [(row["day"], row["user"], row["events"]) for row in rows(scenario["report"], "daily")]
    day1, day2 = scenario["day1"], scenario["day2"]
    assert daily == [
        (day2, "pc_alpha", 1), (day2, "pc_heavy", 20),
        (day1, "pc_alpha", 2), (day1, "pc_bravo", 2), (day1, "pc_charlie", 1), (day1, "sgt_delta", 1),
    ]  # fmt: skip


def test_restricted_record_accesses_name_no_record_without_the_grant(scenario):
    """Who looked at a restricted record, when and why, but not which one: without the grant he is absent
    from every report row, his reference and ids included (his refused address too)."""
    restricted = rows(scenario["report"], "restricted")
    assert [(row["user"], row["action"], row["offender"], row["purpose"]) for row in restricted] == [
        ("pc_charlie", "case.view", "restricted record", ""),  # his case counts as his record
        ("pc_alpha", "offender.view", "restricted record", "investigation"),
    ]
    assert rows(scenario["report"], "refusals")[0]["path"] == "/offenders/(restricted record)/"
    hidden = scenario["hidden"]
    assert hidden.reference not in str(rows(scenario["report"], "refusals") + restricted)
    assert str(hidden.pk) not in str([row["path"] for row in rows(scenario["report"], "refusals")])


def test_restricted_record_accesses_are_listed_by_reference_with_the_grant(scenario):
    restricted = rows(scenario["granted"], "restricted")
    assert [(row["user"], row["offender"]) for row in restricted] == [
        ("pc_charlie", scenario["hidden"].reference),
        ("pc_alpha", scenario["hidden"].reference),
    ]
    assert "Restrictedname" not in str(restricted)
    assert rows(scenario["granted"], "refusals")[0]["path"] == f"/offenders/{scenario['hidden'].pk}/"


def test_refusals_exports_and_purposes(scenario):
    refusal = rows(scenario["report"], "refusals")[0]
    assert (refusal["user"], refusal["reason"]) == ("pc_bravo", "needs restricted access")
    export = rows(scenario["report"], "exports")[0]
    assert (export["user"], export["action"], export["what"]) == ("sgt_delta", "report.export", "outcomes")
    purposes = [(row["purpose"], row["events"], row["users"]) for row in rows(scenario["report"], "purposes")]
    assert purposes == [("tasking", 20, 1), ("investigation", 3, 1), ("safeguarding", 1, 1)]


def test_chart_has_one_series_per_role(scenario):
    chart = scenario["report"].charts[0]
    assert chart.labels == [scenario["day1"].isoformat(), scenario["day2"].isoformat()]
    series = {dataset["label"]: dataset["data"] for dataset in chart.datasets}
    assert series == {"officer": [5, 21], "supervisor": [1, 0]}


def test_an_empty_period_says_no_data_not_zero(make_user):
    report = access_report(user=make_user("oversight"), period=period(days_ago(400), days_ago(390)))
    assert all(figure.value is None for figure in report.figures)
    assert report.charts == []
    assert rows(report, "users") == [] and report.table("users").empty_message == "No data for this period."


def test_people_are_compared_with_people_and_failed_sign_ins_count(make_user):
    """The portal's own events (no actor) are no one's: never a row, never "far above peers"; failed
    sign-ins count against the account tried, and a name that is no account is never listed."""
    day = days_ago(5)
    officers = [make_user("officer", username=f"pc_{n}") for n in range(4)]
    for officer in officers:
        record_event(user=officer, action="offender.view", when=at_noon(day), target=OffenderFactory())
    for _ in range(200):  # the nightly recompute and friends
        record_event(action="run.chunk", when=at_noon(day), target_type="scoring.scoringrun", target_id="1")
    for _ in range(3):
        record_event(action="auth.login_failed", when=at_noon(day), target_type="accounts.user",
                     target_id=str(officers[0].pk), object_repr="pc_0", changes={"reason": "bad credentials"})  # fmt: skip
    record_event(action="auth.login_failed", when=at_noon(day), target_type="accounts.user", object_repr="hunter2!")
    supervisor = make_user("supervisor", username="sgt_reader")
    report = access_report(user=supervisor, period=period(day, day))
    by_user = {row["user"]: row for row in rows(report, "users")}
    assert set(by_user) == {"pc_0", "pc_1", "pc_2", "pc_3"}
    assert by_user["pc_0"]["failed_sign_ins"] == 3 and by_user["pc_1"]["failed_sign_ins"] == 0
    assert not any(row["flag"] for row in by_user.values())
    figures = {figure.label: figure.value for figure in report.figures}
    assert figures["People active"] == 4 and figures["Failed sign-ins"] == 4
    assert figures["People far above their peers"] == 0
    assert "hunter2" not in str(rows(report, "users"))
