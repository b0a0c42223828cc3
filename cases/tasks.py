"""Celery tasks of the offenders app: thin wrappers that set the audit context and call one service."""

from celery import shared_task
from django.utils import timezone

from portal.audit.context import AuditContext, audit_context


@shared_task(name="offenders.cases_morning_run", acks_late=True)
def cases_morning_run() -> dict[str, int]:
    """Each morning: mark overdue actions and due reviews, and email each owner one digest."""
    from .services.case_digests import cases_morning_run as run

    with audit_context(AuditContext(actor_username="celery:cases_morning_run", channel="task")):
        return run(today=timezone.localdate())
