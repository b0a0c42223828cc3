"""Writing audit events: every write goes through `audit_record`, inside the caller's transaction.

Appends are serialised (on PostgreSQL by locking the chain's head row; SQLite serialises writers
itself) so the chain has one order. Each event's hash is an HMAC-SHA256, keyed by a secret kept out of the database,
over its content (its id included) and the previous hash; the sealed head record is rewritten in the
same transaction, so an edit, a swap of ids or events cut from the end cannot be re-chained to pass
verification by someone who can only reach the database (ADR 0304).
"""

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .context import AuditContext, acting_as, bound_request, current_context
from .models import AuditEvent, AuditHead
from .targets import target_repr, target_type_of

GENESIS_HASH = "0" * 64
HEAD_PK = 1
REANCHOR_ACTION = "audit.chain_reanchored"  # verification reports every such event (ADR 0304)
_ADVISORY_LOCK_KEY = 727_001  # arbitrary, constant: "the audit chain"
_KEY_LABEL = b"portal.audit.hmac-key.v1"
SECRET_FIELDS = frozenset({"password", "key", "key_hash", "token", "secret", "otp_secret"})
SECRET_MARKERS = frozenset({"changed", "removed"})  # {"password": "changed"} says that, not what
HASHED_FIELDS = (
    "id", "sequence", "occurred_at", "actor_id", "actor_username", "role", "action", "target_type", "target_id",
    "object_repr", "purpose", "client_address", "request_id", "channel", "changes", "previous_hash",
)  # fmt: skip


def audit_key() -> bytes:
    """AUDIT_HMAC_KEY from the environment, else a key derived from SECRET_KEY: never in the database."""
    if settings.AUDIT_HMAC_KEY:
        return settings.AUDIT_HMAC_KEY.encode()
    return hmac.new(settings.SECRET_KEY.encode(), _KEY_LABEL, hashlib.sha256).digest()


def canonical_content(event: AuditEvent) -> bytes:
    """The bytes an event's hash covers: every recorded field, in a fixed order and form."""
    values = {name: getattr(event, name) for name in HASHED_FIELDS}
    values["occurred_at"] = event.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent) -> str:
    return hmac.new(audit_key(), canonical_content(event), hashlib.sha256).hexdigest()


def head_seal(*, sequence: int, event_id: int, event_hash: str) -> str:
    """The head record's own HMAC: without the key nobody can point the head at an earlier event."""
    message = f"audit-head|{sequence}|{event_id}|{event_hash}".encode()
    return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()


def scrub(changes: dict[str, Any] | None) -> dict[str, Any]:
    """Drop secrets (passwords, tokens) from a change record, at any depth; a bare marker such as
    {"password": "changed"} is kept, since it records that a secret changed and not its value."""
    if not changes:
        return {}
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name in SECRET_FIELDS and not (isinstance(value, str) and value in SECRET_MARKERS):
            continue
        cleaned[name] = scrub(value) if isinstance(value, dict) else value
    return cleaned


