"""docs/roles.md for cases, role by role and place by place (lead, team, not on the case)."""

import datetime as dt

import pytest

from cases.models import Case, CaseNote, PlanAction
from cases.services.plan_actions import plan_action_add
from portal.audit.models import AuditEvent
from tests.factories import OffenderFactory

ACTORS = ["supervisor", "lead", "teammate", "outsider", "admin_user", "oversight_user"]


@pytest.fixture
def world(request, case, lead, today):
    people = {name: request.getfixturevalue(name) for name in ACTORS}
    action = plan_action_add(case=case, strand="pursue", description="Arrest for breach", owner=lead,
                             due_on=today + dt.timedelta(days=5), by=lead)  # fmt: skip
    return {"case": case, "action": action, **people}


def _call(api_for, world, actor, method, url, body=None):
    client = api_for(world[actor])
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


def _due(days=5):
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


READ_EXPECT = {
    "supervisor": 200,
    "lead": 200,
    "teammate": 200,
    "outsider": 200,
    "admin_user": 403,
    "oversight_user": 403,
}
WORK_EXPECT = {"supervisor": 2, "lead": 2, "teammate": 2, "outsider": 403, "admin_user": 403, "oversight_user": 403}
MANAGE_EXPECT = {
    "supervisor": 2,
    "lead": 403,
    "teammate": 403,
    "outsider": 403,
    "admin_user": 403,
    "oversight_user": 403,
}


def _matches(expected, status):
    return status // 100 == 2 if expected == 2 else status == expected


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("path", ["", "{case}/", "{case}/actions/", "{case}/actions/{action}/", "{case}/notes/"])
def test_read(api_for, world, actor, path):
    url = "/api/v1/cases/" + path.format(case=world["case"].pk, action=world["action"].pk)
    response = _call(api_for, world, actor, "get", url)
    assert response.status_code == READ_EXPECT[actor], response.content


@pytest.mark.parametrize("actor", ACTORS)
def test_add_action(api_for, world, actor):
    body = {"strand": "protect", "description": "DVDS disclosure to new partner", "owner": world["lead"].pk,
            "due_on": _due()}  # fmt: skip
    before = PlanAction.objects.count()
    response = _call(api_for, world, actor, "post", f"/api/v1/cases/{world['case'].pk}/actions/", body)
    assert _matches(WORK_EXPECT[actor], response.status_code), response.content
    assert PlanAction.objects.count() == before + (1 if WORK_EXPECT[actor] == 2 else 0)


@pytest.mark.parametrize("actor", ACTORS)
def test_complete_action(api_for, world, actor):
    url = f"/api/v1/cases/{world['case'].pk}/actions/{world['action'].pk}/"
    response = _call(api_for, world, actor, "patch", url, {"status": "done", "outcome": "arrest"})
    assert _matches(WORK_EXPECT[actor], response.status_code), response.content
    world["action"].refresh_from_db()
    assert world["action"].status == ("done" if WORK_EXPECT[actor] == 2 else "open")


@pytest.mark.parametrize("actor", ACTORS)
def test_add_note(api_for, world, actor):
    response = _call(
        api_for, world, actor, "post", f"/api/v1/cases/{world['case'].pk}/notes/", {"text": "Seen at address"}
    )
    assert _matches(WORK_EXPECT[actor], response.status_code), response.content
    assert CaseNote.objects.filter(case=world["case"]).count() == (1 if WORK_EXPECT[actor] == 2 else 0)


@pytest.mark.parametrize("actor", ACTORS)
def test_transition(api_for, world, actor):
    url = f"/api/v1/cases/{world['case'].pk}/transition/"
    response = _call(api_for, world, actor, "post", url, {"to": "active", "reason": "Plan agreed"})
    assert _matches(MANAGE_EXPECT[actor], response.status_code), response.content
    assert Case.objects.get(pk=world["case"].pk).stage == ("active" if MANAGE_EXPECT[actor] == 2 else "tasked")


@pytest.mark.parametrize("actor", ACTORS)
def test_change_lead(api_for, world, actor):
    url = f"/api/v1/cases/{world['case'].pk}/"
    response = _call(api_for, world, actor, "patch", url, {"lead": world["teammate"].pk})
    assert _matches(MANAGE_EXPECT[actor], response.status_code), response.content
    expected = world["teammate"] if MANAGE_EXPECT[actor] == 2 else world["lead"]
    assert Case.objects.get(pk=world["case"].pk).lead == expected


