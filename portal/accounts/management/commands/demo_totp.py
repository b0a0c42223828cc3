"""`manage.py demo_totp USERNAME`: the current authenticator code for a user's TOTP device.

For the demo accounts only in spirit: it reads the device secret from the database, which an
operator could do anyway; it is audited so its use is visible."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.totp import totp_code, totp_device_of, totp_secret_of
from portal.audit.context import context_for_user, reset_context, set_context
from portal.audit.services import audit_record


class Command(BaseCommand):
    help = "Print the current six-digit TOTP code for a user (demo and testing aid)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        device = totp_device_of(user) if user else None
        if device is None:
            raise CommandError(f"{username!r} has no authenticator enrolled.")
        token = set_context(context_for_user(None, channel="command"))
        try:
            audit_record(action="auth.totp_code_shown", target=user, object_repr=username)
        finally:
            reset_context(token)
        self.stdout.write(totp_code(totp_secret_of(device)))
