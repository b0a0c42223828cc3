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
from .people import Offence, OffenceType, Offender, Victim

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
    "OffenceType",
    "Offender",
    "Victim",
]
