"""The cases API: shapes, filters, and bad input refused with field errors and nothing written."""

import datetime as dt

import pytest

from cases.models import Case, PlanAction
from cases.services.cases import case_transition
from cases.services.plan_actions import plan_action_add
from portal.audit.models import AuditEvent
from tests.factories import OffenceFactory, OffenderFactory


def _iso(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def test_task_an_offender(api_for, supervisor, lead, teammate, offender):
    body = {"offender": offender.pk, "lead": lead.pk, "team": [teammate.pk], "reason": "Rank 1; escalating stalking",
            "review_due": _iso(21)}  # fmt: skip
    response = api_for(supervisor).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["stage"] == "tasked"
    assert data["offender"] == {
        "id": offender.pk,
        "reference": offender.reference,
        "display_name": offender.display_name,
    }
    assert data["lead"]["id"] == lead.pk and [m["id"] for m in data["team"]] == [teammate.pk]
    assert data["review_due"] == _iso(21)
    assert data["stage_changes"][0]["to_stage"] == "tasked"
    case = Case.objects.get(pk=data["id"])
    assert case.opened_by == supervisor and case.reason == "Rank 1; escalating stalking"
    event = AuditEvent.objects.get(action="case.open", target_id=str(case.pk))
    assert event.actor_username == "sgt_sup" and event.channel == "api"


def test_review_date_defaults_to_four_weeks(api_for, supervisor, lead, offender):
    response = api_for(supervisor).post(
        "/api/v1/cases/", {"offender": offender.pk, "lead": lead.pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["review_due"] == _iso(28)


def test_score_when_tasked_and_when_closed_is_copied_from_the_live_score(api_for, supervisor, lead, offender, today):
    from scoring.models import OffenderScore, ScoringPolicy

    policy = ScoringPolicy.objects.get(status="active")
    OffenderScore.objects.create(offender=offender, policy=policy, score=812.5, harm_days=812.5, offence_count=2,
                                 victim_count=2, eligible=True, as_of=today, computed_at="2026-01-01T00:00Z")  # fmt: skip
    other = OffenderFactory()
    OffenderScore.objects.create(offender=other, policy=policy, score=900, harm_days=900, offence_count=3,
                                 victim_count=1, eligible=True, as_of=today, computed_at="2026-01-01T00:00Z")  # fmt: skip
    data = (
        api_for(supervisor)
        .post("/api/v1/cases/", {"offender": offender.pk, "lead": lead.pk, "reason": "x"}, format="json")
        .json()
    )
    assert (data["score_at_tasking"], data["rank_at_tasking"]) == (812.5, 2)
    assert data["policy_at_tasking"] == f"v{policy.version}"
    OffenderScore.objects.filter(offender=offender).update(score=100.0)
    detail = api_for(supervisor).get(f"/api/v1/cases/{data['id']}/").json()
    assert (detail["score_at_tasking"], detail["score_now"], detail["rank_now"]) == (812.5, 100.0, 2)
    assert (detail["score_at_exit"], detail["rank_at_exit"], detail["policy_at_exit"]) == (None, None, "")

    closing = {"to": "closed", "reason": "Convicted", "exit_reason": "convicted"}
    assert (
        api_for(supervisor).post(f"/api/v1/cases/{data['id']}/transition/", closing, format="json").status_code == 200
    )
    OffenderScore.objects.filter(offender=offender).update(score=5.0)  # the live score moves on after exit
    closed = api_for(supervisor).get(f"/api/v1/cases/{data['id']}/").json()
    assert (closed["score_at_exit"], closed["rank_at_exit"], closed["policy_at_exit"]) == (
        100.0,
        2,
        f"v{policy.version}",
    )
    assert closed["score_now"] == 5.0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"offender": 999999}, "offender"),
        ({"offender": "abc"}, "offender"),
        ({"lead": None}, "lead"),
        ({"lead": 999999}, "lead"),
        ({"review_due": "2001-01-01"}, "review_due"),
        ({"review_due": "not a date"}, "review_due"),
        ({"team": "x"}, "team"),
    ],
)
def test_bad_tasking_is_refused(api_for, supervisor, lead, offender, change, field):
    body = {"offender": offender.pk, "lead": lead.pk, "reason": "x", **change}
    response = api_for(supervisor).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Case.objects.exists()


@pytest.mark.parametrize("role", ["admin", "oversight"])
def test_lead_and_team_must_be_officers_or_supervisors(api_for, make_user, supervisor, lead, offender, role):
    wrong = make_user(role)
    for body in ({"lead": wrong.pk}, {"lead": lead.pk, "team": [wrong.pk]}):
        response = api_for(supervisor).post(
            "/api/v1/cases/", {"offender": offender.pk, "reason": "x", **body}, format="json"
        )
        assert response.status_code == 400
        assert "not an active officer or supervisor" in str(response.json())
    assert not Case.objects.exists()


