"""Records review (docs/records.md): review dates from the rules, recomputed whenever offences change
(services and the import), the queue of records whose date has come (tested at the rule's edges), and
the outcome recorded and audited."""

import datetime as dt

import pytest
from django.utils import timezone

from offenders.models import Offender, RecordReview
from offenders.review_rules import review_date, review_dates_set, years_after
from offenders.services.offences import offence_create, offence_delete, offence_update
from portal.audit.models import AuditEvent
from tests.factories import OffenceFactory, OffenderFactory
from tests.offenders.test_services import offence_data

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 6)


def test_the_rule_two_years_after_the_last_offence_six_when_charged():
    created = dt.date(2020, 1, 1)
    assert review_date(last_offence_on=dt.date(2024, 3, 1), charged=False, created_on=created) == dt.date(2026, 3, 1)
    assert review_date(last_offence_on=dt.date(2024, 3, 1), charged=True, created_on=created) == dt.date(2030, 3, 1)
    assert review_date(last_offence_on=None, charged=False, created_on=created) == dt.date(2022, 1, 1)
    assert years_after(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 28)
    later = dt.date(2031, 1, 1)
    assert (
        review_date(last_offence_on=dt.date(2024, 3, 1), charged=True, created_on=created, retained_until=later)
        == later
    )


def test_a_new_record_gets_its_date_when_made(make_user):
    from offenders.services.offenders import offender_create

    made = offender_create(
        data={"suspect_ref": "NEW-1", "surname": "Newby", "forenames": "Ann"}, by=make_user("officer")
    )
    assert made.review_due == years_after(timezone.localdate(), 2)
    chosen = offender_create(
        data={"suspect_ref": "NEW-2", "surname": "Newby", "forenames": "Bo", "review_due": "2027-01-01"},
        by=make_user("officer"),
    )
    assert chosen.review_due == dt.date(2027, 1, 1)


def test_the_rules_are_configurable(settings):
    settings.PORTAL_REVIEW_YEARS, settings.PORTAL_REVIEW_YEARS_CHARGED = 3, 10
    settings.PORTAL_REVIEW_CHARGED_STATUSES = ["convicted"]
    offender = OffenderFactory()
    OffenceFactory(offender=offender, occurred_on=dt.date(2024, 1, 10), status="charged")
    review_dates_set(offender_ids=[offender.pk])
    offender.refresh_from_db()
    assert offender.review_due == dt.date(2027, 1, 10)


def test_the_date_follows_the_offences_through_the_services(make_user):
    officer = make_user("officer")
    offender = OffenderFactory()
    offence = offence_create(
        data=offence_data(offender, occurred_on="2024-03-01", reported_on="2024-03-02"), by=officer
    )
    offender.refresh_from_db()
    assert offender.review_due == dt.date(2026, 3, 1)
    offence_update(offence=offence, data={"status": "convicted"}, by=officer)
    offender.refresh_from_db()
    assert offender.review_due == dt.date(2030, 3, 1)
    second = offence_create(
        data=offence_data(offender, crime_ref="CR-S-2", occurred_on="2025-05-05", reported_on="2025-05-06"), by=officer
    )
    offender.refresh_from_db()
    assert offender.review_due == dt.date(2031, 5, 5)
    offence_delete(offence=second, by=officer)
    offence_delete(offence=offence, by=officer)
    offender.refresh_from_db()
    assert offender.review_due == years_after(offender.created_at.date(), 2)  # no offence: from the record's making


def test_the_date_follows_the_offences_through_the_import(make_user, settings, tmp_path):
    from offenders.models import Offender
    from offenders.services.imports import offences_import
    from tests.offenders.records.test_disposal import upload_of

    settings.VAR_DIR = tmp_path
    header = (
        "crime_ref,offence_code,occurred_on,reported_on,status,suspect_ref,suspect_surname,suspect_forenames,"
        "suspect_dob,suspect_sex,suspect_ethnicity,victim_ref,victim_relationship,borough,domestic\n"
    )
    row = (
        "CR-I-1,19C,2024-06-01,2024-06-02,charged,SUS-I-1,Importon,Ivan,1980-01-01,male,W1,V-I-1,partner,Lambeth,true\n"
    )
    report = offences_import(upload=upload_of((header + row).encode()), by=make_user("admin"))
    assert report.loaded, report.errors
    assert Offender.objects.get(suspect_ref="SUS-I-1").review_due == dt.date(2030, 6, 1)


@pytest.fixture
def due_world():
    """Records whose review date is yesterday, today, tomorrow; one restricted and due; one without a date."""
    today = timezone.localdate()
    rows = {}
    for name, days in (("yesterday", -1), ("today", 0), ("tomorrow", 1)):
        rows[name] = OffenderFactory(review_due=today + dt.timedelta(days=days))
    rows["hidden"] = OffenderFactory(review_due=today - dt.timedelta(days=10), restricted=True)
    rows["undated"] = OffenderFactory(review_due=None)
    return rows


