"""Protect: the victims' side of a case: each victim's safety (risk grade, MARAC, IDVA), the safety
checks made with them, and Clare's Law disclosures (docs/cases.md). Seen by the case team only."""

from django.conf import settings
from django.db import models

from offenders.models import PERSONAL_AUDIT_FIELDS, Victim

from .cases import Case


class RiskGrade(models.TextChoices):
    """The victim's risk from a DASH/DARA assessment."""

    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class MaracStatus(models.TextChoices):
    NONE = "none", "Not referred"
    REFERRED = "referred", "Referred to MARAC"
    HEARD = "heard", "Heard at MARAC"


class DisclosureRoute(models.TextChoices):
    RIGHT_TO_ASK = "right_to_ask", "Right to ask"
    RIGHT_TO_KNOW = "right_to_know", "Right to know"


class DisclosureDecision(models.TextChoices):
    DISCLOSED = "disclosed", "Disclosure made"
    NOT_DISCLOSED = "not_disclosed", "No disclosure"
    PENDING = "pending", "Decision pending"


class VictimSafety(models.Model):
    """What the case team knows about one victim's safety: risk grade (DASH/DARA), MARAC, the IDVA
    allocated, and the latest safety check (docs/cases.md). Visible to the case team only; never exported."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="victim_safety")
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="+")
    risk_grade = models.CharField(max_length=8, choices=RiskGrade.choices, blank=True)
    marac = models.CharField(max_length=8, choices=MaracStatus.choices, default=MaracStatus.NONE)
    idva = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_safety_check_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_FIELDS = ("case", "victim", "risk_grade", "marac", "idva", "last_safety_check_on")
    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    class Meta:
        ordering = ["case", "victim"]
        constraints = [models.UniqueConstraint(fields=["case", "victim"], name="victim_safety_once_per_case")]

    def __str__(self) -> str:
        return f"Victim {self.victim_id} on case {self.case_id}"

    def audit_repr(self) -> str:
        return f"victim safety {self.pk}"


class SafetyCheck(models.Model):
    """One safety check with a victim: when, the risk grade found, notes; by whom."""

    safety = models.ForeignKey(VictimSafety, on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField()
    risk_grade = models.CharField(max_length=8, choices=RiskGrade.choices)
    notes = models.TextField(blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_by_username = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("safety", "checked_on", "risk_grade")
    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    class Meta:
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"Safety check {self.pk} on {self.checked_on}"

    def audit_repr(self) -> str:
        return f"safety check {self.pk}"


class ClaresLawDisclosure(models.Model):
    """A Domestic Violence Disclosure Scheme (Clare's Law) request on the case: route, decision, date and
    who decided (docs/cases.md)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disclosures")
    route = models.CharField(max_length=16, choices=DisclosureRoute.choices)
    decision = models.CharField(max_length=16, choices=DisclosureDecision.choices)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_username = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("case", "route", "decision", "decided_on")
    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"Clare's Law {self.get_route_display()} on case {self.case_id}"
