"""Scoring policies: a versioned weight table (harm days per offence type) and its parameters."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from offenders.choices import OffenceStatus

ZERO_FACTOR_STATUSES = (OffenceStatus.CANCELLED, OffenceStatus.ACQUITTED)
# The policy's numeric settings, as the API, the edit form and the change log name them.
# The exit rule: when a tasking meeting proposes that a case ends (never the score alone: a person decides).
EXIT_RULE_NAMES = ("exit_outside_top_n_snapshots", "exit_score_fall_percent", "exit_in_custody")
PARAMETER_NAMES: tuple[str, ...] = (
    "window_days", "min_offences", "status_factors", "recency_half_life_days", "victim_uplift", *EXIT_RULE_NAMES,
)  # fmt: skip
# Per-offence-code multipliers and the days of a counted non-crime incident (docs/scoring.md).
PARAMETER_NAMES += ("multipliers", "incident_days")


def default_status_factors() -> dict[str, float]:
    """Cancelled and acquitted offences count for nothing; every other status counts in full."""
    return {status.value: (0.0 if status in ZERO_FACTOR_STATUSES else 1.0) for status in OffenceStatus}


class ScoringPolicyQuerySet(models.QuerySet):
    def active(self) -> "ScoringPolicyQuerySet":
        """The policy in force (at most one: a partial unique index holds it); none while setting up."""
        return self.filter(status=ScoringPolicy.Status.ACTIVE)


class ScoringPolicy(models.Model):
    """One version of the weight table; frozen once approved, so a published rank can be explained later."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_illustrative = models.BooleanField(
        default=False, help_text="Placeholder harm values, not the official Cambridge Crime Harm Index."
    )
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(blank=True)
    window_days = models.PositiveIntegerField(default=365)
    min_offences = models.PositiveIntegerField(default=2)
    status_factors = models.JSONField(default=default_status_factors)
    recency_half_life_days = models.PositiveIntegerField(null=True, blank=True)
    victim_uplift = models.FloatField(null=True, blank=True)
    # The exit rule (a tasking meeting proposes an exit when any part holds; a person decides).
    # Nullable (blank: that part of the rule is off), the defaults on the model only: migration 0009
    # adds the columns without a database default, in place on SQLite (no table rebuild, which the
    # immutability triggers of migration 0003 do not survive), and sets the usual rule on older policies.
    exit_outside_top_n_snapshots = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=3,
        help_text="Propose an exit after this many consecutive snapshots outside the top N.",
    )
    exit_score_fall_percent = models.FloatField(
        null=True,
        blank=True,
        help_text="Propose an exit when the score has fallen by at least this much since tasking.",
    )
    exit_in_custody = models.BooleanField(
        null=True,
        blank=True,
        default=True,
        help_text="Propose an exit when a done action on the case recorded a remand (in custody).",
    )
    multipliers = models.JSONField(
        default=dict, blank=True, help_text="{offence code: factor} (0 < factor <= 10); a code not listed counts x1."
    )
    incident_days = models.DecimalField(
        max_digits=7, decimal_places=2, default=Decimal("0"),
        help_text="Harm days of each counted non-crime domestic incident; 0: incidents are not counted.",
    )  # fmt: skip
    approval_preview = models.JSONField(
        null=True, blank=True, help_text="The impact preview the approving admin saw, kept with the approval."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_username = models.CharField(max_length=150, blank=True)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Admins other than the author who changed the draft: co-authors, so none may approve it.",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by_username = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    activated_by_username = models.CharField(max_length=150, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScoringPolicyQuerySet.as_manager()

    AUDIT_FIELDS = ("name", "status", *PARAMETER_NAMES, "entries")

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "scoring policies"
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="active"), name="scoring_one_active_policy"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "approved", "active", "retired"]), name="scoring_policy_status_valid"
            ),
            models.CheckConstraint(condition=Q(window_days__gte=1), name="scoring_policy_window_positive"),
            models.CheckConstraint(
                condition=Q(recency_half_life_days__isnull=True) | Q(recency_half_life_days__gte=1),
                name="scoring_policy_half_life_positive",
            ),
            models.CheckConstraint(
                condition=Q(victim_uplift__isnull=True) | Q(victim_uplift__gte=0), name="scoring_policy_uplift_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.name} ({self.status})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def parameters(self) -> dict:
        """The policy's numeric settings, as the API and the change log show them."""
        return {name: getattr(self, name) for name in PARAMETER_NAMES}


class HarmEntry(models.Model):
    """One row of the weight table: an offence classification and its harm in days of prison."""

    policy = models.ForeignKey(ScoringPolicy, on_delete=models.CASCADE, related_name="entries")
    offence_type = models.ForeignKey(
        "offenders.OffenceType", null=True, blank=True, on_delete=models.PROTECT, related_name="harm_entries"
    )
    code = models.CharField(max_length=16)
    title = models.CharField(max_length=200)
    days = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Days of prison at the sentencing starting point; two decimal places at most.",
    )
    provenance = models.CharField(max_length=300, blank=True)

    # each entry as a policy's change record lists it; days as a JSON number (182.25 is exact as one)
    AUDIT_FIELDS = ("code", "title", ("days", "days_number"), "provenance")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "harm entries"
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="scoring_entry_code_once"),
            models.UniqueConstraint(fields=["policy", "offence_type"], name="scoring_entry_type_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}: {self.days} days"

    @property
    def days_number(self) -> float:
        """The days as a number for the audit record (two places at most: its shortest float is exact)."""
        return float(self.days)
