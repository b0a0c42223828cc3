"""The oversight app's only writes: the audit events that say a report was viewed or exported."""

from portal.audit.services import audit_record

from .selectors.base import Period


def report_access_record(*, name: str, period: Period, exported: bool, table: str | None = None) -> None:
    """Viewing and exporting reports is itself accountable: who looked at which figures, for when."""
    changes: dict[str, object] = {"period": period.as_dict()}
    if table:
        changes["table"] = table
    audit_record(
        action="report.export" if exported else "report.view",
        target_type="report",
        target_id=name,
        object_repr=f"{name} report {period.start} to {period.end}",
        changes=changes,
    )
