"""Load the offence types of the illustrative harm index (codes, titles, categories)."""

from django.db import migrations


def load_offence_types(apps, schema_editor):
    from offenders.reference_data import illustrative_rows

    OffenceType = apps.get_model("offenders", "OffenceType")
    for row in illustrative_rows():
        OffenceType.objects.update_or_create(code=row.code, defaults={"title": row.title, "category": row.category})


class Migration(migrations.Migration):
    dependencies = [("offenders", "0001_initial")]
    operations = [migrations.RunPython(load_offence_types, migrations.RunPython.noop)]