def test_one_open_case_per_offender(api_for, supervisor, lead, case, offender):
    response = api_for(supervisor).post(
        "/api/v1/cases/", {"offender": offender.pk, "lead": lead.pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "already has an open case" in response.json()["offender"][0]
    case_transition(case=case, to="closed", reason="Moved away", exit_reason="moved_away", by=supervisor)
    again = api_for(supervisor).post(
        "/api/v1/cases/", {"offender": offender.pk, "lead": lead.pk, "reason": "Back"}, format="json"
    )
    assert again.status_code == 201
    assert Case.objects.filter(offender=offender).count() == 2


def test_garbage_bodies_never_500(api_for, supervisor, case):
    client = api_for(supervisor)
    for url in ("/api/v1/cases/", f"/api/v1/cases/{case.pk}/transition/", f"/api/v1/cases/{case.pk}/actions/",
                f"/api/v1/cases/{case.pk}/notes/"):  # fmt: skip
        for body in ([1, 2], "text", {"to": ["x"]}, {"strand": {"a": 1}}):
            response = client.post(url, body, format="json")
            assert response.status_code == 400, (url, body, response.content)
    assert client.patch(f"/api/v1/cases/{case.pk}/", [1], format="json").status_code == 400
    assert client.get("/api/v1/cases/?stage=nonsense").status_code == 400
    assert client.get("/api/v1/cases/99999/").status_code == 404


def test_transition_through_the_api(api_for, supervisor, case):
    client = api_for(supervisor)
    url = f"/api/v1/cases/{case.pk}/transition/"
    refused = client.post(url, {"to": "charged", "reason": "skip ahead"}, format="json")
    assert refused.status_code == 400 and "cannot move from tasked to charged" in refused.json()["to"][0]
    assert client.post(url, {"to": "active", "reason": "Plan agreed"}, format="json").json()["stage"] == "active"
    no_exit = client.post(url, {"to": "closed", "reason": "done"}, format="json")
    assert no_exit.status_code == 400 and "exit_reason" in no_exit.json()
    closed = client.post(url, {"to": "closed", "reason": "Remanded", "exit_reason": "in_custody"}, format="json")
    assert closed.status_code == 200
    assert closed.json()["exit_reason"] == "in_custody"
    assert [c["to_stage"] for c in closed.json()["stage_changes"]] == ["tasked", "active", "closed"]


class TestActions:
    def post(self, api_for, user, case, **change):
        body = {
            "strand": "pursue",
            "description": "Arrest on warrant",
            "owner": case.lead_id,
            "due_on": _iso(7),
            **change,
        }
        return api_for(user).post(f"/api/v1/cases/{case.pk}/actions/", body, format="json")

    def test_add_and_complete(self, api_for, lead, case):
        created = self.post(api_for, lead, case)
        assert created.status_code == 201
        action = created.json()
        assert (action["strand"], action["status"], action["owner"]["id"]) == ("pursue", "open", lead.pk)
        url = f"/api/v1/cases/{case.pk}/actions/{action['id']}/"
        no_outcome = api_for(lead).patch(url, {"status": "done"}, format="json")
        assert no_outcome.status_code == 400 and "outcome" in no_outcome.json()
        done = api_for(lead).patch(url, {"status": "done", "outcome": "arrest"}, format="json")
        assert done.status_code == 200
        assert done.json()["outcome"] == "arrest" and done.json()["completed_at"]
        reopen = api_for(lead).patch(url, {"status": "open"}, format="json")
        assert reopen.status_code == 400 and "already done" in reopen.json()["status"][0]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"owner": None}, "owner"),
            ({"owner": 99999}, "owner"),
            ({"due_on": _iso(-1)}, "due_on"),
            ({"due_on": ""}, "due_on"),
            ({"strand": "punish"}, "strand"),
            ({"description": ""}, "description"),
        ],
    )
    def test_bad_action_refused(self, api_for, lead, case, change, field):
        response = self.post(api_for, lead, case, **change)
        assert response.status_code == 400
        assert field in response.json()
        assert not PlanAction.objects.exists()

    def test_missing_owner_refused(self, api_for, lead, case):
        body = {"strand": "pursue", "description": "x", "due_on": _iso(2)}
        response = api_for(lead).post(f"/api/v1/cases/{case.pk}/actions/", body, format="json")
        assert response.status_code == 400 and "owner" in response.json()

    def test_owner_must_work_the_case(self, api_for, lead, outsider, case):
        response = self.post(api_for, lead, case, owner=outsider.pk)
        assert response.status_code == 400
        assert "not the lead or on the team" in response.json()["owner"][0]

    def test_outcome_only_when_done(self, api_for, lead, case):
        action = self.post(api_for, lead, case).json()
        url = f"/api/v1/cases/{case.pk}/actions/{action['id']}/"
        response = api_for(lead).patch(url, {"outcome": "arrest"}, format="json")
        assert response.status_code == 400 and "outcome" in response.json()
        bad = api_for(lead).patch(url, {"status": "done", "outcome": "hug"}, format="json")
        assert bad.status_code == 400
        assert PlanAction.objects.get(pk=action["id"]).status == "open"

    def test_closed_case_takes_no_more_work(self, api_for, supervisor, lead, case):
        case_transition(case=case, to="closed", reason="Died", exit_reason="died", by=supervisor)
        response = self.post(api_for, lead, case)
        assert response.status_code == 400 and "closed" in response.json()["stage"][0]

    def test_action_of_another_case_is_404(self, api_for, lead, case, open_case):
        other = open_case(lead=lead)
        action = plan_action_add(
            case=other, strand="prevent", description="Referral", owner=lead, due_on=dt.date.today(), by=lead
        )
        assert api_for(lead).get(f"/api/v1/cases/{case.pk}/actions/{action.pk}/").status_code == 404


