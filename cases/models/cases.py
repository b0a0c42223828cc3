"""Cases: one tasked offender run as a 4P plan (Pursue, Prevent, Protect, Prepare) until he exits.

The tasking decision is a person's and is recorded with its reason; the score at tasking is copied
here so the fall in harm can be measured later whatever happens to the live score.

These models were born in the offenders app and moved here without touching the database
(docs/decisions/0505): each keeps its `offenders_*` table (`db_table`), and its audit events keep the
target type `offenders.<model>` (AUDIT_TARGET_TYPE) that existing events, filters and reports use.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from offenders.models import PERSONAL_AUDIT_FIELDS, Offender


class CaseStage(models.TextChoices):
    TASKED = "tasked", "Tasked"
    ACTIVE = "active", "Active"
    CHARGED = "charged", "Charged"
    CLOSED = "closed", "Closed"


class ExitReason(models.TextChoices):
    IN_CUSTODY = "in_custody", "In custody"
    CONVICTED = "convicted", "Convicted"
    RISK_REDUCED = "risk_reduced", "Risk reduced"
    LEFT_TOP_N = "left_top_n", "No longer in the top N for three snapshots"
    DIED = "died", "Died"
    MOVED_AWAY = "moved_away", "Moved out of the force area"
    OTHER = "other", "Other"


class Strand(models.TextChoices):
    PURSUE = "pursue", "Pursue"
    PREVENT = "prevent", "Prevent"
    PROTECT = "protect", "Protect"
    PREPARE = "prepare", "Prepare"


class ActionKind(models.TextChoices):
    GENERAL = "general", "General"
    ENFORCEMENT = "enforcement", "Enforcement (arrest, search, order application, disruption visit)"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Outcome(models.TextChoices):
    ARREST = "arrest", "Arrest"
    CHARGE = "charge", "Charge"
    REMAND = "remand", "Remand"
    CONVICTION = "conviction", "Conviction"
    DAPO = "dapo", "Domestic abuse protection order"
    STALKING_ORDER = "stalking_order", "Stalking protection order"
    RESTRAINING_ORDER = "restraining_order", "Restraining order"
    REFERRAL = "referral", "Referral"
    SAFEGUARDING_VISIT = "safeguarding_visit", "Safeguarding visit"
    DVDS_DISCLOSURE = "dvds_disclosure", "Disclosure (domestic violence disclosure scheme)"
    OTHER = "other", "Other"


# Outcomes the outcomes report counts as positive action against the offender.
POSITIVE_OUTCOMES = frozenset({Outcome.ARREST, Outcome.CHARGE, Outcome.REMAND, Outcome.CONVICTION})


def open_case_q(path: str = "") -> Q:
    """A case is open until it is closed (the condition of the one-open-case-per-offender constraint).
    `path` leads from the queried model to the case ("case" for an action)."""
    return ~Q(**{f"{path}__stage" if path else "stage": CaseStage.CLOSED})


def overdue_actions_q(today: dt.date | None = None) -> Q:
    """What "overdue" means, everywhere (lists, the case page, the API, the dashboard, the digest): an OPEN
    action of an OPEN case whose due date is before `today` (default: today). Due today is not overdue
    yet. Closing a case cancels its open actions (ADR 0501), so the case condition only makes sure an
    action of a closed case never counts, whatever happened to it."""
    return Q(status=ActionStatus.OPEN, due_on__lt=today or timezone.localdate()) & open_case_q("case")


def review_overdue_q(today: dt.date | None = None) -> Q:
    """An open case whose review date is before `today` (default: today); due today is not overdue yet."""
    return open_case_q() & Q(review_due__lt=today or timezone.localdate())


def _count(actions: models.QuerySet) -> Coalesce:
    """How many of `actions` belong to the outer case (a subquery, so counts never multiply each other)."""
    per_case = actions.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(per_case, output_field=IntegerField()), 0)


class CaseQuerySet(models.QuerySet):
    """The named sets of cases: "open", "closed", "review overdue", "has overdue actions", written once."""

    def open(self) -> "CaseQuerySet":
        return self.filter(open_case_q())

    def closed(self) -> "CaseQuerySet":
        return self.filter(stage=CaseStage.CLOSED)

    def review_due_by(self, *, day: dt.date) -> "CaseQuerySet":
        """Open cases whose review date is on or before `day` (the morning job: today; the supervisor's
        panel: the week ahead)."""
        return self.open().filter(review_due__lte=day)

    def review_overdue(self, *, today: dt.date | None = None) -> "CaseQuerySet":
        return self.filter(review_overdue_q(today))

    def with_overdue_actions(self, *, today: dt.date | None = None) -> "CaseQuerySet":
        return self.filter(self._overdue_actions_exist(today))

    def without_overdue_actions(self, *, today: dt.date | None = None) -> "CaseQuerySet":
        return self.exclude(self._overdue_actions_exist(today))

    @staticmethod
    def _overdue_actions_exist(today: dt.date | None) -> Exists:
        return Exists(PlanAction.objects.overdue(today=today).filter(case=OuterRef("pk")))

    def with_list_figures(self, *, today: dt.date | None = None) -> "CaseQuerySet":
        """Annotate what every list of cases shows: `open_action_count`, `overdue_action_count` and
        `is_review_overdue` (each by the one meaning above)."""
        return self.annotate(
            open_action_count=_count(PlanAction.objects.open()),
            overdue_action_count=_count(PlanAction.objects.overdue(today=today)),
            is_review_overdue=ExpressionWrapper(review_overdue_q(today), output_field=BooleanField()),
        )


class PlanActionQuerySet(models.QuerySet):
    """The named sets of plan actions: "open" (still to do) and "overdue" (overdue_actions_q)."""

    def open(self) -> "PlanActionQuerySet":
        """Actions still to do: open, on an open case."""
        return self.filter(open_case_q("case"), status=ActionStatus.OPEN)

    def overdue(self, *, today: dt.date | None = None) -> "PlanActionQuerySet":
        return self.filter(overdue_actions_q(today))

    def with_overdue_flag(self, *, today: dt.date | None = None) -> "PlanActionQuerySet":
        """Annotate `is_overdue` on each action (the case page, the API and the dashboard show it)."""
        return self.annotate(is_overdue=ExpressionWrapper(overdue_actions_q(today), output_field=BooleanField()))


class Case(models.Model):
    """One managed offender: lead officer, team, stage, review date and, once closed, the exit reason."""

    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="cases")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_led")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="case_teams")
    stage = models.CharField(max_length=8, choices=CaseStage.choices, default=CaseStage.TASKED)
    reason = models.TextField(help_text="Why this offender was tasked: a person's decision, the score only advises.")
    review_due = models.DateField(null=True, blank=True)
    review_flagged_on = models.DateField(null=True, blank=True, help_text="When the morning job found it due.")
    exit_reason = models.CharField(max_length=16, choices=ExitReason.choices, blank=True)
    score_at_tasking = models.FloatField(null=True, blank=True)
    rank_at_tasking = models.PositiveIntegerField(null=True, blank=True)
    policy_at_tasking = models.CharField(max_length=64, blank=True)
    score_at_exit = models.FloatField(null=True, blank=True, help_text="The live score copied when the case closed.")
    rank_at_exit = models.PositiveIntegerField(null=True, blank=True)
    policy_at_exit = models.CharField(max_length=64, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by_username = models.CharField(max_length=150, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    AUDIT_TARGET_TYPE = "offenders.case"
    AUDIT_FIELDS = ("offender", "lead", "team", "stage", "review_due", "exit_reason")
    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    class Meta:
        db_table = "offenders_case"
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["stage", "review_due"]),
            models.Index(fields=["lead", "stage"]),
            models.Index(fields=["last_activity_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["offender"], condition=~Q(stage="closed"), name="case_one_open_per_offender"
            ),
            models.CheckConstraint(condition=Q(stage__in=CaseStage.values), name="case_stage_valid"),
            models.CheckConstraint(
                condition=(Q(stage="closed") & Q(exit_reason__in=ExitReason.values))
                | (~Q(stage="closed") & Q(exit_reason="")),
                name="case_exit_reason_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.offender.reference})"

    @property
    def is_open(self) -> bool:
        """The loaded case's side of CaseQuerySet.open(): open until it is closed."""
        return self.stage != CaseStage.CLOSED


