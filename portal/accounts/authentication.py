"""Token authentication with expiry and revocation; tokens are looked up by their SHA-256."""

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; an expired, revoked or deactivated user's token is refused."""

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
