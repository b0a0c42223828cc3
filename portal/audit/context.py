"""The request context (who, role, address, request id) that every audit event copies.

Middleware binds the current request; the actor is read from it only when an event is written, so
the user DRF authenticates lazily (session, token or a test's forced user) and the user who has just
signed in or out are always the ones recorded, without any view having to refresh the context.
Celery tasks and commands set an explicit context for their own work. Context variables, not thread
locals, so this is correct under async servers too.
"""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

from portal.accounts.roles import user_role


@dataclass(frozen=True)
class AuditContext:
    actor_id: int | None = None
    actor_username: str = ""
    role: str = ""
    client_address: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    channel: str = "system"


_current: ContextVar[AuditContext | None] = ContextVar("portal_audit_context", default=None)
_request: ContextVar[object | None] = ContextVar("portal_audit_request", default=None)


def current_context() -> AuditContext:
    """An explicitly set context wins; else the bound request's user at this moment; else 'system'."""
    explicit = _current.get()
    if explicit is not None:
        return explicit
    request = _request.get()
    if request is not None:
        return context_for_request(request)
    return AuditContext()


def set_context(context: AuditContext):
    """Set the context; returns the token to pass to reset_context."""
    return _current.set(context)


def reset_context(token) -> None:
    _current.reset(token)


@contextmanager
def audit_context(context: AuditContext):
    """Record what is written inside the block under `context`, then restore the one before: a task or a
    command that only set it would leave its name on whatever the same worker or process writes next."""
    token = set_context(context)
    try:
        yield context
    finally:
        reset_context(token)


@contextmanager
def acting_as(user):
    """Record `user` as the actor of what is written inside the block when the caller has not (a script, a
    test, a service called directly). A request or command that already names this user keeps its own
    context (address, request id); None (the system) keeps whatever context there is.
    """
    context = current_context()
    if user is None or context.actor_id == user.pk:
        yield
        return
    token = set_context(replace(context_for_user(user, channel=context.channel), request_id=context.request_id))
    try:
        yield
    finally:
        reset_context(token)


def bound_request():
    """The request being served (bound by the middleware), or None outside one (a task, a command)."""
    return _request.get()


def bind_request(request):
    """Make `request` the source of the context (the middleware does this); returns a reset token."""
    return _request.set(request), _current.set(None)


def unbind_request(tokens) -> None:
    request_token, current_token = tokens
    _current.reset(current_token)
    _request.reset(request_token)


def request_channel(request) -> str:
    return "api" if request.path.startswith("/api/") else "web"


def context_for_request(request) -> AuditContext:
    """The context of a request as it stands now (DRF sets request.user once it has authenticated)."""
    return context_for_user(
        getattr(request, "user", None),
        channel=request_channel(request),
        client_address=getattr(request, "client_address", ""),
        request_id=getattr(request, "request_id", None),
    )


def context_for_user(user, *, channel: str, client_address: str = "", request_id: str | None = None):
    """Build a context for a known user (web, API, command or task)."""
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
