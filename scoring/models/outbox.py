"""The rescore outbox: a request to re-score an offender, written in the same transaction as the change."""

from django.db import models
from django.db.models import Q


class RescoreRequest(models.Model):
    """One offender whose score must be recomputed after an offence of his was saved, changed or deleted.

    Written with the change, so a committed offence always leaves a request behind; sent to the workers
    after commit and marked sent, or left unsent when the broker is unreachable, for the periodic resend
    (docs/decisions/0820-rescore-outbox.md). The offender is a plain id: a message, not a relation, so an
    import writes thousands without a foreign-key check each, and a resend for a deleted offender is harmless.
    """

    offender_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When a worker was asked; empty until then.")
    attempts = models.PositiveIntegerField(default=0, help_text="Sends that failed (the broker was unreachable).")

    class Meta:
        ordering = ["id"]
        indexes = [
            # Small: only what still waits (the resend's scan, the save page's "will update shortly").
            models.Index(fields=["offender_id"], condition=Q(sent_at__isnull=True), name="scoring_rescore_unsent_idx"),
            models.Index(fields=["sent_at"], name="scoring_rescore_sent_idx"),  # pruning old sent requests
        ]

    def __str__(self) -> str:
        return f"Rescore offender {self.offender_id} ({'sent' if self.sent_at else 'waiting'})"
