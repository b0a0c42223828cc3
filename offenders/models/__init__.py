"""Models of the offenders app, one module per subject so each stays short."""

from .imports import ImportBatch
from .people import Offence, OffenceType, Offender, Victim

__all__ = ["ImportBatch", "Offence", "OffenceType", "Offender", "Victim"]
