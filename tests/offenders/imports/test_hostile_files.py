"""More hostile files, through the service and all three doors: line endings, bytes that are not UTF-8
(named by line AND column), formula text kept as data, malformed CSV in words a person can act on,
and workbooks that are damaged, not a workbook inside, or a zip bomb (never a server error)."""

import io
import subprocess
import sys
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from offenders.models import ImportBatch, Offence, Offender, Victim
from scoring.models import ScoringPolicy
from tests.conftest import ROOT, _worker_env
from tests.factories.imports import HEADER, csv_bytes, offence_row
from tests.factories.workbooks import ROWS, harm_workbook
from tests.offenders.imports.conftest import CORPUS

pytestmark = pytest.mark.django_db
API = "/api/v1/imports/offences/"
HARM_PAGE = "/admin/offenders/importbatch/upload-harm-index/"
UPLOAD_PAGE = "/admin/offenders/importbatch/upload-offences/"


def _counts() -> tuple[int, int, int]:
    return Offence.objects.count(), Offender.objects.count(), Victim.objects.count()


def _file(content: bytes, name: str):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def _where(report) -> list[tuple]:
    return [(p.line, p.column) for p in report.problems.kept]


# --- line endings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("ending", [b"\r", b"\n", b"\r\n"])
def test_any_line_ending_loads(import_csv, ending):
    """A lone CR (old Mac "CSV (Macintosh)") used to be refused as one giant unquoted line."""
    content = csv_bytes([offence_row(n) for n in range(4)]).replace(b"\r\n", ending)
    report = import_csv(content)
    assert report.loaded, report.problems.as_texts()
    assert Offence.objects.count() == 4
    assert Offence.objects.get(crime_ref="CR/T/00003").borough == "Line one\nline two"  # quoted newline kept


def test_lone_cr_line_numbers_are_physical_lines(import_csv):
    rows = [offence_row(3), offence_row(4, occurred_on="2025-02-30")]  # row 3's borough spans two lines
    report = import_csv(csv_bytes(rows).replace(b"\r\n", b"\r"))
    assert _where(report) == [(4, "occurred_on")]
    assert "not a real date" in report.problems.kept[0].message
    assert _counts() == (0, 0, 0)


def test_mixed_endings_and_a_trailing_blank_line(import_csv):
    content = csv_bytes([offence_row(0), offence_row(1), offence_row(2)])
    content = content.replace(b"\r\n", b"\n", 1).replace(b"\r\n", b"\r", 1) + b"\r\n\r\n"
    report = import_csv(content)
    assert report.loaded and report.batch.rows_read == 3


# --- bytes that are not UTF-8 ---------------------------------------------------------------------------


def test_latin1_bytes_are_reported_by_line_and_column_and_load_nothing(import_csv):
    content = csv_bytes([offence_row(0), offence_row(1), offence_row(2, borough="Mal\u00f6")])
    content = content.replace("Mal\u00f6".encode(), b"Mal\xf6").replace("Se\u00e1n".encode(), b"Se\xe1n")
    report = import_csv(content)
    assert _counts() == (0, 0, 0)
    assert _where(report) == [(2, "suspect_forenames"), (4, "borough")]
    assert report.problems.as_texts()[0].startswith("line 2, column suspect_forenames: Byte 0xE1 is not UTF-8")
    batch = ImportBatch.objects.get(pk=report.batch.pk)  # the stored report holds no stray surrogates
    assert batch.outcome == "rejected" and batch.errors == report.problems.as_dicts()


def test_a_bad_byte_in_the_header_refuses_the_file(import_csv):
    content = csv_bytes([offence_row(0)]).replace(b"borough", b"borou\xe9h", 1)
    report = import_csv(content)
    assert _where(report) == [(1, "14")] and "not UTF-8" in report.problems.kept[0].message


def test_a_bad_byte_in_an_ignored_column_is_still_reported(import_csv):
    content = csv_bytes([{**offence_row(0), "notes": "caf\u00e9"}], header=[*HEADER, "notes"])
    report = import_csv(content.replace("caf\u00e9".encode(), b"caf\xe9"))
    assert _where(report) == [(2, "notes")] and _counts() == (0, 0, 0)


# --- cells are data ---------------------------------------------------------------------------------------

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", '=HYPERLINK("http://x.invalid","x")']


