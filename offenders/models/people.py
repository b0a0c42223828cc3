"""The nouns of the portal: offence types, offenders, victims and offences (docs/offenders.md).

Each model also says how the audit log names and shows it (the hook portal/audit/targets.py reads):
AUDIT_PERSONAL_FIELDS, `audit_repr()` and `audit_reader_repr()`.
"""

from django.db import models
from django.db.models import F, Q

from ..choices import ETHNICITY_CHOICES, Category, OffenceStatus, OffenderStatus, Relationship, Sex
from ..querysets import OffenderQuerySet

# The change fields whose values the audit log's readers (admin, oversight) see only as "(redacted)",
# at any depth, on every event about an offender-side record (they see offenders pseudonymised): identity,
# free text and search terms. The log itself stores them in full.
PERSONAL_AUDIT_FIELDS = frozenset({
    "surname", "forenames", "date_of_birth", "ethnicity", "sex", "suspect_ref", "victim_ref", "name",
    "display_name", "notes", "note", "text", "body", "reason", "exit_reason", "description", "comment",
    "q", "search", "query_text", "crime_ref",
})  # fmt: skip


class OffenceType(models.Model):
    """A Home Office classification (`008/67`, or an offence class such as `19C`)."""

    code = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.OTHER)

    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


def offender_reference(pk: int) -> str:
    """The stable pseudonymous reference of an offender (`S-004211`), from the id alone: what roles that
    may not see identities are shown, and how the audit log and the reports name an offender."""
    return f"S-{pk:06d}"


class Offender(models.Model):
    """A suspect named in one or more reports; identity fields are personal data."""

    suspect_ref = models.CharField("force reference", max_length=64, unique=True)
    surname = models.CharField(max_length=100)
    forenames = models.CharField(max_length=150)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(
        max_length=2,
        choices=ETHNICITY_CHOICES,
        blank=True,
        help_text="Recorded for fairness monitoring only; never an input to the score.",
    )
    restricted = models.BooleanField(default=False, help_text="Visible only with the restricted_access grant.")
    status = models.CharField(max_length=10, choices=OffenderStatus.choices, default=OffenderStatus.ACTIVE)
    review_due = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OffenderQuerySet.as_manager()

    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS
    AUDIT_FIELDS = (
        "suspect_ref", "surname", "forenames", "date_of_birth", "sex", "ethnicity", "restricted", "status",
        "review_due",
    )  # fmt: skip

    class Meta:
        ordering = ["surname", "forenames", "id"]
        indexes = [
            models.Index(fields=["surname", "forenames"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["restricted"]),
            models.Index(fields=["review_due"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="offender_sex_valid"),
            models.CheckConstraint(condition=Q(status__in=OffenderStatus.values), name="offender_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.surname.upper()}, {self.forenames} ({self.suspect_ref})"

    @property
    def reference(self) -> str:
        """The stable pseudonymous reference shown to roles that may not see identities."""
        return offender_reference(self.pk)

    @property
    def display_name(self) -> str:
        return f"{self.forenames} {self.surname}"

    def audit_repr(self) -> str:
        """The log names an offender by the pseudonym, never by name."""
        return self.reference

    @classmethod
    def audit_reader_repr(cls, target_id: str, stored: str) -> str:
        """Readers see the pseudonym derived from the id, whatever was stored (older events may carry a
        name); an event about no one offender (a list, the seeding) keeps what it stored."""
        return offender_reference(int(target_id)) if target_id.isdigit() else stored


class Victim(models.Model):
    """A victim, by the force's reference only: no more personal data than the ranking needs."""

    victim_ref = models.CharField("force reference", max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    def __str__(self) -> str:
        return self.victim_ref

    def audit_repr(self) -> str:
        """The log names a victim by id, never by the force's reference."""
        return f"{self._meta.verbose_name} {self.pk}"

    @classmethod
    def audit_reader_repr(cls, target_id: str, stored: str) -> str:
        return f"victim {target_id}"


class Offence(models.Model):
    """One reported offence: a suspect, a victim, a classification, dates and where it stands."""

    crime_ref = models.CharField("crime reference", max_length=64, unique=True)
    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="offences")
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="offences")
    offence_type = models.ForeignKey(OffenceType, on_delete=models.PROTECT, related_name="offences")
    victim_relationship = models.CharField(max_length=16, choices=Relationship.choices, default=Relationship.UNKNOWN)
    occurred_on = models.DateField()
    reported_on = models.DateField()
    status = models.CharField(max_length=16, choices=OffenceStatus.choices, default=OffenceStatus.REPORTED)
    borough = models.CharField(max_length=64, blank=True)
    domestic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS
    # The offence in its input form (the import's columns, `offender` an id): what the log records and
    # what a PATCH is merged onto.
    AUDIT_FIELDS = (
        "crime_ref", ("offence_code", "offence_type.code"), "occurred_on", "reported_on", "status", "offender",
        ("victim_ref", "victim.victim_ref"), "victim_relationship", "borough", "domestic",
    )  # fmt: skip

    class Meta:
        ordering = ["-occurred_on", "id"]
        indexes = [
            models.Index(fields=["offender", "occurred_on"]),
            models.Index(fields=["occurred_on"]),
            models.Index(fields=["status"]),
            models.Index(fields=["borough"]),
            # the data-quality report's oldest-first page of stale offences walks this instead of sorting
            models.Index(fields=["reported_on", "id"], name="offence_reported_reports_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_on__gte=F("occurred_on")), name="offence_reported_after_occurred"
            ),
            models.CheckConstraint(condition=Q(status__in=OffenceStatus.values), name="offence_status_valid"),
            models.CheckConstraint(
                condition=Q(victim_relationship__in=Relationship.values), name="offence_relationship_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.crime_ref

    def audit_repr(self) -> str:
        """The log names an offence by id: its crime reference would name the suspect to the log's readers."""
        return f"offence {self.pk}"

    @classmethod
    def audit_reader_repr(cls, target_id: str, stored: str) -> str:
        return f"offence {target_id}" if target_id else ""
