"""manage.py seed_demo [--offenders N] [--seed S] [--anchor YYYY-MM-DD] [--if-empty] [--history-months M]
[--tasking-effect E]

The synthetic demonstration data set (README.md): the same seed and anchor date give the
same data. One summary audit event is written, never one per row.

The command runs every app's seeding step, so it lives in the highest app whose data it makes (cases),
where the one-way dependencies allow it to import each step (docs/decisions/0505): people from
offenders.seeding, then cases from cases.seeding. A later step appends itself to SEED_STEPS.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases.history import seed_history
from cases.seeding import seed_cases
from offenders.models import Offender
from offenders.seeding import SeedContext, SeedStep, run_steps
from offenders.seeding.people import seed_people
from portal.audit.context import AuditContext, reset_context, set_context
from portal.audit.services import audit_record

# The steps, in order. Later steps (cases, ...) append themselves here and may read what earlier ones made.
SEED_STEPS: list[SeedStep] = [seed_people, seed_history, seed_cases]

DEFAULT_OFFENDERS = 35_000
DEFAULT_SEED = 2024


class Command(BaseCommand):
    help = "Generate the synthetic demonstration data set (deterministic for a given seed and anchor date)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--offenders", type=int, default=DEFAULT_OFFENDERS,
            help="suspects named in the year to the anchor (35000); --history-months adds earlier ones",
        )  # fmt: skip
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed ({DEFAULT_SEED})")
        parser.add_argument(
            "--anchor", type=dt.date.fromisoformat, default=None, help="the data set's 'today' (default: today)"
        )
        parser.add_argument("--if-empty", action="store_true", help="do nothing when offenders already exist")
        parser.add_argument(
            "--history-months", type=int, default=0, help="months of past rankings and tasking to make (0: none)"
        )
        parser.add_argument(
            "--tasking-effect", type=float, default=0.0,
            help="plant this proportional change in tasked offenders' later harm, e.g. -0.4 (default 0: none)",
        )  # fmt: skip

    def handle(self, *args, offenders: int, seed: int, anchor: dt.date | None, if_empty: bool, **options):
        if offenders < 1:
            raise CommandError("--offenders must be at least 1.")
        history_months, effect = options["history_months"], options["tasking_effect"]
        if not 0 <= history_months <= 60:
            raise CommandError("--history-months must be between 0 and 60.")
        if not -1 <= effect <= 3:
            raise CommandError("--tasking-effect must be between -1 (no later offences) and 3.")
        if if_empty and Offender.objects.exists():
            self.stdout.write("Offenders already exist; nothing seeded (--if-empty).")
            return
        context = SeedContext(
            seed=seed, offenders=offenders, anchor=anchor or timezone.localdate(),
            history_months=history_months, tasking_effect=effect,
        )  # fmt: skip
        if Offender.objects.filter(suspect_ref__startswith=f"{context.tag}-").exists():
            raise CommandError(
                f"The data set for seed {seed} is already loaded (references {context.tag}-...). "
                "Use another --seed, or start from an empty database."
            )
        started = time.monotonic()
        token = set_context(AuditContext(channel="command"))
        try:
            with transaction.atomic():
                run_steps(context, SEED_STEPS, report=self.stdout.write)
                audit_record(
                    action="seed.run",
                    target_type="offenders.offender",
                    object_repr=f"synthetic data set, seed {seed}",
                    changes={
                        "seed": seed,
                        "anchor": context.anchor.isoformat(),
                        "history_months": history_months,
                        "tasking_effect": effect,
                        **context.counts,
                    },  # fmt: skip
                )
        finally:
            reset_context(token)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {context.counts.get('offenders', 0):,} offenders in {time.monotonic() - started:.1f}s"
            )
        )
