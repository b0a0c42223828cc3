"""The exit rule (migration 0011) is frozen with the other policy parameters once a policy is approved:
an active or retired policy's exit rule decides which tasked offenders the meetings propose for exit, so
it must not change under the decisions taken with it (ADR 0201). The triggers of migration 0003 are
recreated over the 0010 columns plus the three exit-rule columns, on both engines, as 0010 does."""

import importlib

from django.db import migrations

decimal_days = importlib.import_module("scoring.migrations.0009_i14_decimal_harm_days")
multipliers = importlib.import_module("scoring.migrations.0010_i14_policy_multipliers_incidents")
EXIT_RULE_COLUMNS = ("exit_outside_top_n_snapshots", "exit_score_fall_percent", "exit_in_custody")
FROZEN_COLUMNS = (*multipliers.FROZEN_COLUMNS, *EXIT_RULE_COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0011_i18_exit_rule"),
    ]

    operations = [
        migrations.RunPython(
            decimal_days.recreate_frozen_triggers(FROZEN_COLUMNS),
            decimal_days.recreate_frozen_triggers(multipliers.FROZEN_COLUMNS),
        ),
    ]
