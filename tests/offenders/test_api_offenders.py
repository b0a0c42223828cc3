"""API /api/v1/offenders/: list, filters, detail behind a purpose of access, create and edit."""

import pytest

from offenders.models import Offender
from portal.audit.models import AuditEvent
from tests.factories import OffenceFactory, OffenderFactory
from tests.offenders.conftest import PURPOSE

pytestmark = pytest.mark.django_db


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    return body["results"]


def test_list_is_paginated_and_shows_identities_to_officers(officer_api, offender):
    rows = results(officer_api.get("/api/v1/offenders/"))
    assert rows == [
        {
            **rows[0],
            "id": offender.pk,
            "reference": offender.reference,
            "surname": "Testwood",
            "display_name": "Alan Testwood",
        }
    ]


def test_list_pages_in_sql(officer_api):
    OffenderFactory.create_batch(7)
    body = officer_api.get("/api/v1/offenders/?page_size=3&page=2").json()
    assert body["count"] == 7 and len(body["results"]) == 3
    assert body["next"] and body["previous"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=testw", ["Testwood"]),
        ("q=alan+test", ["Testwood"]),
        ("q=SUS-2", ["Other"]),
        ("sex=female", ["Other"]),
        ("borough=hackney", ["Testwood"]),
        ("ordering=-surname", ["Testwood", "Other"]),
        ("ordering=surname", ["Other", "Testwood"]),
    ],
)
def test_filters(officer_api, offence, query, expected):
    OffenderFactory(surname="Other", forenames="Beth", suspect_ref="SUS-2", sex="female")
    assert [row["surname"] for row in results(officer_api.get(f"/api/v1/offenders/?{query}"))] == expected


def test_search_by_pseudonym(officer_api, offender):
    OffenderFactory()
    rows = results(officer_api.get(f"/api/v1/offenders/?q={offender.reference}"))
    assert [row["id"] for row in rows] == [offender.pk]


def test_bad_filter_value_is_a_400(officer_api):
    assert officer_api.get("/api/v1/offenders/?sex=dragon").status_code == 400


@pytest.mark.parametrize("headers", [{}, {"HTTP_X_ACCESS_PURPOSE": ""}, {"HTTP_X_ACCESS_PURPOSE": "curiosity"}])
def test_detail_needs_a_listed_purpose(officer_api, offender, headers):
    response = officer_api.get(f"/api/v1/offenders/{offender.pk}/", **headers)
    assert response.status_code == 400
    assert "X-Access-Purpose" in response.json()["detail"]
    assert not AuditEvent.objects.filter(action="offender.view").exists()


def test_detail_is_audited_with_the_purpose_and_shows_offences_score_and_breakdown(officer_api, officer, offence):
    offender = offence.offender
    response = officer_api.get(f"/api/v1/offenders/{offender.pk}/", **PURPOSE)
    assert response.status_code == 200
    body = response.json()
    assert {"score", "breakdown"} <= set(body)
    assert isinstance(body["breakdown"], list)
    assert [row["crime_ref"] for row in body["offences"]] == ["CR-1"]
    event = AuditEvent.objects.get(action="offender.view")
    assert (event.purpose, event.target_id, event.actor_username) == ("investigation", str(offender.pk), "officer_a")


def test_unknown_offender_is_a_404(officer_api):
    assert officer_api.get("/api/v1/offenders/999999/", **PURPOSE).status_code == 404


