"""Controlled vocabularies: the values the import format and the API accept (docs/imports.md)."""

from django.db import models


class OffenceStatus(models.TextChoices):
    REPORTED = "reported", "Reported"
    INVESTIGATING = "investigating", "Investigating"
    CHARGED = "charged", "Charged"
    CONVICTED = "convicted", "Convicted"
    NFA = "nfa", "No further action"
    ACQUITTED = "acquitted", "Acquitted"
    CANCELLED = "cancelled", "Cancelled"


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Relationship(models.TextChoices):
    PARTNER = "partner", "Partner"
    EX_PARTNER = "ex_partner", "Ex-partner"
    FAMILY = "family", "Family member"
    ACQUAINTANCE = "acquaintance", "Acquaintance"
    STRANGER = "stranger", "Stranger"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class OffenderStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"
    DISPOSED = "disposed", "Disposed"  # identity erased after a review (docs/records.md); in no list


class Category(models.TextChoices):
    HOMICIDE = "homicide", "Homicide"
    SEXUAL = "sexual", "Sexual offences"
    VIOLENCE = "violence", "Violence"
    STALKING = "stalking", "Stalking and harassment"
    DOMESTIC = "domestic", "Domestic abuse"
    OTHER = "other", "Other"


# ONS 2021 "18+1" self-defined ethnicity codes, grouped into the five high-level groups for fairness
# monitoring. Recorded only for that; never an input to scoring.
ETHNICITY_CODES: dict[str, tuple[str, str]] = {
    "A1": ("Indian", "Asian"),
    "A2": ("Pakistani", "Asian"),
    "A3": ("Bangladeshi", "Asian"),
    "A4": ("Chinese", "Asian"),
    "A5": ("Any other Asian background", "Asian"),
    "B1": ("Caribbean", "Black"),
    "B2": ("African", "Black"),
    "B3": ("Any other Black background", "Black"),
    "M1": ("White and Black Caribbean", "Mixed"),
    "M2": ("White and Black African", "Mixed"),
    "M3": ("White and Asian", "Mixed"),
    "M4": ("Any other Mixed background", "Mixed"),
    "O1": ("Arab", "Other"),
    "O2": ("Any other ethnic group", "Other"),
    "W1": ("English, Welsh, Scottish, Northern Irish or British", "White"),
    "W2": ("Irish", "White"),
    "W3": ("Gypsy or Irish Traveller", "White"),
    "W4": ("Any other White background", "White"),
}
NOT_STATED = "Not stated"
ETHNICITY_CHOICES = [(code, f"{code}: {label}") for code, (label, _group) in ETHNICITY_CODES.items()]


def ethnicity_group(code: str) -> str:
    """The high-level group of an ONS code; blank or unknown codes are 'Not stated'."""
    entry = ETHNICITY_CODES.get((code or "").upper())
    return entry[1] if entry else NOT_STATED
