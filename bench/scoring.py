"""Scoring benchmarks (docs/benchmarks.md): recompute against the bare set-based floor and the naive
ORM loop, top-100 page and API latency, profile latency, offence-to-new-rank with a real worker, and
the recompute's peak memory. Writes var/bench/scoring.json."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.db import connection
from django.utils import timezone

from .core import BenchContext, Figure, median, percentile, stopwatch
from .datasets import generate

NAME = "scoring"
ROOT = Path(__file__).resolve().parent.parent
REQUESTS, WARMUP, NAIVE_SAMPLE, RANK_SAMPLES = 60, 10, 300, 20
Measure = tuple[float | None, str, str | None]  # (value, unit, target), as a Figure takes them


def run(context: BenchContext) -> list[Figure]:
    from scoring.services.runs import runs_supersede

    runs_supersede(reason="benchmark start")
    figures: list[Figure] = []
    largest = max(context.sizes)
    for size in context.sizes:
        label = f"{size} offenders ({context.vendor})"
        suffix = "" if size == largest else f"@{size}"
        figures.extend(_one_size(size, label, suffix))
    return figures


def _one_size(size: int, label: str, suffix: str) -> list[Figure]:
    from offenders.models import Offence, Offender

    if os.environ.get("BENCH_REUSE_DATA") == "1" and Offender.objects.count() == size:
        offences, generation = Offence.objects.count(), None  # a re-run on the data already there
    else:
        with stopwatch() as elapsed:
            offences = generate(size)
        generation = elapsed()
        print(f"   {label}: generated {offences} offences in {generation:.1f} s", flush=True)
    label = f"{size} offenders / {offences} offences ({connection.vendor})"
    measures: dict[str, Measure] = {"data_generation_s": (generation, "s", None)}
    _recompute_probe()  # warm-up: the first run inserts every score row; later runs update them
    floor = _best_of(2, _floor)
    _vacuum()
    probe = _recompute_probe()
    naive = _naive_loop_seconds_per_offender() * size
    worker = _start_worker()
    try:
        recompute = _best_of(2, lambda: _recompute_through_workers(publish=False))
        published = _best_of(2, lambda: _recompute_through_workers(publish=True))  # each on a previous snapshot
        measures.update({
            "recompute_s": (recompute, "s", None),
            "floor_s": (floor, "s", None),
            "recompute_vs_floor": (recompute / floor, "ratio", "<= 1.5"),
            "recompute_with_snapshot_s": (published, "s", None),
            "recompute_with_snapshot_vs_floor": (published / floor, "ratio", "<= 1.5"),
            "recompute_serial_with_snapshot_s": (probe["seconds"], "s", None),
            "naive_extrapolated_s": (naive, "s", None),
            "naive_vs_recompute": (naive / recompute, "ratio", ">= 50"),
            "recompute_peak_rss_mb": (probe["peak_rss_mb"], "MB", "flat as data grows"),
        })  # fmt: skip
        preview = _preview_seconds()
        measures["preview_s"] = (preview, "s", None)
        measures["preview_vs_recompute"] = (preview / recompute, "ratio", "<= 2")
        _vacuum()
        measures.update(_latencies())
        measures.update(_meeting_open())
        measures.update(_offence_to_rank())
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    for name, (value, unit, _target) in measures.items():
        print(f"   {name}{suffix}: {value if value is None else round(value, 3)} {unit}", flush=True)
    return [Figure(name + suffix, value, unit, target, label) for name, (value, unit, target) in measures.items()]


def _preview_seconds() -> float:
    """The impact preview of a draft (a copy of the active policy with coercive control x3 and incidents
    at 10 days) against the live ranking, best of two; the draft is removed afterwards."""
    from portal.accounts.permissions import SYSTEM
    from scoring.preview import policy_preview
    from scoring.selectors import active_policy
    from scoring.services import policy_create_draft

    draft = policy_create_draft(name="Benchmark preview", by=SYSTEM, based_on=active_policy(),
                                parameters={"multipliers": {"008/67": 3}, "incident_days": 10})  # fmt: skip
    try:
        timings = []
        for _ in range(2):
            with stopwatch() as elapsed:
                policy_preview(policy=draft)
            timings.append(elapsed())
        return min(timings)
    finally:
        draft.delete()


def _recompute_probe() -> dict:
    """A whole run (plan, every chunk, publication) in a fresh process; returns its seconds and peak RSS."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.scoring_probe"], cwd=ROOT, env=dict(os.environ), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"recompute probe failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _best_of(attempts: int, measure) -> float:
    """The fastest of a few attempts, each from the same state (`_vacuum` before it)."""
    timings = []
    for _ in range(attempts):
        _vacuum()
        timings.append(measure())
    return min(timings)


