"""Cases keep the score, rank and policy of the day they closed (ADR 0503).

Cases already closed get the offender's live score now, which is what the outcomes report read for
them until this migration: their reported fall does not change."""

from django.db import migrations, models


def copy_live_scores_to_closed_cases(apps, schema_editor):
    Case = apps.get_model("offenders", "Case")
    OffenderScore = apps.get_model("scoring", "OffenderScore")
    for case in Case.objects.filter(stage="closed", score_at_exit__isnull=True).iterator():
        score = OffenderScore.objects.filter(offender_id=case.offender_id).select_related("policy").first()
        if score is not None:
            Case.objects.filter(pk=case.pk).update(score_at_exit=score.score, policy_at_exit=f"v{score.policy.version}")


class Migration(migrations.Migration):
    dependencies = [("offenders", "0005_import_batch_details"), ("scoring", "0005_publish_and_scan_indexes")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="policy_at_exit",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="case",
            name="rank_at_exit",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="score_at_exit",
            field=models.FloatField(blank=True, help_text="The live score copied when the case closed.", null=True),
        ),
        migrations.RunPython(copy_live_scores_to_closed_cases, migrations.RunPython.noop),
    ]
