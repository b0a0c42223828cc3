"""Reading the audit log: only through restrict(), newest first."""

from portal.accounts.permissions import restrict

from .models import AuditEvent


def audit_events_visible(*, user):
    """The events this user may read (admin and oversight: all; everyone else: none)."""
    return restrict(AuditEvent.objects.all(), user, "audit.view").order_by("-sequence")
