"""manage.py import_offences and import_harm_index: output, exit codes, the size limit."""

import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from offenders.models import ImportBatch, Offence
from portal.audit.models import AuditEvent
from scoring.models import ScoringPolicy
from tests.conftest import ROOT, _worker_env
from tests.factories.imports import csv_bytes, offence_row
from tests.factories.workbooks import harm_workbook
from tests.offenders.imports.conftest import CORPUS


@pytest.fixture
def good_csv(tmp_path):
    path = tmp_path / "offences.csv"
    path.write_bytes(csv_bytes([offence_row(n) for n in range(6)]))
    return path


@pytest.mark.django_db
def test_import_offences_loads_and_reports_counts(good_csv, capsys):
    call_command("import_offences", str(good_csv))
    out = capsys.readouterr().out
    assert "loaded; rows read 6, created 6, updated 0, unchanged 0" in out
    assert Offence.objects.count() == 6
    batch = ImportBatch.objects.get()
    assert batch.started_by is None and batch.started_by_username.endswith("(command line)")
    assert AuditEvent.objects.get(action="import.offences").channel == "command"


@pytest.mark.django_db
def test_import_offences_dry_run_writes_nothing(good_csv, capsys):
    call_command("import_offences", str(good_csv), "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert Offence.objects.count() == 0


@pytest.mark.django_db
def test_import_offences_bad_file_lists_problems_and_fails(capsys):
    with pytest.raises(CommandError, match="Nothing loaded: 1 problem"):
        call_command("import_offences", str(CORPUS / "unknown_code.csv"))
    assert "line 3, column offence_code: '999/99' is not in the active harm index" in capsys.readouterr().err
    assert Offence.objects.count() == 0


@pytest.mark.django_db
def test_import_offences_over_the_limit_is_a_clear_error(good_csv, capsys):
    with override_settings(PORTAL_IMPORT_MAX_BYTES=100), pytest.raises(CommandError):
        call_command("import_offences", str(good_csv))
    assert "the limit is 100" in capsys.readouterr().err
    assert Offence.objects.count() == 0


@pytest.mark.django_db
def test_import_as_a_named_admin_and_refuse_others(good_csv, make_user):
    admin = make_user("admin", username="cmd_admin")
    officer = make_user("officer", username="cmd_officer")
    with pytest.raises(CommandError, match="not an active admin"):
        call_command("import_offences", str(good_csv), "--user", officer.username)
    call_command("import_offences", str(good_csv), "--user", admin.username)
    assert ImportBatch.objects.get().started_by == admin
    assert AuditEvent.objects.get(action="import.offences").actor_username == "cmd_admin"


@pytest.mark.django_db
def test_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_offences", "/nonexistent/offences.csv")


def test_exit_codes_of_the_real_commands(reference_data, good_csv, tmp_path):
    """Exit 0 only when every row loaded; 1 (and nothing loaded) otherwise."""

    def run(*args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=_worker_env(),
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    bad = run("import_offences", str(CORPUS / "bad_status.csv"))
    assert bad.returncode == 1 and "line 4, column status" in bad.stderr
    assert Offence.objects.count() == 0
    good = run("import_offences", str(good_csv))
    assert good.returncode == 0, good.stderr
    assert Offence.objects.count() == 6
    workbook = tmp_path / "cchi.xlsx"
    workbook.write_bytes(harm_workbook())
    made = run("import_harm_index", str(workbook), "--name", "CCHI from the command")
    assert made.returncode == 0, made.stderr
    assert ScoringPolicy.objects.get(name="CCHI from the command").status == "draft"
    workbook.write_bytes(harm_workbook([["X", "Bad score", "008/06", "", "", "", "lots"]]))
    refused = run("import_harm_index", str(workbook), "--name", "Refused")
    assert refused.returncode == 1 and "column CCHI Score" in refused.stderr
    assert not ScoringPolicy.objects.filter(name="Refused").exists()


@pytest.mark.django_db
def test_import_harm_index_needs_a_name(tmp_path):
    workbook = tmp_path / "cchi.xlsx"
    workbook.write_bytes(harm_workbook())
    with pytest.raises(CommandError, match="--name"):
        call_command("import_harm_index", str(workbook))
