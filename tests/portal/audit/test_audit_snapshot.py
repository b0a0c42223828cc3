"""One audit snapshot mechanism (portal/audit/targets.py `audit_snapshot`, docs/decisions/0507): a model
declares AUDIT_FIELDS and every writer records the same plain values."""

import datetime as dt

from cases.models import Case
from portal.audit.models import AuditEvent
from portal.audit.targets import audit_snapshot
from scoring.models import ScoringPolicy
from scoring.services import policy_update_draft
from scoring.services.policies import policy_create_draft
from tests.factories import OffenceFactory, OffenderFactory


def test_an_offence_in_its_input_form(db):
    offence = OffenceFactory(occurred_on=dt.date(2025, 3, 1), reported_on=dt.date(2025, 3, 2), borough="Camden")
    assert audit_snapshot(offence) == {
        "crime_ref": offence.crime_ref,
        "offence_code": offence.offence_type.code,
        "occurred_on": "2025-03-01",
        "reported_on": "2025-03-02",
        "status": offence.status,
        "offender": offence.offender_id,
        "victim_ref": offence.victim.victim_ref,
        "victim_relationship": offence.victim_relationship,
        "borough": "Camden",
        "domestic": offence.domestic,
    }


def test_an_offender_has_plain_dates_and_no_other_fields(db):
    offender = OffenderFactory(date_of_birth=dt.date(1990, 5, 4), review_due=None)
    snapshot = audit_snapshot(offender)
    assert snapshot["date_of_birth"] == "1990-05-04" and snapshot["review_due"] is None
    assert set(snapshot) == set(offender.AUDIT_FIELDS) and "created_at" not in snapshot


def test_a_case_lists_its_team_by_id_and_none_before_it_is_saved(db, make_user):
    lead, first, second = (make_user("officer") for _ in range(3))
    offender = OffenderFactory()
    unsaved = Case(offender=offender, lead=lead, reason="Tasked", review_due=dt.date(2030, 1, 2))
    assert audit_snapshot(unsaved) == {
        "offender": offender.pk, "lead": lead.pk, "team": [], "stage": "tasked", "review_due": "2030-01-02",
        "exit_reason": "",
    }  # fmt: skip
    unsaved.save()
    unsaved.team.set([second, first])
    assert audit_snapshot(unsaved)["team"] == sorted([first.pk, second.pk])


def test_a_policy_records_its_parameters_and_each_entry(db, make_user):
    admin = make_user("admin")
    entries = [{"code": "19C", "title": "Stalking", "days": 30}, {"code": "008/67", "title": "Coercion", "days": 99}]
    policy = policy_create_draft(name="Two rows", by=admin, entries=entries)
    snapshot = audit_snapshot(policy)
    assert snapshot["entries"] == [
        {"code": "008/67", "title": "Coercion", "days": 99, "provenance": ""},
        {"code": "19C", "title": "Stalking", "days": 30, "provenance": ""},
    ]  # by code, as the table is ordered
    assert {name: snapshot[name] for name in policy.parameters} == policy.parameters
    created = AuditEvent.objects.get(action="policy.create", target_id=str(policy.pk))
    assert created.changes["entries"] == {"before": None, "after": snapshot["entries"]}
    policy_update_draft(policy=ScoringPolicy.objects.get(pk=policy.pk), by=admin, entries=entries[:1])
    updated = AuditEvent.objects.get(action="policy.update", target_id=str(policy.pk))
    assert set(updated.changes) == {"entries"}
    assert updated.changes["entries"]["after"] == [{"code": "19C", "title": "Stalking", "days": 30, "provenance": ""}]
