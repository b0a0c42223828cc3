"""Reading a harm-index workbook in the Cambridge Crime Harm Index layout (docs/imports.md).

The sheet is found by its header row (which need not be row 1): FULL_OFFENCE_TITLE, CCHI Score and
HOME_OFFICE_CLASSIFICATION, optionally ATHENA URN, Starting Point, GROUP and SUB_GROUP. openpyxl
reads it in read-only mode, row by row. Cells are data: a formula is never evaluated here; what the
spreadsheet last saved as its value is read (data_only), and a formula with no saved value is a
missing value; text that merely looks like a formula is kept as text. Problems are reported by sheet
row, like the CSV's by line.

A workbook is a zip of XML. Before openpyxl sees it, the zip's own directory is checked: a member that
unpacks to more than PORTAL_IMPORT_MAX_UNZIPPED_BYTES in total (a zip bomb) is refused, and anything
that fails to unpack or parse while reading (a truncated member, malformed XML) refuses the file
rather than escaping as a server error.
"""

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from offenders import rules
from offenders.imports.problems import FileRefused, ProblemLog

from .days import harm_days

TITLE, SCORE, CLASSIFICATION = "FULL_OFFENCE_TITLE", "CCHI Score", "HOME_OFFICE_CLASSIFICATION"
REQUIRED_HEADERS = (TITLE, SCORE, CLASSIFICATION)
OPTIONAL_HEADERS = ("ATHENA URN", "Starting Point", "GROUP", "SUB_GROUP")
NOT_VALUES_SHEETS = ("expired", "clarity")  # the official 2026 workbook's other sheets with the header
HEADER_SEARCH_ROWS = 50  # the official workbook has a title block above the table


@dataclass
class HarmIndexContents:
    """The entries a workbook gives, and what was left out."""

    sheet: str
    entries: list[dict[str, Any]]
    rows_read: int = 0
    expired_skipped: int = 0
    unclassified_skipped: int = 0


def _header_key(value: Any) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def _find_header(row: tuple) -> dict[str, int] | None:
    keys = {_header_key(cell): index for index, cell in reversed(list(enumerate(row))) if cell is not None}
    wanted = {name: keys.get(_header_key(name)) for name in REQUIRED_HEADERS + OPTIONAL_HEADERS}
    if all(wanted[name] is not None for name in REQUIRED_HEADERS):
        return {name: index for name, index in wanted.items() if index is not None}
    return None


# What a damaged or hostile workbook raises while openpyxl unpacks and parses it.
UNREADABLE = (zipfile.BadZipFile, zlib.error, ParseError, EOFError, KeyError, ValueError, TypeError, IndexError,
              AttributeError, OSError)  # fmt: skip


