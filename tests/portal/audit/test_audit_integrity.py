"""The audit chain's end, ids and key (ADR 0304), and what its readers may see: tail truncation, id
swaps and re-chaining without the key are caught on SQLite and PostgreSQL; personal values are
redacted on every read surface; token failures, admin password changes and request ids are audited
properly."""

import json
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from offenders.services.offenders import offender_create, offender_update
from portal.accounts.models import ApiToken
from portal.accounts.permissions import SYSTEM
from portal.accounts.services import token_issue
from portal.audit.bulk import PendingEvent, audit_append_many
from portal.audit.models import AuditEvent, AuditHead
from portal.audit.services import HEAD_PK, audit_record, event_hash, head_seal
from portal.audit.verify import audit_chain_verify
from tests.conftest import ROOT, TEST_PASSWORD
from tests.portal.audit.test_audit_chain import _copy_database

TRIGGERS_OFF = {
    "sqlite": ["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"],
    "postgresql": ["ALTER TABLE audit_auditevent DISABLE TRIGGER USER"],
}
TRIGGERS_ON = {"postgresql": ["ALTER TABLE audit_auditevent ENABLE TRIGGER USER"]}  # SQLite: the test's rollback


def _events(n: int) -> list[AuditEvent]:
    return [audit_record(action="test.event", target_type="thing", target_id=i, changes={"n": i}) for i in range(n)]


def _tamper(*statements: str) -> None:
    """Run SQL with the append-only triggers lifted, inside the test transaction (rolled back after)."""
    with connection.cursor() as cursor:
        for statement in TRIGGERS_OFF[connection.vendor]:
            cursor.execute(statement)
        for statement in statements:
            cursor.execute(statement)
        for statement in TRIGGERS_ON.get(connection.vendor, []):
            cursor.execute(statement)


def _swap_ids(a: int, b: int) -> list[str]:
    return [
        f"UPDATE audit_auditevent SET id = 999999 WHERE id = {a}",
        f"UPDATE audit_auditevent SET id = {a} WHERE id = {b}",
        f"UPDATE audit_auditevent SET id = {b} WHERE id = 999999",
    ]


def test_ids_follow_the_sequence_and_the_head_follows_every_append(db):
    events = _events(3)
    assert [e.pk for e in events] == [e.sequence for e in events]
    head = AuditHead.objects.get(pk=HEAD_PK)
    assert (head.sequence, head.event_id, head.event_hash) == (
        events[-1].sequence,
        events[-1].pk,
        events[-1].event_hash,
    )


@pytest.mark.parametrize("cut", [1, 2])
def test_events_cut_from_the_end_are_caught(db, cut):
    events = _events(5)
    _tamper(f"DELETE FROM audit_auditevent WHERE sequence > {events[-cut - 1].sequence}")
    report = audit_chain_verify()
    assert not report.ok
    assert report.first_broken == events[-cut].pk == events[-cut - 1].pk + 1  # the first missing id
    assert report.checked == AuditEvent.objects.count()
    assert "missing from the end" in report.problem
    with pytest.raises(CommandError, match=f"event id {events[-cut].pk}"):
        call_command("verify_audit")


def test_cut_end_stays_caught_after_later_appends_and_through_the_api(db, make_user, api_for):
    events = _events(4)
    _tamper(f"DELETE FROM audit_auditevent WHERE id = {events[-1].pk}")
    after = audit_record(action="test.after_the_cut")  # continues from the head: the gap stays visible
    assert after.sequence == events[-1].sequence + 1
    body = api_for(make_user("oversight")).get("/api/v1/audit/verify/").json()
    # now a gap in the middle: flagged at the event after it, as for any deleted event
    assert body == {"ok": False, "checked": AuditEvent.objects.filter(sequence__lt=events[-1].sequence).count(),
                    "first_broken": after.pk}  # fmt: skip


def test_everything_deleted_is_caught(db):
    _events(3)
    _tamper("DELETE FROM audit_auditevent")
    report = audit_chain_verify()
    assert (report.ok, report.checked, report.first_broken) == (False, 0, 1)


