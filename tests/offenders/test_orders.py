"""The orders register (docs/offenders.md): orders against an offender, whom they protect, and breaches
recorded as offences that count in the score like any other."""

import datetime as dt

import pytest
from django.utils import timezone

from offenders.choices import BREACH_OFFENCE_CODES
from offenders.models import Offence, OrderBreach, ProtectiveOrder
from portal.audit.models import AuditEvent
from tests.factories import OffenceFactory, OffenderFactory

API = "/api/v1"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def officer(make_user):
    return make_user("officer", username="pc_orders")


@pytest.fixture
def perpetrator(db):
    return OffenderFactory(surname="Breacher")


@pytest.fixture
def victim(perpetrator):
    return OffenceFactory(offender=perpetrator).victim


def _order(api, perpetrator, victim, today, **extra):
    body = {
        "offender": perpetrator.pk, "kind": "dapo", "starts_on": (today - dt.timedelta(days=60)).isoformat(),
        "ends_on": (today + dt.timedelta(days=300)).isoformat(), "conditions": "No contact with the victim",
        "protected_victims": [victim.pk], **extra,
    }  # fmt: skip
    return api.post(f"{API}/orders/", body, format="json")


def test_an_order_is_recorded_and_listed(officer, perpetrator, victim, api_for, today):
    response = _order(api_for(officer), perpetrator, victim, today)
    assert response.status_code == 201, response.content
    order = ProtectiveOrder.objects.get()
    assert list(order.protected_victims.all()) == [victim] and order.created_by == officer
    listed = api_for(officer).get(f"{API}/orders/?offender={perpetrator.pk}").json()["results"]
    assert [row["id"] for row in listed] == [order.pk]
    assert AuditEvent.objects.filter(action="order.create", target_id=str(order.pk)).exists()


def test_an_order_ending_before_it_starts_is_refused(officer, perpetrator, victim, api_for, today):
    response = _order(api_for(officer), perpetrator, victim, today, ends_on=(today - dt.timedelta(days=90)).isoformat())
    assert response.status_code == 400 and "ends_on" in response.json()
    assert not ProtectiveOrder.objects.exists()


def test_a_breach_is_recorded_as_a_breach_offence(officer, perpetrator, victim, api_for, today):
    order_id = _order(api_for(officer), perpetrator, victim, today).json()["id"]
    url = f"{API}/orders/{order_id}/breaches/"
    response = api_for(officer).post(
        url, {"occurred_on": (today - dt.timedelta(days=2)).isoformat(), "crime_ref": "CR/BR/1"}, format="json"
    )
    assert response.status_code == 201, response.content
    offence = Offence.objects.get(crime_ref="CR/BR/1")
    assert offence.offender == perpetrator and offence.victim == victim
    assert offence.offence_type.code == BREACH_OFFENCE_CODES["dapo"]
    assert offence.offence_type.title.startswith("Breach of a") and offence.offence_type.title.endswith("order")
    assert OrderBreach.objects.get().offence == offence
    assert (
        AuditEvent.objects.filter(action="order.breach").exists()
        and AuditEvent.objects.filter(action="offence.create").exists()
    )
    detail = api_for(officer).get(f"{API}/orders/{order_id}/").json()
    assert detail["breaches"][0]["crime_ref"] == "CR/BR/1"


def test_a_breach_of_an_ended_order_or_in_the_future_is_refused(officer, perpetrator, victim, api_for, today):
    api = api_for(officer)
    ended = _order(
        api,
        perpetrator,
        victim,
        today,
        starts_on=(today - dt.timedelta(days=90)).isoformat(),
        ends_on=(today - dt.timedelta(days=30)).isoformat(),
    ).json()
    conflict = api.post(
        f"{API}/orders/{ended['id']}/breaches/",
        {"occurred_on": (today - dt.timedelta(days=5)).isoformat(), "crime_ref": "CR/BR/2"},
        format="json",
    )
    assert conflict.status_code == 409 and "not in force" in conflict.json()["detail"]
    future = api.post(
        f"{API}/orders/{ended['id']}/breaches/",
        {"occurred_on": (today + dt.timedelta(days=1)).isoformat(), "crime_ref": "CR/BR/3"},
        format="json",
    )
    assert future.status_code == 400 and "occurred_on" in future.json()
    assert not Offence.objects.filter(crime_ref__startswith="CR/BR/").exists() and not OrderBreach.objects.exists()


def test_orders_are_for_officers_and_supervisors_and_hide_restricted_offenders(
    make_user, officer, perpetrator, victim, api_for, today
):
    order_id = _order(api_for(officer), perpetrator, victim, today).json()["id"]
    for role in ("admin", "oversight", "partner"):
        person = make_user(role)
        assert api_for(person).get(f"{API}/orders/").status_code == 403
        assert api_for(person).get(f"{API}/orders/{order_id}/").status_code == 403
    hidden = OffenderFactory(restricted=True)
    cleared = make_user("officer", restricted_access=True)
    hidden_victim = OffenceFactory(offender=hidden).victim
    hidden_order = _order(api_for(cleared), hidden, hidden_victim, today).json()["id"]
    assert api_for(officer).get(f"{API}/orders/{hidden_order}/").status_code == 403
    assert hidden_order not in [row["id"] for row in api_for(officer).get(f"{API}/orders/").json()["results"]]
