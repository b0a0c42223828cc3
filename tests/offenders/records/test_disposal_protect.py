"""Disposal reaches what the Protect strand and the harm work added (docs/records.md): his orders and
their breaches, his non-crime incidents, what the case team knew of his victims' safety, and the reasons
written about him at tasking meetings. None of them blocks disposal (no 500), and a victim named only in
them is erased with him; a victim another offender is linked to is kept."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import MeetingDecision, MeetingItem, SafetyCheck, VictimSafety
from cases.services.cases import case_open, case_transition
from cases.services.meetings import meeting_decide, meeting_open, meeting_refer
from cases.services.safety import safety_check_record
from offenders.models import DomesticIncident, Offender, OrderBreach, ProtectiveOrder, Victim
from offenders.services.disposal import offender_dispose
from offenders.services.incidents import incident_record
from offenders.services.orders import order_breach_record, order_create
from tests.factories import OffenceFactory, OffenderFactory, VictimFactory
from tests.factories.scores import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def protected_world(make_user):
    today = timezone.localdate()
    admin, boss = make_user("admin", username="protect_admin"), make_user("supervisor", username="protect_boss")
    lead = make_user("officer", username="protect_lead")
    him = OffenderFactory(surname="Zqvprotect")
    lone, order_only, shared = (VictimFactory(victim_ref=ref) for ref in ("ZQV-LONE", "ZQV-ORDER", "ZQV-SHARED"))
    OffenceFactory(offender=him, victim=lone, occurred_on=today - dt.timedelta(days=40))
    OffenceFactory(offender=him, victim=shared, occurred_on=today - dt.timedelta(days=30))
    OffenceFactory(offender=OffenderFactory(), victim=shared)
    order = order_create(
        offender=him, kind="dapo", starts_on=today - dt.timedelta(days=20), conditions="Not to contact ZQV-ORDER",
        protected_victims=[order_only, lone], by=boss,
    )  # fmt: skip
    order_breach_record(order=order, occurred_on=today - dt.timedelta(days=2), crime_ref="ZQV-BREACH-1", by=boss)
    incident_record(
        data={"incident_ref": "ZQV-INC-1", "offender": him, "victim_ref": "ZQV-INC-VICTIM",
              "occurred_on": (today - dt.timedelta(days=5)).isoformat(), "kind": "verbal"},
        by=boss,
    )  # fmt: skip
    case = case_open(offender=him, lead=lead, reason="tasked", by=boss)
    safety_check_record(case=case, victim=lone, checked_on=today, risk_grade="high", notes="Zqv safe", by=lead)
    case_transition(case=case, to="closed", reason="done", exit_reason="other", by=boss)
    publish([OffenderFactory()], when=timezone.now())
    meeting = meeting_open(held_on=today, chair=boss, by=boss)
    item = meeting_refer(meeting=meeting, offender=him, reason="Zqvprotect referral text", by=boss)
    meeting_decide(item=item, decision="decline", reason="Zqvprotect decline text", by=boss)
    return {"admin": admin, "him": him, "item": item}


def test_disposal_erases_orders_incidents_safety_and_meeting_reasons(protected_world):
    him = protected_world["him"]
    offender_dispose(offender=him, reason="no longer necessary", by=protected_world["admin"])

    assert Offender.objects.get(pk=him.pk).status == "disposed"
    assert not ProtectiveOrder.objects.filter(offender=him).exists()
    assert not OrderBreach.objects.exists()
    assert not DomesticIncident.objects.filter(offender=him).exists()
    assert not VictimSafety.objects.exists() and not SafetyCheck.objects.exists()
    refs = set(Victim.objects.values_list("victim_ref", flat=True))
    assert {"ZQV-LONE", "ZQV-ORDER", "ZQV-INC-VICTIM"}.isdisjoint(refs)
    assert "ZQV-SHARED" in refs
    item = MeetingItem.objects.get(pk=protected_world["item"].pk)
    assert "Zqvprotect" not in item.referral_reason
    assert "Zqvprotect" not in MeetingDecision.objects.get(item=item).reason
