"""Partners from other agencies (docs/partners.md): exactly their cases, redacted, every read recorded as a
disclosure naming their organisation, and nothing at all outside their agreement's dates."""

import datetime as dt

import pytest

from cases.models import ActionStatus
from cases.services.cases import case_note_add, case_update
from cases.services.plan_actions import plan_action_add
from offenders.models import Offender
from portal.audit.models import AuditEvent
from tests.factories import OffenceFactory, OffenderFactory, VictimFactory

API = "/api/v1"
POLICE_ONLY_NOTE = "Police only: informant says he keeps a knife at his mother's"
SHARED_NOTE = "Shared: MARAC on Tuesday, IDVA to attend"
ETHNICITY_LABEL = "Gypsy or Irish Traveller"


@pytest.fixture
def partner_world(case, partner, supervisor, teammate, open_case, lead, today):
    """The partner on one case's team with a shared and a police-only note and an action each; another
    case (another offender, another victim) the partner is not on."""
    Offender.objects.filter(pk=case.offender_id).update(ethnicity="W3")
    case_update(case=case, team=[teammate, partner], by=supervisor)
    case_note_add(case=case, text=POLICE_ONLY_NOTE, by=supervisor)
    case_note_add(case=case, text=SHARED_NOTE, shared_with_partners=True, by=supervisor)
    due = today + dt.timedelta(days=7)
    mine = plan_action_add(
        case=case, strand="protect", description="IDVA safety plan", owner=partner, due_on=due, by=supervisor
    )
    theirs = plan_action_add(
        case=case, strand="pursue", description="Arrest enquiry", owner=lead, due_on=due, by=supervisor
    )
    other_offender = OffenderFactory(ethnicity="W3")
    other_victim = VictimFactory(victim_ref="VIC-OTHER-777")
    OffenceFactory(offender=other_offender, victim=other_victim)
    other = open_case(other_offender, lead=lead)
    return {"case": case, "other": other, "mine": mine, "theirs": theirs, "other_victim": other_victim}


def _assert_clean(response, world):
    body = response.content.decode()
    for secret in (ETHNICITY_LABEL, POLICE_ONLY_NOTE, world["other_victim"].victim_ref, "ethnicity"):
        assert secret not in body, f"{response.request['PATH_INFO']} leaked {secret!r}"
    for offence in world["case"].offender.offences.all():
        assert offence.crime_ref not in body, f"{response.request['PATH_INFO']} leaked a crime reference"


def test_partner_sees_exactly_their_cases_and_nothing_else(partner_world, partner, web_for, api_for):
    case, other = partner_world["case"], partner_world["other"]
    web = web_for(partner)
    api = api_for(partner)
    allowed = [
        web.get(f"/cases/{case.pk}/"),
        api.get(f"{API}/cases/{case.pk}/"),
        api.get(f"{API}/cases/{case.pk}/actions/"),
        api.get(f"{API}/cases/{case.pk}/actions/{partner_world['mine'].pk}/"),
        api.get(f"{API}/cases/{case.pk}/notes/"),
    ]
    listed_web, listed_api = web.get("/cases/"), api.get(f"{API}/cases/")
    assert [row["id"] for row in listed_api.json()["results"]] == [case.pk]
    assert f"/cases/{case.pk}/" in listed_web.content.decode()
    assert f"/cases/{other.pk}/" not in listed_web.content.decode()
    for response in [*allowed, listed_web, listed_api]:
        assert response.status_code == 200, response.request["PATH_INFO"]
    refused_paths = [
        "/rankings/", "/offenders/", f"/offenders/{case.offender_id}/", f"/cases/{other.pk}/", "/oversight/",
        "/oversight/outcomes/", "/oversight/audit/", "/scoring/policies/", "/scoring/runs/",
        f"{API}/rankings/current/", f"{API}/offenders/", f"{API}/offences/", f"{API}/cases/{other.pk}/",
        f"{API}/reports/outcomes/", f"{API}/audit/events/", f"{API}/scoring/policies/", f"{API}/organisations/",
    ]  # fmt: skip
    refused = [(api if path.startswith(API) else web).get(path) for path in refused_paths]
    for path, response in zip(refused_paths, refused, strict=True):
        assert response.status_code == 403, f"{path}: {response.status_code}"
    dashboard = web.get("/")
    assert dashboard.status_code == 302 and dashboard["Location"] == "/cases/"
    for response in [*allowed, listed_web, listed_api, *refused]:
        _assert_clean(response, partner_world)
    detail = allowed[1].json()
    assert "score_now" not in detail and "reason" not in detail
    assert [note["text"] for note in detail["notes"]] == [SHARED_NOTE]
    assert [n["text"] for n in allowed[4].json()["results"]] == [SHARED_NOTE]
    assert SHARED_NOTE in allowed[0].content.decode()


