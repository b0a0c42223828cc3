"""The tasking meeting API (/api/v1/meetings/): the agenda built from the latest published snapshot, one
decision per item with a reason, every decision kind carried out, 409 after close, and the race."""

import datetime as dt
import threading

import pytest
from django.db import connection

from cases.models import Case, CaseStage, MeetingDecision, MeetingItem, TaskingMeeting
from cases.services.cases import case_transition
from cases.services.meetings import MeetingConflict, meeting_decide, meeting_open
from cases.services.plan_actions import plan_action_add, plan_action_update
from portal.audit.models import AuditEvent
from tests.factories import OffenderFactory

from .meeting_world import publish


@pytest.fixture
def world(settings, open_case, supervisor, lead, today):
    """Ranked A, B, C, D, E (top 3 count): A new, B open case due for review, C tasked before (closed),
    D outside the top 3, E an open case far from review but remanded (the exit rule's custody part)."""
    settings.PORTAL_TOP_N = 3
    a, b, c, d, e = (OffenderFactory() for _ in range(5))
    b_case = open_case(b, lead=lead, review_due=today + dt.timedelta(days=1))
    Case.objects.filter(pk=b_case.pk).update(review_due=today)
    c_case = open_case(c, lead=lead)
    case_transition(case=c_case, to="closed", reason="Charged and remanded", exit_reason="in_custody", by=supervisor)
    e_case = open_case(e, lead=lead, review_due=today + dt.timedelta(days=20))
    action = plan_action_add(case=e_case, strand="pursue", description="Arrest", owner=lead,
                             due_on=today + dt.timedelta(days=3), by=lead)  # fmt: skip
    plan_action_update(action=action, status="done", outcome="remand", by=lead)
    earlier = publish([d, a, b, c, e], days_ago=30)
    publish([a, b, c, d, e], previous=earlier)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "b_case": b_case, "e_case": e_case}


