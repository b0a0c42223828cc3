"""The audit page as an auditor uses it: several actions at once, a target by its reference, dates
from date controls, references instead of ids, and a CSV export that is itself recorded."""

import csv
import io

import pytest

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from tests.factories import OffenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(make_user):
    offender = OffenderFactory()
    audit_record(action="offender.view", target=offender, object_repr=offender.reference, purpose="investigation")
    audit_record(action="case.view", target_type="offenders.case", target_id="7", object_repr="case 7")
    audit_record(action="report.export", target_type="report", target_id="outcomes")
    return offender


def _page(client, query: str) -> str:
    response = client.get(f"/oversight/audit/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_several_actions_and_a_target_reference(logged, make_user, web_for):
    client = web_for(make_user("oversight"))
    both = _page(client, "action=offender.view&action=case.view")
    assert "offender.view</code>" in both and "case.view</code>" in both and "report.export</code>" not in both
    assert 'value="offender.view" checked' in both  # the list offers what the log holds, ticked as chosen
    by_reference = _page(client, f"target={logged.reference.lower()}")
    assert "offender.view</code>" in by_reference and "case.view</code>" not in by_reference
    assert logged.reference in by_reference and f"offenders.offender:{logged.pk}" not in by_reference
    assert "case.view</code>" in _page(client, "target=Case 7")
    assert 'type="date"' in both and "ISO 8601" not in both


def test_the_export_is_csv_of_the_filtered_events_and_is_recorded(logged, make_user, web_for):
    client = web_for(make_user("admin", username="admin_exports"))
    response = client.get("/oversight/audit/export/?action=offender.view&action=case.view")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(body)))
    assert [row["action"] for row in table] == ["offender.view", "case.view"]
    assert table[0]["target"] == logged.reference and logged.surname not in body
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor_username == "admin_exports"
    assert export.changes["filters"] == {"action": "offender.view,case.view"}


def test_a_bad_date_is_a_form_error_not_a_500(make_user, web_for):
    client = web_for(make_user("oversight"))
    assert client.get("/oversight/audit/?since=31/02/2026").status_code == 200
    assert client.get("/oversight/audit/export/?since=not-a-date").status_code == 400


def test_others_may_not_export_the_audit_log(make_user, web_for):
    assert web_for(make_user("supervisor")).get("/oversight/audit/export/").status_code == 403
