"""SQLite: refuse REPLACE (and INSERT OR REPLACE) over an existing audit event.

SQLite's REPLACE removes the conflicting row without firing DELETE triggers, so the append-only
triggers of 0002 let it through. A BEFORE INSERT trigger refuses any insert whose id or sequence is
already taken, which is the only case REPLACE differs from an insert. PostgreSQL needs nothing: its
`INSERT ... ON CONFLICT DO UPDATE` fires the UPDATE trigger, which refuses it.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_auditevent
       WHEN EXISTS (SELECT 1 FROM audit_auditevent WHERE id = NEW.id OR sequence = NEW.sequence)
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: REPLACE refused'); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_event_no_replace"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_audit_head_and_hmac")]
    operations = [migrations.RunPython(_run(SQLITE_UP), _run(SQLITE_DOWN))]