def _open(api, supervisor, today):
    response = api.post("/api/v1/meetings/", {"held_on": today.isoformat(), "chair": supervisor.pk}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _items_by_ref(meeting):
    return {item["offender"]["reference"]: item for item in meeting["items"]}


def _decide(api, meeting, item, body):
    return api.post(f"/api/v1/meetings/{meeting['id']}/items/{item['id']}/decision/", body, format="json")


def test_the_agenda_comes_from_the_latest_snapshot(api_for, supervisor, world, today):
    meeting = _open(api_for(supervisor), supervisor, today)
    items = _items_by_ref(meeting)
    kinds = {ref: item["kind"] for ref, item in items.items()}
    assert kinds == {
        world["a"].reference: "new_entrant",
        world["c"].reference: "re_entrant",
        world["b"].reference: "review_due",
        world["e"].reference: "exit_proposed",
    }
    first = items[world["a"].reference]
    assert first["rank"] == 1 and first["score"] == 1000 and first["movement"] == 1 and first["case"] is None
    assert first["offender"]["display_name"] == world["a"].display_name and first["decision"] is None
    assert items[world["b"].reference]["case"] == world["b_case"].pk
    assert AuditEvent.objects.filter(action="meeting.open", target_id=str(meeting["id"])).exists()


def test_every_decision_kind_is_carried_out(api_for, supervisor, lead, teammate, world, today):
    api = api_for(supervisor)
    meeting = _open(api, supervisor, today)
    items = _items_by_ref(meeting)
    review = (today + dt.timedelta(days=28)).isoformat()
    task = _decide(api, meeting, items[world["a"].reference], {"decision": "task", "reason": "Rank 1, escalating",
                   "lead": lead.pk, "team": [teammate.pk], "review_due": review})  # fmt: skip
    assert task.status_code == 201, task.content
    case = Case.objects.get(offender=world["a"], stage=CaseStage.TASKED)
    assert task.json()["case"] == case.pk and task.json()["decision"]["decision"] == "task"
    assert (case.lead, list(case.team.all()), case.reason, case.opened_by) == (lead, [teammate], "Rank 1, escalating",
                                                                              supervisor)  # fmt: skip
    assert case.review_due.isoformat() == review
    assert AuditEvent.objects.filter(action="case.open", target_id=str(case.pk)).exists()

    until = (today + dt.timedelta(days=30)).isoformat()
    defer = _decide(
        api, meeting, items[world["c"].reference], {"decision": "defer", "reason": "Await CPS", "until": until}
    )
    assert defer.status_code == 201 and defer.json()["decision"]["until"] == until

    keep = (today + dt.timedelta(days=14)).isoformat()
    cont = _decide(api, meeting, items[world["b"].reference], {"decision": "continue", "reason": "Plan working",
                   "review_due": keep})  # fmt: skip
    assert cont.status_code == 201
    assert Case.objects.get(pk=world["b_case"].pk).review_due.isoformat() == keep

    out = _decide(api, meeting, items[world["e"].reference], {"decision": "exit", "reason": "Remanded",
                  "exit_reason": "in_custody"})  # fmt: skip
    assert out.status_code == 201, out.content
    closed = Case.objects.get(pk=world["e_case"].pk)
    assert (closed.stage, closed.exit_reason) == ("closed", "in_custody")

    referral = api.post(f"/api/v1/meetings/{meeting['id']}/items/", {"offender": world["d"].pk,
                        "reason": "Partner agency concern"}, format="json")  # fmt: skip
    assert referral.status_code == 201 and referral.json()["kind"] == "referral"
    decline = _decide(api, meeting, referral.json(), {"decision": "decline", "reason": "Already managed by probation"})
    assert decline.status_code == 201
    assert set(MeetingDecision.objects.values_list("decision", flat=True)) == {
        "task", "defer", "continue", "exit", "decline"
    }  # fmt: skip
    assert AuditEvent.objects.filter(action="meeting.decide").count() == 5

    close = api.post(f"/api/v1/meetings/{meeting['id']}/close/")
    assert close.status_code == 200 and close.json()["is_open"] is False
    # A deferral leaves him off the next meeting's agenda until its date.
    again = _open(api, supervisor, today + dt.timedelta(days=1))
    assert world["c"].reference not in _items_by_ref(again)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"decision": "decline", "reason": ""}, "reason"),
        ({"decision": "decline", "reason": "   "}, "reason"),
        ({"decision": "decline"}, "reason"),
        ({"decision": "task", "reason": "x"}, "lead"),
        ({"decision": "defer", "reason": "x"}, "until"),
        ({"decision": "exit", "reason": "x"}, "decision"),  # A has no open case to exit
        ({"decision": "maybe", "reason": "x"}, "decision"),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(api_for, supervisor, world, today, body, field):
    api = api_for(supervisor)
    meeting = _open(api, supervisor, today)
    item = _items_by_ref(meeting)[world["a"].reference]
    cases_before = Case.objects.count()
    response = _decide(api, meeting, item, body)
    assert response.status_code == 400 and field in response.json(), response.content
    assert not MeetingDecision.objects.exists() and Case.objects.count() == cases_before
    assert MeetingItem.objects.get(pk=item["id"]).decided_at is None


def test_a_second_decision_and_any_decision_after_close_answer_409(api_for, supervisor, world, today):
    api = api_for(supervisor)
    meeting = _open(api, supervisor, today)
    items = list(_items_by_ref(meeting).values())
    assert (
        _decide(api, meeting, items[0], {"decision": "defer", "reason": "x", "until": "2099-01-01"}).status_code == 201
    )
    second = _decide(api, meeting, items[0], {"decision": "defer", "reason": "y", "until": "2099-02-01"})
    assert second.status_code == 409 and MeetingDecision.objects.count() == 1
    early = api.post(f"/api/v1/meetings/{meeting['id']}/close/")
    assert early.status_code == 409 and "still have no decision" in early.json()["detail"]
    for item in items[1:]:
        assert (
            _decide(api, meeting, item, {"decision": "defer", "reason": "z", "until": "2099-01-01"}).status_code == 201
        )
    assert api.post(f"/api/v1/meetings/{meeting['id']}/close/").status_code == 200
    referral = api.post(f"/api/v1/meetings/{meeting['id']}/items/", {"offender": world["d"].pk, "reason": "late"},
                        format="json")  # fmt: skip
    assert referral.status_code == 409
    assert api.post(f"/api/v1/meetings/{meeting['id']}/close/").status_code == 409
    assert MeetingDecision.objects.count() == len(items) and MeetingItem.objects.filter(
        meeting_id=meeting["id"]
    ).count() == len(items)


