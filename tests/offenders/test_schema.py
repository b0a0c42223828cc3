"""drf-spectacular documents the offender and offence endpoints without errors or guesses."""

from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.routers import SimpleRouter

from offenders.api.views import OffenceViewSet, OffenderViewSet


def test_schema_is_valid_and_declares_the_purpose_header(db, recwarn):
    router = SimpleRouter()
    router.register("offenders", OffenderViewSet, basename="offender")
    router.register("offences", OffenceViewSet, basename="offence")
    schema = SchemaGenerator(patterns=[path("api/v1/", include(router.urls))]).get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths["/api/v1/offenders/"]) == {"get", "post"}
    assert set(paths["/api/v1/offenders/{id}/"]) == {"get", "patch"}
    assert set(paths["/api/v1/offences/{id}/"]) == {"get", "patch", "delete"}
    header = [p for p in paths["/api/v1/offenders/{id}/"]["get"]["parameters"] if p["in"] == "header"]
    assert header[0]["name"] == "X-Access-Purpose" and header[0]["required"] is True
    detail = schema["components"]["schemas"]["OffenderDetail"]["properties"]
    assert {"score", "breakdown", "offences"} <= set(detail)
    offence_request = schema["components"]["schemas"]["OffenceWriteRequest"]["properties"]
    assert {"crime_ref", "offence_code", "occurred_on", "reported_on", "status", "offender", "victim_ref"} <= set(
        offence_request
    )


def test_schema_endpoint_serves(officer_api):
    response = officer_api.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/offenders/{id}/" in response.content
