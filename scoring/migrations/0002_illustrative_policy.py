"""Create the illustrative policy from the shipped harm index and make it active, so a fresh install ranks."""

from django.db import migrations


def create_illustrative_policy(apps, schema_editor):
    from django.utils import timezone

    from offenders.reference_data import illustrative_rows

    ScoringPolicy = apps.get_model("scoring", "ScoringPolicy")
    HarmEntry = apps.get_model("scoring", "HarmEntry")
    OffenceType = apps.get_model("offenders", "OffenceType")
    if ScoringPolicy.objects.exists():
        return
    now = timezone.now()
    policy = ScoringPolicy.objects.create(
        name="Illustrative harm index",
        version=1,
        status="draft",  # entries first, then active (the triggers of 0003 freeze non-draft policies)
        is_illustrative=True,
        notes="Placeholder values shipped with the portal; replace with the official Cambridge Crime Harm Index.",
        author_username="system (installation)",
        approved_by_username="system (installation)",
        approved_at=now,
        activated_by_username="system (installation)",
        activated_at=now,
    )
    types = {offence_type.code: offence_type for offence_type in OffenceType.objects.all()}
    HarmEntry.objects.bulk_create(
        HarmEntry(
            policy=policy,
            offence_type=types.get(row.code),
            code=row.code,
            title=row.title,
            days=row.days,
            provenance=row.provenance,
        )
        for row in illustrative_rows()
    )
    ScoringPolicy.objects.filter(pk=policy.pk).update(status="active")


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_scoring_models"), ("offenders", "0002_offence_types")]
    operations = [migrations.RunPython(create_illustrative_policy, migrations.RunPython.noop)]
