from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("offenders", "0004_cases")]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="details",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="What the import did beyond the row counts: offenders and victims created, policy made...",
            ),
        ),
    ]
