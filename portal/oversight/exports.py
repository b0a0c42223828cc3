"""CSV exports that are safe to open in a spreadsheet and stream, so memory stays flat however large.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return can be run as a formula by
Excel or LibreOffice (CSV injection, OWASP). Such a cell is prefixed with a single quote, which every
spreadsheet shows as text. Numbers are written by Python, never from typed text, so they stay numbers.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import StreamingHttpResponse

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str | int | float | Decimal:
    """The value as a spreadsheet should see it: numbers as numbers, text never as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line: csv.writer then yields text, not a buffer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """Each row as one CSV line, every cell neutralised; a generator, so nothing piles up in memory."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def csv_response(rows: Iterable[Iterable], *, filename: str) -> StreamingHttpResponse:
    """A streamed CSV download (UTF-8 with a BOM so Excel reads the accents in borough names)."""

    def body() -> Iterator[str]:
        yield "\ufeff"
        yield from csv_lines(rows)

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def report_rows(report, *, table_key: str | None = None) -> Iterator[list]:
    """A report as CSV rows. One table (`table_key`): its header then its rows. The whole report: the
    headline figures, then each table, every row led by the table's key so a spreadsheet can filter."""
    if table_key is not None:
        table = report.table(table_key)
        yield [column.label for column in table.columns]
        for row in table.all_rows():
            yield [row.get(column.key) for column in table.columns]
        return
    yield ["section", "figure", "value", "note"]
    yield ["period", "from", report.period.start, ""]
    yield ["period", "to", report.period.end, ""]
    for figure in report.figures:
        yield ["summary", figure.label, "no data" if figure.value is None else figure.value, figure.note]
    for table in report.tables:
        yield []
        yield ["section", *[column.label for column in table.columns]]
        for row in table.all_rows():
            yield [table.key, *[row.get(column.key) for column in table.columns]]


def report_filename(report, table_key: str | None = None) -> str:
    """outcomes-2025-01-01-to-2025-12-31.csv, or with the table's key before the dates."""
    suffix = f"-{table_key}" if table_key else ""
    return f"{report.name}{suffix}-{report.period.start}-to-{report.period.end}.csv"
