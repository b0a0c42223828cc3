"""`python -m bench [NAME ...]`: run the benchmark modules, write var/bench/<NAME>.json, print a table.

To add a benchmark, write bench/<something>.py with NAME and run(context) and add it to MODULES.
The bench uses a database of its own, derived from DATABASE_URL (PostgreSQL: <name>_bench; SQLite:
var/bench/bench.sqlite3) or BENCH_DATABASE_URL, and migrates it first: it never touches the demo data.
"""

import importlib
import os
import sys
from pathlib import Path

MODULES = [
    "bench.scoring",
    "bench.imports",
    "bench.audit",
    "bench.evaluation",
]


def _bench_database_url() -> str:
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base, _, name = url.rpartition("/")
        name = name.split("?")[0]
        return f"{base}/{name}_bench"
    var_dir = Path(os.environ.get("PORTAL_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    (var_dir / "bench").mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{var_dir / 'bench' / 'bench.sqlite3'}"


def _ensure_postgres_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def setup() -> None:
    """Point Django at the bench database, create and migrate it."""
    url = _bench_database_url()
    if url.startswith("postgres"):
        _ensure_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ.setdefault("DEBUG", "false")
    # The benchmarks time the server, not a caller's rate limit: one bench user sends thousands a minute.
    os.environ.setdefault("PORTAL_API_RATE_USER", "1000000/minute")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--noinput", verbosity=0)


def main(argv: list[str]) -> int:
    setup()
    from django.conf import settings
    from django.db import connection

    from .core import BenchContext, format_table, sizes_from_env, write_figures

    wanted = set(argv)
    context = BenchContext(sizes=sizes_from_env(), out_dir=Path(settings.VAR_DIR) / "bench", vendor=connection.vendor)
    everything = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        if wanted and module.NAME not in wanted:
            continue
        print(f"== {module.NAME} ({connection.vendor}, sizes {context.sizes})", flush=True)
        figures = module.run(context)
        path = write_figures(context.out_dir, module.NAME, figures)
        print(f"   wrote {path}", flush=True)
        everything.extend(figures)
    print()
    print(format_table(everything))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
