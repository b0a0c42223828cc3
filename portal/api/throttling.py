"""The API's rate limits: per signed-in user, per address for all signed-in traffic, and per address
for anonymous callers (settings REST_FRAMEWORK: DEFAULT_THROTTLE_CLASSES and _RATES).

Counted in the default cache, which every serving process shares (docs/decisions/0840). Over a limit
the answer is 429 with `Retry-After` (whole seconds until the next request would be let through) and
`{"detail": ...}`; the first refusal of each caller in each period is audited, the rest are not, so a
flood cannot flood the audit log too.
"""

import math

from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from portal.accounts.network import client_ip
from portal.audit.services import audit_refusal

COUNTED = "_portal_rates_counted"
WHOSE = {"user": "per user", "address": "per address", "anon": "per address, not signed in"}


class PortalRate(SimpleRateThrottle):
    """A rate read when the request arrives (not when the module was imported, as DRF's own are), with
    the client address as the portal resolves it: DRF's default would trust a forged X-Forwarded-For."""

    scope: str  # every limit below names one
    num_requests: int  # set by DRF's __init__ from the rate (its stubs omit both)
    duration: int

    def get_rate(self):
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        return super().get_rate()

    def get_ident(self, request) -> str:
        return client_ip(request)

    def counts(self, request) -> str | None:
        """The identity this limit counts the request under, or None when it does not apply."""
        raise NotImplementedError

    def get_cache_key(self, request, view):
        ident = self.counts(request)
        return None if ident is None else self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        setattr(request, COUNTED, True)
        self.request = request
        return super().allow_request(request, view)

    def throttle_failure(self) -> bool:
        """Audit the caller's first refusal until the period frees a request; the rest go unrecorded."""
        if self.cache.add(f"{self.key}_audited", True, self.wait()):
            audit_refusal(request=self.request, reason=f"too many requests ({self.rate} {WHOSE[self.scope]})")
        return False

    def wait(self) -> int:
        """Whole seconds until the oldest request that keeps the caller at the limit leaves the period
        (DRF's own estimate can be None, which would leave a 429 without Retry-After)."""
        at_limit = self.history[self.num_requests - 1] if len(self.history) >= self.num_requests else self.now
        return max(1, math.ceil(at_limit + self.duration - self.now))


class PerUserRate(PortalRate):
    scope = "user"

    def counts(self, request) -> str | None:
        return str(request.user.pk) if request.user.is_authenticated else None


class PerAddressRate(PortalRate):
    """Signed-in traffic from one address, whoever sends it: a ceiling above the per-user rate."""

    scope = "address"

    def counts(self, request) -> str | None:
        return self.get_ident(request) if request.user.is_authenticated else None


class AnonymousPerAddressRate(PortalRate):
    scope = "anon"

    def counts(self, request) -> str | None:
        return None if request.user.is_authenticated else self.get_ident(request)


def count_refused(exc, context):
    """DRF checks permissions before rates, so a refused request (401, 403) would never be counted: a
    caller could send refusals without limit, each one audited. Count it now, unless it already was
    (a refusal of one object comes after the rates); returns the exception to answer with."""
    request, view = context.get("request"), context.get("view")
    refused = isinstance(exc, exceptions.NotAuthenticated | exceptions.PermissionDenied)
    if not refused or request is None or view is None or getattr(request, COUNTED, False):
        return exc
    try:
        view.check_throttles(request)
    except exceptions.Throttled as throttled:
        return throttled
    return exc
