"""A full recompute in a process of its own, so its peak memory is the recompute's and nothing else's.

Run by bench/scoring.py as `python -m bench.scoring_probe` with DATABASE_URL set to the bench database;
prints one JSON line: {"seconds", "peak_rss_mb", "run_id", "status"}.
"""

import json
import os
import resource
import sys
import time


def _peak_rss_mb() -> float:
    """This process's own high-water mark. VmHWM starts afresh at exec; ru_maxrss keeps the parent's
    peak from before the fork, which would report the benchmark runner's memory, not the recompute's."""
    try:
        for line in open("/proc/self/status").read().splitlines():  # noqa: SIM115 - a one-shot read
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from portal.accounts.permissions import SYSTEM
    from scoring import services
    from scoring.models import ScoringRun

    started = time.perf_counter()
    run, _created = services.run_start(by=SYSTEM, reason="benchmark", dispatch=False)
    for chunk_id in services.run_plan(run_id=run.pk):
        services.run_chunk_execute(chunk_id=chunk_id)
    seconds = time.perf_counter() - started
    status = ScoringRun.objects.get(pk=run.pk).status
    peak_mb = _peak_rss_mb()
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_mb, "run_id": run.pk, "status": status}))
    return 0 if status == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())
