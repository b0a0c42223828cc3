"""Partner agencies (issue 13): the `partner` role group, organisations and information-sharing agreements."""

import django.db.models.deletion
from django.db import migrations, models


def create_partner_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="partner")


def remove_partner_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="partner").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [
        migrations.CreateModel(
            name="Organisation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="SharingAgreement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("purpose", models.TextField()),
                ("legal_basis", models.TextField()),
                ("starts_on", models.DateField()),
                ("ends_on", models.DateField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="agreements",
                        to="accounts.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["organisation__name", "-starts_on", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("ends_on__gte", models.F("starts_on"))), name="agreement_ends_after_start"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="user",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                help_text="Partners only: the agency they work for.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="members",
                to="accounts.organisation",
            ),
        ),
        migrations.RunPython(create_partner_role, remove_partner_role),
    ]
