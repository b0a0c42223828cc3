"""The rescore outbox: a request to re-score an offender, written with the offence it follows."""

from django.db import migrations, models

UNSENT = models.Q(("sent_at__isnull", True))


class Migration(migrations.Migration):
    dependencies = [("scoring", "0006_policy_editors")]
    operations = [
        migrations.CreateModel(
            name="RescoreRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("offender_id", models.BigIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "sent_at",
                    models.DateTimeField(blank=True, help_text="When a worker was asked; empty until then.", null=True),
                ),
                (
                    "attempts",
                    models.PositiveIntegerField(default=0, help_text="Sends that failed (the broker was unreachable)."),
                ),
            ],
            options={
                "ordering": ["id"],
                "indexes": [
                    models.Index(condition=UNSENT, fields=["offender_id"], name="scoring_rescore_unsent_idx"),
                    models.Index(fields=["sent_at"], name="scoring_rescore_sent_idx"),
                ],
            },
        ),
    ]
