"""Fast inserts for the seed: ids chosen here, rows sent by COPY (PostgreSQL) or one prepared INSERT.

`bulk_create` spends most of its time preparing each value and building SQL for batches of a hundred
rows (SQLite's parameter limit). The seed runs alone in one transaction, so it can number the rows
itself, send plain tuples, and reset the id sequences afterwards, as `loaddata` does.
"""

from collections.abc import Sequence

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone

# Field types whose Python value the database drivers take as it is; others are prepared by the field.
PLAIN_TYPES = frozenset(
    {"AutoField", "BigAutoField", "BooleanField", "CharField", "TextField", "ForeignKey", "IntegerField",
     "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField"}
)  # fmt: skip


def next_id(model: type[Model]) -> int:
    return (model._default_manager.aggregate(highest=Max("pk"))["highest"] or 0) + 1


def insert_rows(model: type[Model], objects: Sequence[Model]) -> None:
    """Insert unsaved instances that already carry their ids; auto_now fields get the current time."""
    fields = model._meta.concrete_fields
    now = timezone.now()
    getters = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            stamp = field.get_db_prep_save(now, connection)
            getters.append(lambda obj, stamp=stamp: stamp)
        elif field.get_internal_type() in PLAIN_TYPES:
            getters.append(lambda obj, name=field.attname: getattr(obj, name))
        else:
            getters.append(lambda obj, f=field: f.get_db_prep_save(getattr(obj, f.attname), connection))
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    rows = (tuple(get(obj) for get in getters) for obj in objects)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: one stream instead of a round trip per row
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(rows))  # noqa: S608


def reset_sequences(models: Sequence[type[Model]]) -> None:
    """Point the id sequences past the rows inserted with explicit ids (PostgreSQL; SQLite needs none)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
