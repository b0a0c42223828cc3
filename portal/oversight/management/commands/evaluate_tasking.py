"""manage.py evaluate_tasking [--json] [--horizon DAYS]: does tasking reduce harm? (docs/evaluation.md)

Prints the evaluation as a table, or with --json the same JSON as `reports/evaluation/`. It counts what
admin and oversight see: every offender but the restricted.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from portal.oversight.selectors.evaluation import DEFAULT_HORIZON_DAYS, tasking_evaluation


class Command(BaseCommand):
    help = "Evaluate tasking against a comparison group (difference in differences and regression discontinuity)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the JSON of reports/evaluation/")
        parser.add_argument("--horizon", type=int, default=DEFAULT_HORIZON_DAYS, help="days before and after (180)")

    def handle(self, *args, json: bool, horizon: int, **options):
        if not 30 <= horizon <= 730:
            raise CommandError("--horizon must be between 30 and 730 days.")
        answer = tasking_evaluation(user=None, horizon_days=horizon)
        if json:
            self.stdout.write(_dumps(answer))
            return
        self.stdout.write(f"Horizon: {horizon} days before and after each ranking; {len(answer['cohorts'])} cohorts.")
        self.stdout.write(f"{'method':<6} {'outcome':<10} {'effect':>8} {'95% CI':>20} {'tasked':>7} {'compared':>9}")
        for row in answer["estimates"]:
            interval = f"{row['ci_low']:+.1%} to {row['ci_high']:+.1%}"
            self.stdout.write(
                f"{row['method']:<6} {row['outcome']:<10} {row['effect']:>+8.1%} {interval:>20} "
                f"{row['n_treated']:>7} {row['n_comparison']:>9}"
            )
        for warning in answer["warnings"]:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        for sentence in answer["summary"]:
            self.stdout.write(sentence)


def _dumps(answer: dict) -> str:
    return json.dumps(answer, indent=2, default=str)