def _lock_chain() -> None:
    """The chain lock for a log with no head yet (PostgreSQL; SQLite serialises writers itself)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


@dataclass
class ChainTail:
    """Where the next event goes: its sequence and id (equal on a log written by this code) and the
    hash it links to."""

    sequence: int = 0
    event_id: int = 0
    event_hash: str = GENESIS_HASH

    def next_ids(self) -> tuple[int, int]:
        return self.sequence + 1, self.event_id + 1


_HEAD_COLUMNS = ("sequence", "event_id", "event_hash", "seal", "top_id", "top_sequence")
_HEAD_SQL = (
    "SELECT sequence, event_id, event_hash, seal, (SELECT max(id) FROM audit_auditevent), "
    "(SELECT max(sequence) FROM audit_auditevent) FROM audit_audithead WHERE id = %s"
)
_HEAD_LOCKED_SQL = _HEAD_SQL + " FOR UPDATE"
_HEAD_UPDATE_SQL = "UPDATE audit_audithead SET sequence = %s, event_id = %s, event_hash = %s, seal = %s WHERE id = %s"


def _locked_head() -> dict | None:
    """The head row, locked, with the highest id and sequence stored: one statement, written out in
    SQL because it runs on every audited request and the ORM would spend longer building it than the
    database spends answering it."""
    with connection.cursor() as cursor:
        cursor.execute(_HEAD_LOCKED_SQL if connection.features.has_select_for_update else _HEAD_SQL, [HEAD_PK])
        row = cursor.fetchone()
    return dict(zip(_HEAD_COLUMNS, row, strict=True)) if row else None


def chain_tail() -> ChainTail:
    """The chain's end, locked until the caller's transaction ends (call it inside one).

    Locking the head row is the chain lock: one round trip reads and locks it, which keeps the audit
    write cheap on every profile view. With no head yet (a new log) appends are serialised by an
    advisory lock instead and the head is read again under it, since another append may have
    created it meanwhile.

    The sealed head is the source of the link, not the last row: if events were cut from the end,
    the next event leaves a gap that verification reports. New ids go past any row forged beyond the
    head, so one planted row cannot stop every later append (verification names it). A head that is
    missing while events exist, or whose seal is wrong, was tampered with and could hide a cut end:
    the chain goes on from the last row, after a re-anchoring event that verification reports for
    good (ADR 0304).
    """
    head = _locked_head()
    if head is None:
        _lock_chain()
        head = _locked_head()
    if head is not None and head_sealed(
        sequence=head["sequence"], event_id=head["event_id"], event_hash=head["event_hash"], seal=head["seal"]
    ):
        return ChainTail(
            max(head["sequence"], head["top_sequence"] or 0),
            max(head["event_id"], head["top_id"] or 0),
            head["event_hash"],
        )
    last = AuditEvent.objects.order_by("-sequence").values("sequence", "event_hash").first()
    if last is None:
        return ChainTail()
    top_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    reason = "the chain head record was missing" if head is None else "the chain head record did not match its seal"
    return _reanchor(ChainTail(last["sequence"], max(top_id or 0, last["sequence"]), last["event_hash"]), reason)


def head_sealed(*, sequence: int, event_id: int, event_hash: str, seal: str) -> bool:
    """Whether the head record's seal is the one the audit key gives its values (appends and verify ask)."""
    return hmac.compare_digest(head_seal(sequence=sequence, event_id=event_id, event_hash=event_hash), seal)


def _reanchor(tail: ChainTail, reason: str) -> ChainTail:
    marker = chain_event(
        tail,
        action=REANCHOR_ACTION,
        target_type="audit.chain",
        target_id=tail.event_id,
        changes={"reason": reason, "continues_after_event": tail.event_id},
    )
    marker.save(force_insert=True)
    head_advance(marker)
    return ChainTail(marker.sequence, marker.pk, marker.event_hash)


def chain_event(
    tail: ChainTail,
    *,
    action: str,
    target_type: str = "",
    target_id: Any = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    purpose: str = "",
    context: AuditContext | None = None,
    occurred_at: datetime.datetime | None = None,
) -> AuditEvent:
    """The next event after `tail`, with its hash (not saved): the one place an event's fields are set."""
    context = context or current_context()
    sequence, event_id = tail.next_ids()
    event = AuditEvent(
        id=event_id,
        sequence=sequence,
        occurred_at=occurred_at or timezone.now(),
        actor_id=context.actor_id,
        actor_username=context.actor_username,
        role=context.role,
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        object_repr=str(object_repr)[:200],
        purpose=purpose,
        client_address=context.client_address,
        request_id=context.request_id,
        channel=context.channel,
        changes=json.loads(json.dumps(scrub(changes), default=str)),
        previous_hash=tail.event_hash,
    )
    event.event_hash = event_hash(event)
    return event


