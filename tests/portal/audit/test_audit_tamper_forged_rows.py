"""More tampering by someone with database access (the append-only triggers lifted), on SQLite and
PostgreSQL: rows forged below the first id, forged appends, head edits, and every kind checked
through both doors (the command's exit and the API's `ok`/`first_broken`)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from portal.audit.models import AuditEvent
from portal.audit.services import GENESIS_HASH, audit_record
from portal.audit.verify import audit_chain_verify
from tests.portal.audit.test_audit_integrity import _events, _swap_ids, _tamper

COLUMNS = (
    "id, sequence, occurred_at, actor_id, actor_username, role, action, target_type, target_id, object_repr, "
    "purpose, client_address, request_id, channel, changes, previous_hash, event_hash"
)


def _forged(event_id: int, sequence: int, previous_hash: str, mark: str = "f") -> str:
    """An INSERT of an event an attacker made up (they cannot compute the keyed hash)."""
    return (
        f"INSERT INTO audit_auditevent ({COLUMNS}) VALUES ({event_id}, {sequence}, '2026-01-01 00:00:00+00:00', "
        f"NULL, 'mallory', 'admin', 'login', '', '', '', '', '', '', 'web', '{{}}', '{previous_hash}', '{mark * 64}')"
    )


def _assert_caught(flagged_id: int, api_for, make_user) -> None:
    report = audit_chain_verify()
    assert not report.ok and report.first_broken == flagged_id, report
    with pytest.raises(CommandError, match=f"event id {flagged_id}[: ]"):
        call_command("verify_audit")
    body = api_for(make_user("oversight")).get("/api/v1/audit/verify/").json()
    assert body["ok"] is False and body["first_broken"] == flagged_id


@pytest.mark.parametrize("forged_id", [0, -7])
def test_a_row_forged_below_the_first_id_is_caught(db, forged_id, api_for, make_user):
    """The walk used to start after id 0, so a forged row with id 0 or below was never looked at."""
    _events(3)
    _tamper(_forged(forged_id, 999_999, GENESIS_HASH))
    _assert_caught(forged_id, api_for, make_user)


def test_a_forged_append_with_the_right_link_and_sequence_is_caught(db, api_for, make_user):
    events = _events(3)
    last = events[-1]
    _tamper(_forged(last.pk + 1, last.sequence + 1, last.event_hash))
    _assert_caught(last.pk + 1, api_for, make_user)


def test_a_forged_event_replacing_a_deleted_one_is_caught(db, api_for, make_user):
    events = _events(5)
    victim = events[2]
    _tamper(
        f"DELETE FROM audit_auditevent WHERE id = {victim.pk}",
        _forged(victim.pk, victim.sequence, victim.previous_hash),
    )
    _assert_caught(victim.pk, api_for, make_user)


@pytest.mark.parametrize(
    "kind", ["edit_changes", "edit_time", "edit_hash", "delete_middle", "swap_ids", "swap_sequences", "cut_end"]
)
def test_every_kind_of_tampering_fails_both_doors(db, kind, api_for, make_user):
    events = _events(6)
    e = {i + 1: event for i, event in enumerate(events)}
    statements, flagged = {
        "edit_changes": ([f"UPDATE audit_auditevent SET changes = '{{\"n\": 99}}' WHERE id = {e[3].pk}"], e[3].pk),
        "edit_time": ([f"UPDATE audit_auditevent SET occurred_at = '2001-01-01 00:00:00+00:00' WHERE id = {e[2].pk}"],
                      e[2].pk),
        "edit_hash": ([f"UPDATE audit_auditevent SET event_hash = '{'a' * 64}' WHERE id = {e[4].pk}"], e[4].pk),
        "delete_middle": ([f"DELETE FROM audit_auditevent WHERE id = {e[3].pk}"], e[4].pk),
        "swap_ids": (_swap_ids(e[2].pk, e[5].pk), e[2].pk),
        "swap_sequences": ([
            f"UPDATE audit_auditevent SET sequence = 999999 WHERE id = {e[2].pk}",
            f"UPDATE audit_auditevent SET sequence = {e[2].sequence} WHERE id = {e[3].pk}",
            f"UPDATE audit_auditevent SET sequence = {e[3].sequence} WHERE id = {e[2].pk}",
        ], e[2].pk),
        "cut_end": ([f"DELETE FROM audit_auditevent WHERE id >= {e[5].pk}"], e[5].pk),
    }[kind]  # fmt: skip
    _tamper(*statements)
    _assert_caught(flagged, api_for, make_user)


@pytest.mark.parametrize("column", ["sequence", "event_id", "event_hash"])
def test_an_edited_head_record_is_caught(db, column, api_for, make_user):
    events = _events(3)
    value = {"sequence": events[0].sequence, "event_id": events[0].pk, "event_hash": f"'{events[0].event_hash}'"}
    _tamper(f"UPDATE audit_audithead SET {column} = {value[column]}")
    report = audit_chain_verify()
    assert not report.ok and "head record was edited" in report.problem
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert api_for(make_user("oversight")).get("/api/v1/audit/verify/").json()["ok"] is False


def test_head_deleted_with_the_last_events_stays_caught_after_later_appends(db):
    """Deleting the newest events AND the head re-anchors the chain on the next append (chain_tail falls
    back to the last row), after which the cut no longer shows."""
    events = _events(5)
    _tamper(f"DELETE FROM audit_auditevent WHERE id >= {events[3].pk}", "DELETE FROM audit_audithead")
    assert not audit_chain_verify().ok
    audit_record(action="test.after_the_cut")  # any later login or view appends
    assert not audit_chain_verify().ok


@pytest.mark.postgresql_only
@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_auditevent",
        "TRUNCATE audit_auditevent CASCADE",
        "UPDATE audit_auditevent SET sequence = sequence",
        "DELETE FROM audit_auditevent WHERE id = (SELECT max(id) FROM audit_auditevent)",
    ],
)
def test_postgres_refuses_truncate_update_and_delete(db, statement):
    _events(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(action="test.event").count() == 2
    assert audit_chain_verify().ok


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM audit_auditevent",  # SQLite's TRUNCATE; triggers turn off its truncate optimisation
        "UPDATE audit_auditevent SET sequence = sequence",
    ],
)
def test_sqlite_refuses_delete_and_update(db, statement):
    _events(2)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(action="test.event").count() == 2
    assert audit_chain_verify().ok


@pytest.mark.sqlite_only
def test_sqlite_refuses_replace(db):
    _events(2)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("REPLACE INTO audit_auditevent SELECT * FROM audit_auditevent")


@pytest.mark.sqlite_only
def test_sqlite_replace_is_still_caught_by_verification(db):
    """With the REPLACE trigger lifted too, a replaced event with other content still fails the chain."""
    events = _events(3)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER audit_event_no_replace")
        cursor.execute(
            f"REPLACE INTO audit_auditevent SELECT id, sequence, occurred_at, actor_id, 'mallory', role, action, "
            f"target_type, target_id, object_repr, purpose, client_address, request_id, channel, changes, "
            f"previous_hash, event_hash FROM audit_auditevent WHERE id = {events[1].pk}"
        )
    report = audit_chain_verify()
    assert not report.ok and report.first_broken == events[1].pk


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "value, problem",
    [("garbage", "no longer matches its hash"), ("2026-13-45 99:99:99", "cannot be read")],
)
def test_sqlite_values_of_the_wrong_shape_are_reported_not_a_crash(db, value, problem, api_for, make_user):
    """SQLite keeps any text in any column; a time that no longer parses used to raise out of verify."""
    events = _events(4)
    _tamper(f"UPDATE audit_auditevent SET occurred_at = '{value}' WHERE id = {events[1].pk}")
    report = audit_chain_verify()
    assert (report.ok, report.first_broken, report.checked) == (False, events[1].pk, 1) and problem in report.problem
    _assert_caught(events[1].pk, api_for, make_user)


@pytest.mark.parametrize("head_back", [False, True])
def test_a_planted_row_does_not_stop_later_appends_and_stays_caught(db, head_back, api_for, make_user):
    """A row forged at the next id (or a head pointed back) used to make every later append collide
    with it, so no login or view could be audited any more. Appends now go past it; it stays named."""
    events = _events(3)
    last = events[-1]
    statements = [_forged(last.pk + 1, last.sequence + 1, last.event_hash)]
    if head_back:
        statements = [f"UPDATE audit_audithead SET sequence = {events[0].sequence}, event_id = {events[0].pk}"]
    _tamper(*statements)
    later = audit_record(action="test.after_the_plant")
    assert later.pk == later.sequence == last.pk + 2  # past the planted row, or past the re-anchoring event
    _assert_caught(last.pk + 1, api_for, make_user)


def test_a_deleted_head_is_reported_for_good_by_a_reanchoring_event(db):
    """With the head gone the next append continues from the last row after an `audit.chain_reanchored`
    event; that event is a break of its own, so the deletion can't be healed by waiting for an append."""
    events = _events(3)
    _tamper("DELETE FROM audit_audithead")
    appended = audit_record(action="test.after")
    marker = AuditEvent.objects.get(action="audit.chain_reanchored")
    assert (marker.pk, appended.pk) == (events[-1].pk + 1, events[-1].pk + 2)
    assert marker.previous_hash == events[-1].event_hash and marker.changes["continues_after_event"] == events[-1].pk
    for _ in range(2):
        report = audit_chain_verify()
        assert (
            not report.ok and report.first_broken == marker.pk and "head record was missing or edited" in report.problem
        )
        audit_record(action="test.later")
