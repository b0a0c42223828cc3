"""API /api/v1/offences/: the import columns with `offender`; bad input is a 400 with nothing written."""

import datetime as dt

import pytest
from django.utils import timezone

from offenders.models import Offence, Victim
from portal.audit.models import AuditEvent
from tests.factories import OffenceFactory, OffenderFactory
from tests.offenders.conftest import offence_body

pytestmark = pytest.mark.django_db
TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def test_create_offence_with_a_compact_code(officer_api, offender):
    response = officer_api.post("/api/v1/offences/", offence_body(offender), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["offence_code"] == "008/67" and body["offender"] == offender.pk and body["victim_ref"] == "VIC-NEW-1"
    offence = Offence.objects.get(crime_ref="CR-NEW-1")
    assert (offence.borough, offence.domestic, offence.victim_relationship) == ("Camden", True, "ex_partner")
    event = AuditEvent.objects.get(action="offence.create")
    assert event.actor_username == "officer_a" and event.channel == "api"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"borough": "b" * 65}, "borough"),
        ({"occurred_on": TOMORROW, "reported_on": TOMORROW}, "occurred_on"),
        ({"reported_on": TOMORROW}, "reported_on"),
        ({"offence_code": "999/99"}, "offence_code"),
        ({"offence_code": "not a code"}, "offence_code"),
        ({"occurred_on": "2024-02-10", "reported_on": "2024-02-09"}, "reported_on"),
        ({"offender": 999999}, "offender"),
        ({"offender": "abc"}, "offender"),
        ({"crime_ref": "CR-1"}, "crime_ref"),
        ({"crime_ref": ""}, "crime_ref"),
        ({"crime_ref": "c" * 65}, "crime_ref"),
        ({"occurred_on": "10/02/2024"}, "occurred_on"),
        ({"occurred_on": "2023-02-29"}, "occurred_on"),
        ({"status": "closed"}, "status"),
        ({"victim_relationship": "neighbour"}, "victim_relationship"),
        ({"domestic": "perhaps"}, "domestic"),
        ({"victim_ref": ""}, "victim_ref"),
        ({"victim_ref": None}, "victim_ref"),
    ],
)
def test_bad_offence_is_a_400_field_error_and_nothing_is_written(officer_api, offence, overrides, field):
    offences, victims, events = Offence.objects.count(), Victim.objects.count(), AuditEvent.objects.count()
    response = officer_api.post("/api/v1/offences/", offence_body(offence.offender, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert (Offence.objects.count(), Victim.objects.count()) == (offences, victims)
    assert not AuditEvent.objects.filter(action="offence.create").exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "missing", ["crime_ref", "offence_code", "occurred_on", "reported_on", "status", "offender", "victim_ref"]
)
def test_required_fields(officer_api, offender, missing):
    body = offence_body(offender)
    del body[missing]
    response = officer_api.post("/api/v1/offences/", body, format="json")
    assert response.status_code == 400 and missing in response.json()


def test_garbage_body_is_a_400(officer_api):
    response = officer_api.post("/api/v1/offences/", "not json", content_type="application/json")
    assert response.status_code == 400


def test_list_and_filters(officer_api, offence):
    other = OffenceFactory(status="charged", borough="Brent")
    rows = officer_api.get("/api/v1/offences/").json()["results"]
    assert {row["crime_ref"] for row in rows} == {"CR-1", other.crime_ref}
    by_offender = officer_api.get(f"/api/v1/offences/?offender={offence.offender_id}").json()["results"]
    assert [row["crime_ref"] for row in by_offender] == ["CR-1"]
    assert [r["crime_ref"] for r in officer_api.get("/api/v1/offences/?status=charged").json()["results"]] == [
        other.crime_ref
    ]
    assert officer_api.get("/api/v1/offences/?borough=hackney").json()["count"] == 1
    assert officer_api.get("/api/v1/offences/?offence_code=008/67").json()["count"] == 2
    assert officer_api.get("/api/v1/offences/?occurred_after=not-a-date").status_code == 400


def test_detail(officer_api, offence):
    body = officer_api.get(f"/api/v1/offences/{offence.pk}/").json()
    assert body["crime_ref"] == "CR-1" and body["offence_title"] == "Controlling or coercive behaviour"


def test_patch_checks_the_merged_record(officer_api, offence):
    url = f"/api/v1/offences/{offence.pk}/"
    early = (offence.occurred_on - dt.timedelta(days=5)).isoformat()
    response = officer_api.patch(url, {"reported_on": early}, format="json")
    assert response.status_code == 400 and "reported_on" in response.json()
    response = officer_api.patch(url, {"status": "charged", "offence_code": "19c"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["offence_code"]) == ("charged", "19C")
    event = AuditEvent.objects.get(action="offence.update")
    assert event.changes["offence_code"] == {"before": "008/67", "after": "19C"}


def test_patch_to_a_taken_crime_reference_is_a_400(officer_api, offence):
    OffenceFactory(crime_ref="CR-OTHER")
    response = officer_api.patch(f"/api/v1/offences/{offence.pk}/", {"crime_ref": "CR-OTHER"}, format="json")
    assert response.status_code == 400 and "crime_ref" in response.json()


def test_delete_is_audited(officer_api, offence):
    assert officer_api.delete(f"/api/v1/offences/{offence.pk}/").status_code == 204
    assert not Offence.objects.filter(pk=offence.pk).exists()
    assert AuditEvent.objects.filter(action="offence.delete", target_id=str(offence.pk)).exists()
    assert officer_api.delete(f"/api/v1/offences/{offence.pk}/").status_code == 404


def test_supervisor_may_write_offences(make_user, api_for):
    offender = OffenderFactory()
    response = api_for(make_user("supervisor")).post("/api/v1/offences/", offence_body(offender), format="json")
    assert response.status_code == 201
