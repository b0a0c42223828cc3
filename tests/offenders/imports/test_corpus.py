"""The hostile corpus: every file loads nothing, is recorded as a rejected batch, and says why."""

import pytest
from django.test import override_settings

from offenders.models import ImportBatch, Offence, Offender, Victim
from portal.audit.models import AuditEvent
from tests.factories.imports import csv_bytes, offence_row
from tests.offenders.imports.conftest import CORPUS

pytestmark = pytest.mark.django_db

# file -> [(line, column, words the message must contain)]; line None means the file as a whole.
EXPECTED = {
    "missing_column.csv": [(1, "offence_code", "no offence_code column")],
    "future_date.csv": [
        (3, "occurred_on", "must not be in the future"),
        (3, "reported_on", "must not be in the future"),
    ],
    "reported_before_occurred.csv": [(4, "reported_on", "must not be before")],
    "unknown_code.csv": [(3, "offence_code", "'999/99' is not in the active harm index")],
    "bad_status.csv": [(4, "status", "'arrested' is not a known offence status")],
    "bad_date_format.csv": [(3, "occurred_on", "YYYY-MM-DD")],
    "disagreeing_duplicates.csv": [
        (2, "crime_ref", "appears again on line 4 with different values"),
        (4, "crime_ref", "already appears on line 2 with different values"),
    ],
    "latin1.csv": [
        (4, "suspect_surname", "Byte 0xEB is not UTF-8"),
        (4, "suspect_forenames", "Byte 0xE9 is not UTF-8"),
    ],
    "utf16.csv": [(1, None, "UTF-16, not UTF-8")],
    "formula_in_code.csv": [(3, "offence_code", "'=1+2' is not a Home Office offence code")],
    "empty.csv": [(1, None, "The file is empty")],
    "header_only.csv": [(2, None, "no offence rows")],
    "wrong_cell_count.csv": [(3, "reported_on", "the row has 3 cells but the header has 15")],
    "suspect_details_disagree.csv": [(4, "suspect_dob", "has different suspect_dob on line 2")],
    "bad_optional_values.csv": [
        (4, "suspect_dob", "not a real date"),
        (4, "suspect_sex", "'M' is not a recorded sex"),
        (4, "suspect_ethnicity", "'Z9' is not an ONS 2021 ethnicity code"),
        (4, "victim_relationship", "'lodger' is not a known relationship"),
        (4, "borough", "at most 64 characters"),
        (4, "domestic", "must be true or false"),
    ],
}


def _assert_nothing_loaded():
    assert Offence.objects.count() == 0
    assert Offender.objects.count() == 0
    assert Victim.objects.count() == 0


@pytest.mark.parametrize("file_name", sorted(EXPECTED))
def test_hostile_file_loads_nothing_and_says_why(file_name, import_csv):
    report = import_csv((CORPUS / file_name).read_bytes(), name=file_name)

    _assert_nothing_loaded()
    assert report.batch.outcome == ImportBatch.Outcome.REJECTED
    assert not report.ok
    problems = report.problems.as_dicts()
    for line, column, words in EXPECTED[file_name]:
        assert any(p["line"] == line and p["column"] == column and words in p["message"] for p in problems), (
            f"{file_name}: no problem at line {line}, column {column} saying {words!r}; got {problems}"
        )
    assert report.problems.total == len(EXPECTED[file_name])
    batch = ImportBatch.objects.get(pk=report.batch.pk)
    assert batch.error_count == len(EXPECTED[file_name])
    assert batch.errors == problems
    assert batch.rows_created == batch.rows_updated == 0
    event = AuditEvent.objects.get(action="import.offences", target_id=str(batch.pk))
    assert event.changes["outcome"]["after"] == "rejected"
    assert not AuditEvent.objects.filter(action__in=["offence.update", "offender.update"]).exists()


def test_problem_text_names_line_and_column(import_csv):
    report = import_csv((CORPUS / "bad_status.csv").read_bytes())
    assert report.problems.as_texts() == [
        "line 4, column status: 'arrested' is not a known offence status; use one of: reported, investigating, "
        "charged, convicted, nfa, acquitted, cancelled."
    ]


def test_encoding_refusal_says_what_to_do(import_csv):
    for name in ("latin1.csv", "utf16.csv"):
        message = import_csv((CORPUS / name).read_bytes()).problems.kept[0].message
        assert "Save it again as UTF-8" in message and "CSV UTF-8" in message


def test_file_over_the_limit_loads_nothing(import_csv):
    content = csv_bytes([offence_row(n) for n in range(20)])
    with override_settings(PORTAL_IMPORT_MAX_BYTES=len(content) - 1):
        report = import_csv(content)
    _assert_nothing_loaded()
    assert report.too_large
    assert report.batch.outcome == ImportBatch.Outcome.REJECTED
    assert "the limit is" in report.problems.kept[0].message
    with override_settings(PORTAL_IMPORT_MAX_BYTES=len(content)):
        assert import_csv(content).loaded


def test_a_bad_row_after_many_good_chunks_still_loads_nothing(import_csv, settings):
    rows = [offence_row(n) for n in range(4500)] + [offence_row(4500, status="arrested")]
    report = import_csv(csv_bytes(rows))
    _assert_nothing_loaded()
    assert report.problems.total == 1
    assert report.batch.rows_read == 4501


def test_every_problem_counted_but_only_the_first_thousand_kept(import_csv):
    rows = [offence_row(n, status="arrested", borough="") for n in range(1200)]
    report = import_csv(csv_bytes(rows))
    assert report.problems.total == 1200
    assert len(report.problems.kept) == 1000
    assert report.problems.kept[-1].line == 1001
    batch = ImportBatch.objects.get(pk=report.batch.pk)
    assert batch.error_count == 1200 and len(batch.errors) == 1000


def test_quoted_newlines_keep_line_numbers_true(import_csv):
    rows = [offence_row(3), offence_row(1, crime_ref="CR/T/BAD", occurred_on="2025-13-01")]
    report = import_csv(csv_bytes(rows))
    # offence_row(3) has a borough spanning two lines, so the second record starts on line 4.
    assert [(p.line, p.column) for p in report.problems.kept] == [(4, "occurred_on")]


def test_nul_byte_after_the_first_block_is_refused_with_its_line(import_csv):
    rows = [offence_row(n, borough="") for n in range(200)]
    content = csv_bytes(rows)
    content = content.replace(b"CR/T/00150", b"CR/T/\x0000150")
    report = import_csv(content)
    _assert_nothing_loaded()
    assert report.problems.kept[0].line == 152 and "NUL byte" in report.problems.kept[0].message


def test_a_giant_cell_is_refused_not_loaded(import_csv):
    report = import_csv(csv_bytes([offence_row(1), offence_row(2, suspect_surname="x" * 200_000)]))
    _assert_nothing_loaded()
    assert report.problems.total == 1 and report.problems.kept[0].line == 3
