"""The request context (who, role, address, request id) that every audit event copies.

Middleware sets it per request; Celery tasks and commands set it for their own work. A context
variable, not a thread local, so it is correct under async servers too.
"""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AuditContext:
    actor_id: int | None = None
    actor_username: str = ""
    role: str = ""
    client_address: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    channel: str = "system"


_current: ContextVar[AuditContext | None] = ContextVar("portal_audit_context", default=None)


def current_context() -> AuditContext:
    return _current.get() or AuditContext()


def set_context(context: AuditContext):
    """Set the context; returns the token to pass to reset_context."""
    return _current.set(context)


def reset_context(token) -> None:
    _current.reset(token)


def context_for_user(user, *, channel: str, client_address: str = "", request_id: str | None = None):
    """Build a context for a known user (web, API, command or task)."""
    from portal.accounts.roles import user_role

    role = user_role(user)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditContext(
        actor_id=user.pk if authenticated else None,
        actor_username=user.get_username() if authenticated else "",
        role=role.value if role else "",
        client_address=client_address,
        request_id=request_id or uuid.uuid4().hex,
        channel=channel,
    )
