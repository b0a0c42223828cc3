"""The offender pages: search, profile behind a purpose of access, and the record-keeping forms."""

import datetime as dt

import pytest
from django.utils import timezone

from offenders.models import Offence, Offender
from portal.audit.models import AuditEvent
from tests.factories import OffenceFactory, OffenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_client(web_for, officer):
    return web_for(officer)


def choose_purpose(client, offender, purpose="safeguarding"):
    return client.post(f"/offenders/{offender.pk}/", {"purpose": purpose})


def test_search_page_filters_sorts_and_pages(browser_client):
    OffenderFactory.create_batch(55, surname="Bulkman")
    OffenderFactory(surname="Zedbury", forenames="Zoe", sex="female")
    page = browser_client.get("/offenders/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "56 offenders" in body and "Page 1 of 2" in body and 'rel="next"' in body
    assert body.count('class="govuk-table__row"') == 51  # header + 50 rows
    found = browser_client.get("/offenders/?q=zedb").content.decode()
    assert "ZEDBURY" in found and "BULKMAN" not in found and "1 offender" in found
    first = browser_client.get("/offenders/?ordering=-surname").content.decode()
    assert first.index("ZEDBURY") < first.index("BULKMAN")
    assert 'aria-sort="descending"' in first
    assert "BULKMAN" in browser_client.get("/offenders/?page=2").content.decode()
    assert AuditEvent.objects.filter(action="offender.list").exists()


def test_search_page_shows_filter_errors_not_a_500(browser_client):
    response = browser_client.get("/offenders/?sex=dragon&page=1")
    assert response.status_code == 200
    assert "govuk-error-message" in response.content.decode()


def test_profile_asks_for_a_purpose_once_per_offender_per_session(browser_client, offence):
    offender = offence.offender
    first = browser_client.get(f"/offenders/{offender.pk}/")
    assert first.status_code == 200 and 'name="purpose"' in first.content.decode()
    assert "CR-1" not in first.content.decode()
    assert not AuditEvent.objects.filter(action="offender.view").exists()
    refused = browser_client.post(f"/offenders/{offender.pk}/", {"purpose": "nosiness"})
    assert refused.status_code == 400 and "govuk-error-summary" in refused.content.decode()
    chosen = choose_purpose(browser_client, offender)
    assert chosen.status_code == 302 and chosen["Location"] == f"/offenders/{offender.pk}/"
    profile = browser_client.get(f"/offenders/{offender.pk}/").content.decode()
    assert "TESTWOOD" in profile and "CR-1" in profile and "Controlling or coercive behaviour" in profile
    assert "008/67" in profile and "Hackney" in profile and offence.victim.victim_ref in profile
    browser_client.get(f"/offenders/{offender.pk}/")
    views = AuditEvent.objects.filter(action="offender.view", target_id=str(offender.pk))
    assert views.count() == 2 and {event.purpose for event in views} == {"safeguarding"}
    other = OffenderFactory()
    assert 'name="purpose"' in browser_client.get(f"/offenders/{other.pk}/").content.decode()


def test_profile_renders_without_inline_script(browser_client, offender):
    choose_purpose(browser_client, offender)
    body = browser_client.get(f"/offenders/{offender.pk}/").content.decode()
    assert "<script>" not in body and 'style="' not in body
    assert "No offences recorded." in body


def test_create_offender_page(browser_client):
    assert browser_client.get("/offenders/new/").status_code == 200
    response = browser_client.post(
        "/offenders/new/",
        {"suspect_ref": "P-WEB", "surname": "Webb", "forenames": "Wes", "sex": "male", "status": "active"},
    )
    created = Offender.objects.get(suspect_ref="P-WEB")
    assert response.status_code == 302 and response["Location"] == f"/offenders/{created.pk}/"


def test_create_offender_errors_are_summarised(browser_client):
    response = browser_client.post(
        "/offenders/new/", {"suspect_ref": "", "surname": "W" * 101, "forenames": "Wes", "date_of_birth": "2999-01-01"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and 'href="#id_date_of_birth"' in body and 'href="#id_surname"' in body
    assert not Offender.objects.exists()


def test_edit_offender_page(browser_client, offender):
    form = browser_client.get(f"/offenders/{offender.pk}/edit/")
    assert form.status_code == 200 and 'value="Testwood"' in form.content.decode()
    data = {"suspect_ref": "SUS-1", "surname": "Testwood-Smith", "forenames": "Alan", "sex": "male", "status": "active"}
    assert browser_client.post(f"/offenders/{offender.pk}/edit/", data).status_code == 302
    offender.refresh_from_db()
    assert offender.surname == "Testwood-Smith"


def offence_form(**overrides):
    data = {
        "crime_ref": "CR-WEB-1",
        "offence_code": "8l",
        "occurred_on": "2024-06-01",
        "reported_on": "2024-06-02",
        "status": "reported",
        "victim_ref": "V-WEB-1",
        "victim_relationship": "stranger",
        "borough": "Sutton",
    }
    data.update(overrides)
    return data


def test_record_an_offence_page(browser_client, offender):
    assert browser_client.get(f"/offenders/{offender.pk}/offences/new/").status_code == 200
    response = browser_client.post(f"/offenders/{offender.pk}/offences/new/", offence_form(domestic="on"))
    assert response.status_code == 302
    offence = Offence.objects.get(crime_ref="CR-WEB-1")
    assert (offence.offender, offence.offence_type.code, offence.domestic) == (offender, "8L", True)


def test_record_an_offence_errors(browser_client, offender):
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    bad = offence_form(offence_code="XYZ", occurred_on=future, borough="b" * 70)
    response = browser_client.post(f"/offenders/{offender.pk}/offences/new/", bad)
    body = response.content.decode()
    assert response.status_code == 400
    assert "not a Home Office offence code" in body and "must not be in the future" in body and "at most 64" in body
    assert not Offence.objects.exists()


def test_edit_and_delete_offence_pages(browser_client, offence):
    edit = browser_client.get(f"/offences/{offence.pk}/edit/")
    assert edit.status_code == 200 and 'value="CR-1"' in edit.content.decode()
    data = offence_form(crime_ref="CR-1", status="charged", victim_ref=offence.victim.victim_ref)
    assert browser_client.post(f"/offences/{offence.pk}/edit/", data).status_code == 302
    offence.refresh_from_db()
    assert offence.status == "charged"
    assert browser_client.get(f"/offences/{offence.pk}/delete/").status_code == 200
    assert browser_client.post(f"/offences/{offence.pk}/delete/").status_code == 302
    assert not Offence.objects.exists()
    assert AuditEvent.objects.filter(action="offence.delete").exists()


def test_restricted_flag_page_for_a_supervisor_with_the_grant(make_user, web_for, offender):
    client = web_for(make_user("supervisor", restricted_access=True))
    choose_purpose(client, offender, "supervision")
    assert 'data-testid="restricted-form"' in client.get(f"/offenders/{offender.pk}/").content.decode()
    response = client.post(f"/offenders/{offender.pk}/restricted/", {"restricted": "true", "reason": "staff member"})
    assert response.status_code == 302
    offender.refresh_from_db()
    assert offender.restricted
    assert AuditEvent.objects.get(action="offender.mark_restricted").changes["reason"] == "staff member"


@pytest.mark.parametrize(("role", "grant"), [("officer", True), ("supervisor", False)])
def test_restricted_flag_refused_without_the_capability(make_user, web_for, offender, role, grant):
    client = web_for(make_user(role, restricted_access=grant))
    response = client.post(f"/offenders/{offender.pk}/restricted/", {"restricted": "true", "reason": "x"})
    assert response.status_code == 403
    offender.refresh_from_db()
    assert not offender.restricted


def test_pages_need_login(client, offender):
    response = client.get("/offenders/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_profile_timeline_is_newest_first(browser_client, offender):
    OffenceFactory(
        offender=offender, crime_ref="OLDEST", occurred_on=dt.date(2023, 5, 1), reported_on=dt.date(2023, 5, 1)
    )
    OffenceFactory(
        offender=offender, crime_ref="NEWEST", occurred_on=dt.date(2025, 5, 1), reported_on=dt.date(2025, 5, 1)
    )
    choose_purpose(browser_client, offender)
    body = browser_client.get(f"/offenders/{offender.pk}/").content.decode()
    assert body.index("NEWEST") < body.index("OLDEST")
