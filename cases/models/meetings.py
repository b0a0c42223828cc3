"""Tasking meetings: an agenda prepared from a published ranking snapshot, one decision per item taken
by people (the score only advises), then the meeting is closed and frozen (docs/meetings.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from offenders.models import PERSONAL_AUDIT_FIELDS, Offender

from .cases import Case, ExitReason


class MeetingItemKind(models.TextChoices):
    NEW_ENTRANT = "new_entrant", "New entrant to the top N"
    RE_ENTRANT = "re_entrant", "Back in the top N (tasked before)"
    REVIEW_DUE = "review_due", "Case review due"
    EXIT_PROPOSED = "exit_proposed", "Meets the exit rule"
    REFERRAL = "referral", "Referral"


class DecisionKind(models.TextChoices):
    TASK = "task", "Task"
    DEFER = "defer", "Defer"
    DECLINE = "decline", "Decline"
    CONTINUE = "continue", "Continue"
    EXIT = "exit", "Exit"


class TaskingMeeting(models.Model):
    """One tasking meeting: an agenda prepared from a published snapshot, decided by people, then frozen."""

    held_on = models.DateField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meetings_chaired")
    chair_username = models.CharField(max_length=150, blank=True)
    snapshot = models.ForeignKey(
        "scoring.RankingSnapshot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    top_n = models.PositiveIntegerField()
    opened_by_username = models.CharField(max_length=150, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by_username = models.CharField(max_length=150, blank=True)

    AUDIT_FIELDS = ("held_on", "chair", "snapshot", "top_n", "closed_at")

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return f"Tasking meeting {self.pk} ({self.held_on})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class MeetingItem(models.Model):
    """One offender on a meeting's agenda, with the rank and score the snapshot gave him."""

    meeting = models.ForeignKey(TaskingMeeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=MeetingItemKind.choices)
    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    previous_rank = models.PositiveIntegerField(null=True, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    referral_reason = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    decided_at = models.DateTimeField(null=True, blank=True, help_text="Set once, by the one decision that stands.")

    AUDIT_FIELDS = ("meeting", "kind", "offender", "rank", "case")
    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "offender"], name="meeting_item_offender_once"),
            models.CheckConstraint(condition=Q(kind__in=MeetingItemKind.values), name="meeting_item_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"Item {self.pk} of meeting {self.meeting_id}"

    def audit_repr(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def movement(self) -> int | None:
        if self.previous_rank is None or self.rank is None:
            return None
        return self.previous_rank - self.rank


class MeetingDecision(models.Model):
    """The one decision on one agenda item: who decided, what, and why (the score only advises)."""

    item = models.OneToOneField(MeetingItem, on_delete=models.CASCADE, related_name="decision")
    decision = models.CharField(max_length=8, choices=DecisionKind.choices)
    reason = models.TextField()
    defer_until = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=16, choices=ExitReason.choices, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_username = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("item", "decision", "defer_until", "exit_reason", "case")
    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    class Meta:
        ordering = ["decided_at", "id"]
        indexes = [models.Index(fields=["decision", "defer_until"])]
        constraints = [
            models.CheckConstraint(condition=Q(decision__in=DecisionKind.values), name="meeting_decision_valid"),
            models.CheckConstraint(
                condition=~Q(decision="defer") | Q(defer_until__isnull=False), name="meeting_defer_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on item {self.item_id}"

    def audit_repr(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
