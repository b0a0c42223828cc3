"""Admins who change a draft after its author become its co-authors: four eyes refuses them too."""

from django.conf import settings
from django.db import migrations, models

EDITORS = models.ManyToManyField(
    blank=True,
    help_text="Admins other than the author who changed the draft: co-authors, so none may approve it.",
    related_name="+",
    to=settings.AUTH_USER_MODEL,
)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0005_publish_and_scan_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [migrations.AddField(model_name="scoringpolicy", name="editors", field=EDITORS)]
