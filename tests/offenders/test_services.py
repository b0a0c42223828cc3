"""The write services: validation all at once, no partial writes, one audit event per change, re-score."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from offenders.models import Offence, Offender, Victim
from offenders.services.offences import offence_create, offence_delete, offence_update
from offenders.services.offenders import offender_create, offender_mark_restricted, offender_update
from portal.audit.models import AuditEvent
from tests.factories import OffenceFactory, OffenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user("officer")


def offence_data(offender, **overrides):
    data = {
        "crime_ref": "CR-S-1",
        "offence_code": "19C",
        "occurred_on": "2024-03-01",
        "reported_on": "2024-03-02",
        "status": "investigating",
        "offender": offender,
        "victim_ref": "V-S-1",
        "victim_relationship": "partner",
        "borough": "Lambeth",
        "domestic": "true",
    }
    data.update(overrides)
    return data


@pytest.fixture
def rescored(monkeypatch):
    """Records the offender ids handed to the scoring interface by the services under test."""
    calls: list[list[int]] = []
    monkeypatch.setattr(
        "offenders.services.offences.offences_changed", lambda *, offender_ids: calls.append(list(offender_ids))
    )
    return calls


def test_offence_create_writes_one_audit_event_with_the_new_values(rescored, officer):
    offender = OffenderFactory()
    offence = offence_create(data=offence_data(offender), by=officer)
    assert offence.offence_type.code == "19C"
    assert offence.victim.victim_ref == "V-S-1"
    event = AuditEvent.objects.get(action="offence.create")
    assert event.target_type == "offenders.offence" and event.target_id == str(offence.pk)
    assert event.changes["crime_ref"] == {"before": None, "after": "CR-S-1"}
    assert event.changes["offence_code"]["after"] == "19C"
    assert rescored == [[offender.pk]]


def test_offence_create_reuses_a_known_victim(rescored, officer):
    offender = OffenderFactory()
    offence_create(data=offence_data(offender), by=officer)
    offence_create(data=offence_data(offender, crime_ref="CR-S-2"), by=officer)
    assert Victim.objects.filter(victim_ref="V-S-1").count() == 1


def test_bad_offence_is_refused_whole_with_nothing_written(rescored, officer):
    offender = OffenderFactory()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    with pytest.raises(ValidationError) as error:
        offence_create(
            data=offence_data(offender, offence_code="999/99", reported_on=future, borough="x" * 80), by=officer
        )
    assert set(error.value.message_dict) == {"offence_code", "reported_on", "borough"}
    assert not Offence.objects.exists() and not Victim.objects.exists()
    assert not AuditEvent.objects.filter(action="offence.create").exists()
    assert rescored == []


def test_duplicate_crime_reference_is_a_field_error(rescored, officer):
    existing = OffenceFactory(crime_ref="CR-TAKEN")
    with pytest.raises(ValidationError) as error:
        offence_create(data=offence_data(existing.offender, crime_ref="CR-TAKEN"), by=officer)
    assert "already exists" in error.value.message_dict["crime_ref"][0]


def test_offence_update_audits_before_and_after_and_rescores_both_offenders(rescored, officer):
    offence = OffenceFactory(status="reported")
    other = OffenderFactory()
    offence_update(offence=offence, data={"status": "charged", "offender": other}, by=officer)
    event = AuditEvent.objects.get(action="offence.update")
    assert event.changes["status"] == {"before": "reported", "after": "charged"}
    assert event.changes["offender"] == {"before": offence.offender_id, "after": other.pk}
    assert rescored == [sorted([offence.offender_id, other.pk])]


def test_offence_update_checks_the_date_pair_against_stored_values(rescored, officer):
    offence = OffenceFactory(occurred_on=dt.date(2024, 1, 10), reported_on=dt.date(2024, 1, 12))
    with pytest.raises(ValidationError) as error:
        offence_update(offence=offence, data={"occurred_on": "2024-01-20"}, by=officer)
    assert "reported_on" in error.value.message_dict
    offence.refresh_from_db()
    assert offence.occurred_on == dt.date(2024, 1, 10)


def test_offence_update_without_a_change_writes_no_event(rescored, officer):
    offence = OffenceFactory()
    offence_update(offence=offence, data={"status": offence.status}, by=officer)
    assert not AuditEvent.objects.filter(action="offence.update").exists()
    assert rescored == []


def test_offence_delete_is_audited_with_what_was_deleted(rescored, officer):
    offence = OffenceFactory(crime_ref="CR-GONE")
    offender_id = offence.offender_id
    offence_delete(offence=offence, by=officer)
    assert not Offence.objects.filter(crime_ref="CR-GONE").exists()
    event = AuditEvent.objects.get(action="offence.delete")
    assert event.changes["crime_ref"] == {"before": "CR-GONE", "after": None}
    assert rescored == [[offender_id]]


def test_offender_create_and_update_are_audited_under_the_pseudonym(officer):
    offender = offender_create(
        data={"suspect_ref": "P-1", "surname": "Quill", "forenames": "Ann", "sex": "female"}, by=officer
    )
    created = AuditEvent.objects.get(action="offender.create")
    assert created.object_repr == offender.reference
    offender_update(offender=offender, data={"surname": "Quillon"}, by=officer)
    updated = AuditEvent.objects.get(action="offender.update")
    assert updated.changes == {"surname": {"before": "Quill", "after": "Quillon"}}
    assert "Quill" not in updated.object_repr


def test_offender_create_refuses_a_duplicate_force_reference(officer):
    OffenderFactory(suspect_ref="P-DUP")
    with pytest.raises(ValidationError) as error:
        offender_create(data={"suspect_ref": "P-DUP", "surname": "A", "forenames": "B"}, by=officer)
    assert "suspect_ref" in error.value.message_dict
    assert Offender.objects.filter(suspect_ref="P-DUP").count() == 1


def test_mark_restricted_is_audited_with_the_reason(make_user):
    offender = OffenderFactory()
    granted = make_user("supervisor", restricted_access=True)
    offender_mark_restricted(offender=offender, restricted=True, reason="police employee", by=granted)
    offender.refresh_from_db()
    assert offender.restricted
    event = AuditEvent.objects.get(action="offender.mark_restricted")
    assert event.changes["restricted"] == {"before": False, "after": True}
    assert event.changes["reason"] == "police employee"


def test_the_restricted_flag_needs_the_grant_in_the_service_itself(make_user):
    """The rule lives in the service, so no caller (page, API, script) can set the flag without the grant."""
    officer, supervisor = make_user("officer", restricted_access=True), make_user("supervisor")
    data = {"suspect_ref": "P-RX", "surname": "Rook", "forenames": "Ann"}
    for by in (officer, supervisor):
        with pytest.raises(PermissionDenied):
            offender_create(data=data, restricted=True, by=by)
    assert not Offender.objects.filter(suspect_ref="P-RX").exists()
    offender = offender_create(data=data, by=officer)  # an unrestricted record needs no grant
    with pytest.raises(PermissionDenied):
        offender_update(offender=offender, data={"surname": "Rooke"}, restricted=True, by=supervisor)
    offender.refresh_from_db()
    assert (offender.surname, offender.restricted) == ("Rook", False)
    granted = make_user("supervisor", restricted_access=True)
    offender_update(offender=offender, data={}, restricted=True, by=granted)
    offender.refresh_from_db()
    assert offender.restricted
