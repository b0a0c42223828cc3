"""Every accountability report, one module each; `REPORTS` maps the public name to its builder.

Each builder is `build(*, user, period) -> Report`; pages, the API and CSV exports all use it.
"""

from collections.abc import Callable

from .access import access_report
from .base import Period, Report
from .data_quality import data_quality_report
from .disproportionality import disproportionality_report
from .evaluation import evaluation_report
from .governance import governance_report
from .outcomes import outcomes_report

ReportBuilder = Callable[..., Report]

REPORTS: dict[str, ReportBuilder] = {
    "outcomes": outcomes_report,
    "disproportionality": disproportionality_report,
    "access": access_report,
    "governance": governance_report,
    "data-quality": data_quality_report,
    "evaluation": evaluation_report,
}

REPORT_TITLES: dict[str, str] = {
    "outcomes": "Outcomes",
    "disproportionality": "Disproportionality",
    "access": "Access",
    "governance": "Governance",
    "data-quality": "Data quality",
    "evaluation": "Does tasking work? (evaluation)",
}


def report_build(name: str, *, user, period: Period) -> Report:
    """Build the named report for this user and period (KeyError for an unknown name)."""
    return REPORTS[name](user=user, period=period)
