# ruff: noqa: S608  (constant SQL built from column names in migration 0003, no user input)
"""Harm days as exact decimals (two places): the official 2026 index has fractional scores such as
182.25 (docs/scoring.md). Rebuilding the table on SQLite drops its triggers, so the frozen-policy
triggers of migration 0003 are put back as they were (`recreate_frozen_triggers`)."""

import importlib
from decimal import Decimal

import django.core.validators
from django.db import migrations, models

frozen = importlib.import_module("scoring.migrations.0003_policy_immutability")


def recreate_frozen_triggers(columns: tuple[str, ...]):
    """The 0003 triggers again, over `columns` (later migrations add policy parameters to freeze)."""

    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            forward = frozen.PG_FORWARD.replace(
                " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in frozen.CONTENT_COLUMNS),
                " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns),
            )
            schema_editor.execute(frozen.PG_REVERSE, params=None)
            schema_editor.execute(forward, params=None)
        elif vendor == "sqlite":
            old = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in frozen.CONTENT_COLUMNS)
            new = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
            for statement in frozen.SQLITE_REVERSE:
                schema_editor.execute(statement, params=None)
            for statement in frozen.SQLITE_FORWARD:
                schema_editor.execute(statement.replace(old, new), params=None)

    return apply


def drop_frozen_triggers_on_sqlite(apps, schema_editor):
    """SQLite cannot rebuild the policy table while the entry triggers name it: they go first, and
    `recreate_frozen_triggers` puts them back."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in frozen.SQLITE_REVERSE:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0008_run_heartbeat")]

    operations = [
        migrations.AlterField(
            model_name="harmentry",
            name="days",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=7,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                help_text="Days of prison at the sentencing starting point; two decimal places at most.",
            ),
        ),
        migrations.RunPython(recreate_frozen_triggers(frozen.CONTENT_COLUMNS), migrations.RunPython.noop),
    ]
