"""`make demo`: migrate, load reference data, seed, create demo accounts, rank through a real worker, serve.

Runs the web server and a Celery worker (with beat) together; Ctrl-C stops both.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ENV = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "portal.settings.dev")}
OFFENDERS = os.environ.get("DEMO_OFFENDERS", "35000")
SEED = os.environ.get("DEMO_SEED", "20261122")
# A year of past rankings and tasking meetings, so the evaluation page (docs/evaluation.md) has cohorts to
# show; the year's suspects (DEMO_OFFENDERS) plus those named only in the earlier months: a minute or so
# more. DEMO_TASKING_EFFECT (e.g. -0.4) plants a known effect; 0 plants none.
HISTORY_MONTHS = os.environ.get("DEMO_HISTORY_MONTHS", "12")
TASKING_EFFECT = os.environ.get("DEMO_TASKING_EFFECT", "0")
ADDRESS = os.environ.get("DEMO_ADDRESS", "127.0.0.1:8000")


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([PYTHON, *args], cwd=ROOT, env=ENV)


def main() -> None:
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo", "--offenders", OFFENDERS, "--seed", SEED, "--if-empty",
           "--history-months", HISTORY_MONTHS, "--tasking-effect", TASKING_EFFECT)  # fmt: skip
    manage("demo_accounts")
    worker = start("-m", "celery", "-A", "portal", "worker", "--beat", "--loglevel=WARNING", "--concurrency=2",
                   "--schedule", str(ROOT / "var" / "celerybeat-schedule"))  # fmt: skip
    server = None
    try:
        manage("recompute", "--wait")
        print(f"\nServing http://{ADDRESS} (Ctrl-C stops the web server and the worker)\n", flush=True)
        server = start("manage.py", "runserver", ADDRESS, "--noreload")
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for process in (server, worker):
            if process and process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in (server, worker):
            if process:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    main()
