"""Pages, API and CSV exports: who may see them, what they audit, bad input, and absence of data."""

import csv
import io

import pytest

from portal.audit.models import AuditEvent
from portal.oversight.urls import REPORT_PAGES
from tests.factories import OffenceFactory
from tests.factories.clock import days_ago

PAGES = ["/oversight/", "/oversight/transparency/"] + [f"/oversight/{name}/" for name in REPORT_PAGES]
API = [f"/api/v1/reports/{name}/" for name in REPORT_PAGES]
# The evaluation answers in its own shape ({horizon_days, cohorts, estimates, warnings}; tested below and in
# tests/portal/oversight/test_evaluation.py); every other report in the shared Report shape.
REPORT_SHAPED = [name for name in REPORT_PAGES if name != "evaluation"]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", ["supervisor", "admin", "oversight"])
def test_pages_open_for_report_roles(make_user, web_for, role, url):
    response = web_for(make_user(role)).get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", PAGES + [p + "?format=csv" for p in PAGES[2:]])
def test_officer_is_refused_every_page_and_the_refusal_is_audited(make_user, web_for, url):
    officer = make_user("officer")
    response = web_for(officer).get(url)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.refused", actor_username=officer.username).exists()


@pytest.mark.parametrize("url", API + [a + "?format=csv" for a in API])
def test_officer_is_refused_the_api(make_user, api_for, url):
    officer = make_user("officer")
    assert api_for(officer).get(url).status_code == 403
    assert AuditEvent.objects.filter(action="access.refused", actor_username=officer.username).exists()


@pytest.mark.parametrize("url", ["/oversight/access/", "/oversight/"])
def test_pages_need_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_api_needs_authentication(client, db):
    assert client.get("/api/v1/reports/access/").status_code in (401, 403)


@pytest.mark.parametrize("role", ["supervisor", "admin", "oversight"])
def test_evaluation_api_json_and_csv_are_audited(make_user, api_for, role):
    user = make_user(role)
    client = api_for(user)
    body = client.get("/api/v1/reports/evaluation/").json()
    assert body["horizon_days"] == 180 and body["estimates"] == [] and body["warnings"]  # no history: no estimate
    exported = client.get("/api/v1/reports/evaluation/", {"format": "csv"})
    assert exported.status_code == 200 and csv_rows(exported)[0][:3] == ["method", "outcome", "effect"]
    actions = list(
        AuditEvent.objects.filter(target_type="report", target_id="evaluation").values_list("action", "actor_username")
    )
    assert actions == [("report.view", user.username), ("report.export", user.username)]


@pytest.mark.parametrize("name", REPORT_SHAPED)
@pytest.mark.parametrize("role", ["supervisor", "admin", "oversight"])
def test_api_json_and_csv_for_each_report(make_user, api_for, role, name):
    user = make_user(role)
    client = api_for(user)
    response = client.get(f"/api/v1/reports/{name}/", {"from": days_ago(30).isoformat()})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == name and body["period"] == {"from": days_ago(30).isoformat(), "to": days_ago(0).isoformat()}
    assert body["tables"] and all("rows" in table and "message" in table for table in body["tables"])
    exported = client.get(f"/api/v1/reports/{name}/", {"format": "csv"})
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    rows = csv_rows(exported)
    assert rows[0] == ["section", "figure", "value", "note"]
    actions = list(
        AuditEvent.objects.filter(target_type="report", target_id=name).values_list("action", "actor_username")
    )
    assert actions == [("report.view", user.username), ("report.export", user.username)]


def test_web_page_view_and_export_are_audited(make_user, web_for):
    user = make_user("oversight")
    client = web_for(user)
    assert client.get("/oversight/governance/").status_code == 200
    response = client.get("/oversight/governance/", {"format": "csv", "table": "exits"})
    assert response.status_code == 200
    assert csv_rows(response)[0] == ["Exit reason", "Cases", "Share %"]
    events = AuditEvent.objects.filter(target_type="report", target_id="governance").order_by("sequence")
    assert [(e.action, e.actor_username, e.changes.get("table")) for e in events] == [
        ("report.view", user.username, None),
        ("report.export", user.username, "exits"),
    ]


@pytest.mark.parametrize(
    "query",
    [{"from": "2025-13-01"}, {"to": "yesterday"}, {"from": "2025-06-02", "to": "2025-06-01"},
     {"from": "1990-01-01", "to": "2025-01-01"}, {"from": "9999-12-31"}, {"to": "0001-01-01"},
     {"from": "2025-02-30"}, {"from": "x" * 5000}, {"to": "2025-01-01\x00"}],
)  # fmt: skip
def test_bad_period_is_a_clear_400(make_user, api_for, web_for, query):
    user = make_user("supervisor")
    response = api_for(user).get("/api/v1/reports/outcomes/", query)
    assert response.status_code == 400
    assert set(response.json()) & {"from", "to", "non_field_errors"}
    page = web_for(user).get("/oversight/outcomes/", query)
    assert page.status_code == 400
    assert b"There is a problem" in page.content
    assert not AuditEvent.objects.filter(target_type="report").exists()


def test_unknown_report_and_table(make_user, api_for, web_for):
    client = api_for(make_user("oversight"))
    assert client.get("/api/v1/reports/gangs-matrix/").status_code == 404
    assert client.get("/api/v1/reports/access/", {"format": "csv", "table": "nope"}).status_code == 400
    assert (
        web_for(make_user("supervisor")).get("/oversight/access/", {"format": "csv", "table": "x"}).status_code == 400
    )


def test_csv_export_neutralises_typed_text(make_user, api_for):
    OffenceFactory(borough='=HYPERLINK("http://evil","x")', occurred_on=days_ago(120), reported_on=days_ago(120))
    OffenceFactory(borough="@SUM(1+1)", occurred_on=days_ago(120), reported_on=days_ago(120))
    response = api_for(make_user("oversight")).get("/api/v1/reports/data-quality/", {"format": "csv", "table": "stale"})
    rows = csv_rows(response)
    boroughs = sorted(row[3] for row in rows[1:])
    assert boroughs == ['\'=HYPERLINK("http://evil","x")', "'@SUM(1+1)"]
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for row in rows for cell in row)


def test_no_data_is_said_not_shown_as_zero(make_user, web_for):
    response = web_for(make_user("oversight")).get("/oversight/outcomes/", {"from": "2001-01-01", "to": "2001-12-31"})
    body = response.content.decode()
    assert body.count("No data for this period") >= 4
    assert 'data-testid="chart"' not in body
    assert "<script>" not in body  # CSP: charts come from files, data from json_script
