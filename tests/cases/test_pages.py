"""Case pages and the dashboard: what each role sees, forms that refuse bad input, audited views."""

import datetime as dt
import re

import pytest

from cases.models import Case, CaseNote, PlanAction
from cases.selectors import offender_cases_panel
from cases.services.plan_actions import plan_action_add
from portal.audit.models import AuditEvent
from tests.factories import OffenceFactory, OffenderFactory


def test_case_list_scopes_and_filters(web_for, lead, outsider, open_case, case):
    other = open_case(lead=outsider)
    OffenceFactory(offender=other.offender, borough="Brent")
    client = web_for(lead)
    body = client.get("/cases/").content.decode()
    assert f"Case {case.pk}<" in body and f"Case {other.pk}<" in body
    mine = client.get("/cases/?scope=mine").content.decode()
    assert f"Case {case.pk}<" in mine and f"Case {other.pk}<" not in mine
    brent = client.get("/cases/?scope=all&borough=Brent").content.decode()
    assert f"Case {other.pk}<" in brent and f"Case {case.pk}<" not in brent
    assert AuditEvent.objects.filter(action="case.list", actor_username="pc_lead").count() == 3


def test_case_list_paginates(web_for, lead, open_case):
    for _ in range(27):
        open_case(lead=lead)
    client = web_for(lead)
    first = client.get("/cases/?scope=mine")
    assert first.status_code == 200 and "Page 1 of 2" in first.content.decode()
    second = client.get("/cases/?scope=mine&page=2").content.decode()
    assert len(re.findall(r'href="/cases/\d+/"', second)) == 2


def test_case_page_shows_plan_by_strand_and_marks_overdue(web_for, lead, case, today):
    late = plan_action_add(case=case, strand="protect", description="Refer to MARAC", owner=lead, due_on=today, by=lead)
    PlanAction.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=3))
    plan_action_add(case=case, strand="prevent", description="Perpetrator programme", owner=lead,
                    due_on=today + dt.timedelta(days=9), by=lead)  # fmt: skip
    response = web_for(lead).get(f"/cases/{case.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    protect = body.split('data-testid="strand-protect"')[1].split("</section>")[0]
    prevent = body.split('data-testid="strand-prevent"')[1].split("</section>")[0]
    assert "Refer to MARAC" in protect and 'data-testid="overdue"' in protect
    assert "Perpetrator programme" in prevent and 'data-testid="overdue"' not in prevent
    assert AuditEvent.objects.filter(action="case.view", target_id=str(case.pk), actor_username="pc_lead").exists()


def test_case_scores_are_labelled_illustrative_only_under_an_illustrative_policy(web_for, lead, case):
    from scoring.models import ScoringPolicy

    illustrative = ScoringPolicy.objects.get(status="active")
    assert illustrative.is_illustrative
    official = ScoringPolicy.objects.create(
        name="Official CCHI", version=illustrative.version + 1, is_illustrative=False
    )
    Case.objects.filter(pk=case.pk).update(policy_at_tasking=f"v{official.version}")
    body = web_for(lead).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="illustrative-note"' not in body
    Case.objects.filter(pk=case.pk).update(policy_at_tasking=f"v{illustrative.version}")
    body = web_for(lead).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="illustrative-note"' in body and "<strong>illustrative</strong>" in body


def test_task_an_offender_from_the_page(web_for, supervisor, lead, teammate, offender):
    client = web_for(supervisor)
    form = client.get(f"/cases/new/?offender={offender.pk}")
    assert form.status_code == 200 and offender.display_name in form.content.decode()
    empty = client.post("/cases/new/", {"offender": offender.pk, "lead": lead.pk, "reason": ""})
    assert empty.status_code == 200 and "govuk-error-summary" in empty.content.decode()
    assert not Case.objects.exists()
    response = client.post("/cases/new/", {"offender": offender.pk, "lead": lead.pk, "team": [teammate.pk],
                                           "reason": "New entrant at rank 4", "review_due": ""})  # fmt: skip
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert list(case.team.all()) == [teammate]


def test_officer_cannot_open_the_task_form(web_for, lead, offender):
    assert web_for(lead).get(f"/cases/new/?offender={offender.pk}").status_code == 403


def test_action_form_errors_and_success(web_for, lead, case, today):
    client = web_for(lead)
    past = (today - dt.timedelta(days=1)).isoformat()
    refused = client.post(f"/cases/{case.pk}/actions/", {"strand": "pursue", "description": "Arrest",
                                                         "owner": "", "due_on": past})  # fmt: skip
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "Every action needs an owner." in body and "The due date cannot be in the past." in body
    assert not PlanAction.objects.exists()
    ok = client.post(f"/cases/{case.pk}/actions/", {"strand": "pursue", "description": "Arrest",
                                                   "owner": lead.pk, "due_on": today.isoformat()})  # fmt: skip
    assert ok.status_code == 302
    action = PlanAction.objects.get()
    no_outcome = client.post(f"/cases/{case.pk}/actions/{action.pk}/", {"status": "done", "outcome": ""})
    assert "A done action needs an outcome." in no_outcome.content.decode()
    client.post(f"/cases/{case.pk}/actions/{action.pk}/", {"status": "done", "outcome": "arrest"})
    action.refresh_from_db()
    assert (action.status, action.outcome) == ("done", "arrest")


def test_note_and_transition_forms(web_for, supervisor, case):
    client = web_for(supervisor)
    assert client.post(f"/cases/{case.pk}/notes/", {"text": "Met the lead"}).status_code == 302
    assert CaseNote.objects.get().author_username == "sgt_sup"
    refused = client.post(f"/cases/{case.pk}/transition/", {"to": "charged", "reason": "x", "exit_reason": ""})
    assert "cannot move from tasked to charged" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).stage == "tasked"
    client.post(f"/cases/{case.pk}/transition/", {"to": "closed", "reason": "Jailed", "exit_reason": "in_custody"})
    assert Case.objects.get(pk=case.pk).exit_reason == "in_custody"


