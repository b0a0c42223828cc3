"""Binds each request to the audit context; the actor is read when an event is written, so session
users, DRF token users (authenticated lazily, after this middleware) and tests' forced users are all
recorded without any view doing anything."""

import uuid

from .context import bind_request, unbind_request


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
        tokens = bind_request(request)
        try:
            response = self.get_response(request)
        finally:
            unbind_request(tokens)
        response["X-Request-ID"] = request.request_id
        return response


def bind_request_user(request) -> None:
    """Kept for callers written before the context became lazy: the actor is now always read from
    the request when an event is written (DRF copies its authenticated user onto the request), so
    there is nothing left to refresh."""
