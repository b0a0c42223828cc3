"""The client's address, as lockout and audit both see it.

Behind N trusted reverse proxies (PORTAL_PROXY_COUNT) the client is the Nth address from the right
of X-Forwarded-For: entries further left were written by the client and could be forged to dodge
the lockout. With no proxy, only REMOTE_ADDR counts and X-Forwarded-For is ignored.
"""

from django.conf import settings


def client_ip(request) -> str:
    proxies = getattr(settings, "PORTAL_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