def test_edit_page(web_for, supervisor, outsider, case, today):
    client = web_for(supervisor)
    assert client.get(f"/cases/{case.pk}/edit/").status_code == 200
    bad = client.post(f"/cases/{case.pk}/edit/", {"lead": case.lead_id, "review_due": "2001-01-01"})
    assert "cannot be in the past" in bad.content.decode()
    client.post(f"/cases/{case.pk}/edit/", {"lead": outsider.pk, "review_due": today.isoformat()})
    assert Case.objects.get(pk=case.pk).lead == outsider


def render_cases_panel(*, user, offender) -> str:
    """The profile's cases panel as the profile renders it: its data read first, the template only formats."""
    from django.template.loader import render_to_string

    data = offender_cases_panel(user=user, offender=offender, score_summary={})
    return render_to_string("cases/offender_cases_panel.html", {"offender": offender, "data": data})


class TestOffenderPanel:
    def test_supervisor_sees_task_button_until_tasked(self, web_for, supervisor, lead, open_case):
        person = OffenderFactory()
        html = render_cases_panel(user=supervisor, offender=person)
        assert 'data-testid="task-offender"' in html and "Not tasked." in html
        case = open_case(person, lead=lead)
        html = render_cases_panel(user=supervisor, offender=person)
        assert 'data-testid="task-offender"' not in html and f"/cases/{case.pk}/" in html

    def test_officer_sees_cases_without_task_button(self, lead, case):
        html = render_cases_panel(user=lead, offender=case.offender)
        assert f"/cases/{case.pk}/" in html and "task-offender" not in html