class CaseStageChange(models.Model):
    """One move of a case between stages (opening included), with who, when and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=8, choices=CaseStage.choices, blank=True)
    to_stage = models.CharField(max_length=8, choices=CaseStage.choices)
    reason = models.TextField()
    exit_reason = models.CharField(max_length=16, choices=ExitReason.choices, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by_username = models.CharField(max_length=150, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    AUDIT_TARGET_TYPE = "offenders.casestagechange"
    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    class Meta:
        db_table = "offenders_casestagechange"
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or 'new'} -> {self.to_stage}"


class PlanAction(models.Model):
    """One action in a strand of the 4P plan, owned by one person, due by a date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    strand = models.CharField(max_length=8, choices=Strand.choices)
    kind = models.CharField(
        max_length=12,
        choices=ActionKind.choices,
        default=ActionKind.GENERAL,
        help_text="Enforcement actions pass the victims' safety gate before they are done.",
    )
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_actions")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    overdue_marked_on = models.DateField(null=True, blank=True, help_text="When the morning job found it overdue.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    safety_override_reason = models.TextField(
        blank=True, help_text="Why a supervisor let this enforcement action be done past the safety gate."
    )

    objects = PlanActionQuerySet.as_manager()

    AUDIT_TARGET_TYPE = "offenders.planaction"
    AUDIT_FIELDS = ("case", "strand", "kind", "owner", "due_on", "status", "outcome")
    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS
    is_overdue: bool  # not a column: `case_plan` (cases/selectors.py) sets it for the plan page

    class Meta:
        db_table = "offenders_planaction"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_on"]), models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(strand__in=Strand.values), name="plan_action_strand_valid"),
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="plan_action_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(outcome__in=Outcome.values), name="plan_action_done_has_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_strand_display()}: {self.description[:60]}"

    def audit_repr(self) -> str:
        """The log names an action by id, never by its free-text description."""
        return f"{self._meta.verbose_name} {self.pk}"


