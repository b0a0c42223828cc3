"""Every date the portal takes is from 1900-01-01 on; one that may lie ahead is at most 2100-12-31, and one
that must not be in the future says so. The same range and words on the API (400 with the field), the
pages (a form error), the query filters (audit search, report periods, offence dates) and the import."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Case, PlanAction
from cases.services.cases import case_open
from offenders import rules
from offenders.models import Offence
from portal.dates import check_date_in_range
from tests.factories import OffenceFactory, OffenderFactory
from tests.factories.imports import csv_bytes, offence_row, upload_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SOON = (TODAY + dt.timedelta(days=7)).isoformat()


def test_the_range_is_1900_to_2100_inclusive():
    assert check_date_in_range(dt.date(1900, 1, 1)) == dt.date(1900, 1, 1)
    assert check_date_in_range(dt.date(2100, 12, 31)) == dt.date(2100, 12, 31)
    with pytest.raises(ValidationError, match=r"The date of birth must not be before 1900-01-01 \(it is 1899-12-31\)"):
        check_date_in_range(dt.date(1899, 12, 31), label="date of birth")
    with pytest.raises(ValidationError, match=r"must not be after 2100-12-31 \(it is 2101-01-01\)"):
        check_date_in_range(dt.date(2101, 1, 1))


@pytest.mark.parametrize(
    ("rule", "value", "words"),
    [
        (rules.OFFENDER_FIELD_RULES["date_of_birth"], "0001-01-01", "date of birth must not be before 1900-01-01"),
        (rules.OFFENDER_FIELD_RULES["date_of_birth"], dt.date(1899, 1, 1), "must not be before 1900-01-01"),
        (rules.OFFENDER_FIELD_RULES["date_of_birth"], "2999-01-01", "must not be in the future"),
        (rules.OFFENDER_FIELD_RULES["review_due"], "2101-01-01", "review date must not be after 2100-12-31"),
        (lambda value: rules.clean_offence_dates(value, "2020-01-01"), "1899-12-31", "must not be before 1900-01-01"),
        (lambda value: rules.clean_offence_dates("2020-01-01", value), "9999-12-31", "must not be in the future"),
        (lambda value: rules.check_due_date(value, label="due date"), dt.date(3000, 1, 1), "must not be after 2100"),
    ],
)
def test_the_field_rules_refuse_dates_out_of_range(rule, value, words):
    with pytest.raises(ValidationError) as error:
        rule(value)
    assert words in " ".join(error.value.messages)


def _out_of_range(message: str) -> bool:
    return "must not be before 1900-01-01" in message or "must not be after 2100-12-31" in message


@pytest.fixture
def world(make_user):
    supervisor = make_user("supervisor", username="dates_sup")
    lead = make_user("officer", username="dates_lead")
    offender = OffenderFactory()
    OffenceFactory(offender=offender)
    case = case_open(offender=offender, lead=lead, reason="Tasked", by=supervisor)
    return {"supervisor": supervisor, "lead": lead, "offender": offender, "case": case}


def test_the_api_refuses_dates_out_of_range_with_the_field(world, api_for):
    client, case, offender = api_for(world["supervisor"]), world["case"], world["offender"]
    offence = {"crime_ref": "CR/D/1", "offence_code": "008/67", "occurred_on": "0001-01-01", "reported_on": "2020-01-02",
               "status": "reported", "offender": offender.pk, "victim_ref": "V/D/1"}  # fmt: skip
    answers = {
        "occurred_on": client.post("/api/v1/offences/", offence, format="json"),
        "date_of_birth": client.post("/api/v1/offenders/", {"suspect_ref": "S/D/1", "surname": "A", "forenames": "B",
                                                           "date_of_birth": "1899-12-31"}, format="json"),
        "review_due": client.patch(f"/api/v1/cases/{case.pk}/", {"review_due": "9999-12-31"}, format="json"),
        "due_on": client.post(f"/api/v1/cases/{case.pk}/actions/", {"strand": "pursue", "description": "Arrest",
                              "owner": world["lead"].pk, "due_on": "3000-01-01"}, format="json"),
    }  # fmt: skip
    for field, response in answers.items():
        assert response.status_code == 400, field
        assert _out_of_range(response.json()[field][0]), response.json()
    patched = client.patch(
        f"/api/v1/offenders/{offender.pk}/", {"review_due": "2101-01-01"}, format="json",
        HTTP_X_ACCESS_PURPOSE="investigation",
    )  # fmt: skip
    assert patched.status_code == 400 and "must not be after 2100-12-31" in patched.json()["review_due"][0]
    assert not Offence.objects.filter(crime_ref="CR/D/1").exists() and not PlanAction.objects.exists()
    assert Case.objects.get(pk=case.pk).review_due == case.review_due


@pytest.mark.parametrize(
    ("who", "url", "query", "field"),
    [
        ("admin", "/api/v1/audit/events/", {"since": "0001-01-01"}, "since"),
        ("admin", "/api/v1/audit/events/", {"until": "9999-12-31T00:00:00"}, "until"),
        ("supervisor", "/api/v1/reports/outcomes/", {"from": "1899-12-31"}, "from"),
        ("supervisor", "/api/v1/reports/outcomes/", {"to": "2101-01-01"}, "to"),
        ("supervisor", "/api/v1/offences/", {"occurred_after": "0001-01-01"}, "occurred_after"),
        ("supervisor", "/api/v1/offences/", {"occurred_before": "9999-12-31"}, "occurred_before"),
    ],
)
def test_query_filters_refuse_dates_out_of_range(make_user, api_for, who, url, query, field):
    response = api_for(make_user(who)).get(url, query)
    assert response.status_code == 400
    assert _out_of_range(response.json()[field][0]), response.json()


def test_the_pages_say_the_same(world, web_for, make_user):
    client, offender = web_for(world["supervisor"]), world["offender"]
    form = {"crime_ref": "CR/D/2", "offence_code": "8l", "occurred_on": "1899-12-31", "reported_on": "2020-01-01",
            "status": "reported", "victim_ref": "V/D/2", "victim_relationship": "stranger"}  # fmt: skip
    page = client.post(f"/offenders/{offender.pk}/offences/new/", form)
    assert "The date it occurred must not be before 1900-01-01 (it is 1899-12-31)." in page.content.decode()
    case_page = client.post(f"/cases/{world['case'].pk}/edit/", {"lead": world["lead"].pk, "review_due": "2200-01-01"})
    assert "The review date must not be after 2100-12-31 (it is 2200-01-01)." in case_page.content.decode()
    report = web_for(make_user("oversight")).get("/oversight/outcomes/", {"from": "1066-10-14"})
    assert report.status_code == 400
    assert "The start of the period must not be before 1900-01-01 (it is 1066-10-14)." in report.content.decode()
    assert not Offence.objects.filter(crime_ref="CR/D/2").exists()


def test_the_import_reports_a_date_out_of_range_at_its_line_and_column(make_user):
    from offenders.services.imports import offences_import

    rows = [offence_row(1, occurred_on="1899-12-31"), offence_row(2, suspect_dob="0001-01-01")]
    report = offences_import(upload=upload_of(csv_bytes(rows)), by=make_user("admin"))
    assert [p.as_text() for p in report.problems.kept] == [
        "line 2, column occurred_on: The date it occurred must not be before 1900-01-01 (it is 1899-12-31).",
        "line 3, column suspect_dob: The date of birth must not be before 1900-01-01 (it is 0001-01-01).",
    ]
    assert report.batch.outcome == "rejected"