class TestFilters:
    @pytest.fixture
    def cases(self, open_case, lead, teammate, outsider, supervisor, today):
        mine = open_case(OffenderFactory(), lead=lead)
        theirs = open_case(OffenderFactory(), lead=outsider, team=[teammate])
        OffenceFactory(offender=theirs.offender, borough="Lambeth")
        late = plan_action_add(case=theirs, strand="pursue", description="x", owner=outsider, due_on=today, by=outsider)
        PlanAction.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=2))
        case_transition(case=mine, to="active", reason="go", by=supervisor)
        return mine, theirs

    def ids(self, api_for, user, query):
        response = api_for(user).get(f"/api/v1/cases/?{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    def test_filters(self, api_for, cases, lead, teammate):
        mine, theirs = cases
        assert self.ids(api_for, lead, "stage=active") == {mine.pk}
        assert self.ids(api_for, lead, "stage=tasked&stage=active") == {mine.pk, theirs.pk}
        assert self.ids(api_for, lead, "overdue=true") == {theirs.pk}
        assert self.ids(api_for, lead, "overdue=false") == {mine.pk}
        assert self.ids(api_for, lead, "borough=lambeth") == {theirs.pk}
        assert self.ids(api_for, lead, "mine=true") == {mine.pk}
        assert self.ids(api_for, teammate, "mine=true") == {theirs.pk}
        assert self.ids(api_for, teammate, "scope=mine") == set()

    def test_list_counts_overdue(self, api_for, cases, lead):
        rows = {row["id"]: row for row in api_for(lead).get("/api/v1/cases/").json()["results"]}
        assert rows[cases[1].pk]["overdue_action_count"] == 1
        assert rows[cases[0].pk]["overdue_action_count"] == 0


def test_case_view_is_audited(api_for, outsider, case):
    api_for(outsider).get(f"/api/v1/cases/{case.pk}/", HTTP_X_ACCESS_PURPOSE="supervision")
    event = AuditEvent.objects.get(action="case.view")
    assert (event.target_id, event.actor_username, event.purpose) == (str(case.pk), "pc_other", "supervision")


def test_patch_case(api_for, supervisor, outsider, case):
    url = f"/api/v1/cases/{case.pk}/"
    response = api_for(supervisor).patch(url, {"team": [outsider.pk], "review_due": _iso(10)}, format="json")
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["team"]] == [outsider.pk]
    assert api_for(supervisor).patch(url, {"review_due": "2000-01-01"}, format="json").status_code == 400
    assert api_for(supervisor).patch(url, {"review_due": None}, format="json").status_code == 400
    assert Case.objects.get(pk=case.pk).review_due.isoformat() == _iso(10)


def test_schema_documents_the_case_endpoints(db, capsys):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths["/api/v1/cases/"]) >= {"get", "post"}
    assert "patch" in paths["/api/v1/cases/{case_id}/"]
    assert "post" in paths["/api/v1/cases/{case_id}/transition/"]
    assert "patch" in paths["/api/v1/cases/{case_id}/actions/{action_id}/"]
    create = paths["/api/v1/cases/{case_id}/actions/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create["$ref"].endswith("PlanActionCreateRequest")
    errors = capsys.readouterr().err
    assert "case_views" not in errors and "case_serializers" not in errors
