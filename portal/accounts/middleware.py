"""Session policy, the MFA gate and caching policy that apply to every request."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .permissions import Refused
from .roles import ROLES_NEEDING_MFA, Role, user_role
from .selectors import partner_refused
from .services import session_end

LOGIN_STARTED_KEY = "portal_login_at"
LAST_SEEN_KEY = "portal_last_seen"


def session_end_reason(request, user, now: float) -> str:
    """Why this session must end now ("" when it may go on): idle, absolute limit or revocation."""
    started = request.session.get(LOGIN_STARTED_KEY)
    last_seen = request.session.get(LAST_SEEN_KEY)
    if started is None:
        return ""
    if now - started > settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute limit"
    if last_seen is not None and now - last_seen > settings.SESSION_COOKIE_AGE:
        return "idle"
    if user.sessions_valid_after and user.sessions_valid_after.timestamp() > started:
        return "revoked"
    return ""


class SessionLimitMiddleware:
    """End a session after 30 idle minutes and 12 hours after login whatever the activity, and at once
    when the user was deactivated or their sessions revoked after it began. The cookie age enforces
    idleness in the browser; this enforces both limits on the server, where a copied cookie lands."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            reason = session_end_reason(request, user, now)
            if reason:
                session_end(request=request, reason=reason)
                if not request.path.startswith("/api/"):
                    return redirect_to_login(request.path)
            else:
                request.session.setdefault(LOGIN_STARTED_KEY, now)
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


MFA_EXEMPT_PREFIXES = ("/accounts/login/", "/accounts/logout/")


class MfaRequiredMiddleware:
    """Admin and oversight sessions without a verified TOTP code are refused everything but signing in:
    the session is ended and the person sent back to the login page (API calls continue anonymous,
    so only a token can authenticate them). Also keeps the Django admin to the admin role."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(MFA_EXEMPT_PREFIXES):
            if user_role(user) in ROLES_NEEDING_MFA and not user.is_verified():
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect_to_login(request.path)
            elif request.path.startswith("/admin/") and user_role(user) != Role.ADMIN:
                raise PermissionDenied("the Django admin is for administrators")
        return self.get_response(request)


class PartnerAgreementMiddleware:
    """A partner whose organisation has no information-sharing agreement in force today (none, not yet
    started or ended) is refused every request but signing in and out: a 403, audited
    (docs/partners.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and not request.path.startswith(MFA_EXEMPT_PREFIXES) and partner_refused(user):
            raise Refused("Your organisation has no information-sharing agreement in force today.")
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