class TestDashboard:
    def test_officer_panels(self, web_for, lead, case, today):
        late = plan_action_add(
            case=case, strand="pursue", description="Locate and arrest", owner=lead, due_on=today, by=lead
        )
        PlanAction.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=1))
        plan_action_add(case=case, strand="prepare", description="Intel gap on address", owner=lead,
                        due_on=today + dt.timedelta(days=5), by=lead)  # fmt: skip
        body = web_for(lead).get("/").content.decode()
        assert "My overdue actions (1)" in body and "My open actions (2)" in body and "My cases (1)" in body
        overdue = body.split('data-testid="panel-overdue"')[1].split("</section>")[0]
        assert "Locate and arrest" in overdue and "Intel gap" not in overdue

    def test_supervisor_panels(self, web_for, supervisor, lead, case, today):
        from django.utils import timezone

        Case.objects.filter(pk=case.pk).update(
            review_due=today, last_activity_at=timezone.now() - dt.timedelta(days=40)
        )
        body = web_for(supervisor).get("/").content.decode()
        assert "Reviews due (1)" in body and "No activity for 28 days (1)" in body
        assert 'data-testid="panel-untasked"' in body

    def test_supervisor_sees_untasked_new_entrants(self, web_for, supervisor, lead, open_case, today):
        from scoring.models import OffenderScore, ScoringPolicy

        policy = ScoringPolicy.objects.get(status="active")
        top, tasked = OffenderFactory(surname="Topman"), OffenderFactory(surname="Takenman")
        for person, score in ((top, 900.0), (tasked, 800.0)):
            OffenderScore.objects.create(offender=person, policy=policy, score=score, harm_days=score, offence_count=2,
                                         victim_count=1, eligible=True, as_of=today, computed_at="2026-01-01T00:00Z")  # fmt: skip
        open_case(tasked, lead=lead)
        panel = (
            web_for(supervisor)
            .get("/")
            .content.decode()
            .split('data-testid="panel-untasked"')[1]
            .split("</section>")[0]
        )
        assert "Topman" in panel and "Takenman" not in panel
        assert f"/cases/new/?offender={top.pk}" in panel

    @pytest.mark.parametrize("role", ["admin", "oversight"])
    def test_admin_and_oversight_see_counts_only(self, web_for, make_user, case, role):
        body = web_for(make_user(role)).get("/").content.decode()
        assert "Case work in numbers" in body and 'Cases tasked</dt><dd class="govuk-summary-list__value">1' in body
        assert case.offender.surname not in body and f"/cases/{case.pk}/" not in body
        assert not AuditEvent.objects.filter(action="dashboard.view").exists()  # counts only: nothing personal

    def test_a_dashboard_listing_offenders_is_audited_once_per_view(self, web_for, lead, case):
        """docs/access-and-audit.md: 'My cases' names offenders, so each page view writes one dashboard.view event."""
        client = web_for(lead)
        body = client.get("/").content.decode()
        assert case.offender.surname in body.upper() or case.offender.surname in body
        [event] = AuditEvent.objects.filter(action="dashboard.view")
        assert (event.actor_username, event.target_type, event.target_id) == (
            lead.username,
            "portal.dashboard",
            "officer",
        )
        assert event.changes["rows"]["my_cases"] == 1
        client.get("/")
        assert AuditEvent.objects.filter(action="dashboard.view").count() == 2


def test_task_form_without_an_offender(web_for, supervisor):
    client = web_for(supervisor)
    response = client.get("/cases/new/")
    assert response.status_code == 302 and response["Location"] == "/rankings/"
    assert client.post("/cases/new/", {"reason": "x"}).status_code == 400
    assert client.get("/cases/new/?offender=999999").status_code == 404
    assert not Case.objects.exists()


def test_post_only_addresses_send_readers_back_to_the_case(web_for, lead, case):
    response = web_for(lead).get(f"/cases/{case.pk}/notes/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"


def test_task_form_for_a_hidden_offender_is_refused_and_audited(web_for, supervisor, make_user):
    """As on his profile (ADR 0102): a restricted offender this supervisor may not see is a 403, and the
    attempt is on record; the grant opens the form."""
    from tests.factories import OffenderFactory

    hidden = OffenderFactory(restricted=True)
    response = web_for(supervisor).get(f"/cases/new/?offender={hidden.pk}")
    assert response.status_code == 403 and hidden.surname not in response.content.decode()
    assert AuditEvent.objects.filter(action="access.refused", actor_username=supervisor.username).exists()
    assert web_for(supervisor).post("/cases/new/", {"offender": hidden.pk, "reason": "x"}).status_code == 403
    granted = make_user("supervisor", restricted_access=True, username="sgt_granted_form")
    assert web_for(granted).get(f"/cases/new/?offender={hidden.pk}").status_code == 200
    assert not Case.objects.exists()
