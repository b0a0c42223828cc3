"""Celery tasks of the cases app: thin wrappers that set the audit context and call one service."""

from celery import shared_task
from django.utils import timezone

from portal.audit.context import AuditContext, audit_context

from .services import digests


# The registered name is older than the cases app (the beat schedule and queued messages use it): keep it.
@shared_task(name="offenders.cases_morning_run", acks_late=True)
def cases_morning_run() -> dict[str, int]:
    """Each morning: mark overdue actions and due reviews, and email each owner one digest."""
    with audit_context(AuditContext(actor_username="celery:cases_morning_run", channel="task")):
        return digests.cases_morning_run(today=timezone.localdate())
