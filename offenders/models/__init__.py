"""Models of the offenders app, one module per subject so each stays short."""

from .cases import (
    ActionStatus,
    Case,
    CaseDigest,
    CaseNote,
    CaseStage,
    CaseStageChange,
    ExitReason,
    Outcome,
    PlanAction,
    Strand,
)
from .imports import ImportBatch
from .people import Offence, OffenceType, Offender, Victim, offender_reference

__all__ = [
    "ActionStatus",
    "Case",
    "CaseDigest",
    "CaseNote",
    "CaseStage",
    "CaseStageChange",
    "ExitReason",
    "Outcome",
    "PlanAction",
    "Strand",
    "ImportBatch",
    "Offence",
    "offender_reference",
    "OffenceType",
    "Offender",
    "Victim",
]
