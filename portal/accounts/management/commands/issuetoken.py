"""`manage.py issuetoken USERNAME [--days N]`: the token alone on the last line (README.md)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.permissions import SYSTEM
from portal.accounts.services import token_issue
from portal.audit.context import context_for_user, reset_context, set_context


class Command(BaseCommand):
    help = "Issue an expiring API token for an existing user (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="lifetime in days (default 30)")

    def handle(self, *args, username, days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        context = set_context(context_for_user(None, channel="command"))
        try:
            token, key = token_issue(user=user, days=days, by=SYSTEM)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        finally:
            reset_context(context)
        self.stdout.write(f"token for {username}, expires {token.expires_at:%Y-%m-%d %H:%M} UTC; shown once:")
        self.stdout.write(key)
