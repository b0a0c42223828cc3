"""Non-crime domestic incidents (docs/scoring.md, docs/imports.md): recorded and imported all or nothing,
shown on the profile, and counted by a policy at exactly N days each (0 by default: not counted)."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest

from offenders.imports.sources import Upload
from offenders.models import DomesticIncident, ImportBatch
from offenders.services.incidents import incident_record, incidents_import
from scoring.models import OffenderScore, ScoringPolicy
from scoring.selectors import offender_score_breakdown
from scoring.services import policy_activate, policy_approve, policy_create_draft, scores_write

pytestmark = pytest.mark.django_db

HEADER = "incident_ref,suspect_ref,victim_ref,occurred_on,kind,separation\n"


def _upload(text: str) -> Upload:
    data = text.encode()
    return Upload(BytesIO(data), "incidents.csv", len(data))


def _policy_counting(days, base, make_user):
    draft = policy_create_draft(name=f"Incidents x{days}", by=make_user("admin"), based_on=base,
                                parameters={"incident_days": days})  # fmt: skip
    approver = make_user("admin")
    policy_approve(policy=draft, by=approver)
    policy, _run = policy_activate(policy=ScoringPolicy.objects.get(pk=draft.pk), by=approver)
    return policy


def test_counting_incidents_at_n_days_adds_exactly_n_each(policy, make_user, make_offender, make_offence, today):
    offender = make_offender()
    make_offence(offender, code="008/67")
    make_offence(offender, code="105/01", days_ago=20)
    officer = make_user("officer")
    for n, days_ago in enumerate((5, 50, 400)):  # the last is outside the 365-day window: not counted
        incident_record(data={"incident_ref": f"INC{n}", "offender": offender, "victim_ref": "V1",
                              "occurred_on": today - timedelta(days=days_ago), "kind": "verbal"}, by=officer)  # fmt: skip
    scores_write(policy=policy, as_of=today, offender_ids=[offender.pk])
    before = OffenderScore.objects.get(offender=offender).score  # default policy: incidents not counted

    counting = _policy_counting("12.25", policy, make_user)
    scores_write(policy=counting, as_of=today, offender_ids=[offender.pk])
    after = OffenderScore.objects.get(offender=offender)
    assert Decimal(repr(after.score)) - Decimal(repr(before)) == 2 * Decimal("12.25")
    summary = offender_score_breakdown(offender)
    incident_rows = [row for row in summary["breakdown"] if row["kind"] == "incident"]
    assert [row["crime_ref"] for row in incident_rows] == ["INC1", "INC0"]
    assert sum(Decimal(repr(row["contribution"])) for row in summary["breakdown"]) == Decimal(repr(summary["score"]))
    assert summary["score"] == after.score


def test_an_incident_in_the_future_is_refused(make_user, make_offender, today):
    with pytest.raises(Exception) as refused:
        incident_record(data={"incident_ref": "F1", "offender": make_offender(), "victim_ref": "V1",
                              "occurred_on": today + timedelta(days=1), "kind": "verbal"}, by=make_user("officer"))  # fmt: skip
    assert "future" in str(refused.value) and not DomesticIncident.objects.exists()


def test_the_csv_import_is_all_or_nothing_with_line_numbers(make_user, make_offender, today):
    offender = make_offender()
    admin = make_user("admin")
    good = f"INC1,{offender.suspect_ref},V1,{today - timedelta(days=3)},verbal,true\n"
    bad = (
        HEADER + good
        + f"INC2,NOBODY,V1,{today - timedelta(days=3)},verbal,\n"
        + f"INC3,{offender.suspect_ref},V2,{today + timedelta(days=2)},shouting,\n"
    )  # fmt: skip
    report = incidents_import(upload=_upload(bad), by=admin)
    assert not report.ok and report.batch.outcome == ImportBatch.Outcome.REJECTED
    assert [(p.line, p.column) for p in report.problems.kept] == [
        (3, "suspect_ref"),
        (4, "occurred_on"),
        (4, "kind"),
    ]
    assert not DomesticIncident.objects.exists()

    report = incidents_import(upload=_upload(HEADER + good), by=admin)
    assert report.loaded and report.batch.rows_created == 1
    incident = DomesticIncident.objects.get()
    assert incident.offender == offender and incident.separation is True
    again = incidents_import(upload=_upload(HEADER + good), by=admin)
    assert again.loaded and again.batch.rows_unchanged == 1 and DomesticIncident.objects.count() == 1


def test_the_profile_shows_incidents(make_user, make_offender, today, web_for):
    offender = make_offender()
    officer = make_user("officer")
    incident_record(data={"incident_ref": "INC-PROFILE", "offender": offender, "victim_ref": "V1",
                          "occurred_on": today, "kind": "welfare", "separation": True}, by=officer)  # fmt: skip
    web = web_for(officer)
    web.post(f"/offenders/{offender.pk}/", {"purpose": "safeguarding"})  # the purpose of access, asked first
    html = web.get(f"/offenders/{offender.pk}/").content.decode()
    assert 'data-testid="incidents"' in html and "INC-PROFILE" in html and "Separation" in html


def test_the_incidents_api(make_user, make_offender, today, api_for):
    offender = make_offender()
    officer = api_for(make_user("officer"))
    body = {"incident_ref": "API-1", "offender": offender.pk, "victim_ref": "V9",
            "occurred_on": str(today - timedelta(days=1)), "kind": "threatening"}  # fmt: skip
    created = officer.post("/api/v1/incidents/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert officer.get("/api/v1/incidents/").json()["count"] == 1
    patched = officer.patch(f"/api/v1/incidents/{pk}/", {"separation": True}, format="json")
    assert patched.status_code == 200 and patched.json()["separation"] is True
    future = officer.post("/api/v1/incidents/", {**body, "incident_ref": "API-2",
                                                 "occurred_on": str(today + timedelta(days=3))}, format="json")  # fmt: skip
    assert future.status_code == 400 and "occurred_on" in future.json()
    assert api_for(make_user("admin")).post("/api/v1/incidents/", body, format="json").status_code == 403

    admin = api_for(make_user("admin"))
    text = HEADER + f"API-3,{offender.suspect_ref},V1,{today},verbal,\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    loaded = admin.post(
        "/api/v1/imports/incidents/", {"file": SimpleUploadedFile("i.csv", text.encode())}, format="multipart"
    )
    assert loaded.status_code == 201, loaded.content
    bad = admin.post("/api/v1/imports/incidents/",
                     {"file": SimpleUploadedFile("i.csv", (HEADER + "X,,V1,2020-01-01,verbal,\n").encode())}, format="multipart")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["errors"][0]["line"] == 2
