"""Victims' safety on a case and the safety gate on enforcement actions (docs/cases.md)."""

import datetime as dt

import pytest

from cases.models import ActionStatus, ClaresLawDisclosure, SafetyCheck, VictimSafety
from cases.services.plan_actions import plan_action_add
from cases.services.safety import safety_check_record
from portal.audit.models import AuditEvent

API = "/api/v1"


@pytest.fixture
def victim(case):
    return case.offender.offences.order_by("id").first().victim


@pytest.fixture
def high_risk_stale(case, victim, supervisor, today):
    """The victim graded high risk at a check ten days ago: the gate now waits for a new check."""
    safety_check_record(
        case=case, victim=victim, checked_on=today - dt.timedelta(days=10), risk_grade="high", by=supervisor
    )
    return victim


@pytest.fixture
def arrest(case, lead, supervisor, today):
    return plan_action_add(
        case=case, strand="pursue", kind="enforcement", description="Arrest for breach", owner=lead,
        due_on=today + dt.timedelta(days=3), by=supervisor,
    )  # fmt: skip


def _gate_events():
    return list(AuditEvent.objects.filter(action="case.action.safety_gate").order_by("id"))


def test_victims_are_listed_for_the_case_team_only(case, victim, lead, outsider, partner, supervisor, api_for):
    url = f"{API}/cases/{case.pk}/victims/"
    rows = api_for(lead).get(url).json()["results"]
    assert {row["reference"] for row in rows} == {o.victim.victim_ref for o in case.offender.offences.all()}
    assert {"risk_grade", "marac", "idva", "last_safety_check_on"} <= set(rows[0])
    assert api_for(supervisor).get(url).status_code == 200
    assert api_for(outsider).get(url).status_code == 403
    case.team.add(partner)
    response = api_for(partner).get(url)
    assert response.status_code == 403 and victim.victim_ref not in response.content.decode()


def test_a_safety_check_in_the_future_or_for_a_stranger_is_refused(case, victim, lead, api_for, today):
    from tests.factories import VictimFactory

    url = f"{API}/cases/{case.pk}/victims/{victim.pk}/safety-checks/"
    future = api_for(lead).post(
        url, {"checked_on": (today + dt.timedelta(days=1)).isoformat(), "risk_grade": "high"}, format="json"
    )
    assert future.status_code == 400 and "checked_on" in future.json()
    stranger = VictimFactory()
    other = api_for(lead).post(
        f"{API}/cases/{case.pk}/victims/{stranger.pk}/safety-checks/",
        {"checked_on": today.isoformat(), "risk_grade": "high"},
        format="json",
    )
    assert other.status_code == 404
    assert not SafetyCheck.objects.exists() and not VictimSafety.objects.exists()
    made = api_for(lead).post(
        url, {"checked_on": today.isoformat(), "risk_grade": "medium", "marac": "referred"}, format="json"
    )
    assert made.status_code == 201
    (row,) = [r for r in api_for(lead).get(f"{API}/cases/{case.pk}/victims/").json()["results"] if r["id"] == victim.pk]
    assert (
        row["risk_grade"] == "medium"
        and row["marac"] == "referred"
        and row["last_safety_check_on"] == today.isoformat()
    )
    assert AuditEvent.objects.filter(action="case.safety_check.create").count() == 1


