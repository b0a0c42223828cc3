"""`manage.py createuser USERNAME --role ROLE [--restricted-access] [--organisation NAME]` (README.md)."""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.permissions import SYSTEM
from portal.accounts.roles import Role
from portal.accounts.services import user_create
from portal.audit.context import context_for_user, reset_context, set_context


class Command(BaseCommand):
    help = "Create a portal user with one role; the password comes from PORTAL_PASSWORD or a prompt."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"one of: {', '.join(r.value for r in Role)}")
        parser.add_argument("--restricted-access", action="store_true", help="officers and supervisors only")
        parser.add_argument(
            "--organisation", default="", help="partners only: their agency (created if new; docs/partners.md)"
        )

    def handle(self, *args, username, role, restricted_access, organisation="", **options):
        if role not in {r.value for r in Role}:
            raise CommandError(f"Unknown role {role!r}; choose one of: {', '.join(r.value for r in Role)}.")
        password = os.environ.get("PORTAL_PASSWORD") or self._prompt()
        token = set_context(context_for_user(None, channel="command"))
        try:
            user, secret = user_create(
                username=username,
                role=role,
                password=password,
                restricted_access=restricted_access,
                organisation=organisation,
                by=SYSTEM,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        finally:
            reset_context(token)
        self.stdout.write(f"created {user.username} ({role}{', restricted access' if restricted_access else ''})")
        if secret:
            self.stdout.write("Add this secret to an authenticator app; the sign-in page asks for its code.")
            self.stdout.write(f"totp-secret: {secret}")

    def _prompt(self) -> str:
        try:
            first = getpass.getpass("Password: ")
            second = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError("No password given (set PORTAL_PASSWORD or type one).") from None
        if first != second:
            raise CommandError("The two passwords differ.")
        return first