def _vacuum() -> None:
    """Fresh statistics, no dead rows and no dirty pages left to write, so each timed step starts from
    the same state (a checkpoint falling inside a timed step would charge it with the step before's writes)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "VACUUM ANALYZE scoring_offenderscore, offenders_offence, scoring_harmentry, offenders_offender, "
                "scoring_rankingentry"
            )
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")


def _recompute_through_workers(*, publish: bool) -> float:
    """The system's own path: a run queued, planned and chunked across the worker pool, until it ends
    (publish=False is the nightly refresh: every score rewritten, no snapshot)."""
    from portal.accounts.permissions import SYSTEM
    from scoring.models import ScoringRun
    from scoring.services import run_start

    started = time.perf_counter()
    run, _created = run_start(by=SYSTEM, reason="benchmark", publish=publish)
    while ScoringRun.objects.filter(pk=run.pk).values_list("status", flat=True).get() not in ("succeeded", "failed"):
        if time.perf_counter() - started > 1800:
            raise RuntimeError("recompute through the workers did not finish in 30 minutes")
        time.sleep(0.02)
    if ScoringRun.objects.get(pk=run.pk).status != "succeeded":
        raise RuntimeError(f"recompute failed: {ScoringRun.objects.get(pk=run.pk).error}")
    return time.perf_counter() - started


def _floor() -> float:
    """The bare set-based statement over the same rows: UPDATE ... FROM (SELECT ... GROUP BY). The harm
    entry is LEFT-joined like scoring/formula.py: an offence whose type has no entry counts with 0 days."""
    from scoring.models import ScoringPolicy

    policy = ScoringPolicy.objects.get(status="active")
    today = timezone.localdate()
    sql = (
        "UPDATE scoring_offenderscore SET score = a.score, harm_days = a.score, offence_count = a.n, "
        "victim_count = a.v, last_offence_on = a.last_on, eligible = a.n >= 2 "
        "FROM (SELECT o.offender_id, SUM(COALESCE(h.days, 0)) AS score, COUNT(*) AS n, "
        "COUNT(DISTINCT o.victim_id) AS v, MAX(o.occurred_on) AS last_on "
        "FROM offenders_offence o LEFT JOIN scoring_harmentry h "
        "ON h.offence_type_id = o.offence_type_id AND h.policy_id = %s "
        "WHERE o.occurred_on > %s AND o.occurred_on <= %s AND o.status NOT IN ('cancelled', 'acquitted') "
        "GROUP BY o.offender_id) a WHERE scoring_offenderscore.offender_id = a.offender_id"
    )
    with stopwatch() as elapsed, connection.cursor() as cursor:
        cursor.execute(sql, [policy.pk, today - timedelta(days=policy.window_days), today])
    return elapsed()


def _naive_loop_seconds_per_offender() -> float:
    """What a per-offender ORM loop would take: fetch, compute in Python, save, one offender at a time."""
    from offenders.models import Offender
    from scoring.models import OffenderScore, ScoringPolicy

    policy = ScoringPolicy.objects.get(status="active")
    today = timezone.localdate()
    start = today - timedelta(days=policy.window_days)
    sample = list(Offender.objects.order_by("pk").values_list("pk", flat=True)[:NAIVE_SAMPLE])
    with stopwatch() as elapsed:
        for offender in Offender.objects.filter(pk__in=sample):
            days_by_type = {e.offence_type_id: float(e.days) for e in policy.entries.all()}
            total, count, victims, last = 0.0, 0, set(), None
            for offence in offender.offences.all():
                factor = float(policy.status_factors.get(offence.status, 1.0))
                if start < offence.occurred_on <= today and factor > 0:
                    total += days_by_type.get(offence.offence_type_id, 0) * factor
                    count, last = count + 1, max(last or offence.occurred_on, offence.occurred_on)
                    victims.add(offence.victim_id)
            OffenderScore.objects.update_or_create(
                offender=offender,
                defaults={"policy": policy, "score": total, "harm_days": total, "offence_count": count,
                          "victim_count": len(victims), "last_offence_on": last,
                          "eligible": count >= policy.min_offences, "as_of": today, "computed_at": timezone.now()},
            )  # fmt: skip
    return elapsed() / len(sample)


def _officer(role: str = "officer"):
    from django.contrib.auth.models import Group

    from portal.accounts.models import User

    user, _ = User.objects.get_or_create(username=f"bench_{role}")
    user.groups.set([Group.objects.get(name=role)])
    return User.objects.get(pk=user.pk)


def _meeting_open() -> dict[str, Measure]:
    """Opening a tasking meeting on the latest published snapshot (its agenda built: top N, reviews due,
    the exit rule): the best of three, each meeting removed after it is timed."""
    from cases.models import TaskingMeeting
    from cases.services.meetings import meeting_open

    chair = _officer("supervisor")
    samples = []
    for _ in range(3):
        with stopwatch() as elapsed:
            meeting = meeting_open(held_on=timezone.localdate(), chair=chair, by=chair)
        samples.append(elapsed())
        TaskingMeeting.objects.filter(pk=meeting.pk).delete()
    return {"meeting_open_s": (min(samples), "s", "< 2")}


def _timed_gets(client, url: str, **headers) -> tuple[list[float], int | None]:
    samples: list[float] = []
    status = None
    for index in range(REQUESTS + WARMUP):
        with stopwatch() as elapsed:
            response = client.get(url, **headers)
        status = response.status_code
        if index >= WARMUP:
            samples.append(elapsed() * 1000)
    return samples, status


def _latencies() -> dict[str, Measure]:
    """Server time in process (Django test client: middleware, view, queries, template, audit)."""
    from django.test import Client

    from scoring.models import OffenderScore

    client = Client()
    client.force_login(_officer())
    results: dict[str, Measure] = {}
    pages = (
        ("top100_api", "/api/v1/rankings/current/?limit=100"), ("top100_page", "/rankings/"),
        ("top100_page_sorted", "/rankings/?sort=-harm_days"), ("ranking_search_page", "/rankings/?q=S-000042"),
    )  # fmt: skip
    for name, url in pages:
        samples, status = _timed_gets(client, url)
        ok = status == 200
        results[f"{name}_p50_ms"] = (median(samples) if ok else None, "ms", None)
        results[f"{name}_p95_ms"] = (percentile(samples, 0.95) if ok else None, "ms", "< 50")
    top = OffenderScore.objects.filter(eligible=True).order_by("-score").values_list("offender_id", flat=True).first()
    samples, status = _timed_gets(client, f"/api/v1/offenders/{top}/", HTTP_X_ACCESS_PURPOSE="investigation")
    ok = status == 200
    results["profile_p50_ms"] = (median(samples) if ok else None, "ms", None)
    results["profile_p95_ms"] = (percentile(samples, 0.95) if ok else None, "ms", "< 100")
    return results


def _start_worker() -> subprocess.Popen:
    from portal.celery import app

    env = {**os.environ, "DATABASE_CONN_MAX_AGE": "60"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--concurrency=2", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "-n", "bench@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    app.control.purge()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if app.control.ping(timeout=0.5):
                break
        except Exception:  # noqa: BLE001 - the embedded broker has no broadcast: give the worker time
            time.sleep(5)
            break
    return process


def _offence_to_rank() -> dict[str, Measure]:
    """POST an offence through the API and wait until its offender's live rank changes (real worker)."""
    from django.test import Client

    from offenders.models import Offender
    from scoring.selectors import offender_rank

    client = Client()
    client.force_login(_officer())
    samples, today = [], timezone.localdate().isoformat()
    try:
        candidates = Offender.objects.filter(restricted=False, score__eligible=False, score__offence_count=1)[
            :RANK_SAMPLES
        ]
        for index, offender in enumerate(candidates):
            before = offender_rank(offender)
            body = {"crime_ref": f"BENCH-{time.time_ns()}-{index}", "offence_code": "001/01", "occurred_on": today,
                    "reported_on": today, "status": "charged", "offender": offender.pk,
                    "victim_ref": f"BENCHV{index}"}  # fmt: skip
            started = time.perf_counter()
            response = client.post("/api/v1/offences/", body, content_type="application/json")
            if response.status_code != 201:
                raise RuntimeError(f"offence POST refused: {response.status_code} {response.content[:300]!r}")
            while offender_rank(offender) == before:
                if time.perf_counter() - started > 30:
                    raise RuntimeError("rank did not change within 30 s")
                time.sleep(0.005)
            samples.append((time.perf_counter() - started) * 1000)
    except RuntimeError as error:
        print(f"   offence-to-rank not measured: {error}", flush=True)
    if not samples:
        return {"offence_to_rank_p50_ms": (None, "ms", None), "offence_to_rank_p95_ms": (None, "ms", "< 1000")}
    return {
        "offence_to_rank_p50_ms": (median(samples), "ms", None),
        "offence_to_rank_p95_ms": (percentile(samples, 0.95), "ms", "< 1000"),
    }
