"""Celery tasks of the offenders app: thin wrappers that set the audit context and call services."""

from celery import shared_task

from portal.accounts.permissions import SYSTEM
from portal.audit.context import AuditContext, audit_context
from portal.audit.retention import audit_log_trim

from .review_rules import review_dates_fill
from .services.retention import import_records_trim


@shared_task(name="offenders.records_retention", acks_late=True)
def records_retention() -> dict[str, int | str]:
    """Nightly: apply the retention rules to the audit log and to import records, and give a review date
    to any record without one (docs/records.md)."""
    with audit_context(AuditContext(actor_username="celery:records_retention", channel="task")):
        trimmed = audit_log_trim(by=SYSTEM)
        imports = import_records_trim(by=SYSTEM)
        dated = review_dates_fill()
    return {"audit_events_removed": trimmed.removed, "audit_refused": trimmed.refused, "review_dates_set": dated,
            **imports}  # fmt: skip
