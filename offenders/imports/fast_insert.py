"""Inserting many new rows quickly: COPY on PostgreSQL, one prepared statement run many times elsewhere.

`bulk_create` prepares every value of every object through its field in Python; for 100,000 offences
that alone takes longer than the database does. The rows here are already checked, normalised values,
so they go to the database directly (ADR 0702). Every other column of the model gets its field's
default (worked out once per call) and auto_now/auto_now_add timestamps get "now", so a column added
to the model later is filled the way the ORM would fill it. Only creation uses this; changed rows go
through `bulk_update`.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.utils import timezone


def _constant_values(model, given: Sequence[str]) -> dict[str, Any]:
    """The value of every column the caller does not give: its default, or now for timestamps."""
    now = timezone.now()
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        value = now if stamped else field.get_default()
        values[field.attname] = field.get_db_prep_save(value, connection)
    return values


def _adapter(model, attname: str):
    """How a Python value of this column reaches the database, where the driver needs help (dates on SQLite)."""
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    internal = field.get_internal_type()
    if internal == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if internal == "DateField":
        return connection.ops.adapt_datefield_value
    return None


def insert_rows(model, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Insert `rows` (values of the attribute names in `columns`, in order); returns the count."""
    if not rows:
        return 0
    constants = _constant_values(model, columns)
    attnames = [*columns, *constants]
    db_columns = {f.attname: f.column for f in model._meta.concrete_fields}
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(db_columns[name]) for name in attnames)
    tail = tuple(constants.values())
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *tail))
        return len(rows)
    adapters = [_adapter(model, name) for name in columns]
    prepared = [
        [*(adapt(v) if adapt and v is not None else v for adapt, v in zip(adapters, row, strict=True)), *tail]
        for row in rows
    ]
    placeholders = ", ".join(["%s"] * len(attnames))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", prepared)  # noqa: S608
    return len(rows)
