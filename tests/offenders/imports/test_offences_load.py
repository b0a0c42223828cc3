"""Good files: what loads, that a second load changes nothing, and that changes are audited."""

import datetime as dt

import pytest

from offenders.models import ImportBatch, Offence, OffenceType, Offender, Victim
from portal.audit.models import AuditEvent
from portal.audit.verify import audit_chain_verify
from tests.factories.imports import HEADER, csv_bytes, offence_row
from tests.offenders.imports.conftest import CORPUS

pytestmark = pytest.mark.django_db


def _rows(count: int = 12) -> list[dict[str, str]]:
    return [offence_row(n) for n in range(count)]


def _state() -> list[list[tuple]]:
    """Everything an import may write, as comparable values (timestamps included: they must not move)."""
    offences = list(Offence.objects.order_by("crime_ref").values_list())
    offenders = list(Offender.objects.order_by("suspect_ref").values_list())
    victims = list(Victim.objects.order_by("victim_ref").values_list())
    return [offences, offenders, victims]


def test_good_file_loads_every_row_with_its_values(import_csv):
    report = import_csv(csv_bytes(_rows()))

    assert report.loaded, report.problems.as_texts()
    assert (Offence.objects.count(), Offender.objects.count(), Victim.objects.count()) == (12, 3, 4)
    assert report.batch.details["offenders_created"] == 3 and report.batch.details["victims_created"] == 4
    assert (report.batch.rows_read, report.batch.rows_created, report.batch.rows_updated) == (12, 12, 0)
    offence = Offence.objects.select_related("offence_type", "offender", "victim").get(crime_ref="CR/T/00001")
    assert offence.offence_type.code == "008/06"  # written 00806 in the file
    assert offence.offender.suspect_ref == "SUS/T/1"
    assert (offence.offender.surname, offence.offender.forenames) == ("Smith, Jr", 'John "Jack"')
    assert (offence.offender.sex, offence.offender.ethnicity, offence.offender.date_of_birth) == ("unknown", "", None)
    assert offence.victim.victim_ref == "VIC/T/1"
    assert (offence.status, offence.victim_relationship, offence.domestic) == ("investigating", "ex_partner", False)
    assert offence.occurred_on == dt.date(2025, 2, 11) and offence.reported_on == dt.date(2025, 2, 21)
    assert Offence.objects.get(crime_ref="CR/T/00003").borough == "Line one\nline two"
    assert Offender.objects.get(suspect_ref="SUS/T/2").surname == "Nguyễn"
    event = AuditEvent.objects.get(action="import.offences")
    assert event.target_id == str(report.batch.pk) and event.actor_username == "import_admin"
    assert event.changes["rows_created"]["after"] == 12


def test_extra_columns_are_ignored_and_named(import_csv):
    header = ["note", *HEADER, "officer_in_case"]
    report = import_csv(csv_bytes([{**offence_row(1), "note": "=cmd", "officer_in_case": "PC 1"}], header=header))
    assert report.loaded, report.problems.as_texts()
    assert report.batch.details["ignored_columns"] == ["note", "officer_in_case"]


def test_excel_csv_utf8_with_bom_and_crlf_loads(import_csv):
    report = import_csv((CORPUS / "good_bom_crlf.csv").read_bytes())
    assert report.loaded, report.problems.as_texts()
    assert set(Offence.objects.values_list("crime_ref", flat=True)) == {"CRX/0001", "CRX/0002"}


def test_second_load_of_the_same_file_changes_nothing_and_writes_no_record_events(import_csv):
    content = csv_bytes(_rows(), bom=True)
    import_csv(content)
    before, events_before = _state(), AuditEvent.objects.count()

    again = import_csv(content)

    assert again.loaded
    assert _state() == before
    assert (again.batch.rows_created, again.batch.rows_updated, again.batch.rows_unchanged) == (0, 0, 12)
    assert again.batch.details["offenders_rescored"] == 0
    new_events = list(AuditEvent.objects.filter(sequence__gt=events_before).values_list("action", flat=True))
    assert new_events == ["import.offences"]  # the import itself is on record; no record-level noise


def test_identical_repeated_rows_are_skipped_not_refused(import_csv):
    rows = _rows(4)
    report = import_csv(csv_bytes([*rows, rows[1]]))
    assert report.loaded
    assert (report.batch.rows_read, report.batch.rows_created, report.batch.rows_skipped) == (5, 4, 1)


