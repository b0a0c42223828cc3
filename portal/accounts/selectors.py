"""Reads about sign-in (whether an address is refused for too many failed sign-ins across usernames) and
about partners (which information-sharing agreement, if any, lets a partner see anything today)."""

import math
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from portal.audit.models import AuditEvent

from .models import SharingAgreement
from .roles import Role, user_role

SIGN_IN_FAILED = "auth.login_failed"  # password, authenticator code or API token (portal.accounts.services.sign_in)


def sign_in_address_wait(*, address: str, now: datetime | None = None) -> int:
    """Seconds until `address` may try to sign in again; 0 when it may now.

    After PORTAL_SIGN_IN_ADDRESS_FAILURES failures within PORTAL_SIGN_IN_ADDRESS_MINUTES, whatever the
    usernames, the address is refused for those minutes from the last failure: password spraying is
    slowed, while an office behind one address survives its typos. The failures are read from the
    audit log, where every one is written (its index on action and time keeps this a short range
    read), so the limit counts exactly what oversight sees. A refused attempt is not a failure, so
    the refusal ends on time.
    """
    limit = settings.PORTAL_SIGN_IN_ADDRESS_FAILURES
    period = timedelta(minutes=settings.PORTAL_SIGN_IN_ADDRESS_MINUTES)
    now = now or timezone.now()
    latest = list(
        AuditEvent.objects.filter(action=SIGN_IN_FAILED, client_address=address, occurred_at__gt=now - 2 * period)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)[:limit]
    )
    if len(latest) < limit or latest[0] - latest[-1] >= period:
        return 0
    return max(0, math.ceil((latest[0] + period - now).total_seconds()))


def api_tokens_listed(*, limit: int = 200):
    """The API tokens an administrator manages on the tokens page: newest first, with their holders."""
    from .models import ApiToken

    return ApiToken.objects.select_related("user").order_by("-created_at", "-pk")[:limit]


def token_holders():
    """The active people a token may be issued to (any role: a token acts with its holder's rights)."""
    from .models import User

    return User.objects.filter(is_active=True).order_by("username")


def partner_agreement(user: Any) -> SharingAgreement | None:
    """The agreement in force today for this partner's organisation (the latest-ending one), or None: no
    organisation, no agreement, or outside its dates. Cached on the user for the request."""
    if user_role(user) != Role.PARTNER:
        return None
    if not hasattr(user, "_portal_agreement"):
        agreements = SharingAgreement.objects.in_force().select_related("organisation")
        user._portal_agreement = (
            agreements.filter(organisation_id=user.organisation_id).order_by("-ends_on", "-id").first()
            if user.organisation_id
            else None
        )
    return user._portal_agreement


def is_partner(user: Any) -> bool:
    return user_role(user) == Role.PARTNER


def partner_refused(user: Any) -> bool:
    """A partner with no agreement in force: every request of theirs is refused (403)."""
    return is_partner(user) and partner_agreement(user) is None
