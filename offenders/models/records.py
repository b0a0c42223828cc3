"""Records review: each review of an offender's record and its outcome (docs/records.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .people import PERSONAL_AUDIT_FIELDS, Offender


class ReviewOutcome(models.TextChoices):
    RETAIN = "retain", "Retain"
    DISPOSE = "dispose", "Dispose"


class RecordReview(models.Model):
    """One review of an offender's record: kept (with the reason and the next review date) or disposed of.

    The reason is free text about him: erased when his record is disposed of (the review row stays, so the
    count of reviews and their outcomes survives)."""

    offender = models.ForeignKey(Offender, on_delete=models.CASCADE, related_name="reviews")
    outcome = models.CharField(max_length=8, choices=ReviewOutcome.choices)
    reason = models.TextField(max_length=2000, blank=True)
    next_review_on = models.DateField(null=True, blank=True, help_text="For a retained record.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by_username = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(auto_now_add=True)

    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS
    AUDIT_FIELDS = ("offender", "outcome", "reason", "next_review_on")

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=ReviewOutcome.values), name="record_review_outcome_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.offender.reference}"

    def audit_repr(self) -> str:
        return f"review {self.pk} of {self.offender.reference}"
