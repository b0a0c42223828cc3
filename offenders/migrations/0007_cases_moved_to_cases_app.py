"""Cases, 4P plan actions, notes, stage history and digests move to the cases app (ADR 0505).

State only: the models leave this app's migration state, and cases/migrations/0001 adds them to the
cases app's with the same tables (db_table pinned to offenders_*). The database is not touched: no
table is renamed, dropped or copied, and every row stays where it was.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("offenders", "0006_case_score_at_exit")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="planaction",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="casestagechange",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="casenote",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="casedigest",
                    name="recipient",
                ),
                migrations.RemoveField(
                    model_name="casenote",
                    name="author",
                ),
                migrations.RemoveField(
                    model_name="casestagechange",
                    name="changed_by",
                ),
                migrations.RemoveField(
                    model_name="planaction",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="planaction",
                    name="owner",
                ),
                migrations.DeleteModel(
                    name="Case",
                ),
                migrations.DeleteModel(
                    name="CaseDigest",
                ),
                migrations.DeleteModel(
                    name="CaseNote",
                ),
                migrations.DeleteModel(
                    name="CaseStageChange",
                ),
                migrations.DeleteModel(
                    name="PlanAction",
                ),
            ],
            database_operations=[],
        ),
    ]
