"""Harm-index workbooks (docs/imports.md): a new draft policy, or nothing and the reasons by row."""

from decimal import Decimal

import pytest
from django.test import override_settings

from offenders.models import ImportBatch, Offence, OffenceType
from portal.audit.models import AuditEvent
from scoring.models import ScoringPolicy
from scoring.services import policy_activate, policy_approve
from tests.factories.imports import csv_bytes, offence_row
from tests.factories.workbooks import ROWS, harm_workbook

pytestmark = pytest.mark.django_db


def test_workbook_becomes_a_new_draft_policy(import_workbook, admin_user):
    active_before = ScoringPolicy.objects.get(status="active")

    report = import_workbook(harm_workbook(), name="Synthetic CCHI 2026")

    assert report.loaded, report.problems.as_texts()
    policy = ScoringPolicy.objects.get(name="Synthetic CCHI 2026")
    assert policy.status == "draft" and not policy.is_illustrative and policy.author == admin_user
    assert ScoringPolicy.objects.get(status="active") == active_before  # nothing changes until approved
    entries = {entry.code: entry for entry in policy.entries.all()}
    assert {code: entry.days for code, entry in entries.items()} == {
        "001/01": 5475, "008/06": 182, "105/01": 2, "19C": 1825, "008/71": 365, "077/07": Decimal("12.5"),
    }  # fmt: skip
    assert entries["008/06"].title == "Assault occasioning actual bodily harm"
    assert entries["008/06"].offence_type == OffenceType.objects.get(code="008/06")
    assert "row 6" in entries["008/06"].provenance and "Starting Point: 26 weeks" in entries["008/06"].provenance
    assert (report.batch.rows_read, report.batch.rows_created, report.batch.rows_skipped) == (7, 6, 1)
    assert report.batch.details["expired_skipped"] == 1 and report.batch.details["policy_id"] == policy.pk
    assert AuditEvent.objects.filter(action="import.harm_index", target_id=str(report.batch.pk)).exists()


def test_header_on_the_first_row_of_the_only_sheet_is_found(import_workbook):
    report = import_workbook(harm_workbook(title_rows=0, extra_sheet=False), name="Plain")
    assert report.loaded, report.problems.as_texts()


def test_duplicate_classifications_and_bad_scores_are_reported_by_row(import_workbook):
    rows = [
        ["A1", "Murder", "001/01", "", "", "", 5475],
        ["A2", "Murder (again)", "00101", "", "", "", 5475],
        ["A3", "Assault", "008/06", "", "", "", "about a year"],
        ["A4", "Negative", "105/01", "", "", "", -3],
        ["A5", "Bad code", "not a code", "", "", "", 10],
        ["A6", '=HYPERLINK("x")', "19C", "", "", "", 10],
    ]
    report = import_workbook(harm_workbook(rows), name="Refused")

    assert not report.ok and report.batch.outcome == ImportBatch.Outcome.REJECTED
    assert [(p.line, p.column) for p in report.problems.kept] == [
        (6, "HOME_OFFICE_CLASSIFICATION"), (7, "CCHI Score"), (8, "CCHI Score"),
        (9, "HOME_OFFICE_CLASSIFICATION"), (10, "FULL_OFFENCE_TITLE"),
    ]  # fmt: skip
    assert report.problems.kept[0].message == "'001/01' is already given on row 5."
    assert report.problems.as_texts()[1].startswith("row 7, column CCHI Score: 'about a year' is not a number")
    assert not ScoringPolicy.objects.filter(name="Refused").exists()


def test_formula_cells_are_not_evaluated(import_workbook):
    rows = [["A1", "Murder", "001/01", "", "", "", "=365*15"]]  # openpyxl saves the formula with no value
    report = import_workbook(harm_workbook(rows), name="Formulae")
    assert not report.ok
    assert report.problems.kept[0].column == "CCHI Score" and "no score" in report.problems.kept[0].message


def test_a_workbook_without_the_header_is_refused(import_workbook):
    report = import_workbook(harm_workbook(header=["TITLE", "SCORE", "CODE"]), name="No header")
    assert not report.ok and "No sheet has a header row" in report.problems.kept[0].message


def test_a_file_that_is_not_a_workbook_is_refused(import_workbook):
    report = import_workbook(csv_bytes([offence_row(1)]), name="Not a workbook")
    assert not report.ok and "not an Excel workbook" in report.problems.kept[0].message
    assert ScoringPolicy.objects.count() == 1


def test_only_expired_rows_is_refused(import_workbook):
    report = import_workbook(harm_workbook([ROWS[5]]), name="Expired only")
    assert not report.ok and "no harm entries" in report.problems.kept[0].message


def test_over_the_limit_is_refused(import_workbook):
    content = harm_workbook()
    with override_settings(PORTAL_IMPORT_MAX_BYTES=len(content) - 1):
        report = import_workbook(content, name="Too big")
    assert report.too_large and not ScoringPolicy.objects.filter(name="Too big").exists()


def test_an_activated_workbook_policy_governs_which_codes_offences_may_use(import_workbook, import_csv, make_user):
    """A new classification in the workbook becomes usable by the offence import once its policy is active."""
    import_csv(csv_bytes([offence_row(1)]))
    report = import_workbook(harm_workbook(), name="Synthetic CCHI")
    policy = ScoringPolicy.objects.get(pk=report.batch.details["policy_id"])
    refused = import_csv(csv_bytes([offence_row(2, offence_code="077/07")]))
    assert not refused.ok  # not in the active (illustrative) index yet

    approver = make_user("admin", username="second_admin")
    policy_approve(policy=policy, by=approver)
    policy_activate(policy=ScoringPolicy.objects.get(pk=policy.pk), by=approver)
    loaded = import_csv(csv_bytes([offence_row(2, offence_code="077/07")]))

    assert loaded.loaded, loaded.problems.as_texts()
    assert Offence.objects.get(crime_ref="CR/T/00002").offence_type.title == "A synthetic new classification"
    assert loaded.batch.details["offence_types_created"] == 1
    old_code = import_csv(csv_bytes([offence_row(3, offence_code="19D")]))  # illustrative only, not in the workbook
    assert not old_code.ok