def test_create_offender(officer_api):
    body = {
        "suspect_ref": "P-NEW",
        "surname": "Newman",
        "forenames": "Ned",
        "date_of_birth": "1990-01-02",
        "ethnicity": "b2",
    }
    response = officer_api.post("/api/v1/offenders/", body, format="json")
    assert response.status_code == 201, response.content
    created = Offender.objects.get(suspect_ref="P-NEW")
    assert (created.ethnicity, created.sex, created.restricted) == ("B2", "unknown", False)
    assert response.json()["reference"] == created.reference
    assert AuditEvent.objects.filter(action="offender.create", target_id=str(created.pk)).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"suspect_ref": "", "surname": "A", "forenames": "B"}, "suspect_ref"),
        ({"suspect_ref": "P-X", "surname": "A" * 101, "forenames": "B"}, "surname"),
        ({"suspect_ref": "P-X", "surname": "A", "forenames": "B", "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"suspect_ref": "P-X", "surname": "A", "forenames": "B", "date_of_birth": "31/12/1990"}, "date_of_birth"),
        ({"suspect_ref": "P-X", "surname": "A", "forenames": "B", "ethnicity": "Z9"}, "ethnicity"),
        ({"suspect_ref": "P-X", "surname": "A", "forenames": "B", "sex": "dragon"}, "sex"),
        ({"suspect_ref": "SUS-1", "surname": "A", "forenames": "B"}, "suspect_ref"),
        ({"surname": "A", "forenames": "B"}, "suspect_ref"),
    ],
)
def test_create_offender_bad_input_is_a_400_and_writes_nothing(officer_api, offender, body, field):
    before = Offender.objects.count()
    response = officer_api.post("/api/v1/offenders/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Offender.objects.count() == before


def test_officer_may_not_create_a_restricted_offender(officer_api):
    body = {"suspect_ref": "P-R", "surname": "A", "forenames": "B", "restricted": True}
    assert officer_api.post("/api/v1/offenders/", body, format="json").status_code == 403
    assert not Offender.objects.filter(suspect_ref="P-R").exists()


def test_patch_offender(officer_api, offender):
    url = f"/api/v1/offenders/{offender.pk}/"
    response = officer_api.patch(url, {"surname": "Renamed"}, format="json", **PURPOSE)
    assert response.status_code == 200 and response.json()["surname"] == "Renamed"
    event = AuditEvent.objects.get(action="offender.update")
    assert event.changes == {"surname": {"before": "Testwood", "after": "Renamed"}}


def test_patch_with_a_bad_field_changes_nothing(officer_api, offender):
    body = {"surname": "Renamed", "date_of_birth": "2999-01-01"}
    assert officer_api.patch(f"/api/v1/offenders/{offender.pk}/", body, format="json", **PURPOSE).status_code == 400
    offender.refresh_from_db()
    assert offender.surname == "Testwood"


def test_patch_needs_a_purpose_like_the_detail(officer_api, offender):
    response = officer_api.patch(f"/api/v1/offenders/{offender.pk}/", {"surname": "Renamed"}, format="json")
    assert response.status_code == 400 and "X-Access-Purpose" in response.json()["detail"]
    offender.refresh_from_db()
    assert offender.surname == "Testwood"


def test_put_is_not_offered(officer_api, offender):
    body = {"suspect_ref": "X", "surname": "A", "forenames": "B"}
    assert officer_api.put(f"/api/v1/offenders/{offender.pk}/", body, format="json").status_code == 405


def test_restricted_flag_needs_a_supervisor_with_the_grant(make_user, api_for, offender):
    url = f"/api/v1/offenders/{offender.pk}/"
    assert (
        api_for(make_user("officer", restricted_access=True))
        .patch(url, {"restricted": True}, format="json", **PURPOSE)
        .status_code
        == 403
    )
    assert (
        api_for(make_user("supervisor")).patch(url, {"restricted": True}, format="json", **PURPOSE).status_code == 403
    )
    offender.refresh_from_db()
    assert not offender.restricted
    response = api_for(make_user("supervisor", restricted_access=True)).patch(
        url, {"restricted": True}, format="json", **PURPOSE
    )
    assert response.status_code == 200 and response.json()["restricted"] is True
    assert AuditEvent.objects.filter(action="offender.mark_restricted", target_id=str(offender.pk)).exists()


def test_detail_offences_are_newest_first(officer_api, offender):
    import datetime as dt

    OffenceFactory(offender=offender, crime_ref="OLD", occurred_on=dt.date(2024, 1, 1), reported_on=dt.date(2024, 1, 1))
    OffenceFactory(offender=offender, crime_ref="NEW", occurred_on=dt.date(2025, 1, 1), reported_on=dt.date(2025, 1, 1))
    body = officer_api.get(f"/api/v1/offenders/{offender.pk}/", **PURPOSE).json()
    assert [row["crime_ref"] for row in body["offences"]] == ["NEW", "OLD"]


def test_detail_score_and_breakdown_come_from_the_scoring_app(officer_api, offence):
    body = officer_api.get(f"/api/v1/offenders/{offence.offender_id}/", **PURPOSE).json()
    assert [row["crime_ref"] for row in body["breakdown"]] == ["CR-1"]
    assert body["score"] == pytest.approx(sum(row["contribution"] for row in body["breakdown"]))
    assert body["score"] > 0
    assert body["scoring_policy"]["is_illustrative"] is True


def test_search_is_an_alias_of_q(officer_api, offender, hidden_offender):
    OffenderFactory(surname="Other")
    assert [row["id"] for row in results(officer_api.get("/api/v1/offenders/?search=testwood"))] == [offender.pk]
    assert results(officer_api.get("/api/v1/offenders/?search=hiddenfield")) == []


def test_create_accepts_the_import_column_names(officer_api):
    body = {
        "suspect_ref": "ALIAS-1",
        "suspect_surname": "Aliasford",
        "suspect_forenames": "Al",
        "suspect_dob": "1980-01-01",
        "suspect_sex": "male",
        "suspect_ethnicity": "W1",
    }
    response = officer_api.post("/api/v1/offenders/", body, format="json")
    assert response.status_code == 201, response.content
    offender = Offender.objects.get(suspect_ref="ALIAS-1")
    assert (offender.surname, offender.forenames, str(offender.date_of_birth)) == ("Aliasford", "Al", "1980-01-01")
    assert (offender.sex, offender.ethnicity) == ("male", "W1")


def test_a_hidden_profile_is_refused_before_the_purpose_is_asked(officer_api, hidden_offender):
    """Without the grant, a restricted record is a 403 (audited) whether or not a purpose was sent: a 400
    asking for a purpose would treat it as a record this officer may open."""
    response = officer_api.get(f"/api/v1/offenders/{hidden_offender.pk}/")
    assert response.status_code == 403
    assert "Hiddenfield" not in response.content.decode()
    assert AuditEvent.objects.filter(action="access.refused").exists()
