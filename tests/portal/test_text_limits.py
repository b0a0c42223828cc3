"""Every free-text field has one length limit (offenders/rules.py), the same on every way in: the API
(a 400 with the field's error, documented as the schema's maxLength), the pages (a form error), the
imports (a problem at its line and column) and the admin's upload form. A value at the limit is kept;
one character more changes nothing."""

import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from cases.models import Case, CaseNote, CaseStageChange, PlanAction
from cases.services.cases import case_open
from offenders import rules
from offenders.models import Offence, Offender
from scoring.models import ScoringPolicy
from scoring.services import policy_create_draft
from tests.factories import OffenceFactory, OffenderFactory
from tests.factories.imports import csv_bytes, offence_row, upload_of

pytestmark = pytest.mark.django_db
SOON = (timezone.localdate() + dt.timedelta(days=7)).isoformat()


@pytest.fixture
def world(make_user):
    supervisor = make_user("supervisor", restricted_access=True, username="limit_sup")
    lead = make_user("officer", username="limit_lead")
    admin = make_user("admin", username="limit_admin")
    offender, untasked = OffenderFactory(), OffenderFactory()
    for person in (offender, offender, untasked, untasked):
        OffenceFactory(offender=person)
    case = case_open(offender=offender, lead=lead, reason="Tasked", by=supervisor)
    draft = policy_create_draft(name="Limits draft", by=admin, based_on=ScoringPolicy.objects.get(status="active"))
    ids = {"case": case.pk, "lead": lead.pk, "offender": offender.pk, "untasked": untasked.pk, "draft": draft.pk}
    return {"supervisor": supervisor, "admin": admin, "ids": ids}


def _offence(**fields):
    body = {"crime_ref": "CR/LIM/1", "offence_code": "008/67", "occurred_on": "2025-01-10", "reported_on": "2025-01-11",
            "status": "reported", "victim_ref": "V/LIM/1", "borough": "Camden"}  # fmt: skip
    return lambda ids, text: {**body, "offender": ids["offender"], **{name: text for name in fields}}


API_CASES = [
    ("supervisor", "post", "cases/{case}/notes/", lambda ids, text: {"text": text}, "text", rules.CASE_NOTE, CaseNote),
    ("supervisor", "post", "cases/{case}/transition/", lambda ids, text: {"to": "active", "reason": text}, "reason",
     rules.CASE_REASON, CaseStageChange),
    ("supervisor", "post", "cases/{case}/actions/", lambda ids, text: {"strand": "pursue", "description": text,
     "owner": ids["lead"], "due_on": SOON}, "description", rules.ACTION_DESCRIPTION, PlanAction),
    ("supervisor", "post", "cases/", lambda ids, text: {"offender": ids["untasked"], "lead": ids["lead"],
     "reason": text}, "reason", rules.CASE_REASON, Case),
    ("supervisor", "post", "offenders/", lambda ids, text: {"suspect_ref": "S/LIM/1", "surname": text,
     "forenames": "Al"}, "surname", rules.SURNAME, Offender),
    ("supervisor", "post", "offenders/", lambda ids, text: {"suspect_ref": "S/LIM/1", "surname": "Al",
     "forenames": text}, "forenames", rules.FORENAMES, Offender),
    ("supervisor", "post", "offenders/", lambda ids, text: {"suspect_ref": text, "surname": "Al", "forenames": "Al"},
     "suspect_ref", rules.SUSPECT_REF, Offender),
    ("supervisor", "post", "offences/", _offence(borough=True), "borough", rules.BOROUGH, Offence),
    ("supervisor", "post", "offences/", _offence(crime_ref=True), "crime_ref", rules.CRIME_REF, Offence),
    ("supervisor", "post", "offences/", _offence(victim_ref=True), "victim_ref", rules.VICTIM_REF, Offence),
    ("admin", "post", "scoring/policies/", lambda ids, text: {"name": text}, "name", rules.POLICY_NAME, ScoringPolicy),
    ("admin", "post", "scoring/policies/", lambda ids, text: {"name": "Noted", "notes": text}, "notes",
     rules.POLICY_NOTES, ScoringPolicy),
]  # fmt: skip


@pytest.mark.parametrize(
    ("who", "method", "url", "body", "field", "limit", "model"),
    API_CASES,
    ids=[f"{case[2]} {case[4]}" for case in API_CASES],
)
def test_the_api_keeps_text_at_the_limit_and_refuses_one_more(
    world, api_for, who, method, url, body, field, limit, model
):
    client, ids = api_for(world[who]), world["ids"]
    address = f"/api/v1/{url.format(**ids)}"
    before = model.objects.count()

    refused = getattr(client, method)(address, body(ids, "x" * (limit.max_length + 1)), format="json")

    assert refused.status_code == 400
    message = f"The {limit.label} must be at most {limit.max_length} characters (it has {limit.max_length + 1})."
    assert refused.json()[field] == [message]
    assert model.objects.count() == before
    kept = getattr(client, method)(address, body(ids, "x" * limit.max_length), format="json")
    assert kept.status_code in (200, 201), kept.json()
    assert model.objects.count() == before + 1


def test_a_ten_megabyte_case_note_is_refused(world, api_for):
    client, case_id = api_for(world["supervisor"]), world["ids"]["case"]
    body = json.dumps({"text": "x" * 9_900_000})
    response = client.post(f"/api/v1/cases/{case_id}/notes/", body, content_type="application/json")
    assert response.status_code == 400 and "at most 4000 characters" in response.json()["text"][0]
    assert not CaseNote.objects.exists()