def test_every_partner_read_is_a_disclosure_naming_the_organisation(partner_world, partner, api_for, web_for):
    case = partner_world["case"]
    before = AuditEvent.objects.filter(action="partner.disclosure").count()
    api_for(partner).get(f"{API}/cases/{case.pk}/")
    api_for(partner).get(f"{API}/cases/")
    web_for(partner).get(f"/cases/{case.pk}/")
    events = list(AuditEvent.objects.filter(action="partner.disclosure").order_by("id"))[before:]
    assert len(events) == 3
    for event in events:
        assert event.changes["organisation"] == "Northside IDVA Service"
        assert event.actor_username == partner.username
    assert events[0].target_id == str(case.pk) and events[1].changes["cases"] == [case.pk]


def test_outside_the_agreement_every_partner_request_is_refused(
    partner_world, partner, organisation, web_for, api_for, today
):
    case = partner_world["case"]
    organisation.agreements.update(ends_on=today - dt.timedelta(days=1), starts_on=today - dt.timedelta(days=30))
    partner = type(partner).objects.get(pk=partner.pk)  # as each request loads its user afresh
    for response in (
        web_for(partner).get("/cases/"),
        web_for(partner).get(f"/cases/{case.pk}/"),
        web_for(partner).get("/"),
        api_for(partner).get(f"{API}/cases/"),
        api_for(partner).get(f"{API}/cases/{case.pk}/"),
        api_for(partner).patch(
            f"{API}/cases/{case.pk}/actions/{partner_world['mine'].pk}/",
            {"status": "done", "outcome": "referral"},
            format="json",
        ),
    ):
        assert response.status_code == 403
        _assert_clean(response, partner_world)
    partner_world["mine"].refresh_from_db()
    assert partner_world["mine"].status == ActionStatus.OPEN
    organisation.agreements.update(starts_on=today + dt.timedelta(days=1), ends_on=today + dt.timedelta(days=30))
    partner = type(partner).objects.get(pk=partner.pk)
    assert api_for(partner).get(f"{API}/cases/").status_code == 403


