"""The exit rule as policy parameters (issue 18): outside the top N for K snapshots, score fallen by X%,
in custody. Existing policies get the usual rule (K = 3, in custody; the fall off).

The columns are added nullable with no database default, so SQLite adds them in place: a table rebuild
would not survive the immutability triggers of migration 0003. The defaults a new policy takes (3, on)
live on the model only (the state operations below), not in the database."""

from django.db import migrations, models

HELP = {
    "custody": "Propose an exit when a done action on the case recorded a remand (in custody).",
    "outside": "Propose an exit after this many consecutive snapshots outside the top N.",
    "fall": "Propose an exit when the score has fallen by at least this much since tasking.",
}


def usual_rule(apps, schema_editor):
    # The new columns are not among the frozen ones of migration 0003, so an active policy may take them.
    apps.get_model("scoring", "ScoringPolicy").objects.update(exit_outside_top_n_snapshots=3, exit_in_custody=True)


def _fields(*, with_defaults: bool):
    defaults = {"custody": {"default": True}, "outside": {"default": 3}} if with_defaults else {}
    return [
        migrations.AddField(
            model_name="scoringpolicy", name="exit_in_custody",
            field=models.BooleanField(blank=True, null=True, help_text=HELP["custody"], **defaults.get("custody", {})),
        ),
        migrations.AddField(
            model_name="scoringpolicy", name="exit_outside_top_n_snapshots",
            field=models.PositiveIntegerField(
                blank=True, null=True, help_text=HELP["outside"], **defaults.get("outside", {})
            ),
        ),
        migrations.AddField(
            model_name="scoringpolicy", name="exit_score_fall_percent",
            field=models.FloatField(blank=True, null=True, help_text=HELP["fall"]),
        ),
    ]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0010_i14_policy_multipliers_incidents"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=_fields(with_defaults=False), state_operations=_fields(with_defaults=True)
        ),
        migrations.RunPython(usual_rule, migrations.RunPython.noop),
    ]