def test_two_supervisors_deciding_one_item_only_one_stands(make_user, supervisor, lead, world, today):
    """Both loaded the item before either decided (the stale copy): the second is refused, nothing changed."""
    other = make_user("supervisor", username="sgt_two")
    meeting = meeting_open(held_on=today, chair=supervisor, by=supervisor)
    first_copy = MeetingItem.objects.select_related("offender", "meeting").get(meeting=meeting, offender=world["a"])
    second_copy = MeetingItem.objects.select_related("offender", "meeting").get(pk=first_copy.pk)
    meeting_decide(item=first_copy, decision="task", reason="Mine", lead=lead, by=supervisor)
    with pytest.raises(MeetingConflict):
        meeting_decide(item=second_copy, decision="decline", reason="Theirs", by=other)
    decision = MeetingDecision.objects.get(item=first_copy)
    assert (decision.decision, decision.decided_by) == ("task", supervisor)
    assert Case.objects.filter(offender=world["a"]).count() == 1


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_at_the_same_moment_only_one_stands(reference_data, make_user, lead, today, settings):
    """Real concurrency: two connections decide the same item at once; exactly one decision stands."""
    from cases.services.cases import case_open  # noqa: F401 - the case the task decision opens

    settings.PORTAL_TOP_N = 3
    one, two = make_user("supervisor", username="sgt_one"), make_user("supervisor", username="sgt_two")
    offender = OffenderFactory()
    publish([offender])
    meeting = meeting_open(held_on=today, chair=one, by=one)
    item_id = MeetingItem.objects.get(meeting=meeting).pk
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(by, kind):
        try:
            item = MeetingItem.objects.select_related("offender", "meeting").get(pk=item_id)
            barrier.wait()
            meeting_decide(item=item, decision=kind, reason=f"{kind} by {by.username}", lead=lead, by=by)
            outcomes.append("ok")
        except MeetingConflict:
            outcomes.append("conflict")
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=args) for args in ((one, "task"), (two, "decline"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert MeetingDecision.objects.filter(item_id=item_id).count() == 1
    decision = MeetingDecision.objects.get(item_id=item_id)
    assert Case.objects.filter(offender=offender).count() == (1 if decision.decision == "task" else 0)


def test_only_supervisors_open_and_decide(api_for, supervisor, lead, admin_user, world, today):
    meeting = _open(api_for(supervisor), supervisor, today)
    item = meeting["items"][0]
    for user in (lead, admin_user):
        api = api_for(user)
        assert api.post("/api/v1/meetings/", {"held_on": today.isoformat(), "chair": supervisor.pk},
                        format="json").status_code == 403  # fmt: skip
        assert _decide(api, meeting, item, {"decision": "decline", "reason": "x"}).status_code == 403
        assert api.post(f"/api/v1/meetings/{meeting['id']}/close/").status_code == 403
    assert not MeetingDecision.objects.exists() and TaskingMeeting.objects.count() == 1


def test_admin_and_oversight_read_meetings_pseudonymised(api_for, supervisor, admin_user, oversight_user, world, today):
    api = api_for(supervisor)
    meeting = _open(api, supervisor, today)
    _decide(api, meeting, meeting["items"][0], {"decision": "decline", "reason": "Secret reasoning"})
    for user in (admin_user, oversight_user):
        data = api_for(user).get(f"/api/v1/meetings/{meeting['id']}/").json()
        assert all(item["offender"]["display_name"] is None for item in data["items"])
        decided = data["items"][0]["decision"]
        assert decided["decision"] == "decline" and decided["reason"] is None
        listed = api_for(user).get(f"/api/v1/meetings/{meeting['id']}/items/").json()
        assert listed["count"] == 4 and "Secret" not in str(listed)
        assert api_for(user).get("/api/v1/meetings/").json()["results"][0]["decided_count"] == 1


def test_an_offender_hidden_since_the_agenda_was_built_is_refused(api_for, supervisor, world, today):
    api = api_for(supervisor)
    meeting = _open(api, supervisor, today)
    item = _items_by_ref(meeting)[world["a"].reference]
    world["a"].__class__.objects.filter(pk=world["a"].pk).update(restricted=True)
    response = _decide(api, meeting, item, {"decision": "decline", "reason": "x"})
    assert response.status_code == 403
    assert not MeetingDecision.objects.exists()
    assert world["a"].reference not in str(api.get(f"/api/v1/meetings/{meeting['id']}/").json())


def test_no_meeting_without_a_published_snapshot(api_for, supervisor, today):
    response = api_for(supervisor).post("/api/v1/meetings/", {"held_on": today.isoformat(), "chair": supervisor.pk},
                                        format="json")  # fmt: skip
    assert response.status_code == 400 and "snapshot" in response.json()
    assert not TaskingMeeting.objects.exists()


def test_chair_must_be_a_supervisor(api_for, supervisor, lead, world, today):
    response = api_for(supervisor).post("/api/v1/meetings/", {"held_on": today.isoformat(), "chair": lead.pk},
                                        format="json")  # fmt: skip
    assert response.status_code == 400 and "chair" in response.json()


def test_the_database_holds_one_decision_an_item(supervisor, world, today):
    """The last line of the race: even a writer that skipped the service cannot add a second decision."""
    from django.db import IntegrityError, transaction

    meeting = meeting_open(held_on=today, chair=supervisor, by=supervisor)
    item = MeetingItem.objects.filter(meeting=meeting).first()
    MeetingDecision.objects.create(item=item, decision="decline", reason="one", decided_by=supervisor)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingDecision.objects.create(item=item, decision="decline", reason="two", decided_by=supervisor)
    assert MeetingDecision.objects.filter(item=item).count() == 1


def test_reading_a_meeting_costs_the_same_however_long_its_agenda(
    api_for, web_for, supervisor, admin_user, world, today
):
    """The N+1 guard of the meeting reads: a longer agenda (more decided items) asks no more queries. The
    minutes CSV (API and page; a streamed body is read to its end inside the count) included."""
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    api = api_for(supervisor)
    meeting = _open(api, supervisor, today)
    detail = f"/api/v1/meetings/{meeting['id']}/"
    paths = [detail, f"{detail}items/", "/api/v1/meetings/", f"{detail}?format=csv"]
    paths.append(f"/meetings/{meeting['id']}/minutes/?format=csv")

    def counts():
        found = {}
        for user in (supervisor, admin_user):
            for path in paths:
                client = api_for(user) if path.startswith("/api/") else web_for(user)
                client.get(path)  # warm
                with CaptureQueriesContext(conn) as captured:
                    response = client.get(path)
                    assert response.status_code == 200
                    if response.streaming:
                        b"".join(response.streaming_content)
                found[(user.username, path)] = len(captured)
        return found

    before = counts()
    for item in meeting["items"][:2]:
        _decide(api, meeting, item, {"decision": "defer", "reason": "later", "until": "2099-01-01"})
    for _ in range(3):
        extra = OffenderFactory()
        api.post(
            f"/api/v1/meetings/{meeting['id']}/items/", {"offender": extra.pk, "reason": "referred"}, format="json"
        )
    assert MeetingItem.objects.filter(meeting_id=meeting["id"]).count() == 7
    assert counts() == before


def _activate_exit_rule(**rule):
    """A new active version carrying this exit rule, the old one retired: an active policy's exit rule is
    frozen in the database (migration 0012), so a new version is the only way the rule changes."""
    from scoring.models import ScoringPolicy

    policy = ScoringPolicy.objects.get(status="active")
    ScoringPolicy.objects.filter(pk=policy.pk).update(status="retired")
    policy.pk, policy.status, policy.version = None, "active", policy.version + 1
    for name, value in rule.items():
        setattr(policy, name, value)
    policy.save()


@pytest.mark.parametrize("rule", ["outside_top_n", "score_fall"])
def test_the_policy_exit_rule_proposes_exits(settings, open_case, supervisor, lead, rule, today):
    """Outside the top N for K consecutive snapshots since tasking, or a score fallen by X% since tasking:
    the case is proposed for exit (a person still decides)."""
    from scoring.models import OffenderScore, ScoringPolicy

    settings.PORTAL_TOP_N = 1
    leader, tasked = OffenderFactory(), OffenderFactory()
    OffenderScore.objects.create(offender=tasked, policy=ScoringPolicy.objects.get(status="active"), score=2000,
                                 harm_days=2000, offence_count=2, victim_count=1, eligible=True, as_of=today,
                                 computed_at="2026-01-01T00:00Z")  # fmt: skip
    case = open_case(tasked, lead=lead, review_due=today + dt.timedelta(days=20))
    parts = {"outside_top_n": {"exit_outside_top_n_snapshots": 2, "exit_score_fall_percent": None},
             "score_fall": {"exit_outside_top_n_snapshots": None, "exit_score_fall_percent": 50}}[rule]  # fmt: skip
    _activate_exit_rule(exit_in_custody=False, **parts)
    publish([leader, tasked])  # 2000 -> 900: down 55%; outside the top 1 once
    kinds = {i.offender_id: i.kind for i in meeting_open(held_on=today, chair=supervisor, by=supervisor).items.all()}
    if rule == "score_fall":
        assert kinds[tasked.pk] == "exit_proposed"
    else:
        assert tasked.pk not in kinds  # one snapshot outside is not yet two
        publish([leader, tasked])
        again = meeting_open(held_on=today, chair=supervisor, by=supervisor)
        assert again.items.get(offender=tasked).kind == "exit_proposed"
    assert Case.objects.get(pk=case.pk).stage == "tasked"  # proposing never exits anyone


def test_the_governance_report_counts_meetings_per_month(api_for, supervisor, oversight_user, world, today):
    api = api_for(supervisor)
    meeting = _open(api, supervisor, today)
    items = meeting["items"]
    _decide(api, meeting, items[0], {"decision": "decline", "reason": "Secret reasoning"})
    _decide(api, meeting, items[1], {"decision": "defer", "reason": "Later", "until": "2099-01-01"})
    report = api_for(oversight_user).get("/api/v1/reports/governance/").json()
    tables = {table["key"]: table for table in report["tables"]}
    row = tables["meetings"]["rows"][0]
    assert (row["month"], row["meetings"], row["considered"], row["decline"], row["defer"], row["task"]) == (
        f"{today:%Y-%m}",
        1,
        4,
        1,
        1,
        0,
    )
    assert "Secret" not in str(report)


def _csv(response) -> str:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode()


def test_the_minutes_as_csv_from_the_api(
    api_for, web_for, make_user, supervisor, lead, admin_user, oversight_user, world, today
):
    """`GET /api/v1/meetings/<id>/?format=csv`: the minutes page's CSV (one builder), names and reasons for
    officers and supervisors only, formulas neutralised, every download audited as an export."""
    api = api_for(supervisor)
    meeting = _open(api, supervisor, today)
    item = _items_by_ref(meeting)[world["a"].reference]
    until = (today + dt.timedelta(days=9)).isoformat()
    deferred = _decide(api, meeting, item, {"decision": "defer", "reason": '=HYPERLINK("x")', "until": until})
    assert deferred.status_code == 201, deferred.content
    url = f"/api/v1/meetings/{meeting['id']}/?format=csv"
    web_csv = _csv(web_for(supervisor).get(f"/meetings/{meeting['id']}/minutes/?format=csv"))
    for reader in (supervisor, lead, make_user("officer", username="minutes_officer")):
        named = _csv(api_for(reader).get(url))
        assert world["a"].display_name in named and "'=HYPERLINK" in named  # a formula never runs in a spreadsheet
        assert named.splitlines()[0] == web_csv.splitlines()[0] and "Reason" in named.splitlines()[0]
    assert named == web_csv  # the same rows as the page's download
    for reader in (admin_user, oversight_user):
        pseudonymous = _csv(api_for(reader).get(url))
        assert world["a"].reference in pseudonymous and world["a"].display_name not in pseudonymous
        assert "HYPERLINK" not in pseudonymous and "Reason" not in pseudonymous.splitlines()[0]
    exports = AuditEvent.objects.filter(action="meeting.export", target_id=str(meeting["id"]))
    assert exports.count() == 6  # the page's download and five API ones
    assert {e.actor_username for e in exports} >= {admin_user.username, oversight_user.username, "minutes_officer"}


def test_the_minutes_csv_is_refused_as_the_detail_is(api_for, partner, supervisor, world, today):
    meeting = _open(api_for(supervisor), supervisor, today)
    refused = api_for(partner).get(f"/api/v1/meetings/{meeting['id']}/?format=csv")
    assert refused.status_code == 403 and "detail" in refused.json()
    missing = api_for(supervisor).get(f"/api/v1/meetings/{meeting['id'] + 999}/?format=csv")
    assert missing.status_code == 404 and "detail" in missing.json()
    assert not AuditEvent.objects.filter(action="meeting.export").exists()