@pytest.mark.parametrize(
    ("role", "grant", "expected"),
    [
        ("supervisor", False, ["yesterday", "today"]),
        ("supervisor", True, ["hidden", "yesterday", "today"]),
        ("admin", False, ["yesterday", "today"]),
    ],
)
def test_the_queue_shows_exactly_the_records_whose_date_has_come(make_user, api_for, due_world, role, grant, expected):
    api = api_for(make_user(role, restricted_access=grant))
    body = api.get("/api/v1/reviews/").json()
    assert [row["id"] for row in body["results"]] == [due_world[name].pk for name in expected]
    assert body["results"][0]["reference"] == due_world[expected[0]].reference
    assert "surname" not in body["results"][0]


@pytest.mark.parametrize("role", ["officer", "oversight"])
def test_the_queue_is_refused_to_other_roles(make_user, api_for, due_world, role):
    assert api_for(make_user(role)).get("/api/v1/reviews/").status_code == 403


def test_retain_needs_a_reason_and_records_it(make_user, api_for, due_world):
    supervisor = make_user("supervisor")
    api = api_for(supervisor)
    offender = due_world["yesterday"]
    OffenceFactory(offender=offender, occurred_on=dt.date(2020, 1, 1))  # by the rule alone, due since 2022
    url = f"/api/v1/offenders/{offender.pk}/review/"
    events = AuditEvent.objects.count()
    for body in ({"outcome": "retain", "reason": "  "}, {"outcome": "keep", "reason": "x"}, {"outcome": "retain"}):
        response = api.post(url, body, format="json")
        assert response.status_code == 400, body
    assert AuditEvent.objects.count() == events and not RecordReview.objects.exists()
    response = api.post(url, {"outcome": "retain", "reason": "Linked to a live investigation"}, format="json")
    assert response.status_code == 201, response.content
    review = RecordReview.objects.get()
    assert (review.outcome, review.reason, review.reviewed_by) == (
        "retain",
        "Linked to a live investigation",
        supervisor,
    )
    offender.refresh_from_db()
    assert offender.review_due == years_after(timezone.localdate(), 1)  # the retain period, later than the rule
    assert offender.pk not in [row["id"] for row in api.get("/api/v1/reviews/").json()["results"]]
    event = AuditEvent.objects.get(action="offender.review")
    assert event.changes["outcome"] == {"before": None, "after": "retain"} and event.actor_id == supervisor.pk


def test_a_supervisor_may_not_dispose(make_user, api_for, due_world):
    api = api_for(make_user("supervisor"))
    offender = due_world["today"]
    response = api.post(
        f"/api/v1/offenders/{offender.pk}/review/", {"outcome": "dispose", "reason": "done"}, format="json"
    )
    assert response.status_code == 403
    offender.refresh_from_db()
    assert offender.status == "active" and offender.surname


def test_a_restricted_record_is_refused_without_the_grant_and_a_missing_one_is_404(make_user, api_for, due_world):
    api = api_for(make_user("supervisor"))
    body = {"outcome": "retain", "reason": "x"}
    assert api.post(f"/api/v1/offenders/{due_world['hidden'].pk}/review/", body, format="json").status_code == 403
    assert api.post("/api/v1/offenders/987654/review/", body, format="json").status_code == 404


def test_the_queue_page_and_the_review_form(make_user, web_for, due_world):
    client = web_for(make_user("supervisor"))
    page = client.get("/reviews/").content.decode()
    for name in ("yesterday", "today"):
        assert due_world[name].reference in page
    assert due_world["tomorrow"].reference not in page and due_world["hidden"].reference not in page
    assert due_world["yesterday"].surname not in page  # by reference only
    url = f"/offenders/{due_world['today'].pk}/review/"
    empty = client.post(url, {"outcome": "retain", "reason": ""})
    assert empty.status_code == 200 and "Give the reason" in empty.content.decode()
    assert not RecordReview.objects.exists()
    refused = client.post(url, {"outcome": "dispose", "reason": "no purpose"})
    assert refused.status_code == 403 and not RecordReview.objects.exists()
    done = client.post(url, {"outcome": "retain", "reason": "still needed"})
    assert done.status_code == 302 and done["Location"] == "/reviews/"
    assert RecordReview.objects.get().outcome == "retain"


def test_an_open_case_is_a_form_error_for_the_admin(make_user, web_for, due_world):
    from cases.services.cases import case_open

    offender = due_world["today"]
    case_open(offender=offender, lead=make_user("officer"), team=[], reason="x", by=make_user("supervisor"))
    response = web_for(make_user("admin")).post(
        f"/offenders/{offender.pk}/review/", {"outcome": "dispose", "reason": "r"}
    )
    assert response.status_code == 200 and "close it first" in response.content.decode()
    offender.refresh_from_db()
    assert offender.status == "active" and offender.surname and not RecordReview.objects.exists()


def test_disposing_from_the_page_asks_to_check_the_answers_first(make_user, web_for, due_world):
    client = web_for(make_user("admin"))
    offender = due_world["today"]
    url = f"/offenders/{offender.pk}/review/"
    check = client.post(url, {"check": "1", "outcome": "dispose", "reason": "no policing purpose"})
    assert check.status_code == 200 and b"Check before you dispose of this record" in check.content
    assert b"no policing purpose" in check.content
    assert Offender.objects.get(pk=offender.pk).status != "disposed"  # nothing yet
    done = client.post(url, {"outcome": "dispose", "reason": "no policing purpose"})
    assert done.status_code == 302 and Offender.objects.get(pk=offender.pk).status == "disposed"
