"""Query counts pinned per request (NetBox's utilities/testing/query_counts.py, for this portal).

A baseline file maps a stable key, `"GET <url name>[<variant>] as <role>"`, to the number of database
queries one request makes. A test captures the queries of a request (django.test.utils.
CaptureQueriesContext) and compares the count with the pin, so an N+1 or a stray query fails a test
with the SQL that was run.

    with pinned_queries("GET api-case-list as officer"):
        client.get("/api/v1/cases/")

Set PORTAL_UPDATE_QUERY_COUNTS=1 to rewrite the pins instead of asserting them (docs/testing.md). Pins
are kept per engine only where SQLite and PostgreSQL differ: a plain number holds for both, a
`{"postgresql": N, "sqlite": M}` entry for one each. Run the update on both engines.
"""

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

BASELINE_PATH = Path(__file__).with_name("query_counts.json")
UPDATE_VARIABLE = "PORTAL_UPDATE_QUERY_COUNTS"
ENGINES = ("postgresql", "sqlite")


def updating() -> bool:
    """Whether this run rewrites the pins (PORTAL_UPDATE_QUERY_COUNTS=1) instead of asserting them."""
    return os.environ.get(UPDATE_VARIABLE, "") == "1"


def engine() -> str:
    """The engine the tests run on, as the baseline names it."""
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def request_key(method: str, path: str, role: str, *, variant: str = "") -> str:
    """The stable key of a request: its method, the URL name its path resolves to (never the ids in it),
    a variant where one URL name serves several things (a report's name, `?format=csv`), and the role."""
    name = resolve(urlsplit(path).path).view_name
    return f"{method.upper()} {name}{f'[{variant}]' if variant else ''} as {role}"


class Baseline:
    """The pinned counts in one JSON file; read once, written back (sorted) on every update."""

    def __init__(self, path: Path = BASELINE_PATH):
        self.path = path
        self.pins: dict[str, int | dict[str, int]] = json.loads(path.read_text()) if path.exists() else {}

    def expected(self, key: str) -> int | None:
        """The pinned count for this engine, or None when the key has no pin."""
        pin = self.pins.get(key)
        return pin.get(engine()) if isinstance(pin, dict) else pin

    def record(self, key: str, count: int) -> None:
        """Pin `count` for this engine. A plain number stands for both engines; when this engine's count
        parts from it, the other engine keeps the old number until it is updated on that engine too."""
        pin = self.pins.get(key)
        if isinstance(pin, int) and pin != count:
            pin = dict.fromkeys(ENGINES, pin)
        if isinstance(pin, dict):
            pin = {**pin, engine(): count}
            self.pins[key] = count if len(set(pin.values())) == 1 else dict(sorted(pin.items()))
        else:
            self.pins[key] = count
        self._write()

    def forget(self, keys: Iterable[str]) -> None:
        """Drop pins that no test measures any more."""
        for key in keys:
            self.pins.pop(key, None)
        self._write()

    def _write(self) -> None:
        self.path.write_text(json.dumps(dict(sorted(self.pins.items())), indent=2) + "\n")

    def check(self, key: str, count: int, queries: Sequence[str] = ()) -> str | None:
        """None when `count` matches the pin (or was just pinned, when updating); else what is wrong,
        with the SQL that ran, for the failure message."""
        if updating():
            self.record(key, count)
            return None
        expected = self.expected(key)
        if expected == count:
            return None
        if expected is None:
            return f"{key}: no pinned count in {self.path.name} ({count} queries now); run with {UPDATE_VARIABLE}=1"
        listing = "\n".join(f"  {n}. {sql}" for n, sql in enumerate(queries, start=1))
        return (
            f"{key}: {count} queries, pinned {expected} ({engine()}); if that is intended, rerun with "
            f"{UPDATE_VARIABLE}=1\n{listing}"
        )


def sql_shapes(queries: list[str]) -> list[str]:
    """The queries with their values blanked (numbers, quoted text), so two requests' lists compare by
    what was asked, not by which ids and times were asked about."""
    return [re.sub(r"'(?:[^']|'')*'|\d+(?:\.\d+)?", "?", sql) for sql in queries]


def captured_sql(context: CaptureQueriesContext) -> list[str]:
    """The SQL of each query captured, in order."""
    return [query["sql"] for query in context.captured_queries]


@contextmanager
def pinned_queries(key: str, *, baseline: Baseline | None = None) -> Iterator[CaptureQueriesContext]:
    """Count the queries the block runs (one request) and fail unless they match the pin for `key`."""
    with CaptureQueriesContext(connection) as context:
        yield context
    problem = (baseline or Baseline()).check(key, len(context), captured_sql(context))
    assert problem is None, problem


def send(client, method: str, path: str, headers: dict | None = None):
    """One request, its body read to the end: a streamed response (a CSV export) runs its queries
    while it is read, and those belong to the request."""
    response = client.generic(method.upper(), path, **(headers or {}))
    if response.streaming:
        response.content_read = b"".join(response.streaming_content)
    return response


def count_queries(client, method: str, path: str, headers: dict | None = None) -> tuple[int, list[str], object]:
    """(queries, their SQL, the response) of a request made a second time: the first warms what a
    running process keeps between requests (content types, cached counts), so the count is the steady
    one and does not depend on which test ran before."""
    send(client, method, path, headers)
    with CaptureQueriesContext(connection) as context:
        response = send(client, method, path, headers)
    return len(context), captured_sql(context), response