def test_partner_adds_and_completes_only_their_own_actions(partner_world, partner, api_for, lead, today):
    case, mine, theirs = partner_world["case"], partner_world["mine"], partner_world["theirs"]
    api = api_for(partner)
    url = f"{API}/cases/{case.pk}/actions/"
    due = (today + dt.timedelta(days=3)).isoformat()
    added = api.post(
        url, {"strand": "protect", "description": "Home visit", "owner": partner.pk, "due_on": due}, format="json"
    )
    assert added.status_code == 201 and added.json()["owner"]["id"] == partner.pk
    for_other = api.post(url, {"strand": "protect", "description": "x", "owner": lead.pk, "due_on": due}, format="json")
    assert for_other.status_code == 400 and "owner" in for_other.json()
    refused = api.patch(f"{url}{theirs.pk}/", {"status": "done", "outcome": "arrest"}, format="json")
    assert refused.status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == ActionStatus.OPEN
    done = api.patch(f"{url}{mine.pk}/", {"status": "done", "outcome": "safeguarding_visit"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    note = api.post(f"{API}/cases/{case.pk}/notes/", {"text": "partner note"}, format="json")
    assert note.status_code == 403
    other = partner_world["other"]
    on_other = api.post(
        f"{API}/cases/{other.pk}/actions/",
        {"strand": "protect", "description": "x", "owner": partner.pk, "due_on": due},
        format="json",
    )
    assert on_other.status_code == 403 and not other.actions.exists()


def test_partner_completes_their_action_on_the_web(partner_world, partner, web_for):
    case, mine = partner_world["case"], partner_world["mine"]
    web = web_for(partner)
    page = web.get(f"/cases/{case.pk}/").content.decode()
    assert f'data-testid="complete-{mine.pk}"' in page
    assert f'data-testid="complete-{partner_world["theirs"].pk}"' not in page
    response = web.post(f"/cases/{case.pk}/actions/{mine.pk}/", {"status": "done", "outcome": "referral"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == ActionStatus.DONE


def test_a_partner_without_an_agreement_cannot_join_a_team(case, supervisor, make_user, organisation):
    from django.core.exceptions import ValidationError

    from portal.accounts.models import Organisation

    stranger = make_user("partner", username="no_deal", organisation=Organisation.objects.create(name="No deal"))
    with pytest.raises(ValidationError) as error:
        case_update(case=case, team=[stranger], by=supervisor)
    assert "team" in error.value.message_dict
    assert not case.team.filter(pk=stranger.pk).exists()


def test_admin_manages_agreements_through_the_api(admin_user, supervisor, organisation, api_for, web_for, today):
    from tests.conftest import mark_session_mfa_verified

    admin = api_for(admin_user)
    body = {
        "organisation": "Northside IDVA Service",
        "purpose": "MATAC",
        "legal_basis": "DPA 2018 s.35",
        "starts_on": today.isoformat(),
        "ends_on": (today - dt.timedelta(days=1)).isoformat(),
    }
    bad = admin.post(f"{API}/sharing-agreements/", body, format="json")
    assert bad.status_code == 400 and "ends_on" in bad.json()
    assert organisation.agreements.count() == 1
    body["ends_on"] = (today + dt.timedelta(days=90)).isoformat()
    made = admin.post(f"{API}/sharing-agreements/", body, format="json")
    assert made.status_code == 201 and made.json()["in_force"] is True
    ended = admin.patch(
        f"{API}/sharing-agreements/{made.json()['id']}/",
        {"ends_on": (today - dt.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert ended.status_code == 400  # before it starts
    ended = admin.patch(f"{API}/sharing-agreements/{made.json()['id']}/", {"ends_on": today.isoformat()}, format="json")
    assert ended.status_code == 200 and ended.json()["ends_on"] == today.isoformat()
    assert AuditEvent.objects.filter(action="sharing_agreement.update").exists()
    org = admin.post(f"{API}/organisations/", {"name": "Probation North"}, format="json")
    assert org.status_code == 201
    assert api_for(supervisor).post(f"{API}/sharing-agreements/", body, format="json").status_code == 403
    assert api_for(supervisor).get(f"{API}/organisations/").status_code == 403
    _ = mark_session_mfa_verified, web_for


def test_createuser_makes_a_partner_in_an_organisation(db, monkeypatch):
    from django.core.management import CommandError, call_command

    from portal.accounts.models import User

    monkeypatch.setenv("PORTAL_PASSWORD", "correct horse battery staple 42")
    call_command("createuser", "probation_pat", "--role", "partner", "--organisation", "Probation North")
    user = User.objects.get(username="probation_pat")
    assert user.organisation.name == "Probation North"
    with pytest.raises(CommandError):
        call_command("createuser", "nobody_org", "--role", "partner")
    with pytest.raises(CommandError):
        call_command("createuser", "officer_org", "--role", "officer", "--organisation", "Probation North")


def test_admin_records_an_agreement_in_the_django_admin(admin_user, organisation, web_for, today):
    from portal.accounts.models import SharingAgreement

    web = web_for(admin_user)
    body = {"organisation": organisation.pk, "purpose": "Housing safeguarding", "legal_basis": "DPA 2018 s.35",
            "starts_on": today.isoformat(), "ends_on": (today - dt.timedelta(days=3)).isoformat()}  # fmt: skip
    refused = web.post("/admin/accounts/sharingagreement/add/", body)
    assert refused.status_code == 200 and SharingAgreement.objects.count() == 1
    body["ends_on"] = (today + dt.timedelta(days=30)).isoformat()
    assert web.post("/admin/accounts/sharingagreement/add/", body).status_code == 302
    made = SharingAgreement.objects.get(purpose="Housing safeguarding")
    assert AuditEvent.objects.filter(action="sharing_agreement.create", target_id=str(made.pk)).exists()
    body["ends_on"] = today.isoformat()
    assert web.post(f"/admin/accounts/sharingagreement/{made.pk}/change/", body).status_code == 302
    made.refresh_from_db()
    assert made.ends_on == today
    assert AuditEvent.objects.filter(action="sharing_agreement.update", target_id=str(made.pk)).exists()
    assert web.post("/admin/accounts/organisation/add/", {"name": "Children's Services North"}).status_code == 302
    assert AuditEvent.objects.filter(action="organisation.create").count() == 1


def test_a_partner_cannot_probe_his_offences_through_the_list_filters(partner_world, partner, api_for, web_for):
    case = partner_world["case"]
    boroughs = set(case.offender.offences.values_list("borough", flat=True))
    for borough in (*boroughs, "Nowhere"):
        listed = api_for(partner).get(f"{API}/cases/", {"borough": borough}).json()["results"]
        assert [row["id"] for row in listed] == [case.pk]  # the borough filter is not offered to partners
        assert f"/cases/{case.pk}/" in web_for(partner).get("/cases/", {"borough": borough}).content.decode()
    assert api_for(partner).get(f"{API}/cases/", {"stage": "closed"}).json()["results"] == []
