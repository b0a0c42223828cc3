"""Indexes for the two heavy statements of a run.

The offence table gets one covering index in the order the score reads it (offender, then the columns
the formula uses), so a chunk of offender ids is an index-only range scan, already grouped, instead
of a visit to every heap page per chunk (offences are stored in the order they were reported, not by
offender). RankingEntry loses its single-column FK indexes (the composite ones lead with each column),
so publishing a snapshot fills fewer indexes. See docs/decisions/0203-recompute-statement.md.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offenders", "0002_offence_types"),
        ("scoring", "0004_score_computed_index"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX scoring_offence_score_scan ON offenders_offence "
            "(offender_id, occurred_on, status, offence_type_id, victim_id)",
            "DROP INDEX scoring_offence_score_scan",
        ),
        migrations.AlterField(
            model_name="rankingentry",
            name="offender",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="offenders.offender"
            ),
        ),
        migrations.AlterField(
            model_name="rankingentry",
            name="snapshot",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="entries",
                to="scoring.rankingsnapshot",
            ),
        ),
    ]
