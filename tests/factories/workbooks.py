"""Synthetic harm-index workbooks in the Cambridge Crime Harm Index layout, generated with openpyxl.

The layout (sheet with a title block, then a header row holding FULL_OFFENCE_TITLE, CCHI Score,
HOME_OFFICE_CLASSIFICATION and the optional columns) follows docs/imports.md; the values are
synthetic, not the official index.
"""

from io import BytesIO

from openpyxl import Workbook

HEADER = [
    "ATHENA URN",
    "FULL_OFFENCE_TITLE",
    "HOME_OFFICE_CLASSIFICATION",
    "GROUP",
    "SUB_GROUP",
    "Starting Point",
    "CCHI Score",
]
ROWS = [
    ["ATH001", "Murder", "001/01", "Homicide", "Murder", "15 years", 5475],
    ["ATH002", "Assault occasioning actual bodily harm", "008/06", "Violence", "With injury", "26 weeks", 182],
    ["ATH003", "Common assault and battery", "10501", "Violence", "Without injury", "Fine", 2],
    ["ATH004", "Rape of a female aged 16 and over", "19C", "Sexual", "Rape", "5 years", 1825],
    ["ATH005", "Controlling or coercive behaviour", "008/71", "Violence", "Domestic", "1 year", "365"],
    ["ATH006", "EXPIRED - Harassment (old classification)", "008/99", "Harassment", "Old", "", 30],
    ["ATH007", "A synthetic new classification", "077/07", "Other", "Synthetic", "", 12.5],
]


def harm_workbook(rows=None, *, header=None, title_rows: int = 3, sheet_name: str = "CCHI", extra_sheet: bool = True):
    """An in-memory .xlsx: an unrelated first sheet, then the table below a title block."""
    book = Workbook()
    if extra_sheet:
        book.active.title = "Read me"
        book.active.append(["Synthetic test workbook; values are not the official index."])
        sheet = book.create_sheet(sheet_name)
    else:
        sheet = book.active
        sheet.title = sheet_name
    for number in range(title_rows):
        sheet.append([f"Crime harm index (synthetic) - title line {number + 1}"])
    sheet.append(header or HEADER)
    for row in ROWS if rows is None else rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


OFFICIAL_2026_SHEETS = ("Cover page", "CCHI 2026 values sheet", "Expired offences", "Offences need clarity")


def official_2026_workbook(rows, *, expired_rows=(), unclear_rows=(), values_sheet: bool = True) -> bytes:
    """The official 2026 workbook's shape with synthetic values: four sheets, a cover page first, the
    values sheet (its real column names under a title block), then the expired offences and the offences
    that need clarity, which carry the same header (so the values sheet must be chosen, not just found)."""
    book = Workbook()
    cover = book.active
    cover.title = OFFICIAL_2026_SHEETS[0]
    for line in ("Cambridge Crime Harm Index 2026 (synthetic test copy)", "Values are illustrative.", ""):
        cover.append([line])
    for name, table in zip(OFFICIAL_2026_SHEETS[1:], (rows, expired_rows, unclear_rows), strict=True):
        if name == OFFICIAL_2026_SHEETS[1] and not values_sheet:
            continue
        sheet = book.create_sheet(name)
        sheet.append([f"{name} (synthetic)"])
        sheet.append([])
        sheet.append(HEADER)
        for row in table:
            sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
