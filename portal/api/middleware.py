"""The API answers in JSON at its edges too, whatever DEBUG says (docs/api.md).

Django answers some requests before any DRF view runs: a URL that matches no route (`cases/abc/`), a
missing trailing slash (APPEND_SLASH redirects a GET and, under DEBUG, crashes a POST with a 500), a
request it rejects outright. With DEBUG on (as `make demo` serves) those answers are HTML debug pages.
A client of the API must be able to parse every answer, so under /api/v1/:

- a path without its trailing slash is served as the path with it (no redirect: a redirected POST or
  PATCH would lose its body, or turn into a GET);
- an error answered in anything but JSON is replaced by `{"detail": ...}` with the same status.
"""

from http import HTTPStatus

from django.http import JsonResponse
from django.urls import get_urlconf, is_valid_path

API_PREFIX = "/api/v1/"


def _with_slash(request) -> None:
    path = request.path_info
    if path.endswith("/") or is_valid_path(path, get_urlconf()):
        return
    if is_valid_path(f"{path}/", get_urlconf()):
        request.path_info = f"{path}/"
        request.path = f"{request.path}/"


def _is_json(response) -> bool:
    return "json" in response.get("Content-Type", "")


class ApiEdgeMiddleware:
    """Place before CommonMiddleware, so the slash is added before APPEND_SLASH would redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        _with_slash(request)
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            try:
                detail = HTTPStatus(response.status_code).phrase + "."
            except ValueError:
                detail = "Error."
            replacement = JsonResponse({"detail": "Not found." if response.status_code == 404 else detail})
            replacement.status_code = response.status_code
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response
