"""The tasking evaluation and the oversight reports at size: `evaluation_s` and `report_max_ms`.

For each size: the synthetic data set with 12 months of history and a planted effect (`seed_demo
--history-months 12 --tasking-effect -0.4`, docs/evaluation.md) and, on PostgreSQL, `ANALYZE`; then the
evaluation timed whole (its cohorts, the per-offender sums in the database and the statsmodels fits), then
every oversight report built for an oversight reader with each table's first page read (what a page or the
API shows), the slowest in milliseconds. Targets: evaluation under 30 s and every report under 1 s at 350,000 offenders.
"""

import io

from django.core.management import call_command
from django.db import connection

from .core import BenchContext, Figure, median, stopwatch
from .datasets import clear

NAME = "evaluation"
HISTORY_MONTHS = 12
REPORT_RUNS = 3


def run(context: BenchContext) -> list[Figure]:
    figures: list[Figure] = []
    largest = max(context.sizes)
    for size in context.sizes:
        suffix = "" if size == largest else f"@{size}"
        figures.extend(_one_size(size, suffix))
    return figures


def suspects_a_year(size: int) -> int:
    """`seed_demo --offenders` is the suspects named in the year to the anchor, and a history adds the
    earlier months' suspects (docs/offenders.md): the figure that makes `size` offenders in all, so the
    targets are read at the size they are set for (350,000 offenders, history included)."""
    from offenders.seeding.people import earlier_suspects

    per_year = size
    while per_year + earlier_suspects(per_year, HISTORY_MONTHS) > size:
        per_year = round(size * per_year / (per_year + earlier_suspects(per_year, HISTORY_MONTHS))) - 1
    return per_year


def _seed(size: int) -> float:
    from cases.models import Case
    from scoring.models import RankingSnapshot

    Case.objects.all().delete()
    RankingSnapshot.objects.all().delete()
    clear()
    with stopwatch() as elapsed:
        options = ["--seed", "15", "--history-months", str(HISTORY_MONTHS), "--tasking-effect", "-0.4"]
        call_command("seed_demo", "--offenders", str(suspects_a_year(size)), *options, stdout=io.StringIO())
    _analyze()
    return elapsed()


def _analyze() -> None:
    """Planner statistics for the rows just written, as the other benchmarks take after generating (and
    as autovacuum would in service): without them PostgreSQL plans every report for near-empty tables."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _reader():
    from django.contrib.auth.models import Group

    from portal.accounts.models import User

    user, _ = User.objects.get_or_create(username="bench_oversight")
    user.groups.set([Group.objects.get(name="oversight")])
    return User.objects.get(pk=user.pk)


def _report_ms(name: str, user) -> float:
    from portal.oversight.selectors import report_build
    from portal.oversight.selectors.base import Period

    samples = []
    for _ in range(REPORT_RUNS):
        with stopwatch() as elapsed:
            report = report_build(name, user=user, period=Period.default())
            for table in report.tables:
                table.preview()
        samples.append(elapsed() * 1000)
    return median(samples)


def _one_size(size: int, suffix: str) -> list[Figure]:
    from offenders.models import Offender
    from portal.oversight.selectors import REPORTS
    from portal.oversight.selectors.evaluation import tasking_evaluation

    seeded = _seed(size)
    label = f"{Offender.objects.count()} offenders, {HISTORY_MONTHS} months of history ({connection.vendor})"
    print(f"   {label}: seeded in {seeded:.1f} s", flush=True)
    with stopwatch() as elapsed:
        answer = tasking_evaluation(user=None)
    evaluation = elapsed()
    print(f"   evaluation{suffix}: {evaluation:.2f} s, {len(answer['cohorts'])} cohorts", flush=True)
    reader = _reader()
    reports = {name: _report_ms(name, reader) for name in REPORTS}
    slowest = max(reports, key=lambda name: reports[name])
    for name, ms in reports.items():
        print(f"   report {name}{suffix}: {ms:.0f} ms", flush=True)
    return [
        Figure("seed_with_history_s" + suffix, seeded, "s", None, label),
        Figure("evaluation_s" + suffix, evaluation, "s", "< 30", label),
        Figure("report_max_ms" + suffix, reports[slowest], "ms", "< 1000", f"{label}; slowest: {slowest}"),
    ]