def test_changed_rows_update_and_are_audited_with_before_and_after(import_csv):
    rows = _rows()
    import_csv(csv_bytes(rows))
    rows[5] = offence_row(5, status="nfa", offence_code="19C")
    rows[0] = offence_row(0, suspect_surname="O'Brien-Kelly")
    rows[3] = offence_row(3, suspect_surname="O'Brien-Kelly")  # suspect 0 again: same new details
    rows[6] = offence_row(6, suspect_surname="O'Brien-Kelly")
    rows[9] = offence_row(9, suspect_surname="O'Brien-Kelly")

    report = import_csv(csv_bytes(rows))

    assert report.loaded, report.problems.as_texts()
    assert (report.batch.rows_updated, report.batch.rows_unchanged) == (1, 11)
    assert report.batch.details["offenders_updated"] == 1
    offence = Offence.objects.get(crime_ref="CR/T/00005")
    assert (offence.status, offence.offence_type.code) == ("nfa", "19C")
    change = AuditEvent.objects.get(action="offence.update")
    assert change.target_id == str(offence.pk) and change.object_repr == "CR/T/00005"
    assert change.changes == {
        "offence_code": {"before": "008/06", "after": "19C"},
        "status": {"before": "investigating", "after": "nfa"},
    }
    assert change.purpose == f"import batch {report.batch.pk}"
    person = AuditEvent.objects.get(action="offender.update")
    assert person.changes == {"surname": {"before": "O'Brien", "after": "O'Brien-Kelly"}}
    assert person.object_repr == Offender.objects.get(suspect_ref="SUS/T/0").reference
    assert audit_chain_verify().ok


def test_moving_an_offence_to_another_suspect_rescores_both(import_csv):
    rows = _rows(6)
    import_csv(csv_bytes(rows))
    rows[0] = offence_row(0, suspect_ref="SUS/T/1", suspect_surname="Smith, Jr", suspect_forenames='John "Jack"',
                          suspect_dob="", suspect_sex="", suspect_ethnicity="")  # fmt: skip
    report = import_csv(csv_bytes(rows))
    assert report.loaded, report.problems.as_texts()
    assert report.batch.details["offenders_rescored"] == 2
    assert Offence.objects.get(crime_ref="CR/T/00000").offender.suspect_ref == "SUS/T/1"


def test_protected_characteristics_are_stored_but_do_not_trigger_rescoring(import_csv):
    rows = _rows(6)
    import_csv(csv_bytes(rows))
    changed = [
        {**row, "suspect_ethnicity": "B1", "suspect_sex": "female", "suspect_dob": "1970-07-07"}
        if row["suspect_ref"] == "SUS/T/0" else row
        for row in rows
    ]  # fmt: skip
    report = import_csv(csv_bytes(changed))
    offender = Offender.objects.get(suspect_ref="SUS/T/0")
    assert (offender.ethnicity, offender.sex, offender.date_of_birth) == ("B1", "female", dt.date(1970, 7, 7))
    assert report.batch.details["offenders_updated"] == 1
    assert report.batch.rows_updated == 0 and report.batch.details["offenders_rescored"] == 0


def test_dry_run_counts_exactly_and_writes_nothing(import_csv):
    import_csv(csv_bytes(_rows(6)))
    before = _state()
    rows = [*_rows(6), offence_row(6), offence_row(7)]
    rows[2] = offence_row(2, status="cancelled")

    report = import_csv(csv_bytes(rows), dry_run=True)

    assert report.ok and not report.loaded
    assert report.batch.outcome == ImportBatch.Outcome.DRY_RUN
    assert (report.batch.rows_created, report.batch.rows_updated, report.batch.rows_unchanged) == (2, 1, 5)
    assert _state() == before
    assert not AuditEvent.objects.filter(action="offence.update").exists()
    assert AuditEvent.objects.filter(action="import.offences").count() == 2


def test_codes_must_be_in_the_active_harm_index_not_merely_known(import_csv):
    OffenceType.objects.create(code="099/01", title="A type no policy weights")
    report = import_csv(csv_bytes([offence_row(1, offence_code="099/01")]))
    assert not report.ok
    assert report.problems.kept[0].column == "offence_code"
    assert "not in the active harm index" in report.problems.kept[0].message


def test_formula_text_is_stored_as_data_never_evaluated(import_csv):
    """Cells are data (docs/imports.md): formula-looking text loads as the text it is."""
    report = import_csv(csv_bytes([offence_row(1, borough="+44 (cmd)"), offence_row(2, suspect_forenames="-2+3")]))
    assert report.loaded, report.problems.as_texts()
    assert Offence.objects.get(crime_ref="CR/T/00001").borough == "+44 (cmd)"
    assert Offender.objects.get(suspect_ref="SUS/T/2").forenames == "-2+3"


def test_large_file_is_loaded_in_chunks_with_flat_query_count(import_csv, django_assert_max_num_queries):
    rows = [offence_row(n, suspect_ref=f"SUS/BIG/{n}", victim_ref=f"VIC/BIG/{n}", borough="") for n in range(5000)]
    for row in rows:
        row["suspect_surname"], row["suspect_forenames"] = "Doe", "Sam"
    # a few per chunk (SQLite inserts at most 999 parameters a statement), never one per row
    with django_assert_max_num_queries(300):
        report = import_csv(csv_bytes(rows))
    assert report.loaded and Offence.objects.count() == 5000 and Offender.objects.count() == 5000
