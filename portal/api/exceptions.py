"""Every API error is JSON: DRF's own errors, plus Django's validation and integrity errors as 400/409."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.accounts.services import token_refused
from portal.audit.services import audit_refusal

from .throttling import count_refused


def exception_handler(exc, context):
    """Translate model-level errors into the API's JSON shapes; never a 500 for bad input."""
    raised = exc  # a service's Refused carries its audit record (audited once: audit_refusal)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, IntegrityError):
        return Response({"detail": "That change conflicts with existing data."}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, OverflowError):  # a number too large for the database (SQLite checks when binding)
        return Response({"detail": "A number in the request is out of range."}, status=status.HTTP_400_BAD_REQUEST)
    elif isinstance(exc, RequestDataTooBig):
        return Response({"detail": "The request body is larger than this endpoint accepts."}, status=413)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):  # the reason only when written for the person (Refused)
        exc = exceptions.PermissionDenied(str(exc) if getattr(exc, "shown_to_user", False) else None)
    exc = count_refused(exc, context)  # over the rate: a 429, and the refusal is not audited again
    response = drf_exception_handler(exc, context)
    _answer_errors_in_json(context.get("request"))
    if response is not None and isinstance(exc, exceptions.AuthenticationFailed):
        token_refused(reason=str(exc.detail))
    elif response is not None and isinstance(exc, exceptions.PermissionDenied | exceptions.NotAuthenticated):
        request = context.get("request")
        if request is not None and getattr(request, "user", None) is not None:
            audit_refusal(request=request, reason=str(exc.detail), exception=raised)
    return response


def _answer_errors_in_json(request) -> None:
    """An error is JSON even when the caller asked for CSV (`?format=csv`): error bodies are dicts."""
    renderer = getattr(request, "accepted_renderer", None)
    if request is not None and getattr(renderer, "format", "json") not in ("json", "api"):
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type


def bad_request(request, exception=None):
    """handler400: under /api/ a refused request answers in JSON; a body over the upload limit is a 413."""
    too_big = isinstance(exception, RequestDataTooBig)
    if request.path.startswith("/api/"):
        if too_big:
            return JsonResponse({"detail": "The request body is larger than this endpoint accepts."}, status=413)
        return JsonResponse({"detail": "Bad request."}, status=400)
    if too_big:
        return HttpResponse("The request body is too large.", status=413, content_type="text/plain")
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    """handler404: under /api/ a URL that matches no route (say a non-numeric id) answers in JSON too."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