def test_head_pointed_back_without_the_key_is_caught(db):
    events = _events(4)
    survivor = events[-2]
    forged = {"sequence": survivor.sequence, "event_id": survivor.pk, "event_hash": survivor.event_hash}
    with override_settings(AUDIT_HMAC_KEY="a guess"):
        forged["seal"] = head_seal(**forged)
    _tamper(
        f"DELETE FROM audit_auditevent WHERE id = {events[-1].pk}",
        "UPDATE audit_audithead SET sequence = {sequence}, event_id = {event_id}, event_hash = '{event_hash}', "
        "seal = '{seal}'".format(**forged),
    )
    report = audit_chain_verify()
    assert not report.ok and "head record was edited" in report.problem


def test_events_beyond_the_head_are_caught(db):
    """Events the head does not cover were not written by the audit service (which moves it)."""
    events = _events(4)
    old = {"sequence": events[-2].sequence, "event_id": events[-2].pk, "event_hash": events[-2].event_hash}
    old["seal"] = head_seal(**old)
    AuditHead.objects.filter(pk=HEAD_PK).update(**old)
    report = audit_chain_verify()
    assert (report.ok, report.first_broken, report.checked) == (False, events[-1].pk, AuditEvent.objects.count() - 1)


def test_head_deleted_is_caught(db):
    events = _events(2)
    _tamper("DELETE FROM audit_audithead")
    report = audit_chain_verify()
    assert not report.ok and report.first_broken == events[-1].pk + 1


def test_swapping_two_ids_is_caught(db):
    events = _events(5)
    _tamper(*_swap_ids(events[2].pk, events[3].pk))
    report = audit_chain_verify()
    assert not report.ok and report.first_broken == events[2].pk  # the lower of the two


def test_renumbering_an_id_is_caught_by_the_hash(db):
    """Order and links still line up; only the id, which the HMAC covers, changed."""
    events = _events(3)
    _tamper(f"UPDATE audit_auditevent SET id = {events[-1].pk + 100} WHERE id = {events[-1].pk}")
    report = audit_chain_verify()
    assert not report.ok and report.first_broken == events[-1].pk + 100
    assert "edited" in report.problem


def _rechain_from(events: list[AuditEvent], index: int) -> list[str]:
    """An attacker's edit of one event followed by re-computing every hash after it, with whatever
    key `event_hash` sees now; returns the SQL."""
    statements, previous = [], events[index - 1].event_hash
    for event in events[index:]:
        event.refresh_from_db()
        if event.pk == events[index].pk:
            event.actor_username = "mallory"
        event.previous_hash = previous
        event.event_hash = previous = event_hash(event)
        statements.append(
            f"UPDATE audit_auditevent SET actor_username = '{event.actor_username}', "
            f"previous_hash = '{event.previous_hash}', event_hash = '{event.event_hash}' WHERE id = {event.pk}"
        )
    last = events[-1]
    seal = head_seal(sequence=last.sequence, event_id=last.pk, event_hash=last.event_hash)
    statements.append(f"UPDATE audit_audithead SET event_hash = '{last.event_hash}', seal = '{seal}'")
    return statements


@pytest.mark.parametrize("attacker_key, caught", [("a guess", True), (None, False)])
def test_rechaining_needs_the_key(db, attacker_key, caught):
    """Without the key a re-chained edit is caught; with it (the control) it would pass: the key is
    what protects the chain, so it must stay out of the database."""
    events = _events(5)
    if attacker_key:
        with override_settings(AUDIT_HMAC_KEY=attacker_key):
            statements = _rechain_from(events, 1)
    else:
        statements = _rechain_from(events, 1)
    _tamper(*statements)
    report = audit_chain_verify()
    assert report.ok is not caught
    if caught:
        assert report.first_broken == events[1].pk


def test_key_comes_from_the_setting_else_from_secret_key(db):
    event = _events(1)[0]
    default = event_hash(event)
    with override_settings(AUDIT_HMAC_KEY="from-the-environment"):
        assert event_hash(event) != default
    with override_settings(SECRET_KEY="another-secret-key-" * 3):
        assert event_hash(event) != default
    assert event_hash(event) == default == event.event_hash


def test_bulk_appends_move_the_head(db):
    _events(2)
    audit_append_many([PendingEvent("test.bulk", "thing", i, f"thing {i}", {"n": i}) for i in range(3)])
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last.action == "test.bulk" and last.pk == last.sequence
    assert AuditHead.objects.get(pk=HEAD_PK).event_id == last.pk
    assert audit_chain_verify().ok
    _tamper(f"DELETE FROM audit_auditevent WHERE id = {last.pk}")
    assert audit_chain_verify().first_broken == last.pk


