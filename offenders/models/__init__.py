"""Models of the offenders app, one module per subject so each stays short."""

from .people import Offence, OffenceType, Offender, Victim

__all__ = ["Offence", "OffenceType", "Offender", "Victim"]
