"""A real browser: an admin (password + TOTP) uploads an offences CSV, sees the preview, confirms, sees the result."""

import pytest

from offenders.models import ImportBatch, Offence
from tests.conftest import browser_login
from tests.factories.imports import csv_bytes, offence_row

pytestmark = pytest.mark.browser


def test_admin_imports_offences_through_preview_and_confirm(page, reference_data, make_user):  # noqa: F811
    admin = make_user("admin", username="browser_import_admin")
    browser_login(page, admin.username)

    page.goto("/admin/offenders/importbatch/")
    page.click("[data-testid=import-offences-link]")
    page.set_input_files(
        "#id_file",
        files=[
            {"name": "offences.csv", "mimeType": "text/csv", "buffer": csv_bytes([offence_row(n) for n in range(7)])}
        ],
    )
    page.click("[data-testid=check-file]")

    page.wait_for_selector("[data-testid=preview-ok]")
    assert page.locator("[data-testid=offences-created]").inner_text() == "7"
    assert page.locator("[data-testid=rows-read]").inner_text() == "7"
    assert Offence.objects.count() == 0  # the preview writes nothing

    page.click("[data-testid=confirm-load]")

    page.wait_for_selector("[data-testid=import-loaded]")
    assert "Every row of offences.csv is in" in page.locator("[data-testid=import-loaded]").inner_text()
    assert page.locator("[data-testid=offences-created]").inner_text() == "7"
    assert Offence.objects.count() == 7
    assert ImportBatch.objects.get(outcome="loaded").started_by == admin
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_admin_sees_every_problem_of_a_bad_file(page, reference_data, make_user):  # noqa: F811
    admin = make_user("admin", username="browser_import_admin2")
    browser_login(page, admin.username)
    rows = [offence_row(1), offence_row(2, status="arrested"), offence_row(3, occurred_on="2999-01-01")]

    page.goto("/admin/offenders/importbatch/upload-offences/")
    page.set_input_files("#id_file", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}])
    page.click("[data-testid=check-file]")

    page.wait_for_selector("[data-testid=problem-table]")
    table = page.locator("[data-testid=problem-table]").inner_text()
    assert "arrested" in table and "must not be in the future" in table
    assert page.locator("[data-testid=confirm-load]").count() == 0
    assert Offence.objects.count() == 0
