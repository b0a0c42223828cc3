"""The subject access bundle (docs/records.md): his personal data, offences, score and why, tasking
decisions and case stages; never a victim's identity and no case notes (police-only, or a partner's);
every bundle audited as a disclosure; admins only; a disposed record is a 404."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.audit.models import AuditEvent
from tests.factories import OffenceFactory, OffenderFactory

pytestmark = pytest.mark.django_db
VICTIMS = ("ZQV-SAR-VICTIM-1", "ZQV-SAR-VICTIM-2")
NOTE = "Police only: informant ZQV-SAR-SOURCE says he moved"
REASON = "ZQV-SAR-TASKING-REASON intelligence"


@pytest.fixture
def subject(make_user):
    from cases.services.cases import case_note_add, case_open, case_transition
    from tests.scoring.conftest import run_synchronously

    boss = make_user("supervisor", username="sar_boss")
    person = OffenderFactory(
        surname="Sarwell", forenames="Tobias", suspect_ref="SAR-1", date_of_birth=dt.date(1985, 2, 3)
    )
    today = timezone.localdate()
    for n, victim in enumerate(VICTIMS):
        OffenceFactory(offender=person, victim__victim_ref=victim, crime_ref=f"CR-SAR-{n}", status="charged",
                       offence_type__code="19C", occurred_on=today - dt.timedelta(days=10 + n))  # fmt: skip
    case = case_open(offender=person, lead=make_user("officer"), team=[], reason=REASON, by=boss)
    case_note_add(case=case, text=NOTE, by=boss)
    case_transition(case=case, to="active", reason="work starts", by=boss)
    run_synchronously(by=boss)
    return person


def _bundle(api_for, make_user, person):
    return api_for(make_user("admin", username="sar_admin")).get(f"/api/v1/offenders/{person.pk}/subject-access/")


def test_the_bundle_holds_his_data_and_none_of_the_victims_or_notes(api_for, make_user, subject):
    response = _bundle(api_for, make_user, subject)
    assert response.status_code == 200, response.content
    bundle = response.json()
    assert bundle["personal_data"]["surname"] == "Sarwell" and bundle["personal_data"]["date_of_birth"] == "1985-02-03"
    assert sorted(offence["crime_reference"] for offence in bundle["offences"]) == ["CR-SAR-0", "CR-SAR-1"]
    assert bundle["score"]["score"] > 0 and len(bundle["score"]["breakdown"]) == 2
    assert [case["stage"] for case in bundle["cases"]] == ["active"]
    assert [stage["to"] for stage in bundle["cases"][0]["stages"]] == ["tasked", "active"]
    text = response.content.decode()
    for secret in (
        *VICTIMS,
        NOTE,
        "ZQV-SAR-SOURCE",
        "ZQV-SAR-TASKING-REASON",
        "sar_boss",
        '"victim"',
        '"victim_ref"',
        '"victim_relationship"',
    ):
        assert secret not in text, secret


def test_the_printable_page_likewise(web_for, make_user, subject):
    page = web_for(make_user("admin", username="sar_admin_web")).get(f"/offenders/{subject.pk}/subject-access/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Sarwell" in body and "CR-SAR-0" in body and 'data-testid="subject-access"' in body
    for secret in (*VICTIMS, "ZQV-SAR-SOURCE", "ZQV-SAR-TASKING-REASON"):
        assert secret not in body, secret
    assert AuditEvent.objects.filter(action="offender.disclose", changes__format="page").count() == 1


def test_every_bundle_is_audited_as_a_disclosure(api_for, make_user, subject):
    _bundle(api_for, make_user, subject)
    event = AuditEvent.objects.get(action="offender.disclose")
    assert (event.target_id, event.purpose, event.object_repr) == (str(subject.pk), "subject_access", subject.reference)
    assert event.changes == {"disclosure": "subject access request", "format": "json"}


@pytest.mark.parametrize("role", ["officer", "supervisor", "oversight"])
def test_only_admins(api_for, make_user, subject, role):
    assert api_for(make_user(role)).get(f"/api/v1/offenders/{subject.pk}/subject-access/").status_code == 403
    assert not AuditEvent.objects.filter(action="offender.disclose").exists()


def test_a_disposed_record_has_no_bundle(api_for, make_user, subject):
    from cases.models import Case
    from cases.services.cases import case_transition
    from offenders.services.disposal import offender_dispose

    admin = make_user("admin", username="sar_disposer")
    case_transition(case=Case.objects.get(offender=subject), to="closed", exit_reason="other", reason="end",
                    by=make_user("supervisor"))  # fmt: skip
    offender_dispose(offender=subject, reason="no purpose", by=admin)
    events = AuditEvent.objects.filter(action="offender.disclose").count()
    response = api_for(admin).get(f"/api/v1/offenders/{subject.pk}/subject-access/")
    assert response.status_code == 404 and "detail" in response.json()
    assert AuditEvent.objects.filter(action="offender.disclose").count() == events
