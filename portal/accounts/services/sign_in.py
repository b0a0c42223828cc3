"""Sign-in, sign-out and sessions: the record of each attempt (succeeded, failed, refused by a lockout,
a token refused) and of each session ended by the policy.

These are records of an attempt, which nobody needs permission to make, so none takes `by`. The
attempted username is kept as typed, never a password or a token (docs/access-and-audit.md).
"""

from django.contrib.auth import logout
from django.utils import timezone

from portal.audit.services import audit_record

from ..models import User

PAIR_LIMIT = "username and address"
ADDRESS_LIMIT = "address"


def login_succeeded(*, user) -> None:
    audit_record(action="auth.login", target=user, object_repr=user.username)


def login_failed(*, username: str, reason: str = "bad credentials") -> None:
    """A failed sign-in; the actor is nobody yet, so the attempted username is the target."""
    user = User.objects.filter(username=username).first() if username else None
    audit_record(
        action="auth.login_failed",
        target_type="accounts.user",
        target_id=user.pk if user else "",
        object_repr=username[:150],
        changes={"reason": reason},
    )


def token_refused(*, reason: str) -> None:
    """An API request whose token is unknown, expired, revoked or a deactivated user's: the API's failed
    sign-in. Only the reason is kept, never the token (not even its prefix: it may be a pasted secret)."""
    audit_record(
        action="auth.login_failed",
        target_type="accounts.apitoken",
        changes={"reason": reason, "method": "token"},
    )


def login_locked_out(*, username: str, limit: str = PAIR_LIMIT, method: str = "password") -> None:
    """A sign-in refused unchecked: the username and address pair is locked (django-axes), or the
    address has failed too often across usernames (`selectors.sign_in_address_wait`). Records which
    limit and the attempted username as typed (empty for a token), never whether it exists."""
    audit_record(
        action="auth.lockout_refused",
        target_type="accounts.user" if method == "password" else "accounts.apitoken",
        object_repr=username[:150],
        changes={"limit": limit, "method": method},
    )


def logout_recorded(*, user) -> None:
    if user is not None and user.is_authenticated:
        audit_record(action="auth.logout", target=user, object_repr=user.username)


def session_end(*, request, reason: str) -> None:
    """End a session the policy no longer allows (idle, 12-hour limit, revoked), and record why."""
    user = request.user
    audit_record(action="auth.session_ended", target=user, object_repr=user.username, changes={"reason": reason})
    logout(request)


def _sessions_delete(user) -> None:
    """Delete the user's stored sessions (database sessions keep the user id in the payload)."""
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
