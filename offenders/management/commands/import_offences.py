"""manage.py import_offences FILE.csv [--dry-run] (README.md and docs/imports.md)."""

from functools import partial

from django.core.management.base import BaseCommand

from offenders.imports.commands import run_import, write_report
from offenders.services.imports import offences_import


class Command(BaseCommand):
    help = "Import offences from a UTF-8 CSV: every row loads or none does. Exit 0 only when every row loaded."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8, header row, one offence a row).")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, then write nothing.")
        parser.add_argument("--user", help="The portal admin to record as importing (default: the OS account).")

    def handle(self, *args, **options):
        report = run_import(options, partial(offences_import, dry_run=options["dry_run"]))
        write_report(self, report, what="file")
