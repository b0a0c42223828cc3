"""What the two import commands share: opening the file, acting as someone, printing the report."""

import getpass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from portal.accounts.permissions import SYSTEM, role_allows
from portal.audit.context import AuditContext, context_for_user, reset_context, set_context

from .batches import ImportReport
from .sources import Upload


def command_context(username: str | None):
    """(user, audit context): a named portal admin, or the operating-system account running the command."""
    if not username:
        return None, AuditContext(actor_username=f"{getpass.getuser()} (command line)", channel="command")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or not role_allows(user, "import.run"):
        raise CommandError(f"'{username}' is not an active admin (only admins may import).")
    return user, context_for_user(user, channel="command")


def run_import(options: dict, service) -> ImportReport:
    """Open the file, act as the chosen admin (or the OS account), and call `service(upload=, by=)`: the
    admin named by --user, else the portal itself (SYSTEM: whoever may run manage.py may import)."""
    user, context = command_context(options.get("user"))
    upload = open_upload(options["file"])
    token = set_context(context)
    try:
        with upload.stream:
            return service(upload=upload, by=user or SYSTEM)
    finally:
        reset_context(token)


def open_upload(path_text: str) -> Upload:
    path = Path(path_text)
    if not path.is_file():
        raise CommandError(f"{path_text}: no such file.")
    return Upload(stream=path.open("rb"), name=path.name, size=path.stat().st_size)


def write_report(command, report: ImportReport, *, what: str) -> None:
    """Counts on stdout; every kept problem on stderr as `line N, column C: ...`; exit 1 unless all was well."""
    batch = report.batch
    for problem in report.problems.kept:
        command.stderr.write(problem.as_text())
    if report.problems.total > len(report.problems.kept):
        command.stderr.write(f"... and {report.problems.total - len(report.problems.kept)} more problems.")
    details = ", ".join(f"{name} {value}" for name, value in batch.details.items() if type(value) is int)
    command.stdout.write(
        f"batch {batch.pk}: {batch.outcome}; rows read {batch.rows_read}, created {batch.rows_created}, "
        f"updated {batch.rows_updated}, unchanged {batch.rows_unchanged}, skipped {batch.rows_skipped}"
        + (f" ({details})" if details else "")
    )
    if not report.ok:
        raise CommandError(f"Nothing loaded: {report.problems.total} problem(s) in {batch.file_name}.")
    if batch.outcome == "dry_run":
        command.stdout.write(f"Dry run: the {what} would load; nothing was written.")
