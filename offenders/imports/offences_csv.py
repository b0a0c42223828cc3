"""Reading and checking an offences CSV (docs/imports.md), one row at a time.

`OffenceFileReader.rows()` yields each good row as a small `OffenceRow` and records every problem in a
`ProblemLog` as it goes; the loader consumes the rows in chunks. Nothing holds the file's rows: per
row only the crime reference's fingerprint is kept (to catch disagreeing duplicates) and per suspect
the person's details (one person, one set of details in one file).

The field rules are the portal's own (offenders.rules), shared with the API and the forms; only what
is particular to a file lives here: the header, cell counts, formulas, duplicates and line numbers.
"""

import csv
import datetime as dt
from collections.abc import Container, Iterable, Iterator
from operator import itemgetter
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone

from offenders import rules

from .offences_columns import (
    ALL_COLUMNS,
    PERSON_COLUMNS,
    REQUIRED_COLUMNS,
    check_cells,
    columns_of,
)
from .problems import FileRefused, ProblemLog
from .sources import bad_bytes_message, has_bad_bytes

ROW_COLUMNS = (
    "crime_ref", "offence_code", "occurred_on", "reported_on", "status", "suspect_ref", "victim_ref",
    "victim_relationship", "borough", "domestic",
)  # fmt: skip
_row_values = itemgetter(*ROW_COLUMNS)
_person_values = itemgetter(*PERSON_COLUMNS)


class Person(NamedTuple):
    """A suspect's details as one row gives them (the columns in PERSON_COLUMNS, in that order)."""

    surname: str
    forenames: str
    date_of_birth: dt.date | None
    sex: str
    ethnicity: str


class OffenceRow(NamedTuple):
    """One checked row: `line` (where it starts), then ROW_COLUMNS in order, then the suspect's details."""

    line: int
    crime_ref: str
    offence_code: str
    occurred_on: dt.date
    reported_on: dt.date
    status: str
    suspect_ref: str
    victim_ref: str
    victim_relationship: str
    borough: str
    domestic: bool
    person: Person

    def fingerprint(self) -> int:
        """Everything but the line: two rows with the same crime_ref must agree on all of it."""
        return hash(self[1:])


def _read_header(records: Iterator[tuple[int, list[str]]]) -> tuple[dict[str, int], int]:
    """(column name -> position, cells up to the last named one); refuse a header that is missing, repeated
    or short. Unnamed cells after the last name (a spreadsheet's padding) do not count."""
    _line, header = next(records, (1, []))
    if not any(cell.strip() for cell in header):
        raise FileRefused(
            "The file is empty: it needs a header row naming the columns "
            f"({', '.join(REQUIRED_COLUMNS)}) and then one offence a row.",
            line=1,
        )
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        if has_bad_bytes(cell):
            raise FileRefused(f"The header: {bad_bytes_message(cell)}", line=1, column=f"{index + 1}")
        name = cell.strip().lower()
        if name in positions:
            raise FileRefused(f"The header names '{name}' twice.", line=1, column=name)
        if name:
            positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise FileRefused(
            f"The header has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''} "
            f"(required: {', '.join(REQUIRED_COLUMNS)}).",
            line=1,
            column=missing[0],
        )
    return positions, max(positions.values()) + 1


def _csv_error_message(error: csv.Error) -> str:
    """The csv module's complaint in words someone with the file in a spreadsheet can act on."""
    text = str(error)
    if text.startswith("field larger than field limit"):
        return (
            f"A cell is longer than {csv.field_size_limit():,} characters; no column holds that much "
            "(is a quote left open, or is this not the offences file?)."
        )
    if text == "unexpected end of data":
        return 'The file ends inside a quoted cell: a double quote (") is not closed.'
    return f"The file is not valid CSV here: {text}."


