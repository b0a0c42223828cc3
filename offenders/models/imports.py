"""A record of every bulk import: who, when, which file (by SHA-256), what changed, how it ended."""

from django.conf import settings
from django.db import models

from .people import PERSONAL_AUDIT_FIELDS


class ImportBatch(models.Model):
    """One offences CSV or harm-index workbook import, kept whether it loaded, was refused or stopped.

    The row is committed as `running` before the load's transaction starts, so an import whose process
    dies still leaves its trace; it is marked `failed` once found abandoned (services.imports).
    """

    class Kind(models.TextChoices):
        OFFENCES = "offences", "Offences (CSV)"
        HARM_INDEX = "harm_index", "Harm index (xlsx)"
        INCIDENTS = "incidents", "Non-crime incidents (CSV)"

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        LOADED = "loaded", "Loaded"
        DRY_RUN = "dry_run", "Checked only (dry run)"
        REJECTED = "rejected", "Rejected: nothing loaded"
        FAILED = "failed", "Failed: nothing loaded"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by_username = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_bytes = models.BigIntegerField(default=0)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    rows_read = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first thousand errors.")
    details = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the import did beyond the row counts: offenders and victims created, policy made...",
    )

    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.outcome})"
