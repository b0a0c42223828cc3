"""What a person signs in with besides a password: the TOTP authenticator (enrolled by its owner at the
first sign-in, reset by an administrator) and API tokens (issued and revoked by an administrator).

No TOTP secret or token key ever reaches an audit event; only a token's SHA-256 is stored.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.audit.services import audit_record

from ..models import ApiToken
from ..permissions import person_of, refuse, require
from ..totp import totp_device_of
from .sign_in import _sessions_delete
from .users import MANAGE_REFUSAL


def totp_enrolment_begin(*, user, by):
    """The authenticator a person is enrolling at their first sign-in (password checked, no code yet):
    an unconfirmed TOTP device, the same one on every reload until it is confirmed. `by` is that person;
    nobody else may enrol for them (an administrator resets, the person enrols)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if by.pk != user.pk or totp_device_of(user) is not None:
        refuse(person_of(by), "An authenticator is enrolled by its owner, once.", capability="mfa.enrol", target=user)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        with transaction.atomic():
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
            audit_record(action="user.totp_enrol_start", target=user, object_repr=user.username)
    return device


def totp_enrolment_confirm(*, device, token: str, by) -> bool:
    """Confirm an enrolling authenticator with a code from it; returns whether the code was right. The
    secret itself is never recorded, only that the person enrolled."""
    if by.pk != device.user_id or device.confirmed:
        refuse(person_of(by), "An authenticator is enrolled by its owner, once.", capability="mfa.enrol")
    if not device.verify_token(token.strip()):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        type(device).objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        audit_record(action="user.totp_enrol", target=device.user, object_repr=device.user.username)
    return True


def totp_reset(*, user, by) -> None:
    """Remove a person's authenticator (lost phone): they enrol a new one at their next sign-in, and
    every session they hold ends now. An administrator, never for themselves."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require(by, "users.manage", refusal=MANAGE_REFUSAL)
    if by.pk == user.pk:
        raise ValidationError("You cannot reset your own authenticator; ask another administrator.")
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        user.sessions_valid_after = timezone.now()
        user.save(update_fields=["sessions_valid_after"])
        _sessions_delete(user)
        audit_record(action="user.totp_reset", target=user, object_repr=user.username, changes={"devices": removed})


def token_issue(*, user, days: int | None = None, by) -> tuple[ApiToken, str]:
    """Issue an API token for an existing, active person; returns (token, key). Only the SHA-256 of the
    key is stored, so the key is shown once. An administrator, or SYSTEM (`issuetoken`)."""
    require(by, "users.manage", refusal=MANAGE_REFUSAL, system=True)
    days = settings.PORTAL_TOKEN_DAYS if days is None else days
    if days < 1 or days > 366:
        raise ValidationError("A token lasts between 1 and 366 days.")
    if not user.is_active:
        raise ValidationError(f"{user.username} is deactivated.")
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, key_hash=ApiToken.hash_key(key), prefix=key[:8], expires_at=timezone.now() + timedelta(days=days)
        )
        audit_record(
            action="token.issue",
            target=token,
            object_repr=f"{token.prefix}… for {user.username}",
            changes={"user": user.username, "expires_at": token.expires_at.isoformat()},
        )
    return token, key


def token_revoke(*, token, by) -> bool:
    """Revoke an API token (the Django admin's action); a revoked token never works again. Returns
    whether it was still live."""
    require(by, "users.manage", refusal=MANAGE_REFUSAL)
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if updated:
            audit_record(action="token.revoke", target=token, object_repr=f"{token.prefix}… for {token.user.username}")
    return bool(updated)