class OffenceFileReader:
    """Streams the checked rows of one file; `problems` fills as it goes.

    `codes` holds the normalised offence codes of the active harm index.
    """

    def __init__(self, lines: Iterable[str], *, codes: Container[str], problems: ProblemLog):
        self.lines = lines
        self.codes = codes
        self.problems = problems
        self.today = timezone.localdate()
        self.rows_read = 0
        self.rows_skipped = 0
        self.ignored_columns: list[str] = []
        self._crimes: dict[str, tuple[int, int]] = {}
        self._reported_lines: set[int] = set()
        self._people: dict[str, tuple[int, Person]] = {}

    def rows(self) -> Iterator[OffenceRow]:
        reader = csv.reader(self.lines, strict=True)
        records = self._records(reader)
        positions, width = _read_header(records)
        self.ignored_columns = [name for name in positions if name not in ALL_COLUMNS]
        columns = columns_of(positions, today=self.today)
        names = {index: name for name, index in positions.items()}  # a cell's column, for the report
        for line, cells in records:
            joined = "".join(cells)
            if not joined.strip():
                continue  # blank lines and rows of empty cells (spreadsheet padding) are not offences
            self.rows_read += 1
            if has_bad_bytes(joined):
                self._report_bad_bytes(line, cells, names)
                continue
            if len(cells) != width and not self._width_ok(line, cells, width, names):
                continue
            row = self._check(line, cells, columns)
            if row is not None and self._first_time(row):
                yield row

    def _records(self, reader) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) for each record; a record's line is where it starts (quoted cells may span lines)."""
        start = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise FileRefused(_csv_error_message(error), line=reader.line_num) from None
            yield start, cells
            start = reader.line_num + 1

    def _report_bad_bytes(self, line: int, cells: list[str], names: dict[int, str]) -> None:
        """Report each cell holding non-UTF-8 bytes by its column; the row is not checked further (its
        text must not reach a message or the database)."""
        for index, cell in enumerate(cells):
            if has_bad_bytes(cell):
                self.problems.add(line, names.get(index, f"{index + 1}"), bad_bytes_message(cell))

    def _width_ok(self, line: int, cells: list[str], width: int, names: dict[int, str]) -> bool:
        """Trailing empty cells (spreadsheets pad rows) are fine; missing or extra data is not. The
        column named is the first one the row lacks, or the position of the first extra cell."""
        if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
            return True
        column = names.get(len(cells), f"{len(cells) + 1}") if len(cells) < width else f"{width + 1}"
        self.problems.add(line, column, f"the row has {len(cells)} cells but the header has {width}.")
        return False

    def _check(self, line: int, cells: list[str], columns) -> OffenceRow | None:
        """Apply the portal's field rules; every failing column is reported, not just the first."""
        clean, errors = check_cells(columns, cells)
        occurred_on, reported_on = clean.get("occurred_on"), clean.get("reported_on")
        if occurred_on is not None and reported_on is not None:
            try:
                rules.check_reported_not_before_occurred(occurred_on=occurred_on, reported_on=reported_on)
            except ValidationError as error:
                errors["reported_on"] = error.messages
        code = clean.get("offence_code")
        if code is not None and code not in self.codes:
            errors["offence_code"] = [
                f"'{code}' is not in the active harm index; correct the code, or add it to a scoring policy and "
                "activate that policy first."
            ]
        for column, messages in errors.items():
            for message in messages:
                self.problems.add(line, column, message)
        if errors:
            return None
        return OffenceRow._make((line, *_row_values(clean), Person(*_person_values(clean))))

    def _first_time(self, row: OffenceRow) -> bool:
        """False for an exact repeat of an earlier row (skipped); disagreeing repeats are problems."""
        self._check_person(row)
        seen = self._crimes.get(row.crime_ref)
        if seen is None:
            self._crimes[row.crime_ref] = (row.line, row.fingerprint())
            return True
        first_line, fingerprint = seen
        if fingerprint == row.fingerprint():
            self.rows_skipped += 1
            return False
        if first_line not in self._reported_lines:
            self._reported_lines.add(first_line)
            message = f"crime_ref '{row.crime_ref}' appears again on line {row.line} with different values."
            self.problems.add(first_line, "crime_ref", message)
        message = f"crime_ref '{row.crime_ref}' already appears on line {first_line} with different values."
        self.problems.add(row.line, "crime_ref", message)
        return False

    def _check_person(self, row: OffenceRow) -> None:
        seen = self._people.setdefault(row.suspect_ref, (row.line, row.person))
        first_line, person = seen
        if person != row.person:
            differing = [column for column, a, b in zip(PERSON_COLUMNS, person, row.person, strict=True) if a != b]
            self.problems.add(
                row.line,
                differing[0],
                f"suspect_ref '{row.suspect_ref}' has different {', '.join(differing)} on line {first_line}; "
                "one person must have one set of details in a file.",
            )
