"""Token authentication with expiry and revocation; tokens are looked up by their SHA-256."""

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

from .models import ApiToken
from .network import client_ip
from .selectors import sign_in_address_wait
from .services import ADDRESS_LIMIT, login_locked_out


class SignInRefused(exceptions.Throttled):
    """429 with Retry-After: this address has failed to sign in too often (any username, or a token)."""

    default_detail = "Too many failed sign-ins from this address."


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; an expired, revoked or deactivated user's token is refused.

    Presenting a token is signing in: a failure counts towards the address's limit (it is audited as
    a failed sign-in), and while the address is refused every token it presents is refused unread,
    so a guessed token cannot be confirmed there either."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if words and words[0].lower() == self.keyword.lower().encode():  # as DRF recognises a token
            wait = sign_in_address_wait(address=client_ip(request))
            if wait:
                login_locked_out(username="", limit=ADDRESS_LIMIT, method="token")
                raise SignInRefused(wait=wait)
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
            .first()
        )
        if token is None or token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("Invalid or expired token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return (token.user, token)