def test_the_safety_gate_refuses_then_allows_after_a_check_then_by_override(
    case, high_risk_stale, arrest, lead, supervisor, api_for, today
):
    url = f"{API}/cases/{case.pk}/actions/{arrest.pk}/"
    refused = api_for(lead).patch(url, {"status": "done", "outcome": "arrest"}, format="json")
    assert refused.status_code == 409
    assert high_risk_stale.victim_ref in refused.json()["detail"] and "safety check" in refused.json()["detail"]
    assert refused.json()["victims"] == [high_risk_stale.victim_ref]
    arrest.refresh_from_db()
    assert arrest.status == ActionStatus.OPEN
    assert [e.changes["outcome"] for e in _gate_events()] == ["refused"]

    checked = api_for(lead).post(
        f"{API}/cases/{case.pk}/victims/{high_risk_stale.pk}/safety-checks/",
        {"checked_on": today.isoformat(), "risk_grade": "high", "notes": "Safety plan reviewed"}, format="json",
    )  # fmt: skip
    assert checked.status_code == 201
    done = api_for(lead).patch(url, {"status": "done", "outcome": "arrest"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert [e.changes["outcome"] for e in _gate_events()] == ["refused", "passed"]

    VictimSafety.objects.filter(victim=high_risk_stale).update(last_safety_check_on=today - dt.timedelta(days=8))
    search = plan_action_add(
        case=case, strand="pursue", kind="enforcement", description="Search", owner=lead, due_on=today, by=supervisor
    )
    search_url = f"{API}/cases/{case.pk}/actions/{search.pk}/"
    by_officer = api_for(lead).patch(
        search_url, {"status": "done", "outcome": "arrest", "override_reason": "urgent"}, format="json"
    )
    assert by_officer.status_code == 409 and "Only a supervisor" in by_officer.json()["detail"]
    overridden = api_for(supervisor).patch(
        search_url,
        {"status": "done", "outcome": "arrest", "override_reason": "Imminent risk to a child"},
        format="json",
    )
    assert overridden.status_code == 200
    search.refresh_from_db()
    assert search.safety_override_reason == "Imminent risk to a child"
    last = _gate_events()[-1]
    assert last.changes["outcome"] == "overridden" and last.changes["reason"] == "Imminent risk to a child"
    assert last.actor_username == supervisor.username


def test_the_gate_days_are_configurable(case, high_risk_stale, arrest, lead, api_for, settings):
    settings.PORTAL_SAFETY_CHECK_DAYS = 14
    url = f"{API}/cases/{case.pk}/actions/{arrest.pk}/"
    assert api_for(lead).patch(url, {"status": "done", "outcome": "arrest"}, format="json").status_code == 200


def test_a_general_action_is_not_gated(case, high_risk_stale, lead, supervisor, api_for, today):
    visit = plan_action_add(case=case, strand="prevent", description="Letter", owner=lead, due_on=today, by=supervisor)
    response = api_for(lead).patch(
        f"{API}/cases/{case.pk}/actions/{visit.pk}/", {"status": "done", "outcome": "other"}, format="json"
    )
    assert response.status_code == 200


def test_the_case_page_records_checks_and_clares_law(
    case, victim, arrest, high_risk_stale, supervisor, lead, outsider, web_for, today
):
    page = web_for(lead).get(f"/cases/{case.pk}/").content.decode()
    assert victim.victim_ref in page and 'data-testid="safety-form"' in page
    assert victim.victim_ref not in web_for(outsider).get(f"/cases/{case.pk}/").content.decode()
    gated = web_for(lead).post(f"/cases/{case.pk}/actions/{arrest.pk}/", {"status": "done", "outcome": "arrest"})
    assert gated.status_code == 200 and high_risk_stale.victim_ref in gated.content.decode()
    future = web_for(lead).post(
        f"/cases/{case.pk}/safety-checks/",
        {"victim": victim.pk, "checked_on": (today + dt.timedelta(days=2)).isoformat(), "risk_grade": "high"},
    )
    assert future.status_code == 200 and "cannot be in the future" in future.content.decode()
    ok = web_for(lead).post(
        f"/cases/{case.pk}/safety-checks/", {"victim": victim.pk, "checked_on": today.isoformat(), "risk_grade": "high"}
    )
    assert ok.status_code == 302
    done = web_for(lead).post(f"/cases/{case.pk}/actions/{arrest.pk}/", {"status": "done", "outcome": "arrest"})
    assert done.status_code == 302
    clare = web_for(lead).post(
        f"/cases/{case.pk}/clares-law/",
        {"route": "right_to_ask", "decision": "disclosed", "decided_on": today.isoformat()},
    )
    assert clare.status_code == 302
    disclosure = ClaresLawDisclosure.objects.get(case=case)
    assert disclosure.decided_by == lead and disclosure.route == "right_to_ask"
    assert AuditEvent.objects.filter(action="case.clares_law.create", target_id=str(disclosure.pk)).exists()
    bad = web_for(lead).post(
        f"/cases/{case.pk}/clares-law/",
        {"route": "right_to_ask", "decision": "disclosed", "decided_on": (today + dt.timedelta(days=1)).isoformat()},
    )
    assert bad.status_code == 200 and ClaresLawDisclosure.objects.count() == 1
    assert (
        web_for(outsider)
        .post(
            f"/cases/{case.pk}/clares-law/",
            {"route": "right_to_ask", "decision": "disclosed", "decided_on": today.isoformat()},
        )
        .status_code
        == 403
    )


def test_clares_law_through_the_api_uses_the_page_rules_and_is_audited(
    case, lead, supervisor, outsider, partner, api_for, web_for, today
):
    url = f"{API}/cases/{case.pk}/clares-law/"
    body = {"route": "right_to_know", "decision": "pending", "decided_on": today.isoformat()}
    future = api_for(lead).post(url, {**body, "decided_on": (today + dt.timedelta(days=1)).isoformat()}, format="json")
    assert future.status_code == 400 and "decided_on" in future.json()
    unknown = api_for(lead).post(url, {**body, "route": "right_to_guess", "decided_on": "never"}, format="json")
    assert unknown.status_code == 400 and {"route", "decided_on"} <= set(unknown.json())
    assert not ClaresLawDisclosure.objects.exists()

    made = api_for(lead).post(url, body, format="json")
    assert made.status_code == 201
    assert made.json() | {"id": 0, "created_at": ""} == {
        "id": 0, "case": case.pk, "route": "right_to_know", "decision": "pending",
        "decided_on": today.isoformat(), "decided_by_username": lead.username, "created_at": "",
    }  # fmt: skip
    disclosure = ClaresLawDisclosure.objects.get()
    assert disclosure.decided_by == lead
    assert AuditEvent.objects.filter(action="case.clares_law.create", target_id=str(disclosure.pk)).exists()
    page = web_for(supervisor).get(f"/cases/{case.pk}/").content.decode()
    assert "Right to know: Decision pending" in page  # the page and the API share one record

    listed = api_for(supervisor).get(url)
    assert listed.status_code == 200 and [row["id"] for row in listed.json()["results"]] == [disclosure.pk]
    assert AuditEvent.objects.filter(action="case.clares_law.view", target_id=str(case.pk)).count() == 1

    case.team.add(partner)
    for stranger in (outsider, partner):
        assert api_for(stranger).get(url).status_code == 403
        assert api_for(stranger).post(url, body, format="json").status_code == 403
    assert ClaresLawDisclosure.objects.count() == 1


def test_the_case_page_records_an_order_shown_on_the_profile_and_ending_in_the_digest(
    case, victim, lead, supervisor, web_for, today, mailoutbox
):
    from cases.services.digests import cases_morning_run
    from offenders.models import ProtectiveOrder

    ends = today + dt.timedelta(days=10)
    bad = web_for(supervisor).post(
        f"/cases/{case.pk}/orders/",
        {
            "order-kind": "dapo",
            "order-starts_on": today.isoformat(),
            "order-ends_on": (today - dt.timedelta(days=1)).isoformat(),
            "order-protected_victims": [victim.pk],
        },
    )
    assert bad.status_code == 200 and "cannot end before it starts" in bad.content.decode()
    assert not ProtectiveOrder.objects.exists()
    made = web_for(supervisor).post(
        f"/cases/{case.pk}/orders/",
        {
            "order-kind": "dapo",
            "order-starts_on": (today - dt.timedelta(days=20)).isoformat(),
            "order-ends_on": ends.isoformat(),
            "order-conditions": "No contact",
            "order-protected_victims": [victim.pk],
        },
    )
    assert made.status_code == 302
    order = ProtectiveOrder.objects.get()
    assert order.offender == case.offender and list(order.protected_victims.all()) == [victim]
    assert "Domestic abuse protection order" in web_for(lead).get(f"/cases/{case.pk}/").content.decode()
    client = web_for(lead)
    client.post(f"/offenders/{case.offender_id}/", {"purpose": "investigation"})
    assert f'data-testid="order-{order.pk}"' in client.get(f"/offenders/{case.offender_id}/").content.decode()
    cases_morning_run(today=today)
    (mail,) = [m for m in mailoutbox if lead.email in m.to]
    assert "Protective orders ending within 14 days" in mail.body and case.offender.reference in mail.body
    assert ends.strftime("%-d %b %Y") in mail.body


def test_victims_details_are_in_no_report_or_export(case, victim, high_risk_stale, supervisor, admin_user, api_for):
    from portal.oversight.selectors import REPORTS

    for reader in (supervisor, admin_user):
        for name in REPORTS:
            for query in ({}, {"format": "csv"}):
                response = api_for(reader).get(f"{API}/reports/{name}/", query)
                assert response.status_code == 200, (name, response.status_code)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                assert victim.victim_ref.encode() not in body, f"{name} {query} names the victim"