class CaseNoteQuerySet(models.QuerySet):
    def shared_with_partners(self) -> "CaseNoteQuerySet":
        """The notes marked for partners; every other note is police-only."""
        return self.filter(shared_with_partners=True)


class CaseNote(models.Model):
    """A free-text note on a case; the author's name is copied so it survives the account."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_username = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    shared_with_partners = models.BooleanField(
        default=False, help_text="Police-only unless marked: only marked notes are shown to partners on the team."
    )

    objects = CaseNoteQuerySet.as_manager()

    AUDIT_TARGET_TYPE = "offenders.casenote"
    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    class Meta:
        db_table = "offenders_casenote"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note {self.pk} on case {self.case_id}"

    def audit_repr(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class CaseDigest(models.Model):
    """One morning digest emailed to one person: the record that makes the job send at most one a day."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_digests")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    overdue_actions = models.PositiveIntegerField(default=0)
    reviews_due = models.PositiveIntegerField(default=0)

    AUDIT_TARGET_TYPE = "offenders.casedigest"
    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    class Meta:
        db_table = "offenders_casedigest"
        ordering = ["-sent_on", "recipient_id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "sent_on"], name="case_digest_once_a_day")]

    def __str__(self) -> str:
        return f"Digest for {self.recipient_id} on {self.sent_on}"
