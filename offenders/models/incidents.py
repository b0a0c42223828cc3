"""Non-crime domestic incidents: what a force records when officers attend a domestic call and no crime is
recorded (MATAC counts them; the Cambridge index gives them nothing). A policy may count each one at a
number of days (docs/scoring.md); by default they are shown, not scored."""

from django.db import models

from .people import PERSONAL_AUDIT_FIELDS, Offender, Victim


class IncidentKind(models.TextChoices):
    VERBAL = "verbal", "Verbal argument"
    THREATENING = "threatening", "Threatening or intimidating behaviour"
    DAMAGE = "damage", "Damage, no crime recorded"
    WELFARE = "welfare", "Concern for welfare"
    OTHER = "other", "Other domestic incident"


class DomesticIncident(models.Model):
    """One non-crime domestic incident between an offender and a victim (no crime recorded)."""

    incident_ref = models.CharField("incident reference", max_length=64, unique=True)
    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="incidents")
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="incidents")
    occurred_on = models.DateField()
    kind = models.CharField(max_length=16, choices=IncidentKind.choices, default=IncidentKind.OTHER)
    separation = models.BooleanField(
        default=False, help_text="The parties had separated or were separating: an escalation marker."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS | {"incident_ref", "victim_ref"}
    AUDIT_FIELDS = (
        "incident_ref", "offender", ("victim_ref", "victim.victim_ref"), "occurred_on", "kind", "separation",
    )  # fmt: skip

    class Meta:
        ordering = ["-occurred_on", "id"]
        indexes = [models.Index(fields=["offender", "occurred_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=IncidentKind.values), name="incident_kind_valid")
        ]

    def __str__(self) -> str:
        return self.incident_ref

    def audit_repr(self) -> str:
        """The log names an incident by id: its reference would name the people to the log's readers."""
        return f"incident {self.pk}"

    @classmethod
    def audit_reader_repr(cls, target_id: str, stored: str) -> str:
        return f"incident {target_id}" if target_id else ""
