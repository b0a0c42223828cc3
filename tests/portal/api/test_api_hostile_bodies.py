"""Hostile request bodies get a JSON 4xx and change nothing: never a 500 (docs/api.md)."""

import json

import pytest

from offenders.models import Offence


@pytest.fixture
def officer_api(make_user, api_for):
    return api_for(make_user("officer"))


@pytest.mark.parametrize("body", ["[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000])
def test_deeply_nested_json_is_a_400(officer_api, body):
    response = officer_api.post("/api/v1/offences/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
    assert Offence.objects.count() == 0


def test_malformed_json_is_a_400(officer_api):
    response = officer_api.post("/api/v1/offences/", data='{"crime_ref": ', content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()


def test_body_over_the_upload_limit_is_a_json_413(officer_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"crime_ref": "CR-BIG", "borough": "x" * 4096})
    response = officer_api.post("/api/v1/offences/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert Offence.objects.count() == 0


def test_unknown_api_url_is_json_404(officer_api):
    response = officer_api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
