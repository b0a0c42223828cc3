"""A heartbeat on each run and a start count on each chunk (docs/decisions/0821-stale-runs-and-heartbeat.md).

Existing runs get the migration's time as their heartbeat: a run left "running" by a worker lost before
the upgrade is therefore failed one stale period after it, not at once while a worker may still be on it.
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("scoring", "0007_rescore_outbox")]

    operations = [
        migrations.AddField(
            model_name="runchunk",
            name="attempts",
            field=models.PositiveIntegerField(
                default=0,
                help_text="Times a worker started it; a chunk that keeps killing its worker fails the run rather "
                "than loop.",
            ),
        ),
        migrations.AddField(
            model_name="scoringrun",
            name="heartbeat_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="Last sign of life: queued, planned, a chunk started or finished. A run silent for longer "
                "than PORTAL_RUN_STALE_AFTER_SECONDS is failed, so a lost worker cannot hold the one-run slot.",
            ),
        ),
        migrations.AlterField(
            model_name="scoringrun",
            name="error",
            field=models.TextField(
                blank=True,
                help_text="Why it failed (empty unless failed): the error, the policy activation that superseded it, or "
                '"stale: ..." when its worker was lost.',
            ),
        ),
    ]
