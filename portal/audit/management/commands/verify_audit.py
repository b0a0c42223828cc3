"""`manage.py verify_audit`: exit 0 with the count when the chain is intact, 1 with the first broken
event when not."""

from django.core.management.base import BaseCommand, CommandError

from portal.audit.context import context_for_user, reset_context, set_context
from portal.audit.services import audit_record
from portal.audit.verify import audit_chain_verify


class Command(BaseCommand):
    help = "Check the whole audit hash chain (edited, deleted or reordered events)."

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if not report.ok:
            sequence = "" if report.first_broken_sequence is None else f" (sequence {report.first_broken_sequence})"
            raise CommandError(
                f"audit chain BROKEN at event id {report.first_broken}{sequence}: "
                f"{report.problem}; {report.checked} events before it are intact."
            )
        token = set_context(context_for_user(None, channel="command"))
        try:
            audit_record(action="audit.verify", changes={"ok": True, "checked": report.checked})
        finally:
            reset_context(token)
        self.stdout.write(f"audit chain intact: {report.checked} events checked; head {report.head_hash}")
