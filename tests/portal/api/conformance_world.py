"""The small data set the schema-conformance test (test_api_fuzzing.py) calls the API against.

Every response shape must actually be produced, so the set holds one of everything a response can
carry: cases in every stage (a closed one with its exit reason and score at exit), plan actions open,
overdue, done with an outcome and cancelled, notes and stage history; a restricted offender with his
offences and case; policies in every status (draft, approved, active, retired); runs that succeeded
(two published snapshots, so ranks move), failed and are queued; and the audit events all of that wrote.

`positive_requests(world)` gives, per operation, requests with real ids and valid bodies: what a client
that knows the API would send, beside the random ones schemathesis generates.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

TODAY = timezone.localdate
INCIDENT_CSV_HEADER = "incident_ref,suspect_ref,victim_ref,occurred_on,kind,separation"
CSV_HEADER = (
    "crime_ref,offence_code,occurred_on,reported_on,status,suspect_ref,suspect_surname,suspect_forenames,victim_ref"
)


@dataclass
class World:
    """Ids of the records the positive requests name (and the people who made them)."""

    ids: dict[str, Any] = field(default_factory=dict)
    lead: Any = None
    cases_worked: list = field(default_factory=list)  # an officer under test joins these teams


def build_world(make_user) -> World:
    """Build the data set through the services, as people would (so the audit log fills as it would)."""
    from scoring.models import ScoringPolicy
    from tests.factories import OffenceFactory, OffenderFactory

    chair = make_user("supervisor", restricted_access=True, username="world_chair")
    lead = make_user("officer", restricted_access=True, username="world_lead")
    people = [OffenderFactory(surname=f"Worldperson{n}") for n in range(6)]
    hidden = OffenderFactory(surname="Worldhidden", restricted=True)
    untasked = OffenderFactory(surname="Worlduntasked")
    offences = []
    for index, person in enumerate([*people, hidden, untasked]):
        for days_ago, status in ((20 + index, "charged"), (40 + index, "reported"), (60, "acquitted")):
            offences.append(OffenceFactory(offender=person, occurred_on=TODAY() - dt.timedelta(days=days_ago),
                                           status=status, borough=("Camden", "Hackney")[index % 2]))  # fmt: skip
    world = World(lead=lead)
    from offenders.services.incidents import incident_record

    incident = incident_record(data={"incident_ref": "INC/WORLD/1", "offender": people[0], "victim_ref": "VWORLD1",
                                     "occurred_on": TODAY() - dt.timedelta(days=5), "kind": "verbal",
                                     "separation": True}, by=lead)  # fmt: skip
    policies = _policies_and_runs(make_user, chair, world)
    cases = _cases(chair, lead, people, hidden, world)
    world.ids.update(_protect(chair, people[0], offences[0].victim))
    meetings = _meetings(chair)
    world.ids.update(
        offender=people[0].pk, suspect_ref=people[0].suspect_ref, untasked_offender=untasked.pk, restricted_offender=hidden.pk,
        offence=offences[0].pk, restricted_offence=next(o.pk for o in offences if o.offender_id == hidden.pk),
        lead=lead.pk, surname=people[0].surname, incident=incident.pk, **cases, **policies, **meetings,
        active_policy=ScoringPolicy.objects.get(status="active").pk,
    )  # fmt: skip
    return world


def _meetings(chair) -> dict[str, int]:
    """An open meeting with a referral to decide, one to refer to, and a meeting whose every item is
    decided (so it can be closed)."""
    from cases.services.meetings import meeting_decide, meeting_open, meeting_refer
    from offenders.models import Offender
    from tests.factories import OffenderFactory

    later = TODAY() + dt.timedelta(days=60)
    closeable = meeting_open(held_on=TODAY(), chair=chair, by=chair)
    for item in closeable.items.select_related("offender", "meeting"):
        meeting_decide(item=item, decision="defer", reason="Next month", until=later, by=chair)
    meeting = meeting_open(held_on=TODAY(), chair=chair, by=chair)
    referred = Offender.objects.get(pk=OffenderFactory(surname="Worldreferral").pk)
    referral = meeting_refer(meeting=meeting, offender=referred, reason="IDVA", by=chair)
    return {
        "meeting": meeting.pk, "meeting_item": referral.pk, "closeable_meeting": closeable.pk,
        "referable_offender": OffenderFactory(surname="Worldreferable").pk, "chair": chair.pk,
    }  # fmt: skip


def _policies_and_runs(make_user, chair, world: World) -> dict[str, int]:
    """Illustrative (retired) -> v2 (active); v3 approved, v4 draft; runs succeeded, failed and queued."""
    from scoring.models import ScoringPolicy, ScoringRun
    from scoring.services import policy_activate, policy_approve, policy_create_draft, run_start
    from scoring.services.runs import runs_supersede
    from tests.scoring.conftest import run_synchronously

    author = make_user("admin", username="world_author")
    approver = make_user("admin", username="world_approver")
    first = run_synchronously(by=chair)
    original = ScoringPolicy.objects.get(status="active")
    successor = policy_create_draft(name="World v2", by=author, based_on=original, parameters={"window_days": 400})
    policy_approve(policy=successor, by=approver)
    policy_activate(policy=successor, by=approver)  # the old one retires; a run is queued
    second = run_synchronously(by=chair)  # executes the queued run: a second snapshot, so ranks move
    approved = policy_approve(policy=policy_create_draft(name="World v3", by=author, based_on=successor), by=approver)
    draft = policy_create_draft(name="World v4", by=author, based_on=successor, notes="to be reviewed")
    failed, _ = run_start(by=chair, reason="manual", dispatch=False)
    runs_supersede(reason="superseded for the conformance data set")
    queued, _ = run_start(by=chair, reason="manual", dispatch=False)
    assert ScoringRun.objects.get(pk=queued.pk).status == "queued"
    return {
        "retired_policy": original.pk, "approved_policy": approved.pk, "draft_policy": draft.pk,
        "run": second.pk, "first_run": first.pk, "failed_run": failed.pk, "queued_run": queued.pk,
        "snapshot": second.snapshot.pk, "first_snapshot": first.snapshot.pk,
    }  # fmt: skip


def _cases(chair, lead, people, hidden, world: World) -> dict[str, int]:
    """A case in each stage, with actions open, overdue, done and cancelled, notes and history."""
    from cases.models import PlanAction
    from cases.services.cases import case_note_add, case_open, case_transition
    from cases.services.plan_actions import plan_action_add, plan_action_update

    soon = TODAY() + dt.timedelta(days=10)
    opened = [case_open(offender=person, lead=lead, reason="World tasking", by=chair) for person in people[:4]]
    tasked, active, charged, closed = opened
    hidden_case = case_open(offender=hidden, lead=lead, reason="World tasking (restricted)", by=chair)
    for case in (active, charged, closed):
        case_transition(case=case, to="active", reason="Plan agreed", by=chair)
    case_transition(case=charged, to="charged", reason="Charged with the last offence", by=chair)
    open_action = plan_action_add(case=tasked, strand="pursue", description="Arrest enquiry", owner=lead,
                                  due_on=soon, by=chair)  # fmt: skip
    overdue = plan_action_add(
        case=tasked, strand="protect", description="Safety visit", owner=lead, due_on=soon, by=chair
    )
    PlanAction.objects.filter(pk=overdue.pk).update(due_on=TODAY() - dt.timedelta(days=3))
    done = plan_action_add(case=active, strand="prevent", description="Referral", owner=lead, due_on=soon, by=chair)
    plan_action_update(action=done, status="done", outcome="referral", by=chair)
    cancelled = plan_action_add(case=active, strand="prepare", description="Order", owner=lead, due_on=soon, by=chair)
    plan_action_update(action=cancelled, status="cancelled", by=chair)
    swept = plan_action_add(case=closed, strand="pursue", description="Search", owner=lead, due_on=soon, by=chair)
    for case in (tasked, active, closed, hidden_case):
        case_note_add(case=case, text=f"Note on case {case.pk}", by=chair)
    case_transition(case=closed, to="closed", reason="Convicted and remanded", exit_reason="convicted", by=chair)
    world.cases_worked = [tasked, active, charged, hidden_case]
    return {
        "case": tasked.pk, "active_case": active.pk, "charged_case": charged.pk, "closed_case": closed.pk,
        "restricted_case": hidden_case.pk, "action": open_action.pk, "overdue_action": overdue.pk,
        "done_action": done.pk, "cancelled_action": cancelled.pk, "swept_action": swept.pk,
    }  # fmt: skip


def _protect(chair, offender, victim) -> dict[str, int]:
    """A partner organisation with an agreement, a safety check and an order on the tasked offender."""
    from offenders.services.orders import order_create
    from tests.factories.partners import organisation_with_agreement

    _organisation, agreement = organisation_with_agreement(
        "World IDVA Service", starts_on=TODAY() - dt.timedelta(days=10), ends_on=TODAY() + dt.timedelta(days=300)
    )
    order = order_create(
        offender=offender, kind="dapo", starts_on=TODAY() - dt.timedelta(days=30), conditions="No contact",
        protected_victims=[victim], by=chair,
    )  # fmt: skip
    return {"agreement": agreement.pk, "order": order.pk, "victim": victim.pk}


def positive_requests(world: World) -> dict[str, list[dict[str, Any]]]:
    """Operation label -> requests (Case keyword arguments) with real ids and valid bodies."""
    i = world.ids
    soon = (TODAY() + dt.timedelta(days=7)).isoformat()
    today = TODAY().isoformat()
    cases = [i[name] for name in ("case", "active_case", "charged_case", "closed_case", "restricted_case")]
    policies = [i[name] for name in ("active_policy", "retired_policy", "approved_policy", "draft_policy")]
    runs = [i[name] for name in ("run", "first_run", "failed_run", "queued_run")]
    actions = [(i["case"], i["action"]), (i["case"], i["overdue_action"]), (i["active_case"], i["done_action"]),
               (i["active_case"], i["cancelled_action"]), (i["closed_case"], i["swept_action"])]  # fmt: skip
    offence_body = {
        "crime_ref": "CR/WORLD/1", "offence_code": "008/67", "occurred_on": "2025-01-10", "reported_on": "2025-01-11",
        "status": "reported", "offender": i["offender"], "victim_ref": "VWORLD1", "borough": "Camden",
    }  # fmt: skip
    case_body = {"offender": i["untasked_offender"], "lead": i["lead"], "reason": "Top of the list", "review_due": soon}
    csv_body = f"{CSV_HEADER}\nCR/WORLD/2,008/67,2025-01-10,2025-01-12,reported,SWORLD1,Smith,Al,VWORLD2\n"
    return {
        "GET /api/v1/audit/events/": [
            {},
            {"query": {"action": "case.open"}},
            {"query": {"since": "2020-01-01", "until": today}},
        ],
        "GET /api/v1/audit/verify/": [{}],
        "GET /api/v1/cases/": [{}, {"query": {"stage": "closed"}}, {"query": {"overdue": "true"}}],
        "POST /api/v1/cases/": [{"body": case_body}],
        "GET /api/v1/cases/{case_id}/": [_path(case_id=case) for case in cases],
        "PATCH /api/v1/cases/{case_id}/": [_path(case_id=i["case"], body={"review_due": soon})],
        "GET /api/v1/cases/{case_id}/actions/": [_path(case_id=case) for case in cases],
        "POST /api/v1/cases/{case_id}/actions/": [
            _path(
                case_id=i["case"],
                body={"strand": "prevent", "description": "Visit", "owner": i["lead"], "due_on": soon},
            )
        ],
        "GET /api/v1/cases/{case_id}/actions/{action_id}/": [_path(case_id=c, action_id=a) for c, a in actions],
        "PATCH /api/v1/cases/{case_id}/actions/{action_id}/": [
            _path(case_id=i["case"], action_id=i["action"], body={"status": "done", "outcome": "arrest"})
        ],
        "GET /api/v1/cases/{case_id}/notes/": [_path(case_id=case) for case in cases],
        "POST /api/v1/cases/{case_id}/notes/": [_path(case_id=i["case"], body={"text": "Seen at home"})],
        "POST /api/v1/cases/{case_id}/transition/": [
            _path(case_id=i["case"], body={"to": "active", "reason": "Plan agreed"}),
            _path(case_id=i["charged_case"], body={"to": "closed", "reason": "Gone", "exit_reason": "moved_away"}),
        ],
        "POST /api/v1/imports/offences/": [{"body": {"file": csv_body.encode()}, "media_type": "multipart/form-data"}],
        "POST /api/v1/imports/incidents/": [
            {
                "body": {
                    "file": f"{INCIDENT_CSV_HEADER}\nINC/WORLD/2,{i['suspect_ref']},VWORLD3,{today},welfare,\n".encode()
                },
                "media_type": "multipart/form-data",
            }
        ],  # fmt: skip
        "GET /api/v1/incidents/": [{}],
        "POST /api/v1/incidents/": [
            {
                "body": {
                    "incident_ref": "INC/WORLD/3",
                    "offender": i["offender"],
                    "victim_ref": "VWORLD4",
                    "occurred_on": today,
                    "kind": "other",
                }
            }
        ],  # fmt: skip
        "GET /api/v1/incidents/{id}/": [_path(id=i["incident"])],
        "PATCH /api/v1/incidents/{id}/": [_path(id=i["incident"], body={"kind": "threatening"})],
        "GET /api/v1/offences/": [{}, {"query": {"occurred_after": "2020-01-01", "borough": "Camden"}}],
        "POST /api/v1/offences/": [{"body": offence_body}],
        "GET /api/v1/offences/{id}/": [_path(id=i["offence"]), _path(id=i["restricted_offence"])],
        "PATCH /api/v1/offences/{id}/": [_path(id=i["offence"], body={"borough": "Hackney"})],
        "DELETE /api/v1/offences/{id}/": [_path(id=i["offence"])],
        "POST /api/v1/offenders/{id}/review/": [
            _path(id=i["untasked_offender"], body={"outcome": "retain", "reason": "Needed"})
        ],
        "GET /api/v1/offenders/{id}/subject-access/": [_path(id=i["offender"]), _path(id=i["untasked_offender"])],
        "GET /api/v1/reviews/": [{}],
        "GET /api/v1/offenders/": [{}, {"query": {"q": i["surname"]}}],
        "POST /api/v1/offenders/": [
            {"body": {"suspect_ref": "SWORLD9", "surname": "Doe", "forenames": "Jo", "date_of_birth": "1980-02-03"}}
        ],
        "GET /api/v1/offenders/{id}/": [_path(id=i["offender"]), _path(id=i["restricted_offender"])],
        "PATCH /api/v1/offenders/{id}/": [_path(id=i["offender"], body={"forenames": "Jon"})],
        "GET /api/v1/rankings/current/": [{}, {"query": {"limit": 3, "borough": "Camden"}}],
        "GET /api/v1/rankings/snapshots/": [{}],
        "GET /api/v1/rankings/snapshots/{id}/": [_path(id=i["snapshot"]), _path(id=i["first_snapshot"])],
        "GET /api/v1/reports/{name}/": [
            *(_path(name=name) for name in ("outcomes", "disproportionality", "access", "governance", "data-quality")),
            _path(name="outcomes", query={"format": "csv"}),
        ],
        "GET /api/v1/reports/evaluation/": [{}, {"query": {"horizon": 90}}, {"query": {"format": "csv"}}],
        "GET /api/v1/scoring/policies/": [{}, {"query": {"status": "active"}}],
        "POST /api/v1/scoring/policies/": [{"body": {"name": "World v5", "based_on": i["active_policy"]}}],
        "GET /api/v1/scoring/policies/{id}/": [_path(id=policy) for policy in policies],
        "PATCH /api/v1/scoring/policies/{id}/": [_path(id=i["draft_policy"], body={"notes": "Reviewed"})],
        "POST /api/v1/scoring/policies/{id}/approve/": [_path(id=i["draft_policy"])],
        "GET /api/v1/scoring/policies/{id}/preview/": [
            _path(id=i["draft_policy"]),
            _path(id=i["draft_policy"], query={"top_n": 3}),
        ],
        "POST /api/v1/scoring/policies/{id}/activate/": [_path(id=i["approved_policy"])],
        "GET /api/v1/meetings/": [{}],
        "POST /api/v1/meetings/": [{"body": {"held_on": today, "chair": i["chair"]}}],
        "GET /api/v1/meetings/{meeting_id}/": [
            _path(meeting_id=i["meeting"]),
            _path(meeting_id=i["closeable_meeting"]),
        ],
        "GET /api/v1/meetings/{meeting_id}/items/": [_path(meeting_id=i["meeting"])],
        "POST /api/v1/meetings/{meeting_id}/items/": [
            _path(meeting_id=i["meeting"], body={"offender": i["referable_offender"], "reason": "Probation concern"})
        ],
        "POST /api/v1/meetings/{meeting_id}/items/{item_id}/decision/": [
            _path(meeting_id=i["meeting"], item_id=i["meeting_item"], body={"decision": "decline", "reason": "MAPPA"})
        ],
        "POST /api/v1/meetings/{meeting_id}/close/": [_path(meeting_id=i["closeable_meeting"])],
        "GET /api/v1/scoring/runs/": [{}, {"query": {"status": "succeeded"}}],
        "POST /api/v1/scoring/runs/": [{}],
        "GET /api/v1/scoring/runs/{id}/": [_path(id=run) for run in runs],
        "GET /api/v1/organisations/": [{}],
        "POST /api/v1/organisations/": [{"body": {"name": "World Probation"}}],
        "GET /api/v1/sharing-agreements/": [{}],
        "POST /api/v1/sharing-agreements/": [
            {
                "body": {
                    "organisation": "World IDVA Service",
                    "purpose": "MATAC",
                    "legal_basis": "DPA 2018 s.35",
                    "starts_on": today,
                    "ends_on": soon,
                }
            }
        ],  # fmt: skip
        "GET /api/v1/sharing-agreements/{agreement_id}/": [_path(agreement_id=i["agreement"])],
        "PATCH /api/v1/sharing-agreements/{agreement_id}/": [
            _path(agreement_id=i["agreement"], body={"ends_on": soon})
        ],
        "GET /api/v1/cases/{case_id}/victims/": [_path(case_id=i["case"])],
        "POST /api/v1/cases/{case_id}/victims/{victim_id}/safety-checks/": [
            _path(
                case_id=i["case"],
                victim_id=i["victim"],
                body={"checked_on": today, "risk_grade": "high", "notes": "Seen"},
            )
        ],
        "GET /api/v1/cases/{case_id}/clares-law/": [_path(case_id=i["case"])],
        "POST /api/v1/cases/{case_id}/clares-law/": [
            _path(case_id=i["case"], body={"route": "right_to_ask", "decision": "pending", "decided_on": today})
        ],
        "GET /api/v1/orders/": [{}, {"query": {"offender": i["offender"]}}],
        "POST /api/v1/orders/": [
            {
                "body": {
                    "offender": i["offender"],
                    "kind": "spo",
                    "starts_on": today,
                    "ends_on": None,
                    "protected_victims": [i["victim"]],
                }
            }
        ],  # fmt: skip
        "GET /api/v1/orders/{order_id}/": [_path(order_id=i["order"])],
        "PATCH /api/v1/orders/{order_id}/": [_path(order_id=i["order"], body={"conditions": "No contact at all"})],
        "POST /api/v1/orders/{order_id}/breaches/": [
            _path(order_id=i["order"], body={"occurred_on": today, "crime_ref": "CR/WORLD/BREACH"})
        ],
    }


def _path(body: Any = None, query: dict | None = None, **parameters) -> dict[str, Any]:
    request: dict[str, Any] = {"path_parameters": parameters}
    if body is not None:
        request["body"] = body
    if query:
        request["query"] = query
    return request
