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
