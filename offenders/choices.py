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


class OrderKind(models.TextChoices):
    """Protective orders and conditions officers use to protect a victim (docs/offenders.md)."""

    DAPN = "dapn", "Domestic abuse protection notice"
    DAPO = "dapo", "Domestic abuse protection order"
    SPO = "spo", "Stalking protection order"
    SHPO = "shpo", "Sexual harm prevention order"
    SRO = "sro", "Sexual risk order"
    NON_MOLESTATION = "non_molestation", "Non-molestation order"
    RESTRAINING = "restraining", "Restraining order"
    BAIL_CONDITIONS = "bail_conditions", "Bail conditions"


# The offence a breach of each kind of order is recorded as: a harm-index row titled "Breach of a ... order"
# (category domestic in the illustrative index). The index has rows for the restraining and the
# non-molestation order only, so the other kinds map to the nearer of the two until it has their own:
# illustrative, and configurable (PORTAL_BREACH_OFFENCE_CODES).
BREACH_OF_RESTRAINING_ORDER, BREACH_OF_NON_MOLESTATION_ORDER = "008/31", "066/39"
BREACH_OFFENCE_CODES: dict[str, str] = {
    OrderKind.DAPN: BREACH_OF_NON_MOLESTATION_ORDER,
    OrderKind.DAPO: BREACH_OF_NON_MOLESTATION_ORDER,
    OrderKind.NON_MOLESTATION: BREACH_OF_NON_MOLESTATION_ORDER,
    OrderKind.RESTRAINING: BREACH_OF_RESTRAINING_ORDER,
    OrderKind.SPO: BREACH_OF_RESTRAINING_ORDER,
    OrderKind.SHPO: BREACH_OF_RESTRAINING_ORDER,
    OrderKind.SRO: BREACH_OF_RESTRAINING_ORDER,
    OrderKind.BAIL_CONDITIONS: BREACH_OF_RESTRAINING_ORDER,
}


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
