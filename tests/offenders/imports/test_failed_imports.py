"""Every import attempt is on record: refused, stopped by an error mid-load, or killed with its process.

The batch row is committed as `running` before the load's transaction starts; the load stays one
transaction (nothing of a stopped file is kept); how it ended is written after, with the import's one
audit event. A batch left `running` by a dead process is marked failed before the next import and
whenever an admin lists the batches.
"""

import datetime as dt
import io
import os
import signal
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from offenders.imports.batches import batch_start
from offenders.imports.offences_load import OffenceLoader
from offenders.models import ImportBatch, Offence
from offenders.services import imports as import_service
from offenders.services.imports import ABANDONED, import_batches_fail_abandoned
from portal.audit.models import AuditEvent
from scoring.models import ScoringPolicy
from scoring.services import harm_index as harm_index_service
from tests.conftest import ROOT, _worker_env, wait_for
from tests.factories.imports import csv_bytes, offence_row
from tests.factories.workbooks import harm_workbook

LIST = "/admin/offenders/importbatch/"


@pytest.fixture
def error_after_first_chunk(monkeypatch):
    """The loader writes its first chunk for real, then fails on the second: an error mid-load."""
    real_load = OffenceLoader.load
    calls = []

    def load(loader, chunk):
        calls.append(len(chunk))
        if len(calls) > 1:
            raise RuntimeError("the disk went away")
        real_load(loader, chunk)

    monkeypatch.setattr(import_service, "CHUNK_ROWS", 2)
    monkeypatch.setattr(OffenceLoader, "load", load)
    return calls


def _import_events(batch: ImportBatch) -> list[dict]:
    events = AuditEvent.objects.filter(action=f"import.{batch.kind}", target_id=str(batch.pk))
    return [event.changes for event in events]


@pytest.mark.django_db
def test_an_error_mid_load_is_a_failed_batch_with_its_reason_and_nothing_kept(import_csv, error_after_first_chunk):
    report = import_csv(csv_bytes([offence_row(n) for n in range(5)]))

    assert error_after_first_chunk == [2, 2]  # the first chunk was written before the error
    assert Offence.objects.count() == 0
    batch = ImportBatch.objects.get(pk=report.batch.pk)
    assert (batch.outcome, report.crashed, report.ok) == ("failed", True, False)
    assert batch.finished_at is not None and batch.file_sha256
    assert "unexpected error (RuntimeError)" in batch.errors[0]["message"]
    assert "the disk went away" not in batch.errors[0]["message"]  # the error's text may hold row data: log only
    [changes] = _import_events(batch)
    assert changes["outcome"]["after"] == "failed"


@pytest.mark.django_db
def test_an_error_mid_load_answers_500_with_the_failed_batch(api_for, admin_user, error_after_first_chunk):
    upload = io.BytesIO(csv_bytes([offence_row(n) for n in range(5)]))
    upload.name = "offences.csv"
    response = api_for(admin_user).post("/api/v1/imports/offences/", {"file": upload})
    assert response.status_code == 500
    body = response.json()
    assert body["outcome"] == "failed" and ImportBatch.objects.get(pk=body["batch"]).outcome == "failed"
    assert "unexpected error" in body["detail"] and Offence.objects.count() == 0


@pytest.mark.django_db
def test_an_error_mid_load_makes_the_command_fail(tmp_path, error_after_first_chunk, capsys):
    path = tmp_path / "offences.csv"
    path.write_bytes(csv_bytes([offence_row(n) for n in range(5)]))
    with pytest.raises(CommandError, match="Nothing loaded"):
        call_command("import_offences", str(path))
    assert "unexpected error (RuntimeError)" in capsys.readouterr().err
    assert ImportBatch.objects.get().outcome == "failed"


@pytest.mark.django_db
def test_an_error_making_the_harm_index_draft_leaves_no_policy_and_a_failed_batch(import_workbook, monkeypatch):
    real_create = harm_index_service.policy_create_draft

    def create_then_fail(**kwargs):
        real_create(**kwargs)
        raise KeyError("entries")

    monkeypatch.setattr(harm_index_service, "policy_create_draft", create_then_fail)
    policies = ScoringPolicy.objects.count()

    report = import_workbook(harm_workbook())

    assert ScoringPolicy.objects.count() == policies
    batch = ImportBatch.objects.get(pk=report.batch.pk)
    assert (batch.kind, batch.outcome) == ("harm_index", "failed")
    assert "unexpected error (KeyError)" in batch.errors[0]["message"]
    assert [changes["outcome"]["after"] for changes in _import_events(batch)] == ["failed"]


