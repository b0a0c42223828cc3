"""Session policy and caching policy that apply to every request."""

import time

from django.conf import settings
from django.contrib.auth import logout


class SessionLimitMiddleware:
    """End a session 12 hours after login whatever the activity (idle expiry is the cookie age),
    and end it at once when the user was deactivated or their sessions revoked after it began."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get("portal_login_at")
            now = time.time()
            if started is None:
                request.session["portal_login_at"] = now
            else:
                revoked = user.sessions_valid_after and user.sessions_valid_after.timestamp() > started
                if now - started > settings.SESSION_ABSOLUTE_SECONDS or revoked:
                    logout(request)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages and API answers may carry personal data: browsers and proxies must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
