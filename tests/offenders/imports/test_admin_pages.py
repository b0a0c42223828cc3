"""The admin's upload pages: upload -> preview (problems or counts) -> confirm -> result; admins only."""

import io

import pytest
from django.test import override_settings

from offenders.imports.pending import pending_path
from offenders.models import ImportBatch, Offence
from scoring.models import ScoringPolicy
from tests.factories.imports import csv_bytes, offence_row
from tests.factories.workbooks import harm_workbook
from tests.offenders.imports.conftest import CORPUS

pytestmark = pytest.mark.django_db
LIST = "/admin/offenders/importbatch/"
UPLOAD = LIST + "upload-offences/"
HARM = LIST + "upload-harm-index/"


def _file(content: bytes, name: str = "offences.csv"):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.fixture
def admin_web(web_for, admin_user):
    return web_for(admin_user)


def test_batch_list_links_to_both_uploads(admin_web):
    page = admin_web.get(LIST)
    assert page.status_code == 200
    assert UPLOAD.encode() in page.content and HARM.encode() in page.content


def test_upload_preview_confirm_result(admin_web, admin_user):
    content = csv_bytes([offence_row(n) for n in range(8)])
    assert admin_web.get(UPLOAD).status_code == 200

    preview = admin_web.post(UPLOAD, {"file": _file(content)})

    assert preview.status_code == 200
    assert b'data-testid="preview-ok"' in preview.content
    counts = preview.context["report"].batch
    assert (counts.outcome, counts.rows_created) == ("dry_run", 8)
    assert b'data-testid="offences-created">8<' in preview.content
    assert Offence.objects.count() == 0
    assert pending_path(counts.pk).exists()

    opened = admin_web.get(f"{LIST}{counts.pk}/confirm/")  # the address typed or bookmarked: loads nothing
    assert opened.status_code == 302 and opened["Location"] == UPLOAD and Offence.objects.count() == 0

    result = admin_web.post(f"{LIST}{counts.pk}/confirm/")

    assert result.status_code == 200 and b'data-testid="import-loaded"' in result.content
    assert Offence.objects.count() == 8
    loaded = ImportBatch.objects.get(outcome="loaded")
    assert loaded.file_sha256 == counts.file_sha256 and loaded.started_by == admin_user
    assert not pending_path(counts.pk).exists()
    again = admin_web.post(f"{LIST}{counts.pk}/confirm/")  # a second click loads nothing twice
    assert again.status_code == 302 and Offence.objects.count() == 8


def test_bad_file_preview_lists_every_problem_and_offers_no_confirm(admin_web):
    preview = admin_web.post(UPLOAD, {"file": _file((CORPUS / "bad_optional_values.csv").read_bytes())})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'data-testid="problem-table"' in html and "confirm-load" not in html
    assert "Nothing can be loaded: 6 problems found." in html
    assert "&#x27;Z9&#x27; is not an ONS 2021 ethnicity code" in html
    assert Offence.objects.count() == 0
    assert not list(pending_path(1).parent.iterdir())  # nothing kept for a file that cannot load


def test_over_the_limit_is_a_form_error(admin_web):
    with override_settings(PORTAL_IMPORT_MAX_BYTES=100):
        page = admin_web.post(UPLOAD, {"file": _file(csv_bytes([offence_row(n) for n in range(8)]))})
    assert page.status_code == 200
    assert "the limit is 100" in page.content.decode()
    assert not ImportBatch.objects.exists()


def test_confirm_needs_post_and_the_same_admin(admin_web, make_user, web_for):
    preview = admin_web.post(UPLOAD, {"file": _file(csv_bytes([offence_row(1)]))})
    batch = preview.context["report"].batch
    assert admin_web.get(f"{LIST}{batch.pk}/confirm/").status_code == 302  # back to the form, nothing loaded
    other = web_for(make_user("admin", username="other_admin"))
    assert other.post(f"{LIST}{batch.pk}/confirm/").status_code == 404
    assert Offence.objects.count() == 0


def test_harm_index_upload_creates_a_draft(admin_web):
    page = admin_web.post(HARM, {"name": "From the admin", "file": _file(harm_workbook(), "cchi.xlsx")})
    assert page.status_code == 200 and b'data-testid="harm-loaded"' in page.content
    policy = ScoringPolicy.objects.get(name="From the admin")
    assert policy.status == "draft" and policy.entries.count() == 6
    assert f"/scoring/policies/{policy.pk}/".encode() in page.content


def test_harm_index_upload_shows_problems_by_row(admin_web):
    rows = [["A1", "Assault", "008/06", "", "", "", "n/a"]]
    page = admin_web.post(HARM, {"name": "Bad", "file": _file(harm_workbook(rows), "cchi.xlsx")})
    assert b'data-testid="problem-table"' in page.content
    assert not ScoringPolicy.objects.filter(name="Bad").exists()


@pytest.mark.parametrize("role", ["officer", "supervisor", "oversight"])
def test_other_roles_are_refused(web_for, make_user, role):
    client = web_for(make_user(role))
    for url in (UPLOAD, HARM, LIST):
        assert client.get(url).status_code == 403
    assert client.post(UPLOAD, {"file": _file(csv_bytes([offence_row(1)]))}).status_code == 403
    assert Offence.objects.count() == 0 and not ImportBatch.objects.exists()
