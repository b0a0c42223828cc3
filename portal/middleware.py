"""Request checks that hold for every page and endpoint, before any view (or audit record) sees the input."""

from django.http import JsonResponse
from django.shortcuts import render

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
