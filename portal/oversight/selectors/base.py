"""The shape every report takes: a period, headline figures, tables and charts.

Pages, the API and CSV exports all render the same `Report`, so the three can never disagree. Tables
hold their rows as an iterable (often a generator over a database cursor): the CSV export streams all
of it, while pages and the API show the first `display_limit` rows and point to the export for the rest.
"""

import datetime
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

NO_DATA = "No data for this period."
DEFAULT_PERIOD_DAYS = 365
DISPLAY_LIMIT = 200


@dataclass(frozen=True)
class Period:
    """The dates a report covers, both ends included (`start` <= a date <= `end`)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def default(cls) -> "Period":
        today = timezone.localdate()
        return cls(start=today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS), end=today)

    @property
    def start_at(self) -> datetime.datetime:
        """The first instant of the period in the portal's time zone (for timestamps)."""
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_before(self) -> datetime.datetime:
        """The first instant after the period: timestamps are compared with `<` this."""
        return timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min))

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass
class Table:
    """One table of a report. `rows` yields dicts keyed by column key; it may be a one-shot generator,
    so it is read once, through `preview()` or `all_rows()`. `head(n)`, when given, yields the same first
    `n` rows with a LIMIT in the database: a page reads its first rows without sorting or streaming
    every row the export would."""

    key: str
    title: str
    columns: list[Column]
    rows: Iterable[dict[str, Any]] | Callable[[], Iterable[dict[str, Any]]]
    description: str = ""
    empty_message: str = NO_DATA
    display_limit: int = DISPLAY_LIMIT
    head: Callable[[int], Iterable[dict[str, Any]]] | None = None
    _preview: tuple[list[dict[str, Any]], bool] | None = field(default=None, init=False, repr=False)

    def _iterate(self) -> Iterable[dict[str, Any]]:
        return self.rows() if callable(self.rows) else self.rows

    def preview(self) -> tuple[list[dict[str, Any]], bool]:
        """The first rows to show and whether there are more (read once, then remembered)."""
        if self._preview is None:
            wanted = self.display_limit + 1
            first = self.head(wanted) if self.head else self._iterate()
            head = list(itertools.islice(first, wanted))
            self._preview = (head[: self.display_limit], len(head) > self.display_limit)
        return self._preview

    def all_rows(self) -> Iterable[dict[str, Any]]:
        """Every row, streamed (for the CSV export)."""
        return self._iterate()


@dataclass
class Figure:
    """A headline number; `value` None means there was nothing to count, shown as 'no data'."""

    label: str
    value: Any
    note: str = ""


@dataclass
class Chart:
    """A Chart.js chart: bar or line, labels along the x axis, one dataset per series."""

    key: str
    title: str
    kind: str
    labels: list[str]
    datasets: list[dict[str, Any]]
    y_label: str = ""
    stacked: bool = False
    percent: bool = False

    @property
    def script_id(self) -> str:
        """The id of the json_script block that carries this chart's data to charts.js."""
        return f"chart-{self.key}"

    @property
    def has_data(self) -> bool:
        return bool(self.labels) and any(
            value is not None for dataset in self.datasets for value in dataset.get("data", [])
        )

    def config(self) -> dict[str, Any]:
        """What static/oversight/charts.js turns into a Chart: data only, never code."""
        return {
            "kind": self.kind,
            "title": self.title,
            "labels": self.labels,
            "datasets": self.datasets,
            "yLabel": self.y_label,
            "stacked": self.stacked,
            "percent": self.percent,
        }


@dataclass
class Report:
    """A whole report for one period, as pages, the API and exports see it."""

    name: str
    title: str
    summary: str
    period: Period
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)


def percent(value: float | None, digits: int = 1) -> float | None:
    """A share as a percentage rounded for display; None stays None ('no data', not 0%)."""
    return None if value is None else round(value * 100, digits)


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def bar_chart(key: str, title: str, rows: list[dict], *, label, series: dict[str, str], y_label: str) -> list[Chart]:
    """A bar chart of table rows (`label`: a column key or a function of the row; `series`: legend ->
    column key), or no chart at all when there are no rows (no data is not an empty chart)."""
    if not rows:
        return []
    labels = [label(row) if callable(label) else row[label] for row in rows]
    datasets = [{"label": name, "data": [row[column] for row in rows]} for name, column in series.items()]
    return [Chart(key, title, "bar", labels, datasets, y_label)]