def unzipped_limit() -> int:
    return int(getattr(settings, "PORTAL_IMPORT_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024))


def _not_a_workbook(error: Exception) -> FileRefused:
    return FileRefused(
        f"The file is not an Excel workbook (.xlsx) that can be read ({type(error).__name__}). "
        "Open it in Excel or LibreOffice and save it as 'Excel Workbook (.xlsx)'."
    )


def _check_unzipped_size(stream: BinaryIO) -> None:
    """Refuse a zip bomb from the zip's directory, before anything is unpacked.

    Python's zipfile never returns more than a member's declared size, so the declared sizes bound
    what openpyxl can unpack.
    """
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise _not_a_workbook(error) from None
    finally:
        stream.seek(0)
    limit = unzipped_limit()
    if unzipped > limit:
        raise FileRefused(
            f"The workbook unpacks to {filesizeformat(unzipped)}, over the limit of {filesizeformat(limit)} "
            "(a real harm index is far smaller). Save only the harm-index sheet and import that."
        )


def _open(stream: BinaryIO):
    from openpyxl import load_workbook

    _check_unzipped_size(stream)
    try:
        return load_workbook(stream, read_only=True, data_only=True)
    except UNREADABLE as error:
        raise _not_a_workbook(error) from None


def _locate_table(workbook) -> tuple[Any, int, dict[str, int]]:
    """(sheet, header row number, header positions) of the values sheet: a sheet with the required
    header. The official 2026 workbook has four sheets (a cover page first, then the values sheet, the
    expired offences and the offences that need clarity); where more than one sheet has the header, the
    one whose name says "values" is read, else the first. The expired offences and the offences that need
    clarity share the header but are never the values sheet."""
    found = []
    for sheet in workbook.worksheets:
        if any(word in sheet.title.casefold() for word in NOT_VALUES_SHEETS):
            continue
        for number, row in enumerate(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
            positions = _find_header(row)
            if positions:
                found.append((sheet, number, positions))
                break
    if found:
        return next((table for table in found if "values" in table[0].title.casefold()), found[0])
    raise FileRefused(
        f"No sheet has a header row with {', '.join(REQUIRED_HEADERS)} (looked at the first {HEADER_SEARCH_ROWS} "
        "rows of every sheet): the workbook has no values sheet. Is this the Cambridge Crime Harm Index workbook?",
        column=CLASSIFICATION,
    )


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _days(value: Any) -> Decimal:
    """A CCHI score in days, kept exactly (182.25 stays 182.25); more than two decimal places is refused."""
    if isinstance(value, bool) or value is None or _text(value) == "":
        raise ValidationError("There is no score (a formula with no saved value counts as none).")
    if isinstance(value, float):
        value = repr(value)  # the shortest text that reads back as the same number, as Excel shows it
    return harm_days(value)


class HarmWorkbookReader:
    """Reads the table; `contents()` returns the entries, with every problem in `problems`."""

    def __init__(self, stream: BinaryIO, *, file_name: str, problems: ProblemLog):
        self.stream = stream
        self.file_name = file_name
        self.problems = problems
        problems.unit = "row"

    def contents(self) -> HarmIndexContents:
        workbook = _open(self.stream)
        try:
            sheet, header_row, positions = _locate_table(workbook)
            found = HarmIndexContents(sheet=sheet.title, entries=[])
            seen: dict[str, int] = {}
            for number, row in self._rows(sheet, header_row):
                self._read_row(found, seen, number, row, positions)
        except UNREADABLE as error:  # sheets are unpacked and parsed lazily, row by row
            raise _not_a_workbook(error) from None
        finally:
            workbook.close()
        if not found.entries and not self.problems:
            self.problems.add(header_row + 1, "", "The table has a header but no harm entries.")
        return found

    @staticmethod
    def _rows(sheet, header_row: int) -> Iterator[tuple[int, tuple]]:
        for number, row in enumerate(sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
            if any(_text(cell) for cell in row):
                yield number, row

    def _read_row(self, found: HarmIndexContents, seen: dict[str, int], number: int, row: tuple, positions):
        cell = {name: (row[index] if index < len(row) else None) for name, index in positions.items()}
        found.rows_read += 1
        title = _text(cell[TITLE])
        if "EXPIRED" in title.upper():
            found.expired_skipped += 1
            return
        if _text(cell[CLASSIFICATION]) == "":
            found.unclassified_skipped += 1
            return
        entry = self._entry(number, cell, title)
        if entry is None:
            return
        if entry["code"] in seen:
            self.problems.add(
                number, CLASSIFICATION, f"'{entry['code']}' is already given on row {seen[entry['code']]}."
            )
            return
        seen[entry["code"]] = number
        found.entries.append(entry)

    def _entry(self, number: int, cell: dict[str, Any], title: str) -> dict[str, Any] | None:
        values: dict[str, Any] = {}
        for column, check in (
            (TITLE, lambda: self._title(title)),
            (CLASSIFICATION, lambda: rules.normalize_offence_code(cell[CLASSIFICATION])),
            (SCORE, lambda: _days(cell[SCORE])),
        ):
            try:
                values[column] = check()
            except ValidationError as error:
                for message in error.messages:
                    self.problems.add(number, column, message)
        if len(values) < 3:
            return None
        return {
            "code": values[CLASSIFICATION],
            "title": values[TITLE][:200],
            "days": values[SCORE],
            "provenance": self._provenance(number, cell),
        }

    @staticmethod
    def _title(title: str) -> str:
        if not title:
            raise ValidationError("There is no offence title.")
        return title

    def _provenance(self, number: int, cell: dict[str, Any]) -> str:
        extras = [f"{name}: {_text(cell[name])}" for name in OPTIONAL_HEADERS if _text(cell.get(name))]
        return "; ".join([f"CCHI workbook {self.file_name} row {number}", *extras])[:300]
