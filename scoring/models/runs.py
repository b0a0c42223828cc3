"""Full recomputes: one ScoringRun split into chunks of offender ids."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ScoringRun(models.Model):
    """One full recompute: who started it, how far it has got, and how it ended."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(max_length=16, default="full", editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    policy = models.ForeignKey("scoring.ScoringPolicy", on_delete=models.PROTECT, related_name="runs")
    reason = models.CharField(max_length=64, blank=True, help_text="What started it: manual, activation, nightly.")
    publish = models.BooleanField(default=True, help_text="Publish a ranking snapshot when it succeeds.")
    as_of = models.DateField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by_username = models.CharField(max_length=150, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    offenders_total = models.PositiveIntegerField(default=0)
    offenders_scored = models.PositiveIntegerField(default=0)
    ranked_count = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(
        default=timezone.now,
        help_text="Last sign of life: queued, planned, a chunk started or finished. A run silent for longer "
        "than PORTAL_RUN_STALE_AFTER_SECONDS is failed, so a lost worker cannot hold the one-run slot.",
    )
    error = models.TextField(
        blank=True,
        help_text="Why it failed (empty unless failed): the error, the policy activation that superseded it, or "
        '"stale: ..." when its worker was lost.',
    )

    class Meta:
        ordering = ["-queued_at", "-id"]
        constraints = [
            # One run at a time, held by the database rather than a check-then-act in Python.
            models.UniqueConstraint(
                fields=["kind"], condition=Q(status__in=["queued", "running"]), name="scoring_one_active_run"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]), name="scoring_run_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.status})"

    @property
    def progress(self) -> float:
        """0..1; a succeeded run is 1 whatever its counters say."""
        if self.status == self.Status.SUCCEEDED:
            return 1.0
        return round(self.chunks_done / self.chunks_total, 4) if self.chunks_total else 0.0

    @property
    def duration_seconds(self) -> float | None:
        if not self.started_at:
            return None
        end = self.finished_at
        return round((end - self.started_at).total_seconds(), 3) if end else None


class RunChunk(models.Model):
    """One slice of offender ids in a run; `done_at` makes a retried chunk harmless."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="chunks")
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    offenders = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(
        default=0,
        help_text="Times a worker started it; a chunk that keeps killing its worker fails the run rather than loop.",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["run", "first_id"]
        constraints = [models.UniqueConstraint(fields=["run", "first_id"], name="scoring_chunk_once")]

    def __str__(self) -> str:
        return f"Run {self.run_id} ids {self.first_id}-{self.last_id}"