def test_a_patch_over_the_limit_changes_nothing(world, api_for):
    client, draft = api_for(world["admin"]), world["ids"]["draft"]
    response = client.patch(f"/api/v1/scoring/policies/{draft}/", {"name": "y" * 201}, format="json")
    assert response.status_code == 400 and "policy name must be at most 200" in response.json()["name"][0]
    assert ScoringPolicy.objects.get(pk=draft).name == "Limits draft"


def test_harm_entry_titles_and_provenance_are_refused_not_cut(world, api_for):
    entry = {"code": "008/67", "title": "t" * 201, "days": 5, "provenance": "p" * 301}
    response = api_for(world["admin"]).post(
        "/api/v1/scoring/policies/", {"name": "Long", "entries": [entry]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["entries"] == ["entry 1: (008/67) The title must be at most 200 characters (it has 201)."]
    assert not ScoringPolicy.objects.filter(name="Long").exists()


def test_the_pages_show_the_same_limit_as_a_form_error(world, web_for):
    ids, supervisor = world["ids"], web_for(world["supervisor"])
    note = supervisor.post(f"/cases/{ids['case']}/notes/", {"text": "n" * 4001})
    assert "The note must be at most 4000 characters (it has 4001)." in note.content.decode()
    assert not CaseNote.objects.exists()
    person = supervisor.post("/offenders/new/", {"suspect_ref": "S/LIM/9", "surname": "s" * 101, "forenames": "Al"})
    assert "The surname must be at most 100 characters (it has 101)." in person.content.decode()
    assert not Offender.objects.filter(suspect_ref="S/LIM/9").exists()
    reason = "r" * 501
    hidden = supervisor.post(
        f"/offenders/{ids['offender']}/restricted/", {"restricted": "on", "reason": reason}, follow=True
    )
    assert "The reason must be at most 500 characters (it has 501)." in hidden.content.decode()
    assert not Offender.objects.get(pk=ids["offender"]).restricted
    policy = web_for(world["admin"]).post("/scoring/policies/new/", {"name": "p" * 201})
    assert policy.status_code == 400 and "The policy name must be at most 200 characters" in policy.content.decode()


def test_the_admin_upload_form_limits_the_new_policy_name(world, web_for):
    from tests.factories.workbooks import harm_workbook

    workbook = io.BytesIO(harm_workbook())
    workbook.name = "cchi.xlsx"
    page = web_for(world["admin"]).post(
        "/admin/offenders/importbatch/upload-harm-index/", {"name": "h" * 201, "file": workbook}
    )
    assert "The policy name must be at most 200 characters (it has 201)." in page.content.decode()
    assert not ScoringPolicy.objects.filter(name="h" * 201).exists()


def test_imports_report_an_over_long_cell_at_its_line_and_column(world):
    from offenders.services.imports import offences_import
    from scoring.services.harm_index import harm_index_import
    from tests.factories.workbooks import harm_workbook

    rows = [offence_row(1), offence_row(2, suspect_surname="s" * 101), offence_row(3, crime_ref="c" * 65)]
    report = offences_import(upload=upload_of(csv_bytes(rows)), by=world["admin"])
    assert [p.as_text() for p in report.problems.kept] == [
        "line 3, column suspect_surname: The surname must be at most 100 characters (it has 101).",
        "line 4, column crime_ref: The crime reference must be at most 64 characters (it has 65).",
    ]
    assert not Offence.objects.filter(crime_ref="CR/T/00001").exists()
    named = harm_index_import(upload=upload_of(harm_workbook(), "cchi.xlsx"), name="h" * 201, by=world["admin"])
    assert (named.batch.outcome, named.problems.kept[0].message) == (
        "rejected",
        "The policy name must be at most 200 characters (it has 201).",
    )


CODED_FIELDS = {"offence_code", "ethnicity"}  # vocabularies, checked whole by their rules


def test_the_schema_documents_every_limit_as_max_length(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    unlimited = [
        f"{name}.{field}"
        for name, component in components.items()
        if name.endswith("Request")
        for field, spec in component.get("properties", {}).items()
        if spec.get("type") == "string" and field not in CODED_FIELDS
        and not ({"maxLength", "enum"} & set(spec) or spec.get("format") in ("date", "date-time", "binary"))
    ]  # fmt: skip
    assert unlimited == []
    documented = {
        ("CaseNoteCreateRequest", "text"): rules.CASE_NOTE, ("CaseCreateRequest", "reason"): rules.CASE_REASON,
        ("TransitionRequest", "reason"): rules.CASE_REASON,
        ("PlanActionCreateRequest", "description"): rules.ACTION_DESCRIPTION,
        ("OffenderWriteRequest", "surname"): rules.SURNAME, ("OffenderWriteRequest", "forenames"): rules.FORENAMES,
        ("OffenceWriteRequest", "borough"): rules.BOROUGH, ("PolicyWriteRequest", "name"): rules.POLICY_NAME,
        ("PolicyWriteRequest", "notes"): rules.POLICY_NOTES,
    }  # fmt: skip
    for (component, field), limit in documented.items():
        assert components[component]["properties"][field]["maxLength"] == limit.max_length, (component, field)
