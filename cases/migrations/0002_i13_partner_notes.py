"""Notes are police-only unless marked for partners (issue 13)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_cases_moved_from_offenders")]

    operations = [
        migrations.AddField(
            model_name="casenote",
            name="shared_with_partners",
            field=models.BooleanField(
                default=False,
                help_text="Police-only unless marked: only marked notes are shown to partners on the team.",
            ),
        ),
    ]