@pytest.mark.parametrize("formula", FORMULAS)
def test_formula_text_is_stored_as_the_text_it_is(import_csv, formula):
    row = offence_row(0, suspect_surname=formula, borough=formula[:64], crime_ref=formula.replace("'", "")[:60])
    report = import_csv(csv_bytes([row]))
    assert report.loaded, report.problems.as_texts()
    offender = Offender.objects.get()
    assert offender.surname == formula  # stored, never evaluated ("2" would mean it was)
    assert Offence.objects.get().borough == formula[:64]


@pytest.mark.parametrize("prefix", ["\t", "\r", " ", "\n"])
def test_whitespace_before_a_formula_is_trimmed_and_the_rest_kept(import_csv, prefix):
    report = import_csv(csv_bytes([offence_row(0, suspect_surname=f"{prefix}=1+1")]))
    assert report.loaded, report.problems.as_texts()
    assert Offender.objects.get().surname == "=1+1"


def test_formula_corpus_file_loads_as_data(import_csv):
    report = import_csv((CORPUS / "formula_cells.csv").read_bytes())
    assert report.loaded
    assert Offender.objects.get(suspect_ref="SUSX3").surname == '=HYPERLINK("http://example.invalid","x")'


def test_formula_text_reaches_the_api_as_text(import_csv, api_for, make_user):
    import_csv(csv_bytes([offence_row(0, borough="=1+1")]))
    offence = Offence.objects.get()
    body = api_for(make_user("supervisor")).get(f"/api/v1/offences/{offence.pk}/").json()
    assert body["borough"] == "=1+1"


# --- malformed CSV, in words ------------------------------------------------------------------------------


def test_an_unclosed_quote_is_named_at_its_line(import_csv):
    report = import_csv(csv_bytes([offence_row(0)]) + b'CR/X,"never closed\r\nmore\r\n')
    assert _where(report) == [(4, "")] and "double quote" in report.problems.kept[0].message
    assert _counts() == (0, 0, 0)


def test_a_cell_over_the_csv_limit_is_named_at_its_line(import_csv):
    report = import_csv(csv_bytes([offence_row(0), offence_row(1, borough="x" * 2_000_000)]))
    assert _where(report) == [(3, "")] and "longer than 131,072 characters" in report.problems.kept[0].message
    assert _counts() == (0, 0, 0)


def test_rows_with_too_few_or_too_many_cells_name_a_column(import_csv):
    extra = csv_bytes([offence_row(1)]).split(b"\r\n", 1)[1].rstrip() + b",surplus\r\n"
    report = import_csv(csv_bytes([offence_row(0)]) + b"CR/1,008/06,2025-01-01\r\n" + extra)
    assert _where(report) == [(3, "reported_on"), (4, "16")]
    assert report.problems.as_texts()[0] == "line 3, column reported_on: the row has 3 cells but the header has 15."


# --- headers -----------------------------------------------------------------------------------------


def test_header_case_order_and_extra_columns_do_not_matter(import_csv):
    header = [*reversed(HEADER), "Notes"]
    content = csv_bytes([offence_row(0)], header=header).replace(b"crime_ref", b" Crime_REF ", 1)
    report = import_csv(content, name="odd-header.csv")
    assert report.loaded and report.batch.details["ignored_columns"] == ["notes"]


def test_a_header_naming_a_column_twice_in_another_case_is_refused(import_csv):
    report = import_csv(csv_bytes([offence_row(0)], header=[*HEADER, "STATUS"]))
    assert _where(report) == [(1, "status")] and "twice" in report.problems.kept[0].message


# --- the three doors ------------------------------------------------------------------------------------


