"""Reading the audit log (API and /oversight/audit/), verifying it, and the automatic actor."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from portal.accounts.permissions import SYSTEM
from portal.accounts.services import token_issue
from portal.audit.models import AuditEvent
from portal.audit.services import audit_record


def _last(action):
    return AuditEvent.objects.filter(action=action).order_by("-sequence").first()


@pytest.mark.parametrize("role", ["admin", "oversight"])
def test_audit_events_api_lists_filters_and_is_itself_audited(make_user, api_for, role):
    reader = make_user(role)
    audit_record(action="offender.view", target_type="offenders.offender", target_id=7, purpose="investigation")
    audit_record(action="offender.view", target_type="offenders.offender", target_id=8)
    response = api_for(reader).get("/api/v1/audit/events/", {"action": "offender.view", "target_id": "7"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1 and body["results"][0]["purpose"] == "investigation"
    read = _last("audit.read")
    assert read.actor_username == reader.username and read.role == role and read.channel == "api"
    assert read.changes["filters"] == {"action": "offender.view", "target_id": "7"}


def test_audit_events_filter_by_actor_and_time(make_user, api_for):
    reader = make_user("oversight")
    officer = make_user("officer")
    api_for(officer).get("/api/v1/audit/events/")  # refused, and the refusal carries the officer
    refusal = _last("access.refused")
    assert refusal.actor_username == officer.username and refusal.role == "officer" and refusal.channel == "api"
    client = api_for(reader)
    body = client.get("/api/v1/audit/events/", {"actor": officer.username}).json()
    assert body["count"] >= 1 and {row["actor_username"] for row in body["results"]} == {officer.username}
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/audit/events/", {"since": future}).json()["count"] == 0
    assert client.get("/api/v1/audit/events/", {"until": future}).json()["count"] >= 1
    assert client.get("/api/v1/audit/events/", {"since": "not-a-date"}).status_code == 400


@pytest.mark.parametrize("role", ["officer", "supervisor"])
def test_audit_api_refused_to_other_roles(make_user, api_for, role):
    client = api_for(make_user(role))
    assert client.get("/api/v1/audit/events/").status_code == 403
    assert client.get("/api/v1/audit/verify/").status_code == 403


def test_audit_api_needs_authentication(db):
    assert APIClient().get("/api/v1/audit/events/").status_code == 401


def test_audit_verify_api(make_user, api_for):
    audit_record(action="test.event")
    body = api_for(make_user("admin")).get("/api/v1/audit/verify/").json()
    assert body["ok"] is True and body["checked"] >= 1 and body["first_broken"] is None
    assert _last("audit.verify").changes["ok"] is True


def test_token_request_carries_actor_without_any_view_code(make_user):
    """DRF authenticates lazily (after the middleware); the actor is still on the event."""
    user = make_user("oversight")
    _, key = token_issue(user=user, by=SYSTEM)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/audit/events/", HTTP_X_REQUEST_ID="req-12345", REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 200
    event = _last("audit.read")
    assert (event.actor_id, event.role, event.channel, event.request_id, event.client_address) == (
        user.pk, "oversight", "api", "req-12345", "192.0.2.10",
    )  # fmt: skip


@pytest.mark.parametrize("role", ["admin", "oversight"])
def test_audit_page_lists_filters_and_is_audited(make_user, web_for, role):
    audit_record(action="case.transition", target_type="offenders.case", target_id=3)
    web = web_for(make_user(role))
    response = web.get("/oversight/audit/", {"action": "case.transition"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "case.transition" in body and "offenders.case 3" in body  # no reference stored: type and id
    assert response["Cache-Control"] == "no-store"
    read = _last("audit.read")
    assert read.channel == "web" and read.role == role and read.changes["filters"] == {"action": "case.transition"}
    response = web.get("/oversight/audit/", {"verify": "1"})
    assert "Chain intact" in response.content.decode()


def test_audit_page_bad_filter_shows_an_error_not_a_500(make_user, web_for):
    response = web_for(make_user("oversight")).get("/oversight/audit/", {"since": "yesterday-ish"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize("role", ["officer", "supervisor"])
def test_audit_page_refused_and_refusal_audited(make_user, web_for, role):
    user = make_user(role)
    response = web_for(user).get("/oversight/audit/")
    assert response.status_code == 403
    refusal = _last("access.refused")
    assert (
        refusal.actor_username == user.username
        and refusal.channel == "web"
        and refusal.target_id == "/oversight/audit/"
    )


@pytest.mark.parametrize(
    "since, status",
    [
        ("2026-01-01T10:00:00+22:27", 200),  # Python accepts offsets PostgreSQL does not: normalised to UTC
        ("2026-01-01T10:00:00Z", 200),
        ("9999-12-31T23:00:00-05:00", 400),  # no such moment in UTC
        ("nonsense", 400),
    ],
)
def test_audit_time_filters_never_500(make_user, api_for, since, status):
    assert api_for(make_user("admin")).get("/api/v1/audit/events/", {"since": since}).status_code == status


@pytest.mark.parametrize("role", ["admin", "oversight"])
def test_a_crime_reference_is_redacted_in_any_event(db, make_user, api_for, role):
    """Not only on offence events: wherever a change or a search carries a crime reference, at any depth."""
    audit_record(action="job.note", target_type="job", target_id="nightly",
                 changes={"crime_ref": "CR-ZQ-9", "rows": [{"crime_ref": "CR-ZQ-8", "line": 2}], "count": 3})  # fmt: skip
    response = api_for(make_user(role)).get("/api/v1/audit/events/", {"action": "job.note"})
    assert "CR-ZQ" not in response.content.decode()
    changes = response.json()["results"][0]["changes"]
    assert changes == {"crime_ref": "(redacted)", "rows": [{"crime_ref": "(redacted)", "line": 2}], "count": 3}
    assert AuditEvent.objects.get(action="job.note").changes["crime_ref"] == "CR-ZQ-9"  # stored in full
