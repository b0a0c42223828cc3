"""The audit log is append-only in the database and its hash chain catches any edit, deletion or
reordering, on SQLite and PostgreSQL."""

import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from portal.audit.context import context_for_user, current_context, reset_context, set_context
from portal.audit.models import AuditEvent
from portal.audit.services import GENESIS_HASH, audit_record, event_hash
from portal.audit.verify import audit_chain_verify
from tests.conftest import ROOT


def _events(n: int = 5) -> list[AuditEvent]:
    return [audit_record(action="test.event", target_type="thing", target_id=i, changes={"n": i}) for i in range(n)]


def test_events_are_chained_and_hashed(db):
    events = _events(3)
    assert events[0].previous_hash == GENESIS_HASH
    assert [e.previous_hash for e in events[1:]] == [e.event_hash for e in events[:-1]]
    assert [e.sequence for e in events] == [1, 2, 3]
    stored = AuditEvent.objects.get(pk=events[1].pk)
    assert event_hash(stored) == stored.event_hash  # round trip through the database keeps the hash


def test_secrets_never_reach_an_event(db):
    event = audit_record(action="test.secret", changes={"password": "x", "nested": {"token": "y", "ok": 1}})
    assert event.changes == {"nested": {"ok": 1}}


@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET action = 'forged'", "DELETE FROM audit_auditevent"])
def test_database_refuses_update_and_delete(db, statement):
    _events(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(action="test.event").count() == 2


def test_orm_update_and_delete_are_refused_too(db):
    event = _events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()


def test_intact_chain_verifies(db):
    _events(7)
    report = audit_chain_verify(chunk_size=2)  # several chunks: streaming
    assert report.ok and report.checked == 7 and report.first_broken is None


def test_verify_audit_command_intact(db, capsys):
    _events(4)
    call_command("verify_audit")
    assert "intact: 4 events checked" in capsys.readouterr().out


SWAP_3_AND_4 = [
    "UPDATE audit_auditevent SET sequence = 999999 WHERE sequence = {e3}",
    "UPDATE audit_auditevent SET sequence = {e3} WHERE sequence = {e4}",
    "UPDATE audit_auditevent SET sequence = {e4} WHERE sequence = 999999",
]
# kind -> (statements, position among our six events of the first event verification must flag)
TAMPERING = {
    "edited": (["UPDATE audit_auditevent SET object_repr = 'forged' WHERE sequence = {e3}"], 3),
    "edited_changes": (["UPDATE audit_auditevent SET role = 'admin' WHERE sequence = {e5}"], 5),
    "deleted": (["DELETE FROM audit_auditevent WHERE sequence = {e3}"], 4),
    "reordered": (SWAP_3_AND_4, 3),  # the lowest id whose row is wrong: event 3 now claims position 4
    "first_deleted": (["DELETE FROM audit_auditevent WHERE sequence = {e1}"], 2),
}


def _statements(kind: str, events: list[AuditEvent]) -> tuple[list[str], AuditEvent]:
    """The tampering SQL for our events (the database may hold earlier ones) and the event
    verification must flag."""
    positions = {f"e{i + 1}": event.sequence for i, event in enumerate(events)}
    statements, position = TAMPERING[kind]
    flagged = events[position - 1]
    return [statement.format(**positions) for statement in statements], flagged


@pytest.mark.postgresql_only
@pytest.mark.parametrize("kind", TAMPERING)
def test_postgres_verify_catches_tampering(db, kind):
    events = _events(6)
    statements, flagged = _statements(kind, events)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    report = audit_chain_verify()
    assert not report.ok
    assert report.first_broken == flagged.pk
    assert report.checked == AuditEvent.objects.filter(pk__lt=flagged.pk).count()  # walked in id order
    with pytest.raises(CommandError, match=f"event id {report.first_broken}"):
        call_command("verify_audit")


def _copy_database(target) -> None:
    """A copy of the test database as this connection sees it (the test's own rows included)."""
    connection.ensure_connection()
    script = "\n".join(connection.connection.iterdump())
    with sqlite3.connect(target) as copy:
        copy.executescript(script)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("kind", TAMPERING)
def test_sqlite_copy_tampered_is_caught(db, tmp_path, kind):
    """Tamper a COPY of the SQLite file (triggers dropped there); verify_audit against it fails."""
    events = _events(6)
    copy = tmp_path / "copy.sqlite3"
    _copy_database(copy)
    statements, flagged = _statements(kind, events)
    with sqlite3.connect(copy) as raw:
        raw.execute("DROP TRIGGER audit_event_no_update")
        raw.execute("DROP TRIGGER audit_event_no_delete")
        for statement in statements:
            raw.execute(statement)
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"sqlite:///{copy}",
        "PATH": "/usr/bin:/bin",
    }
    env["PORTAL_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_audit"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0, result.stdout
    assert f"event id {flagged.pk}" in result.stderr
    # the original is untouched and still intact
    assert audit_chain_verify().ok


@pytest.mark.sqlite_only
def test_verify_audit_subprocess_intact_on_copy(db, tmp_path):
    _events(3)
    copy = tmp_path / "copy.sqlite3"
    _copy_database(copy)
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"sqlite:///{copy}",
        "PATH": "/usr/bin:/bin",
    }
    env["PORTAL_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_audit"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert f"intact: {AuditEvent.objects.count()} events checked" in result.stdout


def test_explicit_context_is_used_by_tasks_and_commands(db, make_user):
    user = make_user("supervisor")
    token = set_context(context_for_user(user, channel="task"))
    try:
        event = audit_record(action="test.task")
    finally:
        reset_context(token)
    assert (event.actor_id, event.actor_username, event.role, event.channel) == (
        user.pk,
        user.username,
        "supervisor",
        "task",
    )
    after = current_context()
    assert (after.actor_id, after.channel) == (None, "system")
