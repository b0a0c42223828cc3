"""Models of the offenders app, one module per subject so each stays short (cases live in the cases app)."""

from .imports import ImportBatch
from .incidents import DomesticIncident, IncidentKind
from .orders import OrderBreach, ProtectiveOrder
from .people import PERSONAL_AUDIT_FIELDS, Offence, OffenceType, Offender, Victim, offender_reference
from .records import RecordReview, ReviewOutcome

__all__ = [
    "DomesticIncident",
    "ImportBatch",
    "IncidentKind",
    "Offence",
    "offender_reference",
    "OffenceType",
    "OrderBreach",
    "ProtectiveOrder",
    "Offender",
    "PERSONAL_AUDIT_FIELDS",
    "RecordReview",
    "ReviewOutcome",
    "Victim",
]