@pytest.mark.parametrize("actor", ACTORS)
def test_open_case(api_for, world, actor):
    body = {"offender": OffenderFactory().pk, "lead": world["lead"].pk, "team": [], "reason": "New entrant, rank 3",
            "review_due": _due(28)}  # fmt: skip
    before = Case.objects.count()
    response = _call(api_for, world, actor, "post", "/api/v1/cases/", body)
    assert _matches(MANAGE_EXPECT[actor], response.status_code), response.content
    assert Case.objects.count() == before + (1 if MANAGE_EXPECT[actor] == 2 else 0)


def test_refusals_are_audited(api_for, world):
    before = AuditEvent.objects.filter(action="access.refused").count()
    response = _call(api_for, world, "outsider", "post", f"/api/v1/cases/{world['case'].pk}/notes/", {"text": "x"})
    assert response.status_code == 403
    event = AuditEvent.objects.filter(action="access.refused").order_by("-sequence").first()
    assert AuditEvent.objects.filter(action="access.refused").count() == before + 1
    assert event.actor_username == "pc_other"


class TestRestrictedOffender:
    @pytest.fixture
    def hidden_case(self, make_user):
        from cases.services.cases import case_open

        granted_lead = make_user("officer", restricted_access=True, username="pc_granted")
        boss = make_user("supervisor", restricted_access=True, username="sgt_granted")
        return case_open(offender=OffenderFactory(restricted=True), lead=granted_lead, reason="x", by=boss)

    def test_officer_without_grant_cannot_see_it(self, api_for, hidden_case, outsider):
        client = api_for(outsider)
        assert client.get(f"/api/v1/cases/{hidden_case.pk}/").status_code == 403
        ids = [row["id"] for row in client.get("/api/v1/cases/").json()["results"]]
        assert hidden_case.pk not in ids
        assert AuditEvent.objects.filter(action="access.refused", actor_username="pc_other").exists()

    def test_officer_with_grant_sees_it(self, api_for, hidden_case, make_user):
        reader = make_user("officer", restricted_access=True, username="pc_reader")
        assert api_for(reader).get(f"/api/v1/cases/{hidden_case.pk}/").status_code == 200

    def test_supervisor_without_grant_cannot_task_him(self, api_for, supervisor, lead):
        hidden = OffenderFactory(restricted=True)
        body = {"offender": hidden.pk, "lead": lead.pk, "reason": "x"}
        response = api_for(supervisor).post("/api/v1/cases/", body, format="json")
        assert response.status_code == 400 and "offender" in response.json()
        assert not Case.objects.filter(offender=hidden).exists()

    def test_lead_must_be_able_to_see_him(self, api_for, make_user, lead):
        boss = make_user("supervisor", restricted_access=True, username="sgt_granted2")
        hidden = OffenderFactory(restricted=True)
        response = api_for(boss).post(
            "/api/v1/cases/", {"offender": hidden.pk, "lead": lead.pk, "reason": "x"}, format="json"
        )
        assert response.status_code == 400
        assert "restricted" in response.json()["lead"][0]


@pytest.mark.parametrize("role", ["admin", "oversight"])
def test_admin_and_oversight_get_no_case_pages(make_user, web_for, case, role):
    client = web_for(make_user(role))
    assert client.get("/cases/").status_code == 403
    assert client.get(f"/cases/{case.pk}/").status_code == 403


@pytest.mark.parametrize("name", ["outsider", "lead"])
def test_officers_see_the_case_page_but_only_workers_get_the_forms(web_for, world, name):
    body = web_for(world[name]).get(f"/cases/{world['case'].pk}/").content.decode()
    assert ('data-testid="action-form"' in body) is (name == "lead")
    assert 'data-testid="transition-form"' not in body


def test_outsider_form_post_is_refused(web_for, world):
    response = web_for(world["outsider"]).post(f"/cases/{world['case'].pk}/notes/", {"text": "sneaky"})
    assert response.status_code == 403
    assert not CaseNote.objects.exists()
