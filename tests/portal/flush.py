"""Test-only: let Django's `flush` (transactional tests) empty the append-only audit table.

Production never flushes; the triggers stay in force there. Here they are lifted only for the
duration of the flush statement and restored in the same transaction.
"""

import importlib

from django.db import transaction
from django.db.backends.base.operations import BaseDatabaseOperations

_triggers = importlib.import_module("portal.audit.migrations.0002_append_only_triggers")
_original_flush = BaseDatabaseOperations.execute_sql_flush


def _execute_sql_flush(self, sql_list):
    if not any("audit_auditevent" in statement for statement in sql_list):
        return _original_flush(self, sql_list)
    vendor = self.connection.vendor
    lift = {
        "sqlite": _triggers.SQLITE_DOWN,
        "postgresql": ["ALTER TABLE audit_auditevent DISABLE TRIGGER USER"],
    }.get(vendor, [])
    restore = {
        "sqlite": _triggers.SQLITE_UP,
        "postgresql": ["ALTER TABLE audit_auditevent ENABLE TRIGGER USER"],
    }.get(vendor, [])
    with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
        for statement in lift:
            cursor.execute(statement)
        for statement in sql_list:
            cursor.execute(statement)
        for statement in restore:
            cursor.execute(statement)


def allow_audit_flush() -> None:
    """Install the patch (called once from tests/conftest.py)."""
    for cls in BaseDatabaseOperations.__subclasses__():
        if "execute_sql_flush" in cls.__dict__:
            raise RuntimeError(f"{cls} overrides execute_sql_flush; extend tests/portal/flush.py")
    BaseDatabaseOperations.execute_sql_flush = _execute_sql_flush