@pytest.mark.django_db
def test_a_refused_file_is_one_rejected_batch_listed_with_its_reason(import_csv, web_for, admin_user):
    report = import_csv(csv_bytes([offence_row(1, status="maybe"), offence_row(2)]))

    batch = ImportBatch.objects.get()
    assert (batch.pk, batch.outcome, batch.error_count) == (report.batch.pk, "rejected", 1)
    page = web_for(admin_user).get(LIST)
    assert "is not a known offence status" in page.content.decode()
    assert [changes["outcome"]["after"] for changes in _import_events(batch)] == ["rejected"]


def _abandoned_batch(*, minutes_ago: int) -> ImportBatch:
    """A batch as a killed import leaves it: committed as running, never finished."""
    batch = batch_start(kind="offences", file_name="killed.csv", file_bytes=10)
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return batch


@pytest.mark.django_db
def test_the_batch_list_shows_an_abandoned_import_as_failed(web_for, admin_user, settings):
    settings.PORTAL_IMPORT_STALE_SECONDS = 3600
    old, recent = _abandoned_batch(minutes_ago=61), _abandoned_batch(minutes_ago=5)

    page = web_for(admin_user).get(LIST)

    assert page.status_code == 200 and ABANDONED in page.content.decode()
    assert ImportBatch.objects.get(pk=old.pk).outcome == "failed"
    assert ImportBatch.objects.get(pk=recent.pk).outcome == "running"  # may still be loading
    assert [changes["outcome"]["after"] for changes in _import_events(old)] == ["failed"]
    assert _import_events(recent) == []
    web_for(admin_user).get(LIST)
    assert len(_import_events(old)) == 1  # marked once


@pytest.mark.django_db
def test_the_next_import_marks_an_abandoned_one_failed(import_csv, settings):
    settings.PORTAL_IMPORT_STALE_SECONDS = 3600
    old = _abandoned_batch(minutes_ago=90)

    report = import_csv(csv_bytes([offence_row(n) for n in range(3)]))

    assert report.loaded
    abandoned = ImportBatch.objects.get(pk=old.pk)
    assert (abandoned.outcome, abandoned.errors[0]["message"]) == ("failed", ABANDONED)
    assert abandoned.finished_at is not None


def _lock_released(batch_pk: int) -> bool:
    """Whether no transaction holds the batch row (always true on SQLite, which has no row locks)."""
    with transaction.atomic():
        return ImportBatch.objects.select_for_update(skip_locked=True).filter(pk=batch_pk).exists()


def test_a_killed_import_leaves_a_running_batch_that_is_then_marked_failed(
    transactional_db, tmp_path, import_csv, settings
):
    path, marker = tmp_path / "offences.csv", tmp_path / "stalled"
    path.write_bytes(csv_bytes([offence_row(n) for n in range(6)]))
    log = tmp_path / "stalled.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.offenders.imports.stalled_import", str(path), str(marker)],
            cwd=ROOT, env=_worker_env(), stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(lambda: marker.exists() or process.poll() is not None, timeout=90)
        assert marker.exists(), f"the import process ended early:\n{log.read_text()}"
        # Mid-load: the batch is on record (committed before the load began), the rows are not.
        running = ImportBatch.objects.get()
        assert (running.outcome, running.file_name, running.finished_at) == ("running", "offences.csv", None)
        assert running.file_sha256 and Offence.objects.count() == 0
        if connection.features.has_select_for_update_skip_locked:  # PostgreSQL: a live load is never marked
            assert import_batches_fail_abandoned(now=timezone.now() + dt.timedelta(days=1)) == 0
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    wait_for(lambda: _lock_released(running.pk), timeout=30)
    assert ImportBatch.objects.get(pk=running.pk).outcome == "running"  # the dead process wrote nothing more
    assert Offence.objects.count() == 0  # nothing of the first chunk survived

    settings.PORTAL_IMPORT_STALE_SECONDS = 0
    assert import_csv(csv_bytes([offence_row(n) for n in range(2)])).loaded

    killed = ImportBatch.objects.get(pk=running.pk)
    assert (killed.outcome, killed.errors[0]["message"]) == ("failed", ABANDONED)
    assert [changes["outcome"]["after"] for changes in _import_events(killed)] == ["failed"]
    assert Offence.objects.count() == 2
