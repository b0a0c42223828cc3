"""Puts the audit context for each request in place; the user is read lazily so token auth works too."""

import uuid

from .context import AuditContext, context_for_user, reset_context, set_context


def client_address(request) -> str:
    """The client address as django-axes resolves it (honours the configured proxy count)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.client_address = client_address(request)
        token = set_context(
            AuditContext(client_address=request.client_address, request_id=request.request_id, channel="web")
        )
        try:
            response = self.get_response(request)
        finally:
            reset_context(token)
        response["X-Request-ID"] = request.request_id
        return response


def bind_request_user(request) -> None:
    """Refresh the context once the user is known (after DRF authentication or login)."""
    set_context(
        context_for_user(
            request.user,
            channel="api" if request.path.startswith("/api/") else "web",
            client_address=getattr(request, "client_address", ""),
            request_id=getattr(request, "request_id", None),
        )
    )
