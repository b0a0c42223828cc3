"""Request checks that hold for every page and endpoint, before any view (or audit record) sees the input."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

NUL = "\x00"
NUL_MESSAGE = "Null characters are not allowed."


class RejectNulQueryMiddleware:
    """A NUL character in the query string is refused with a 400 that names the parameters holding it.

    Views record their filters in the audit log and hand them to the database; PostgreSQL cannot store
    or compare text holding U+0000, so such a request would otherwise fail as a 500 (or, worse, after part
    of the work). Form bodies need no check here: every form and serializer field already refuses NUL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = [key for key, values in request.GET.lists() if NUL in key or any(NUL in value for value in values)]
        if not bad:
            return self.get_response(request)
        named = sorted({key for key in bad if NUL not in key})
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": NUL_MESSAGE, **{key: [NUL_MESSAGE] for key in named}}, status=400)
        return render(request, "400.html", {"message": NUL_MESSAGE, "parameters": named}, status=400)


DEBUG_PAGE_MARK = b"DEBUG = True"  # what Django's technical 404 and 500 pages say of themselves
logger = logging.getLogger("portal.errors")


class FriendlyErrorPagesMiddleware:
    """The portal's own 404 and 500 pages in every mode the demo runs in, DEBUG included: a stale page
    number or a mistyped address must not show Django's debug page (it lists every URL pattern, and
    a traceback shows settings and local values). The API keeps its JSON answers. With DEBUG on, the
    traceback still goes to the console log; PORTAL_DEBUG_ERROR_PAGES=1 brings Django's pages back for
    a developer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _applies(self, request) -> bool:
        return settings.DEBUG and not settings.PORTAL_DEBUG_ERROR_PAGES and not request.path.startswith("/api/")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and self._applies(request) and DEBUG_PAGE_MARK in _content_of(response):
            return render(request, "404.html", status=404)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404 | PermissionDenied | BadRequest | SuspiciousOperation):
            return None  # their own handlers (or the 404 replacement above) answer these
        if not self._applies(request):
            return None
        logger.exception("Unhandled error on %s", request.path)
        return HttpResponseServerError(loader.get_template("500.html").render())


def _content_of(response) -> bytes:
    return b"" if getattr(response, "streaming", False) else response.content
