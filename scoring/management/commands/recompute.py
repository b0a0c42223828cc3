"""`manage.py recompute [--wait]`: queue a full recompute through Celery; --wait prints progress until done."""

import time

from django.core.management.base import BaseCommand, CommandError

from portal.accounts.permissions import SYSTEM
from portal.audit.context import AuditContext, audit_context
from scoring import services
from scoring.models import ScoringPolicy, ScoringRun


class Command(BaseCommand):
    help = "Queue a full recompute of every score (a Celery worker runs it); --wait blocks until it ends."

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true", help="Print progress until the run ends.")
        parser.add_argument("--timeout", type=float, default=3600, help="Give up waiting after this many seconds.")
        parser.add_argument("--no-publish", action="store_true", help="Refresh scores without publishing a snapshot.")

    def handle(self, *args, wait: bool, timeout: float, no_publish: bool, **options):
        try:
            with audit_context(AuditContext(actor_username="manage.py recompute", channel="command")):
                run, created = services.run_start(by=SYSTEM, reason="command", publish=not no_publish)
        except ScoringPolicy.DoesNotExist as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"run {run.pk} {'queued' if created else 'already ' + run.status} (policy v{run.policy.version})"
        )
        if not wait:
            return
        self._follow(run.pk, timeout)

    def _follow(self, run_id: int, timeout: float) -> None:
        deadline, last = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            run = ScoringRun.objects.get(pk=run_id)
            line = f"run {run.pk} {run.status} {run.progress * 100:5.1f}% ({run.chunks_done}/{run.chunks_total} chunks)"
            if line != last:
                self.stdout.write(line)
                last = line
            if run.status == ScoringRun.Status.SUCCEEDED:
                summary = f"{run.offenders_scored} offenders scored, {run.ranked_count} ranked"
                self.stdout.write(self.style.SUCCESS(f"done: {summary} in {run.duration_seconds} s"))
                return
            if run.status == ScoringRun.Status.FAILED:
                raise CommandError(f"run {run.pk} failed: {run.error}")
            time.sleep(0.5)
        raise CommandError(f"run {run_id} still {run.status} after {timeout:g} s (is a Celery worker running?)")
