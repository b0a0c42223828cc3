"""TOTP second factor (django-otp): enrolment, the base32 secret authenticator apps take, and codes.

`python -m portal.accounts.totp BASE32SECRET` prints the current six-digit code for a secret, so a
demo user (or a script) can sign in without a phone.
"""

import base64
import binascii
import sys
import time

from django_otp.oath import TOTP


def secret_to_hex(secret_base32: str) -> str:
    """Authenticator apps show base32; django-otp stores hex."""
    cleaned = secret_base32.strip().replace(" ", "").upper()
    cleaned += "=" * (-len(cleaned) % 8)
    return base64.b32decode(cleaned).hex()


def hex_to_secret(key_hex: str) -> str:
    return base64.b32encode(binascii.unhexlify(key_hex)).decode().rstrip("=")


def totp_code(secret_base32: str, *, at: float | None = None) -> str:
    """The six-digit code for a base32 secret now (or at a given Unix time)."""
    totp = TOTP(binascii.unhexlify(secret_to_hex(secret_base32)), step=30, t0=0, digits=6)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


def totp_device_enrol(*, user, secret_base32: str | None = None):
    """Give `user` one confirmed TOTP device (replacing any others); returns the device.

    A fixed secret is only for demo accounts; real accounts get a random one.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    fields = {"key": secret_to_hex(secret_base32)} if secret_base32 else {}
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True, **fields)


def totp_device_of(user):
    """The user's confirmed TOTP device, or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def totp_secret_of(device) -> str:
    return hex_to_secret(device.key)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m portal.accounts.totp BASE32SECRET", file=sys.stderr)
        return 2
    try:
        print(totp_code(argv[0]))
    except (binascii.Error, ValueError):
        print("not a base32 secret", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
