"""import_100k_s: 100,000 offence rows validated and loaded through the import service (target < 30 s).

A synthetic CSV (35,000 suspects, 60,000 victims, the active policy's codes, dates within two years)
is written to a temporary file, then `offences_import` runs on it exactly as the command does: the
streaming parse, every check, the bulk load, the audit events and the batch record, committed. It
runs a second time to time the idempotent re-import (nothing changes). Re-scoring is queued by the
scoring app after commit and is measured by its own figures; here the hand-off is recorded instead
of queued, so the bench never feeds tasks to a worker serving another database.
"""

import csv
import datetime as dt
import os
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .core import Figure, stopwatch

if TYPE_CHECKING:  # Django modules load only once the benchmark has configured settings
    from offenders.imports.batches import ImportReport

NAME = "imports"
ROWS = 100_000
SUSPECTS = 35_000
VICTIMS = 60_000
PREFIX = "BENCH/IMP/"
RELATIONSHIPS = ["partner", "ex_partner", "family", "stranger", ""]
COLUMNS = [
    "crime_ref", "offence_code", "occurred_on", "reported_on", "status", "suspect_ref", "suspect_surname",
    "suspect_forenames", "suspect_dob", "suspect_sex", "suspect_ethnicity", "victim_ref", "victim_relationship",
    "borough", "domestic",
]  # fmt: skip


def _write_csv(path: Path, codes: list[str], *, seed: int = 7) -> None:
    rng = random.Random(seed)
    today = dt.date.today()
    statuses = ["reported", "investigating", "charged", "convicted", "nfa", "acquitted", "cancelled"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(ROWS):
            suspect = rng.randrange(SUSPECTS)
            occurred = today - dt.timedelta(days=rng.randrange(1, 730))
            reported = min(today, occurred + dt.timedelta(days=rng.randrange(0, 30)))
            srng = random.Random(suspect)  # a suspect's details are the same on every row
            writer.writerow([
                f"{PREFIX}{n:07d}", rng.choice(codes), occurred.isoformat(), reported.isoformat(), rng.choice(statuses),
                f"{PREFIX}S{suspect:06d}", f"Surname{suspect}", f"Forename{suspect % 977}",
                (dt.date(1950, 1, 1) + dt.timedelta(days=srng.randrange(20000))).isoformat(),
                srng.choice(["male", "female", "other", "unknown"]), srng.choice(["W1", "B2", "A1", "M3", ""]),
                f"{PREFIX}V{rng.randrange(VICTIMS):06d}", rng.choice(RELATIONSHIPS),
                rng.choice(["Camden", "Hackney", "Newham", ""]), rng.choice(["true", "false"]),
            ])  # fmt: skip


def _forget_previous_run() -> None:
    """Each run measures a fresh load: earlier bench rows go first (never anything else)."""
    from django.db import connection

    from offenders.models import Offence, Offender, Victim

    Offence.objects.filter(crime_ref__startswith=PREFIX).delete()
    Offender.objects.filter(suspect_ref__startswith=PREFIX).delete()
    Victim.objects.filter(victim_ref__startswith=PREFIX).delete()
    if connection.vendor == "postgresql":  # the deleted rows' space and fresh statistics, as a new site has
        with connection.cursor() as cursor:
            for model in (Offence, Offender, Victim):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _timed_import(path: Path, handed_off: list[int]) -> tuple[float, float, "ImportReport"]:
    from offenders.imports.sources import Upload
    from offenders.services import imports
    from portal.accounts.permissions import SYSTEM

    original = imports.offences_changed
    imports.offences_changed = lambda *, offender_ids: handed_off.append(len(list(offender_ids)))
    try:
        cpu_started = time.process_time()
        with path.open("rb") as stream, stopwatch() as elapsed:
            report = imports.offences_import(upload=Upload(stream, path.name, path.stat().st_size), by=SYSTEM)
        return elapsed(), time.process_time() - cpu_started, report
    finally:
        imports.offences_changed = original


def run(context) -> list[Figure]:
    from offenders.imports.harm_codes import active_harm_codes

    codes = sorted(active_harm_codes()[0])
    _forget_previous_run()
    dataset = f"{ROWS:,} rows, {SUSPECTS:,} suspects, {VICTIMS:,} victims ({context.vendor})"
    handed_off: list[int] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench_offences.csv"
        _write_csv(path, codes)
        first_s, first_cpu_s, first = _timed_import(path, handed_off)
        again_s, _again_cpu_s, again = _timed_import(path, handed_off)
    if not first.loaded or first.batch.rows_created != ROWS or again.batch.rows_unchanged != ROWS:
        problems = (first.problems.as_texts() + again.problems.as_texts())[:5]
        raise RuntimeError(f"bench import did not load as expected: {first.batch} / {again.batch}: {problems}")
    load = os.getloadavg()[0]
    print(f"   machine load average {load:.1f}; import {first_s:.1f} s, re-import {again_s:.1f} s")
    print(f"   {handed_off[0]:,} offenders handed to re-scoring in one call")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        Figure("import_100k_s", round(first_s, 2), "s", "< 30 s", dataset),
        Figure("import_100k_python_cpu_s", round(first_cpu_s, 2), "s", None, dataset + "; this process's CPU"),
        Figure("import_100k_again_s", round(again_s, 2), "s", None, dataset + "; unchanged re-import"),
        Figure("import_100k_peak_rss_mb", round(peak_mb, 1), "MB", None, dataset + "; process peak"),
    ]