def head_advance(event: AuditEvent) -> None:
    """Point the sealed head at `event` (the newest), in the same transaction as its insert."""
    values: dict[str, Any] = {"sequence": event.sequence, "event_id": event.pk, "event_hash": event.event_hash}
    values["seal"] = head_seal(**values)
    with connection.cursor() as cursor:  # plain SQL for the same reason as `_locked_head`
        cursor.execute(
            _HEAD_UPDATE_SQL, [values["sequence"], values["event_id"], values["event_hash"], values["seal"], HEAD_PK]
        )
        updated = cursor.rowcount
    if not updated:
        AuditHead.objects.create(pk=HEAD_PK, **values)


def checkpoint_seal(*, sequence: int, event_id: int, event_hash: str) -> str:
    """A retention checkpoint's HMAC (docs/decisions/1200): without the key nobody can forge a checkpoint
    that lets events be deleted and still passes verification."""
    message = f"audit-checkpoint|{sequence}|{event_id}|{event_hash}".encode()
    return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()


def audit_record(
    *,
    action: str,
    target: Any = None,
    target_type: str = "",
    target_id: Any = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    purpose: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the current transaction (opened here if there is none)."""
    if target is not None:
        target_type = target_type or target_type_of(target)
        target_id = target_id or target.pk
        object_repr = object_repr or target_repr(target)
    with transaction.atomic():
        event = chain_event(
            chain_tail(),
            action=action,
            target_type=target_type,
            target_id=target_id,
            object_repr=object_repr,
            changes=changes,
            purpose=purpose,
        )
        event.save(force_insert=True)
        head_advance(event)
    return event


def audit_refusal(*, request, reason: str = "", exception: BaseException | None = None) -> AuditEvent | None:
    """Record a refused request (deny by default means every refusal is visible to oversight).

    A refusal a service raised (`portal.accounts.permissions.refuse`) is on record already: nothing is
    written again while its event stands (None). If a transaction around the raise rolled that event
    back (a Django admin page saves inside one), the refusal is recorded here instead.
    """
    recorded = getattr(exception, "recorded_as", "")
    if recorded and AuditEvent.objects.filter(event_hash=recorded).exists():
        return None
    return _url_refusal(request, {"reason": reason} if reason else None)


def _url_refusal(request, changes: dict[str, Any] | None) -> AuditEvent:
    return audit_record(
        action="access.refused",
        target_type="url",
        target_id=request.path[:64],
        object_repr=f"{request.method} {request.path}"[:200],
        changes=changes,
    )


def refusal_record(*, by: Any, reason: str, capability: str, target: Any = None) -> AuditEvent:
    """A service refused `by`: recorded where it is refused, so a service called from a page, the API, a
    command or a test leaves the same trace, with the person refused as the actor. Inside a request it
    looks as the 403 handlers' record does (the address refused), with the capability added; outside
    one it names the record refused, or the capability."""
    changes = {"reason": reason, "capability": capability}
    request = bound_request()
    with acting_as(by if getattr(by, "pk", None) is not None else None):
        if request is not None:
            return _url_refusal(request, changes)
        if target is not None:
            return audit_record(action="access.refused", target=target, changes=changes)
        return audit_record(action="access.refused", target_type="capability", target_id=capability, changes=changes)


def model_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields that differ, as {"field": {"before": x, "after": y}}."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def audit_log_read(*, filters: dict[str, Any], page: Any = None) -> AuditEvent:
    """Reading the audit log is itself recorded (who looked at whose trail)."""
    used = {name: str(value) for name, value in filters.items() if value not in (None, "")}
    return audit_record(action="audit.read", target_type="audit.auditevent", changes={"filters": used, "page": page})


def audit_log_exported(*, filters: dict[str, Any]) -> AuditEvent:
    """An export of the audit log (CSV) is recorded with the filters that chose its events."""
    used = {name: str(value) for name, value in filters.items() if value not in (None, "")}
    return audit_record(action="audit.export", target_type="audit.auditevent", changes={"filters": used})
