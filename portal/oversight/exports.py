"""The oversight reports as CSV: their rows and file names, written with the portal-wide safe CSV
writer (portal/exports.py), which the cases app's exports (meeting minutes, the ranked list) use too."""

from collections.abc import Iterator

from portal.exports import DANGEROUS_PREFIXES, csv_lines, csv_response, neutralise

__all__ = ["DANGEROUS_PREFIXES", "csv_lines", "csv_response", "neutralise", "report_filename", "report_rows"]


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
