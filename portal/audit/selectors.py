"""Reading the audit log: only through restrict(), newest first."""

import json
from collections.abc import Iterator

from portal.accounts.permissions import restrict

from .models import AuditEvent


def audit_events_visible(*, user):
    """The events this user may read (admin and oversight: all; everyone else: none)."""
    return restrict(AuditEvent.objects.all(), user, "audit.view").order_by("-sequence")


def audit_actions_recorded() -> list[str]:
    """Every action name the log holds, for the page's list of actions to tick. Read through the
    action index and kept in the cache for ten minutes (a new kind of event is rare)."""
    from django.core.cache import cache

    def read() -> list[str]:
        return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())

    return list(cache.get_or_set("portal:audit-actions", read, 600) or [])


def audit_export_rows(*, events) -> Iterator[list]:
    """The filtered events as CSV rows for an auditor: references, never ids, and the personal values
    redacted exactly as the page shows them; streamed in sequence order with a bounded memory."""
    from .redaction import event_changes_for_reader, event_repr_for_reader

    yield ["sequence", "occurred_at_utc", "actor", "role", "channel", "action", "target_type", "target",
           "purpose", "client_address", "request_id", "changes"]  # fmt: skip
    for event in events.iterator(chunk_size=2000):
        yield [
            event.sequence, event.occurred_at, event.actor_username, event.role, event.channel, event.action,
            event.target_type, event_repr_for_reader(event), event.purpose, event.client_address, event.request_id,
            json.dumps(event_changes_for_reader(event), sort_keys=True, default=str),
        ]  # fmt: skip
