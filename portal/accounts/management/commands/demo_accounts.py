"""`manage.py demo_accounts`: one account per role (plus a second admin for four-eyes approval and a
supervisor with restricted access), idempotent, with known passwords and TOTP secrets printed.

Demo only: the passwords and secrets are public. Never run it against real data.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.accounts.permissions import SYSTEM
from portal.accounts.roles import ROLES_NEEDING_MFA, Role
from portal.accounts.services import user_create, user_role_set
from portal.accounts.totp import totp_device_enrol, totp_device_of, totp_secret_of
from portal.audit.context import context_for_user, reset_context, set_context

DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_ACCOUNTS = (
    # username, role, restricted access, password
    ("officer", Role.OFFICER, False, "demo-officer-pass-2026"),
    ("supervisor", Role.SUPERVISOR, False, "demo-supervisor-pass-2026"),
    ("supervisor_restricted", Role.SUPERVISOR, True, "demo-restricted-pass-2026"),
    ("admin", Role.ADMIN, False, "demo-admin-pass-2026"),
    ("admin2", Role.ADMIN, False, "demo-admin2-pass-2026"),
    ("oversight", Role.OVERSIGHT, False, "demo-oversight-pass-2026"),
)


class Command(BaseCommand):
    help = "Create (or reset) the demo accounts and print their credentials."

    def handle(self, *args, **options):
        token = set_context(context_for_user(None, channel="command"))
        try:
            rows = [self._ensure(*account) for account in DEMO_ACCOUNTS]
        finally:
            reset_context(token)
        self._print(rows)

    def _ensure(self, username, role, restricted, password):
        User = get_user_model()
        with transaction.atomic():
            user = User.objects.filter(username=username).first()
            if user is None:
                user, _ = user_create(
                    username=username, role=role.value, password=password, restricted_access=restricted,
                    totp_secret=DEMO_TOTP_SECRET if role in ROLES_NEEDING_MFA else None, by=SYSTEM,
                )  # fmt: skip
            else:
                user.set_password(password)
                user.is_active = True
                user.save(update_fields=["password", "is_active"])
                user_role_set(user=user, role=role, restricted_access=restricted, audit=False, by=SYSTEM)
                device = totp_device_of(user)
                if role in ROLES_NEEDING_MFA and (device is None or totp_secret_of(device) != DEMO_TOTP_SECRET):
                    totp_device_enrol(user=user, secret_base32=DEMO_TOTP_SECRET)
        secret = DEMO_TOTP_SECRET if role in ROLES_NEEDING_MFA else "-"
        return username, role.value + (" + restricted access" if restricted else ""), password, secret

    def _print(self, rows):
        header = ("username", "role", "password", "TOTP secret")
        widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(4)]
        line = "  ".join(f"{{:<{width}}}" for width in widths)
        self.stdout.write("Demo accounts (synthetic data only; these credentials are public):")
        self.stdout.write(line.format(*header))
        self.stdout.write(line.format(*("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line.format(*row))
        self.stdout.write(
            "Admin and oversight sign in with a TOTP code: add the secret to an authenticator app, or run "
            f"`.venv/bin/python -m portal.accounts.totp {DEMO_TOTP_SECRET}` "
            "(or `manage.py demo_totp admin`) for the current code."
        )
