"""Binds each request to the audit context; the actor is read when an event is written, so session
users, DRF token users (authenticated lazily, after this middleware) and tests' forced users are all
recorded without any view doing anything."""

import re
import uuid

from .context import bind_request, unbind_request


def client_address(request) -> str:
    """The client address as django-axes resolves it (honours the configured proxy count)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")


REQUEST_ID_FORMAT = re.compile(r"[A-Za-z0-9-]{8,64}")


def request_id_for(request) -> str:
    """The client's X-Request-ID when it is a plain token (8 to 64 letters, digits or hyphens, as
    UUIDs and proxy ids are); anything else is replaced, so a client cannot plant text in the log."""
    supplied = request.headers.get("X-Request-ID", "")
    return supplied if REQUEST_ID_FORMAT.fullmatch(supplied) else uuid.uuid4().hex


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
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
