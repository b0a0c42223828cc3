"""The API's edges as an outside client meets them: JSON answers even under DEBUG (as `make demo` serves),
paths without their trailing slash, query parameters that are not what they claim, bare dates in the
audit filters (docs/api.md)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from offenders.models import Offence
from portal.audit.services import audit_record
from tests.factories import OffenderFactory

CURRENT = "/api/v1/rankings/current/"


@pytest.fixture
def supervisor_api(make_user, api_for):
    return api_for(make_user("supervisor"))


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "path", ["/api/v1/scoring/runs/abc/", "/api/v1/cases/1/actions/x/", "/api/v1/nothing/", "/api/v1/reports/access/x/"]
)
def test_an_unrouted_api_path_is_a_json_404_even_under_debug(supervisor_api, settings, debug, path):
    settings.DEBUG = debug
    response = supervisor_api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("debug", [False, True])
def test_a_write_without_the_trailing_slash_is_served_not_redirected_or_crashed(supervisor_api, settings, debug):
    settings.DEBUG = debug  # under DEBUG, APPEND_SLASH used to raise a RuntimeError (a 500 HTML page)
    offender = OffenderFactory()
    body = {
        "crime_ref": "CR-SLASH", "offence_code": "19C", "occurred_on": "2026-01-10", "reported_on": "2026-01-11",
        "status": "reported", "offender": offender.pk, "victim_ref": "V-SLASH",
    }  # fmt: skip
    response = supervisor_api.post("/api/v1/offences", body, format="json")
    assert response.status_code == 201, response.content
    offence = Offence.objects.get(crime_ref="CR-SLASH")
    patched = supervisor_api.patch(f"/api/v1/offences/{offence.pk}", {"borough": "Camden"}, format="json")
    assert patched.status_code == 200 and patched.json()["borough"] == "Camden"
    listed = supervisor_api.get("/api/v1/offenders")
    assert listed.status_code == 200 and listed.json()["count"] == 1


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "1e9", "1.5", "9" * 5000])
def test_a_bad_ranking_limit_is_a_400_not_a_silent_default(make_user, api_for, limit):
    response = api_for(make_user("officer")).get(CURRENT, {"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()


@pytest.mark.parametrize("offset", ["-1", "abc"])
def test_a_bad_ranking_offset_is_a_400(make_user, api_for, offset):
    response = api_for(make_user("officer")).get(CURRENT, {"offset": offset})
    assert response.status_code == 400 and "offset" in response.json()


@pytest.mark.parametrize("limit", ["1001", "10" + "0" * 30])
def test_a_huge_ranking_limit_is_capped(make_user, api_for, limit):
    response = api_for(make_user("officer")).get(CURRENT, {"limit": limit, "offset": "10" + "0" * 30})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_snapshot_limit_says_what_is_wrong_as_a_list(make_user, api_for):
    from tests.scoring.conftest import run_synchronously

    snapshot = run_synchronously().snapshot
    api = api_for(make_user("oversight"))
    response = api.get(f"/api/v1/rankings/snapshots/{snapshot.pk}/", {"limit": "none"})
    assert response.status_code == 400 and isinstance(response.json()["limit"], list)
    assert api.get(f"/api/v1/rankings/snapshots/{snapshot.pk}/", {"limit": "5000"}).status_code == 200


def test_until_a_bare_date_includes_that_whole_day(make_user, api_for):
    audit_record(action="probe.today", target_type="test", target_id=1)
    api = api_for(make_user("oversight"))
    today = timezone.localdate()

    def count(**params):
        response = api.get("/api/v1/audit/events/", {"action": "probe.today", **params})
        assert response.status_code == 200, response.content
        return response.json()["count"]

    assert count(until=today.isoformat()) == 1
    assert count(since=today.isoformat(), until=today.isoformat()) == 1
    assert count(until=(today - timedelta(days=1)).isoformat()) == 0
    assert count(until=today.strftime("%Y%m%d")) == 1  # ISO 8601 basic format


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00+01:00", "2026-01-01T00:00:00Z", "2026-01-01T00:00"])
def test_offsets_and_naive_moments_in_the_audit_filters(make_user, api_for, value):
    audit_record(action="probe.moment", target_type="test", target_id=1)  # now: every value above is past
    api = api_for(make_user("admin"))
    assert api.get("/api/v1/audit/events/", {"action": "probe.moment", "since": value}).json()["count"] == 1
    assert api.get("/api/v1/audit/events/", {"action": "probe.moment", "until": value}).json()["count"] == 0
