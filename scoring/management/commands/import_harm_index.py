"""manage.py import_harm_index FILE.xlsx --name NAME (README.md and docs/imports.md)."""

from functools import partial

from django.core.management.base import BaseCommand

from offenders.imports.commands import run_import, write_report
from scoring.services.harm_index import harm_index_import


class Command(BaseCommand):
    help = "Create a new DRAFT scoring policy from a harm-index workbook (Cambridge Crime Harm Index layout)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The workbook (.xlsx).")
        parser.add_argument("--name", required=True, help="The new draft policy's name.")
        parser.add_argument("--user", help="The portal admin to record as author (default: the OS account).")

    def handle(self, *args, **options):
        report = run_import(options, partial(harm_index_import, name=options["name"]))
        write_report(self, report, what="workbook")
        details = report.batch.details
        self.stdout.write(
            f"Draft policy v{details.get('policy_version')} '{options['name']}' (id {details.get('policy_id')}) "
            f"with {report.batch.rows_created} entries; {details.get('expired_skipped', 0)} expired rows skipped. "
            "A second admin must approve it before it can be activated."
        )
