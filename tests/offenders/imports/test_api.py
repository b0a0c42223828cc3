"""POST /api/v1/imports/offences/: status codes and JSON, permissions, the size limit and the schema."""

import io

import pytest
from django.test import override_settings

from offenders.models import ImportBatch, Offence
from portal.audit.models import AuditEvent
from tests.factories.imports import csv_bytes, offence_row
from tests.offenders.imports.conftest import CORPUS

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/offences/"


def _file(content: bytes, name: str = "offences.csv"):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def test_good_file_is_201_with_counts(api_for, admin_user):
    response = api_for(admin_user).post(URL, {"file": _file(csv_bytes([offence_row(n) for n in range(5)]))})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["outcome"], body["created"], body["updated"], body["unchanged"]) == ("loaded", 5, 0, 0)
    assert body["errors"] == [] and body["error_count"] == 0
    assert body["details"]["offenders_created"] == 3
    assert ImportBatch.objects.get(pk=body["batch"]).started_by == admin_user
    assert AuditEvent.objects.get(action="import.offences").actor_username == admin_user.username
    assert Offence.objects.count() == 5


def test_same_file_again_is_201_with_nothing_changed(api_for, admin_user):
    content = csv_bytes([offence_row(n) for n in range(5)])
    client = api_for(admin_user)
    client.post(URL, {"file": _file(content)})
    body = client.post(URL, {"file": _file(content)}).json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 5)


def test_bad_file_is_400_with_line_column_message_and_nothing_loaded(api_for, admin_user):
    response = api_for(admin_user).post(URL, {"file": _file((CORPUS / "disagreeing_duplicates.csv").read_bytes())})
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [
        {
            "line": 2,
            "column": "crime_ref",
            "message": "crime_ref 'CRX/0001' appears again on line 4 with different values.",
        },
        {
            "line": 4,
            "column": "crime_ref",
            "message": "crime_ref 'CRX/0001' already appears on line 2 with different values.",
        },
    ]
    assert body["outcome"] == "rejected" and body["error_count"] == 2
    assert body["detail"].startswith("Nothing was loaded: 2 problem(s).")
    assert Offence.objects.count() == 0


def test_non_utf8_file_is_400_saying_what_to_do(api_for, admin_user):
    response = api_for(admin_user).post(URL, {"file": _file((CORPUS / "latin1.csv").read_bytes())})
    assert response.status_code == 400
    assert "Save it again as UTF-8" in response.json()["errors"][0]["message"]


def test_over_the_limit_is_413_json(api_for, admin_user):
    content = csv_bytes([offence_row(n) for n in range(50)])
    with override_settings(PORTAL_IMPORT_MAX_BYTES=1000):
        response = api_for(admin_user).post(URL, {"file": _file(content)})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "the limit is" in response.json()["errors"][0]["message"]
    assert Offence.objects.count() == 0
    assert ImportBatch.objects.get().outcome == "rejected"


def test_body_far_over_the_limit_is_refused_before_it_is_read(api_for, admin_user):
    content = csv_bytes([offence_row(n) for n in range(2000)])
    with override_settings(PORTAL_IMPORT_MAX_BYTES=10):
        response = api_for(admin_user).post(URL, {"file": _file(content)})
    assert response.status_code == 413
    assert ImportBatch.objects.get().file_name == "(not read: over the size limit)"


def test_dry_run_is_200_and_loads_nothing(api_for, admin_user):
    response = api_for(admin_user).post(URL, {"file": _file(csv_bytes([offence_row(1)])), "dry_run": "true"})
    assert response.status_code == 200
    assert response.json()["outcome"] == "dry_run" and response.json()["created"] == 1
    assert Offence.objects.count() == 0


def test_missing_file_is_400(api_for, admin_user):
    response = api_for(admin_user).post(URL, {"other": "x"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "file"


@pytest.mark.parametrize("role", ["officer", "supervisor", "oversight"])
def test_only_admins_may_import(api_for, make_user, role):
    user = make_user(role)
    response = api_for(user).post(URL, {"file": _file(csv_bytes([offence_row(1)]))})
    assert response.status_code == 403
    assert Offence.objects.count() == 0 and not ImportBatch.objects.exists()
    assert AuditEvent.objects.filter(action="access.refused", actor_username=user.username).exists()


def test_anonymous_is_refused(client):
    response = client.post(URL, {"file": _file(csv_bytes([offence_row(1)]))})
    assert response.status_code in (401, 403)
    assert Offence.objects.count() == 0


def test_schema_is_valid_and_describes_a_multipart_file(api_for, admin_user):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    operation = schema["paths"]["/api/v1/imports/offences/"]["post"]
    multipart = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].split("/")[-1]
    assert schema["components"]["schemas"][multipart]["properties"]["file"]["format"] == "binary"
    assert {"201", "400", "413"} <= set(operation["responses"])
