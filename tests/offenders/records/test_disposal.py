"""Disposal (docs/records.md): after an admin disposes of a record, his name, force reference, crime
references, date of birth and his lone victim's reference are in no list, ranking, report, export or API
answer, for any role (the audit log included, where they are stored but never shown); `verify_audit`
still passes; the published ranking that held him reproduces its order by the pseudonymous reference;
re-importing a file that names him makes a new record. Every GET route is fetched (the sweep of
tests/portal/test_restricted_absent.py), so a page added later is covered once it is routed."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from offenders.imports.sources import Upload
from offenders.models import Offence, Offender, RecordReview, Victim, offender_reference
from offenders.services.incidents import incident_record
from portal.audit.models import AuditEvent
from tests.factories import OffenceFactory, OffenderFactory
from tests.portal import access_matrix as matrix
from tests.portal.test_access_matrix import requester_client
from tests.portal.test_restricted_absent import _body, _paths, sweep

NAMES = ("Quorncastle", "Ebenezar")
SUSPECT_REF = "ZQV-SUSPECT-4417"
DOB = dt.date(1979, 4, 13)
CRIME_REFS = ("ZQV-DISP-CR-1", "ZQV-DISP-CR-2", "ZQV-DISP-CR-3")
LONE_VICTIM, SHARED_VICTIM = "ZQV-VICTIM-LONE", "ZQV-VICTIM-SHARED"
EVERY_ROLE = (matrix.OFFICER, matrix.OFFICER_R, matrix.SUPERVISOR, matrix.SUPERVISOR_R, matrix.ADMIN, matrix.OVERSIGHT)
NEEDLES = [
    *NAMES, SUSPECT_REF, *CRIME_REFS, LONE_VICTIM, "ZQV-INC-HIS", DOB.isoformat(), DOB.strftime("%d/%m/%Y"),
    DOB.strftime("%-d %B %Y"), DOB.strftime("%-d %b %Y"), DOB.strftime("%B %-d, %Y"),
]  # fmt: skip


def upload_of(content: bytes) -> Upload:
    return Upload(stream=io.BytesIO(content), name="offences.csv", size=len(content))


def _csv(*rows: str) -> bytes:
    header = (
        "crime_ref,offence_code,occurred_on,reported_on,status,suspect_ref,suspect_surname,suspect_forenames,"
        "suspect_dob,suspect_sex,suspect_ethnicity,victim_ref,victim_relationship,borough,domestic\n"
    )
    return (header + "".join(rows)).encode()


def _his_row(crime_ref: str, occurred: dt.date, victim: str) -> str:
    reported = occurred + dt.timedelta(days=1)
    return (
        f"{crime_ref},001/01,{occurred},{reported},charged,{SUSPECT_REF},{NAMES[0]},{NAMES[1]},{DOB},male,W1,"
        f"{victim},partner,Zqvborough,true\n"
    )


@pytest.fixture
def disposed_world(make_user, api_for, settings, tmp_path):
    """Ordinary offenders; him, imported (so the audit log and the import's batch hold his name), ranked
    first in a published ranking, searched for by name, tasked in a case with a note naming him and
    closed; one victim only his, one shared with an ordinary offender. Then an admin disposes of him and
    a second ranking is published."""
    from cases.services.cases import case_note_add, case_open, case_transition
    from cases.services.plan_actions import plan_action_add
    from cases.services.safety import clares_law_record
    from offenders.services.access import list_view_record
    from offenders.services.imports import offences_import
    from scoring.models import ScoringPolicy
    from tests.scoring.conftest import run_synchronously

    settings.SCORING_CHUNK_SIZE = 10**9
    settings.VAR_DIR = tmp_path
    today = timezone.localdate()
    admin = make_user("admin", username="disposal_admin")
    boss = make_user("supervisor", username="disposal_boss")
    lead = make_user("officer", username="disposal_lead")
    ordinary = [OffenderFactory(surname=f"Plainfield{n}") for n in range(3)]
    for person, code in zip(ordinary, ("002/00", "19C", "008/67"), strict=True):
        for days, code_of_this in ((20, "19C"), (40, code)):
            OffenceFactory(offender=person, offence_type__code=code_of_this, occurred_on=today - timedelta(days))
    OffenceFactory(offender=ordinary[0], victim__victim_ref=SHARED_VICTIM)
    rows = [_his_row(CRIME_REFS[0], today - timedelta(50), LONE_VICTIM),
            _his_row(CRIME_REFS[1], today - timedelta(30), SHARED_VICTIM),
            _his_row(CRIME_REFS[2], today - timedelta(10), LONE_VICTIM)]  # fmt: skip
    assert offences_import(upload=upload_of(_csv(*rows)), by=admin).loaded
    him = Offender.objects.get(suspect_ref=SUSPECT_REF)
    subject_id = him.pk
    case = case_open(offender=ordinary[0], lead=lead, team=[], reason="sweep", by=boss)
    plan_action_add(case=case, strand="pursue", description="sweep", owner=lead, due_on=today, by=boss)
    his_case = case_open(offender=him, lead=lead, team=[], reason=f"{NAMES[0]} tasked", by=boss)
    case_note_add(case=his_case, text=f"Spoke to {NAMES[1]} {NAMES[0]}, born {DOB}", by=boss)
    clares_law_record(case=his_case, route="right_to_know", decision="disclosed", decided_on=today, by=boss)
    list_view_record(subject="offender", query={"q": NAMES[0]})
    first = run_synchronously(by=boss)
    control = _body(api_for(boss).get("/api/v1/offenders/?page_size=500"))  # the sweep's needles do show, before
    assert all(needle.lower().encode() in control for needle in (*NAMES, SUSPECT_REF, DOB.isoformat()))
    api_for(boss).get(f"/api/v1/offenders/{subject_id}/", HTTP_X_ACCESS_PURPOSE="investigation")
    refused = api_for(admin).post(
        f"/api/v1/offenders/{subject_id}/review/", {"outcome": "dispose", "reason": "no purpose"}, format="json"
    )
    assert refused.status_code == 409 and "close it first" in refused.json()["detail"]
    assert Offender.objects.get(pk=subject_id).surname == NAMES[0]  # nothing changed
    case_transition(case=his_case, to="closed", exit_reason="other", reason="done", by=boss)
    incident_record(
        data={"incident_ref": "ZQV-INC-HIS", "offender": Offender.objects.get(pk=subject_id), "victim_ref": LONE_VICTIM,
              "occurred_on": today.isoformat(), "kind": "verbal"}, by=boss,
    )  # fmt: skip
    before = list(first.snapshot.entries.order_by("rank").values_list("rank", "offender_id", "score"))
    assert before[0][1] == subject_id
    response = api_for(admin).post(
        f"/api/v1/offenders/{subject_id}/review/",
        {"outcome": "dispose", "reason": "No policing purpose"},
        format="json",
    )
    assert response.status_code == 201, response.content
    second = run_synchronously(by=boss)
    samples = _protect_and_meeting_samples(ordinary, boss=boss, today=today)
    return {
        **samples,
        "offenders": [person.pk for person in ordinary] + [subject_id],
        "offences": [ordinary[0].offences.first().pk], "cases": [case.pk, his_case.pk],
        "actions": [case.actions.first().pk], "snapshots": [first.snapshot.pk, second.snapshot.pk],
        "runs": [first.pk, second.pk], "policies": list(ScoringPolicy.objects.values_list("pk", flat=True)),
        "reports": sorted(__import__("portal.oversight.selectors", fromlist=["REPORTS"]).REPORTS),
        "_case": case, "_hidden_case": his_case, "_id": subject_id, "_before": before, "_admin": admin,
    }  # fmt: skip


def _protect_and_meeting_samples(ordinary, *, boss, today) -> dict:
    """An order, an incident, a sharing agreement and a tasking meeting about ordinary offenders: samples
    for the routes that index them, so the sweep fetches those pages too."""
    from cases.services.meetings import meeting_open, meeting_refer
    from offenders.services.orders import order_create
    from tests.factories.partners import organisation_with_agreement

    order = order_create(offender=ordinary[0], kind="dapo", starts_on=today, by=boss)
    incident = incident_record(
        data={"incident_ref": "INC-DISP-1", "offender": ordinary[0], "victim_ref": "V-DISP",
              "occurred_on": today.isoformat(), "kind": "verbal"}, by=boss,
    )  # fmt: skip
    _organisation, agreement = organisation_with_agreement("Disposal IDVA", starts_on=today, ends_on=today)
    meeting = meeting_open(held_on=today, chair=boss, by=boss)
    if not meeting.items.exists():
        meeting_refer(meeting=meeting, offender=ordinary[1], reason="sweep", by=boss)
    return {
        "victims": [ordinary[0].offences.first().victim_id],
        "orders": [order.pk],
        "incidents": [incident.pk],
        "sharing-agreements": [agreement.pk],
        "meetings": [meeting.pk],
        "items": list(meeting.items.values_list("pk", flat=True)),
    }


def timedelta(days: int) -> dt.timedelta:
    return dt.timedelta(days=days)


@pytest.mark.parametrize("requester", EVERY_ROLE)
def test_after_disposal_he_is_nowhere(requester, make_user, disposed_world):
    subject_id = disposed_world["_id"]
    client, user = requester_client(requester, make_user, disposed_world)
    paths = _paths(disposed_world, user) + [
        "/api/v1/offenders/?page_size=500", f"/api/v1/offenders/?q={NAMES[0]}",
        "/api/v1/audit/events/?page_size=500", f"/api/v1/audit/events/?target_id={subject_id}",
        "/api/v1/reviews/",
    ]  # fmt: skip
    needles = [needle.lower().encode() for needle in NEEDLES]
    answered = sweep(client, paths, lambda path: needles, who=requester)
    assert {"/", "/rankings/", "/api/v1/rankings/current/"} <= answered
    for path in (
        f"/offenders/{subject_id}/",
        f"/api/v1/offenders/{subject_id}/",
        f"/api/v1/offenders/{subject_id}/review/",
    ):
        assert path not in answered


def test_his_profile_answers_404_and_he_is_off_the_live_list(make_user, api_for, disposed_world):
    subject_id = disposed_world["_id"]
    officer = make_user("officer", restricted_access=True)
    api = api_for(officer)
    assert api.get(f"/api/v1/offenders/{subject_id}/", HTTP_X_ACCESS_PURPOSE="investigation").status_code == 404
    live = api.get("/api/v1/rankings/current/?limit=1000").json()["results"]
    assert subject_id not in [row["offender"]["id"] for row in live]
    admin = api_for(disposed_world["_admin"])
    assert admin.get(f"/api/v1/offenders/{subject_id}/subject-access/").status_code == 404  # refused: disposed


def test_what_is_left_of_him(disposed_world):
    subject_id = disposed_world["_id"]
    him = Offender.objects.get(pk=subject_id)
    assert (him.status, him.surname, him.forenames, him.date_of_birth, him.ethnicity) == ("disposed", "", "", None, "")
    assert SUSPECT_REF not in him.suspect_ref and him.review_due is None
    assert not Offence.objects.filter(offender=him).exists()
    assert not Victim.objects.filter(victim_ref=LONE_VICTIM).exists()  # his alone: erased
    assert Victim.objects.filter(victim_ref=SHARED_VICTIM).exists()  # another offender's too: kept, unlinked
    assert not hasattr(him, "score") or him.score is None
    assert RecordReview.objects.get(offender=him).outcome == "dispose"
    event = AuditEvent.objects.get(action="offender.dispose")
    assert event.target_id == str(subject_id) and event.changes["counts"]["offences"] == 3
    assert NAMES[0] not in str(event.changes) and SUSPECT_REF not in str(event.changes)


def test_the_published_ranking_that_held_him_still_reproduces_its_order(api_for, make_user, disposed_world):
    subject_id = disposed_world["_id"]
    from scoring.models import RankingSnapshot

    first = RankingSnapshot.objects.get(pk=disposed_world["snapshots"][0])
    after = list(first.entries.order_by("rank").values_list("rank", "offender_id", "score"))
    assert after == disposed_world["_before"]
    entries = api_for(make_user("officer")).get(f"/api/v1/rankings/snapshots/{first.pk}/").json()["entries"]
    assert [(row["rank"], row["offender"]["id"]) for row in entries] == [(r, o) for r, o, _s in after]
    top = entries[0]["offender"]
    assert top == {"id": subject_id, "reference": offender_reference(subject_id), "display_name": None}


def test_the_audit_chain_is_intact_and_still_holds_what_happened(disposed_world):
    subject_id = disposed_world["_id"]
    out = io.StringIO()
    call_command("verify_audit", stdout=out)  # raises SystemExit on a broken chain
    assert "ok" in out.getvalue().lower() or out.getvalue().strip()
    create = AuditEvent.objects.filter(target_type="offenders.offender", target_id=str(subject_id)).first()
    assert create is not None  # the events about him stand, unrewritten (shown redacted)


def test_re_importing_a_file_that_names_him_makes_a_new_record(disposed_world, settings, tmp_path):
    subject_id = disposed_world["_id"]
    from offenders.services.imports import offences_import

    settings.VAR_DIR = tmp_path
    today = timezone.localdate()
    report = offences_import(upload=upload_of(_csv(_his_row(CRIME_REFS[0], today - timedelta(5), LONE_VICTIM))),
                             by=disposed_world["_admin"])  # fmt: skip
    assert report.loaded, report.errors
    new = Offender.objects.get(suspect_ref=SUSPECT_REF)
    assert new.pk != subject_id and new.status == "active" and new.surname == NAMES[0]
    assert Offender.objects.get(pk=subject_id).status == "disposed"
    assert not RecordReview.objects.filter(offender=new).exists()


def test_no_offence_can_be_recorded_against_him(make_user, api_for, disposed_world):
    officer = api_for(make_user("officer"))
    body = {"crime_ref": "CR-AFTER-1", "offence_code": "19C", "occurred_on": "2024-01-01", "reported_on": "2024-01-02",
            "status": "reported", "offender": disposed_world["_id"], "victim_ref": "V-AFTER-1"}  # fmt: skip
    response = officer.post("/api/v1/offences/", body, format="json")
    assert response.status_code == 400 and "offender" in response.json()
    assert not Offence.objects.filter(crime_ref="CR-AFTER-1").exists()
