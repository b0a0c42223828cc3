"""Retention (docs/records.md, docs/decisions/1200): the audit log is cut at a sealed checkpoint and
`verify_audit` still passes; anything else the append-only rules refused stays refused; a forged
checkpoint or a broken chain is caught; old import records go; the schedule runs it nightly."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from offenders.models import ImportBatch
from offenders.services.retention import import_records_trim
from portal.accounts.permissions import SYSTEM, Refused
from portal.audit.models import AuditCheckpoint, AuditEvent
from portal.audit.retention import audit_log_trim
from portal.audit.services import audit_record
from portal.audit.verify import audit_chain_verify
from tests.factories import OffenderFactory

pytestmark = pytest.mark.django_db


def _events(n: int, action: str) -> None:
    for index in range(n):
        audit_record(action=action, target_type="test", target_id=index)


@pytest.fixture
def cut():
    _events(5, "test.old")
    moment = timezone.now()
    _events(3, "test.new")
    return moment


def test_trimming_keeps_the_chain_verifiable(cut):
    old = AuditEvent.objects.filter(occurred_at__lt=cut).count()
    result = audit_log_trim(before=cut, by=SYSTEM)
    assert result.removed == old >= 5 and not result.refused
    assert not AuditEvent.objects.filter(action="test.old").exists()
    assert AuditEvent.objects.filter(action="test.new").count() == 3
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.sequence == result.through_sequence and checkpoint.events_removed == old
    trimmed = AuditEvent.objects.get(action="audit.trimmed")
    assert trimmed.changes["events_removed"] == old
    report = audit_chain_verify()
    assert report.ok and report.checked == 4, report  # the three kept and the trim's own record
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    _events(2, "test.after")
    assert audit_chain_verify().ok


def test_nothing_old_enough_removes_nothing(cut):
    assert audit_log_trim(before=cut - dt.timedelta(days=1), by=SYSTEM).removed == 0
    assert not AuditCheckpoint.objects.exists() and audit_chain_verify().ok


def test_the_head_event_is_never_removed():
    _events(3, "test.old")
    result = audit_log_trim(before=timezone.now() + dt.timedelta(days=1), by=SYSTEM)
    assert AuditEvent.objects.filter(action="test.old").count() == 1  # the one the head pointed at
    assert result.removed == 2 and audit_chain_verify().ok


def test_events_after_the_checkpoint_still_cannot_be_deleted_or_edited(cut):
    audit_log_trim(before=cut, by=SYSTEM)
    kept = AuditEvent.objects.filter(action="test.new").first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=kept.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=kept.pk).update(action="test.edited")
    assert audit_chain_verify().ok


def test_a_forged_checkpoint_lets_a_delete_through_but_fails_verification(cut):
    victim = AuditEvent.objects.filter(action="test.old").order_by("sequence")[1]
    AuditCheckpoint.objects.create(
        sequence=victim.sequence, event_id=victim.pk, event_hash=victim.event_hash,
        event_occurred_at=victim.occurred_at, seal="0" * 64,
    )  # fmt: skip
    AuditEvent.objects.filter(sequence__lte=victim.sequence).delete()
    report = audit_chain_verify()
    assert not report.ok and "checkpoint" in report.problem and report.first_broken == victim.pk


def test_a_broken_chain_is_not_trimmed(cut):
    AuditCheckpoint.objects.create(sequence=0, event_id=0, event_hash="0" * 64, event_occurred_at=cut, seal="x")
    result = audit_log_trim(before=cut, by=SYSTEM)
    assert result.removed == 0 and "broken" in result.refused
    assert AuditEvent.objects.filter(action="test.old").count() == 5
    assert AuditEvent.objects.filter(action="audit.trim_refused").exists()


def test_only_the_schedule_trims(make_user, cut):
    with pytest.raises(Refused):
        audit_log_trim(before=cut, by=make_user("admin"))
    with pytest.raises(Refused):
        import_records_trim(by=make_user("admin"))
    assert AuditEvent.objects.filter(action="test.old").count() == 5


def test_old_import_records_go(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    common = {"kind": "offences", "file_name": "f.csv", "file_sha256": "0" * 64, "outcome": "loaded"}
    old, new = ImportBatch.objects.create(**common), ImportBatch.objects.create(**common)
    ImportBatch.objects.filter(pk=old.pk).update(started_at=timezone.now() - dt.timedelta(days=800))
    assert import_records_trim(by=SYSTEM)["batches_removed"] == 1
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [new.pk]
    assert AuditEvent.objects.get(action="import.trimmed").changes["batches_removed"] == 1


def test_the_schedule_runs_it_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["records-retention"]
    assert entry["task"] == "offenders.records_retention"
    from offenders.tasks import records_retention

    undated = OffenderFactory(review_due=None)
    result = records_retention.apply().get()
    assert result["audit_events_removed"] == 0 and result["batches_removed"] == 0
    assert result["review_dates_set"] == 1
    undated.refresh_from_db()
    assert undated.review_due is not None
