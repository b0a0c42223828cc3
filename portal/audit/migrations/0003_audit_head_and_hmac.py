"""The sealed chain head, and the move from plain SHA-256 to HMAC-SHA256 over content and id (ADR 0304).

A log written before this migration is checked first with the old hash; only an intact chain is
re-sealed with the new one (the append-only triggers are lifted for that, in this transaction, and
restored), so tampering that happened before cannot be laundered. A broken old chain stops the
migration with the first broken sequence.
"""

import datetime
import hashlib
import importlib
import json

from django.db import migrations, models

LEGACY_FIELDS = (
    "sequence", "occurred_at", "actor_id", "actor_username", "role", "action", "target_type", "target_id",
    "object_repr", "purpose", "client_address", "request_id", "channel", "changes", "previous_hash",
)  # fmt: skip
GENESIS = "0" * 64
_triggers = importlib.import_module("portal.audit.migrations.0002_append_only_triggers")
LIFT = {"sqlite": _triggers.SQLITE_DOWN, "postgresql": ["ALTER TABLE audit_auditevent DISABLE TRIGGER USER"]}
RESTORE = {"sqlite": _triggers.SQLITE_UP, "postgresql": ["ALTER TABLE audit_auditevent ENABLE TRIGGER USER"]}


def _legacy_hash(event) -> str:
    values = {name: getattr(event, name) for name in LEGACY_FIELDS}
    values["occurred_at"] = event.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return hashlib.sha256(json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def _check_legacy(events) -> None:
    expected, previous = 1, GENESIS
    for event in events:
        if event.sequence != expected or event.previous_hash != previous or _legacy_hash(event) != event.event_hash:
            raise RuntimeError(f"audit chain broken at sequence {event.sequence}: not re-sealed; investigate first")
        expected, previous = event.sequence + 1, event.event_hash


def reseal(apps, schema_editor):
    from portal.audit.services import HEAD_PK, event_hash, head_seal

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    events = AuditEvent.objects.order_by("sequence")
    if not events.exists():
        return
    _check_legacy(events.iterator(chunk_size=2000))
    vendor = schema_editor.connection.vendor
    for statement in LIFT[vendor]:
        schema_editor.execute(statement, params=None)
    previous = GENESIS
    for event in events.iterator(chunk_size=2000):
        event.previous_hash = previous
        event.event_hash = previous = event_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(previous_hash=event.previous_hash, event_hash=event.event_hash)
    for statement in RESTORE[vendor]:
        schema_editor.execute(statement, params=None)
    values = {"sequence": event.sequence, "event_id": event.pk, "event_hash": event.event_hash}
    AuditHead.objects.create(pk=HEAD_PK, seal=head_seal(**values), **values)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sequence", models.PositiveBigIntegerField()),
                ("event_id", models.BigIntegerField()),
                ("event_hash", models.CharField(max_length=64)),
                ("seal", models.CharField(help_text="HMAC of sequence, event id and hash.", max_length=64)),
            ],
        ),
        migrations.RunPython(reseal, migrations.RunPython.noop),
    ]
