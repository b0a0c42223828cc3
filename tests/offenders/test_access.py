"""Who may reach offenders and offences (docs/roles.md), on the API and the pages alike."""

import pytest

from offenders.models import Offence, Offender
from portal.audit.models import AuditEvent
from tests.factories import OffenceFactory
from tests.offenders.conftest import PURPOSE, offence_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["admin", "oversight"])
@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/offenders/", None),
        ("get", "/api/v1/offenders/{offender}/", None),
        ("post", "/api/v1/offenders/", {"suspect_ref": "X", "surname": "A", "forenames": "B"}),
        ("patch", "/api/v1/offenders/{offender}/", {"surname": "Z"}),
        ("get", "/api/v1/offences/", None),
        ("get", "/api/v1/offences/{offence}/", None),
        ("post", "/api/v1/offences/", "offence"),
        ("patch", "/api/v1/offences/{offence}/", {"status": "nfa"}),
        ("delete", "/api/v1/offences/{offence}/", None),
    ],
)
def test_admin_and_oversight_are_refused_and_audited(make_user, api_for, offence, role, method, url, body):
    client = api_for(make_user(role))
    url = url.format(offender=offence.offender_id, offence=offence.pk)
    body = offence_body(offence.offender, crime_ref="CR-X") if body == "offence" else body
    response = getattr(client, method)(url, body, format="json", **PURPOSE)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.refused", role=role).exists()
    assert Offence.objects.count() == 1 and Offender.objects.count() == 1
    assert Offence.objects.get().status == offence.status


def test_anonymous_api_is_refused(client, offence):
    assert client.get("/api/v1/offenders/").status_code in (401, 403)
    assert client.get("/api/v1/offences/").status_code in (401, 403)


@pytest.mark.parametrize("role", ["admin", "oversight"])
@pytest.mark.parametrize(
    "url", ["/offenders/", "/offenders/{offender}/", "/offenders/new/", "/offences/{offence}/edit/"]
)
def test_admin_and_oversight_get_the_refusal_page(make_user, web_for, offence, role, url):
    response = web_for(make_user(role)).get(url.format(offender=offence.offender_id, offence=offence.pk))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.refused", role=role).exists()


class TestRestrictedOffenders:
    """A restricted offender is invisible without the grant: in search, lists, profile and API."""

    def test_api_list_search_and_detail(self, officer_api, offender, hidden_offender):
        assert [row["id"] for row in officer_api.get("/api/v1/offenders/").json()["results"]] == [offender.pk]
        assert officer_api.get("/api/v1/offenders/?q=hiddenfield").json()["count"] == 0
        assert officer_api.get(f"/api/v1/offenders/?q={hidden_offender.reference}").json()["count"] == 0
        assert officer_api.get("/api/v1/offenders/?restricted=true").json()["count"] == 0
        assert officer_api.get(f"/api/v1/offenders/{hidden_offender.pk}/", **PURPOSE).status_code == 403
        patch = officer_api.patch(
            f"/api/v1/offenders/{hidden_offender.pk}/", {"surname": "X"}, format="json", **PURPOSE
        )
        assert patch.status_code == 403
        assert "Hiddenfield" not in patch.content.decode()
        assert officer_api.get("/api/v1/offenders/999999/", **PURPOSE).status_code == 404
        hidden_offender.refresh_from_db()
        assert hidden_offender.surname == "Hiddenfield"
        assert AuditEvent.objects.filter(action="access.refused", target_id__contains=str(hidden_offender.pk)).exists()
        assert not AuditEvent.objects.filter(action="offender.view").exists()

    def test_api_offences_of_a_hidden_offender(self, officer_api, hidden_offender):
        hidden = OffenceFactory(offender=hidden_offender, crime_ref="CR-HIDDEN")
        assert officer_api.get("/api/v1/offences/").json()["count"] == 0
        assert officer_api.get(f"/api/v1/offences/{hidden.pk}/").status_code == 403
        assert officer_api.delete(f"/api/v1/offences/{hidden.pk}/").status_code == 403
        response = officer_api.post("/api/v1/offences/", offence_body(hidden_offender), format="json")
        assert response.status_code == 400 and "offender" in response.json()
        assert Offence.objects.filter(offender=hidden_offender).count() == 1

    @pytest.mark.parametrize("role", ["officer", "supervisor"])
    def test_the_grant_reveals_them(self, make_user, api_for, hidden_offender, role):
        client = api_for(make_user(role, restricted_access=True))
        assert client.get("/api/v1/offenders/?q=hiddenfield").json()["count"] == 1
        assert client.get(f"/api/v1/offenders/{hidden_offender.pk}/", **PURPOSE).status_code == 200

    def test_pages(self, officer, web_for, offender, hidden_offender):
        client = web_for(officer)
        listing = client.get("/offenders/?q=hiddenfield")
        assert listing.status_code == 200 and "Hiddenfield".upper() not in listing.content.decode()
        everyone = client.get("/offenders/").content.decode()
        assert "TESTWOOD" in everyone and "HIDDENFIELD" not in everyone
        refused = client.get(f"/offenders/{hidden_offender.pk}/")
        assert refused.status_code == 403 and "HIDDENFIELD" not in refused.content.decode().upper()
        assert client.get(f"/offenders/{hidden_offender.pk}/edit/").status_code == 403