def test_api_takes_a_lone_cr_file_spooled_to_disk(api_for, admin_user, settings):
    """Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE arrive as temporary files; reading them as text must not
    close or confuse them."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    content = csv_bytes([offence_row(n) for n in range(40)]).replace(b"\r\n", b"\r")
    response = api_for(admin_user).post(API, {"file": _file(content, "mac.csv")})
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 40


def test_api_latin1_is_400_with_line_and_column(api_for, admin_user):
    content = csv_bytes([offence_row(0)]).replace("Se\u00e1n".encode(), b"Se\xe1n")
    response = api_for(admin_user).post(API, {"file": _file(content, "latin1.csv")})
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "line": 2,
        "column": "suspect_forenames",
        "message": response.json()["errors"][0]["message"],
    }
    assert _counts() == (0, 0, 0)


def test_command_dry_run_reports_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "mac.csv"
    path.write_bytes(csv_bytes([offence_row(n) for n in range(3)]).replace(b"\r\n", b"\r"))
    call_command("import_offences", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "dry_run; rows read 3, created 3" in out and "nothing was written" in out
    assert _counts() == (0, 0, 0)


# --- workbooks --------------------------------------------------------------------------------------------


def _rezip(content: bytes, member: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return out.getvalue()


def _sheet_member(content: bytes) -> str:
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    return sorted(name for name in names if name.startswith("xl/worksheets/sheet"))[-1]


def _damaged(kind: str) -> bytes:
    good = harm_workbook()
    if kind == "content_types_garbage":
        return _rezip(good, "[Content_Types].xml", lambda data: b"garbage")
    if kind == "sheet_xml_truncated":
        return _rezip(good, _sheet_member(good), lambda data: data[: len(data) // 2])
    if kind == "empty_zip":
        buffer = io.BytesIO()
        zipfile.ZipFile(buffer, "w").close()
        return buffer.getvalue()
    if kind == "zip_cut_short":
        return good[: len(good) // 2]
    return b"PK\x03\x04 not really a zip"


DAMAGED = ["content_types_garbage", "sheet_xml_truncated", "empty_zip", "zip_cut_short", "fake_zip_magic"]


@pytest.mark.parametrize("kind", DAMAGED)
def test_a_damaged_workbook_is_refused_not_a_server_error(import_workbook, kind):
    report = import_workbook(_damaged(kind), name=f"Damaged {kind}")
    assert not report.ok and "not an Excel workbook" in report.problems.kept[0].message
    assert not ScoringPolicy.objects.filter(name=f"Damaged {kind}").exists()
    assert ImportBatch.objects.get(pk=report.batch.pk).outcome == "rejected"


def test_a_damaged_workbook_through_the_admin_page_and_the_command(web_for, admin_user, tmp_path):
    page = web_for(admin_user).post(
        HARM_PAGE, {"name": "Bad", "file": _file(_damaged("sheet_xml_truncated"), "x.xlsx")}
    )
    assert page.status_code == 200 and b"not an Excel workbook" in page.content
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(_damaged("content_types_garbage"))
    with pytest.raises(CommandError, match="Nothing loaded"):
        call_command("import_harm_index", str(path), "--name", "Bad")
    assert not ScoringPolicy.objects.filter(name="Bad").exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(import_workbook):
    good = harm_workbook()
    padding = b"<!-- " + b"A" * 5_000_000 + b" -->"
    bomb = _rezip(good, _sheet_member(good), lambda data: data.replace(b"<sheetData>", padding + b"<sheetData>"))
    assert len(bomb) < 100_000
    with override_settings(PORTAL_IMPORT_MAX_UNZIPPED_BYTES=1_000_000):
        report = import_workbook(bomb, name="Bomb")
    assert not report.ok and "unpacks to" in report.problems.kept[0].message
    assert not ScoringPolicy.objects.filter(name="Bomb").exists()


def test_expired_rows_are_counted_and_a_formula_looking_title_is_data(import_workbook):
    rows = [*ROWS, ["ATH008", "@Looks like a formula", "099/09", "", "", "", 7]]
    report = import_workbook(harm_workbook(rows), name="With expired")
    assert report.ok, report.problems.as_texts()
    assert report.batch.details["expired_skipped"] == 1
    policy = ScoringPolicy.objects.get(name="With expired")
    assert policy.entries.get(code="099/09").title == "@Looks like a formula"


def test_a_workbook_missing_a_required_header_names_it(import_workbook):
    header = [name for name in ("ATHENA URN", "FULL_OFFENCE_TITLE", "GROUP", "CCHI Score")]
    report = import_workbook(harm_workbook([["A", "Murder", "x", 5]], header=header), name="No code column")
    assert not report.ok and "HOME_OFFICE_CLASSIFICATION" in report.problems.kept[0].message


@pytest.mark.django_db(transaction=True)
def test_the_real_command_exits_non_zero_on_a_damaged_workbook(reference_data, tmp_path):
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(_damaged("sheet_xml_truncated"))
    done = subprocess.run(
        [sys.executable, "manage.py", "import_harm_index", str(path), "--name", "Damaged"],
        cwd=ROOT, env=_worker_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr and "not an Excel workbook" in done.stderr


def test_padding_after_the_last_named_column_is_not_a_cell_count_problem(import_csv):
    """Spreadsheets pad the header (or the rows) with empty cells; only named columns must be present."""
    header_padded = csv_bytes([offence_row(0)]).replace(b"domestic\r\n", b"domestic,,\r\n", 1)
    rows_padded = csv_bytes([offence_row(1)]).replace(b"\r\n", b",,\r\n")
    assert import_csv(header_padded).loaded
    assert import_csv(rows_padded).loaded
    assert Offence.objects.count() == 2