def _verify_copy(tmp_path, statements: list[str]) -> subprocess.CompletedProcess:
    copy = tmp_path / "copy.sqlite3"
    _copy_database(copy)
    with sqlite3.connect(copy) as raw:
        for statement in TRIGGERS_OFF["sqlite"] + statements:
            raw.execute(statement)
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_URL": f"sqlite:///{copy}",
           "PATH": "/usr/bin:/bin", "PORTAL_VAR_DIR": str(tmp_path)}  # fmt: skip
    return subprocess.run(
        [sys.executable, "manage.py", "verify_audit"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.sqlite_only
@pytest.mark.parametrize("kind", ["delete_last", "swap_ids"])
def test_sqlite_copy_cut_or_swapped_fails_verify_audit(db, tmp_path, kind):
    """The acceptance route: tamper a copy of the file, run the command with the same settings."""
    events = _events(4)
    statements = {
        "delete_last": ["DELETE FROM audit_auditevent WHERE id = (SELECT max(id) FROM audit_auditevent)"],
        "swap_ids": _swap_ids(events[1].pk, events[2].pk),
    }[kind]
    result = _verify_copy(tmp_path, statements)
    assert result.returncode != 0, result.stdout
    flagged = events[-1] if kind == "delete_last" else events[1]
    assert f"event id {flagged.pk}" in result.stderr


# --- what readers see -------------------------------------------------------------------------------

NAME, FORENAME, DOB = "Zebedeequux", "Quintessa", "1981-02-03"


@pytest.fixture
def planted(make_user):
    """An offender with a distinctive name, created and renamed through the services, plus events that
    carry the name in a stored object_repr, a free-text reason and a search query."""
    offender = offender_create(
        data={
            "suspect_ref": "P-ZQ-1",
            "surname": NAME,
            "forenames": FORENAME,
            "date_of_birth": DOB,
            "sex": "female",
            "ethnicity": "A4",
        },  # fmt: skip
        by=(officer := make_user("officer")),
    )
    offender_update(offender=offender, data={"surname": f"{NAME}-Smythe"}, by=officer)
    audit_record(action="offender.note", target_type="offenders.offender", target_id=offender.pk,
                 object_repr=f"{NAME.upper()}, {FORENAME}", changes={"note": f"{NAME} seen"})  # fmt: skip
    audit_record(action="case.transition", target_type="offenders.case", target_id=1,
                 changes={"stage": {"before": "tasked", "after": "active"}, "reason": f"{NAME} located"})  # fmt: skip
    audit_record(action="offender.list", target_type="offenders.offender", changes={"query": {"q": NAME}})
    audit_record(action="offender.view", target=offender, purpose="investigation")
    return offender


def test_log_stores_the_values_in_full(planted):
    stored = AuditEvent.objects.get(action="offender.create", target_id=str(planted.pk))
    assert stored.changes["surname"] == {"before": None, "after": NAME}


def test_default_object_repr_of_an_offender_is_its_reference(planted):
    event = AuditEvent.objects.filter(action="offender.view").order_by("-sequence").first()
    assert event.object_repr == planted.reference


@pytest.mark.parametrize("role", ["admin", "oversight"])
def test_audit_api_redacts_personal_values(planted, make_user, api_for, role):
    response = api_for(make_user(role)).get("/api/v1/audit/events/", {"target_type": "offenders.offender"})
    assert response.status_code == 200
    text = response.content.decode()
    assert NAME not in text and FORENAME not in text and DOB not in text and NAME.upper() not in text
    rows = {row["action"]: row for row in response.json()["results"]}
    created = rows["offender.create"]["changes"]
    for name in ("surname", "forenames", "date_of_birth", "ethnicity", "suspect_ref"):
        assert created[name] == {"before": "(redacted)", "after": "(redacted)"}
    assert created["status"]["after"] == planted.status  # not personal: shown
    assert rows["offender.note"]["object_repr"] == planted.reference
    case = api_for(make_user(role)).get("/api/v1/audit/events/", {"action": "case.transition"}).json()["results"][0]
    assert case["changes"] == {"stage": {"before": "tasked", "after": "active"}, "reason": "(redacted)"}


def test_audit_page_and_access_report_never_show_the_name(planted, make_user, web_for, api_for):
    oversight = make_user("oversight")
    page = web_for(oversight).get("/oversight/audit/")
    assert page.status_code == 200 and NAME.encode() not in page.content and NAME.upper().encode() not in page.content
    client = api_for(oversight)
    for table in ("users", "daily", "restricted", "refusals", "exports", "purposes"):
        response = client.get("/api/v1/reports/access/", {"format": "csv", "table": table})
        assert response.status_code == 200, table
        assert NAME.lower() not in b"".join(response.streaming_content).decode().lower()
    assert NAME.lower() not in client.get("/api/v1/reports/access/").content.decode().lower()


# --- token failures, admin password changes, request ids ----------------------------------------------


def _token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.parametrize("state", ["unknown", "expired", "revoked"])
def test_refused_tokens_are_audited_without_the_token(make_user, state):
    user = make_user("officer")
    token, key = token_issue(user=user, by=SYSTEM)
    if state == "unknown":
        key = "bogus-token-value-0123456789"
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    else:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    before = AuditEvent.objects.count()
    response = _token_client(key).get("/api/v1/offenders/", REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 401
    events = list(AuditEvent.objects.filter(sequence__gt=before))
    assert [e.action for e in events] == ["auth.login_failed"]
    event = events[0]
    assert (event.channel, event.client_address, event.actor_id) == ("api", "192.0.2.44", None)
    assert event.changes["method"] == "token"
    stored = json.dumps({f: str(getattr(event, f)) for f in ("object_repr", "target_id", "changes", "request_id")})
    assert key not in stored and key[:8] not in stored


def test_admin_password_change_is_audited_without_the_password(make_user, web_for):
    admin_user, target = make_user("admin"), make_user("officer")
    new_password = "An0ther-Str0ng-Pass!-42"
    response = web_for(admin_user).post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.check_password(new_password) and not target.check_password(TEST_PASSWORD)
    event = AuditEvent.objects.filter(action="user.password_change").get()
    assert (event.target_id, event.actor_username, event.changes) == (
        str(target.pk), admin_user.username, {"password": "changed"},
    )  # fmt: skip
    assert new_password not in json.dumps(event.changes) and target.password not in json.dumps(event.changes)


@pytest.mark.parametrize(
    "supplied, kept",
    [("3f2c9a1e-77aa-4c1b-9d2e-0a1b2c3d4e5f", True), ('evil"id-1234', False), ("short", False),
     ("x" * 65, False), ("abc def 12345", False)],
)  # fmt: skip
def test_client_request_id_kept_only_when_well_formed(make_user, api_for, supplied, kept):
    response = api_for(make_user("admin")).get("/api/v1/audit/verify/", HTTP_X_REQUEST_ID=supplied)
    event = AuditEvent.objects.filter(action="audit.verify").order_by("-sequence").first()
    assert (event.request_id == supplied) is kept
    assert response["X-Request-ID"] == event.request_id
    if not kept:
        assert len(event.request_id) == 32 and event.request_id.isalnum()


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_one_unbroken_chain():
    """Appends from several connections at once, starting from an empty log (no head yet: the advisory
    lock path) and then with a head (the row lock path): one order, ids equal to the sequence, the
    head on the last event, and the whole chain verifies."""
    import threading

    AuditHead.objects.all().delete()
    assert not AuditEvent.objects.exists()
    threads_count, per_thread = 4, 12
    barrier = threading.Barrier(threads_count)
    errors = []

    def append(worker: int):
        try:
            barrier.wait()
            for n in range(per_thread):
                if n % 4 == 3:
                    audit_append_many(
                        [PendingEvent("test.bulk", "thing", f"{worker}-{n}-{i}", "", {}) for i in range(3)]
                    )
                else:
                    audit_record(action="test.race", target_type="thing", target_id=f"{worker}-{n}")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    bulk_calls = per_thread // 4
    expected = threads_count * (bulk_calls * 3 + per_thread - bulk_calls)  # 3 events a bulk call, else 1
    ids = list(AuditEvent.objects.order_by("sequence").values_list("id", "sequence"))
    assert len(ids) == expected and [pk for pk, _ in ids] == [seq for _, seq in ids] == list(range(1, expected + 1))
    head = AuditHead.objects.get(pk=HEAD_PK)
    assert (head.sequence, head.event_id) == (expected, expected)
    report = audit_chain_verify()
    assert report.ok and report.checked == expected
