"""Without the restricted_access grant a restricted offender is absent, not pseudonymised
(docs/access-and-audit.md): no ranking, snapshot, report, export, list or dashboard row names him, by his
reference, by his offences' ids or by their crime references. Every GET route of the URL conf is fetched
(every report of the registry, as a page, as JSON and as each of its CSVs), so a page or report added
later is covered as soon as it is routed. The audit log names him by reference, as oversight needs, but
never shows a crime reference in clear (docs/decisions/0831-restricted-records-are-absent.md)."""

import re
from datetime import timedelta

import pytest
from django.urls import get_resolver
from django.utils import timezone

from portal.oversight.selectors import REPORTS, report_build
from portal.oversight.selectors.base import Period
from tests.portal import access_matrix as matrix
from tests.portal.test_access_matrix import _route_patterns, requester_client

# Ids and references no other record can share: a needle found in a body can only be his.
HIDDEN_ID = 90421977
OFFENCE_IDS = (91357011, 91357012, 91357013)
CRIME_REFS = ("ZQV-CRIME-7781A", "ZQV-CRIME-7781B", "ZQV-CRIME-7781C")
RENAMED_CRIME_REF = "ZQV-CRIME-7781D"  # the first offence's crime reference after a correction
NAMES = ("Vexhollow", "Ignatius")
UNTASKED_ID, UNTASKED_NAMES = 90421988, ("Quillfeather", "Odalys")  # restricted too, never tasked
WITHOUT_GRANT = (matrix.OFFICER, matrix.SUPERVISOR, matrix.ADMIN, matrix.OVERSIGHT)
AUDIT_LOG = ("oversight/audit/", "api/v1/audit/events/")  # names records by reference by design
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def _needles(*, with_ids: bool) -> list[bytes]:
    words = [*CRIME_REFS, RENAMED_CRIME_REF, *NAMES, *UNTASKED_NAMES, "INC-SWEEP-HIDDEN"]
    if with_ids:  # an id is in the reference (S-90421977) and in every link to him or his offences
        words += [str(HIDDEN_ID), str(UNTASKED_ID), *map(str, OFFENCE_IDS)]
    return [word.lower().encode() for word in words]


@pytest.fixture
def hidden_world(make_user, api_for, settings):
    """Ordinary offenders and one restricted offender ranked first, with offences reported long ago and
    never moved (the data-quality report's rows), a namesake with his date of birth (a duplicate pair),
    a case, two published rankings, and audit events about him and his offences: refused looks, a
    cleared supervisor's view, a search by crime reference and a corrected crime reference. A second
    restricted offender, ranked last and never tasked, is the dashboard's "not yet tasked" row."""
    from cases.services.cases import case_open
    from cases.services.plan_actions import plan_action_add
    from cases.services.safety import clares_law_record
    from offenders.services.access import list_view_record
    from offenders.services.incidents import incident_record
    from offenders.services.offences import offence_update
    from offenders.services.orders import order_create
    from portal.audit.services import audit_record, model_changes
    from portal.audit.targets import audit_snapshot
    from scoring.models import ScoringPolicy
    from tests.factories import OffenceFactory, OffenderFactory
    from tests.factories.partners import organisation_with_agreement
    from tests.scoring.conftest import run_synchronously

    settings.SCORING_CHUNK_SIZE = 10**9  # his far-off id must not split a recompute into thousands of chunks
    today = timezone.localdate()
    cleared = make_user("supervisor", restricted_access=True, username="sweep_cleared")
    lead = make_user("officer", username="sweep_lead")
    ordinary = [OffenderFactory(surname=f"Plainfield{n}") for n in range(3)]
    for person, code in zip(ordinary, ("002/00", "19C", "008/67"), strict=True):  # scores apart: ranks 2, 3, 4
        for days, code_of_this in ((20, "19C"), (40, code)):
            OffenceFactory(offender=person, offence_type__code=code_of_this, occurred_on=today - timedelta(days=days))
    namesake = OffenderFactory(surname="Vexholow", forenames="Ignatios", date_of_birth=today.replace(year=1980))
    OffenceFactory(offender=namesake)
    hidden = OffenderFactory(pk=HIDDEN_ID, surname=NAMES[0], forenames=NAMES[1], restricted=True,
                             date_of_birth=namesake.date_of_birth)  # fmt: skip
    untasked = OffenderFactory(pk=UNTASKED_ID, surname=UNTASKED_NAMES[0], forenames=UNTASKED_NAMES[1], restricted=True)
    for days in (3, 4):
        OffenceFactory(offender=untasked, offence_type__code="008/67", occurred_on=today - timedelta(days=days))
    # The highest id is an ordinary offender's: a run's page lists the id range each chunk covered (bounds,
    # not rows), and his id must be findable only where he himself would be.
    OffenceFactory(offender=OffenderFactory(pk=98765432, surname="Lastrecorded"))
    offences = [
        OffenceFactory(pk=pk, crime_ref=ref, offender=hidden, offence_type__code="001/01", borough="Zqvborough",
                       occurred_on=today - timedelta(days=121), reported_on=today - timedelta(days=120))
        for pk, ref in zip(OFFENCE_IDS, CRIME_REFS, strict=True)
    ]  # fmt: skip
    for offence in offences:  # as the offence service records a new offence
        audit_record(action="offence.create", target=offence, changes=model_changes({}, audit_snapshot(offence)))
    offence_update(offence=offences[0], data={"crime_ref": RENAMED_CRIME_REF}, by=cleared)
    case = case_open(offender=ordinary[0], lead=lead, team=[], reason="sweep", by=cleared)
    plan_action_add(case=case, strand="pursue", description="sweep", owner=lead, due_on=today, by=cleared)
    hidden_case = case_open(offender=hidden, lead=cleared, team=[], reason="sweep", review_due=today, by=cleared)
    for on in (case, hidden_case):
        clares_law_record(case=on, route="right_to_ask", decision="pending", decided_on=today, by=cleared)
    first = run_synchronously(by=cleared)
    second = run_synchronously(by=cleared)
    refused = api_for(make_user("officer", username="sweep_refused"))
    refused.get(f"/api/v1/offenders/{HIDDEN_ID}/", HTTP_X_ACCESS_PURPOSE="investigation")
    refused.get(f"/api/v1/offences/{OFFENCE_IDS[1]}/")
    api_for(cleared).get(f"/api/v1/offenders/{HIDDEN_ID}/", HTTP_X_ACCESS_PURPOSE="investigation")
    list_view_record(subject="offence", query={"crime_ref": CRIME_REFS[2]})
    order = order_create(offender=ordinary[0], kind="dapo", starts_on=today, by=cleared)
    incident = incident_record(data={"incident_ref": "INC-SWEEP-1", "offender": ordinary[0], "victim_ref": "V-SWEEP",
                                     "occurred_on": today.isoformat(), "kind": "verbal"}, by=cleared)  # fmt: skip
    incident_record(data={"incident_ref": "INC-SWEEP-HIDDEN", "offender": hidden, "victim_ref": "V-SWEEP",
                          "occurred_on": today.isoformat(), "kind": "verbal"}, by=cleared)  # fmt: skip
    order_create(offender=hidden, kind="dapo", starts_on=today, protected_victims=[offences[0].victim], by=cleared)
    organisation, agreement = organisation_with_agreement("Sweep IDVA", starts_on=today, ends_on=today)
    from cases.services.meetings import meeting_decide, meeting_open

    meeting = meeting_open(held_on=today, chair=cleared, by=cleared)  # he is on its agenda (rank 1, review due)
    items = list(meeting.items.select_related("offender", "meeting"))
    assert HIDDEN_ID in {item.offender_id for item in items}
    for item in items:
        meeting_decide(item=item, decision="defer", reason="sweep", until=today + timedelta(days=30), by=cleared)
    return {
        "offenders": [person.pk for person in ordinary], "offences": [ordinary[0].offences.first().pk],
        "cases": [case.pk], "actions": [case.actions.first().pk], "snapshots": [first.snapshot.pk, second.snapshot.pk],
        "runs": [first.pk, second.pk], "policies": list(ScoringPolicy.objects.values_list("pk", flat=True)),
        "reports": sorted(REPORTS), "victims": [ordinary[0].offences.first().victim_id], "orders": [order.pk], "incidents": [incident.pk],
        "sharing-agreements": [agreement.pk], "meetings": [meeting.pk], "items": [item.pk for item in items],
        "_case": case, "_hidden_case": hidden_case,
    }  # fmt: skip


def _templates() -> list[str]:
    """Every route of the URL conf as a path template (`{pk}`), the Django admin's aside: its pages are
    users and tokens behind one gate (the access matrix), and the offender admin is closed to admins."""
    routes = {route.strip("^").removesuffix("$") for route in _route_patterns(get_resolver().url_patterns)}
    return sorted(PARAMETER.sub(lambda m: "{" + (m[1] or m[2]) + "}", r) for r in routes if not r.startswith("admin/"))


def _paths(world, user) -> list[str]:
    """Each route filled with every sample of the collection its parameters index (an unknown one fails
    loudly, so a new route gets a sample), and each report also as CSV, whole and table by table."""
    period = Period.default()
    paths = []
    for template in _templates():
        filled = [template]
        for collection, parameter in re.findall(r"([\w-]+)/\{(\w+)\}", template):
            assert collection in world, f"no sample {collection} for /{template}: add one to hidden_world"
            filled = [
                path.replace("{" + parameter + "}", str(value), 1) for path in filled for value in world[collection]
            ]
        for path in filled:
            paths.append(f"/{path}")
            name = path.rstrip("/").rsplit("/", 1)[-1]
            if name in REPORTS and path.startswith(("oversight/", "api/v1/reports/")):
                tables = [table.key for table in report_build(name, user=user, period=period).tables]
                paths += [f"/{path}?format=csv"] + [f"/{path}?format=csv&table={key}" for key in tables]
    minutes = [f"/meetings/{pk}/minutes/?format=csv" for pk in world["meetings"]]
    return paths + minutes + ["/api/v1/rankings/current/?limit=1000", "/api/v1/offences/?page_size=500"]


def _body(response) -> bytes:
    return (b"".join(response.streaming_content) if response.streaming else response.content).lower()


def sweep(client, paths: list[str], needles_for, *, who: str) -> set[str]:
    """GET every path; none may answer 5xx or contain any of `needles_for(path)` (lower-case bytes).
    Returns the paths answered 200 (the disposal sweep, tests/offenders/records/test_disposal.py, shares it)."""
    answered = set()
    for path in paths:
        response = client.get(path, HTTP_X_ACCESS_PURPOSE="investigation")
        assert response.status_code < 500, path
        if response.status_code == 200:
            answered.add(path)
        body = _body(response)
        for needle in needles_for(path):
            assert needle not in body, f"{who} found {needle!r} in {path}"
    return answered


@pytest.mark.parametrize("requester", WITHOUT_GRANT)
def test_no_ranking_snapshot_report_or_export_has_a_row_for_him(requester, make_user, hidden_world):
    client, user = requester_client(requester, make_user, hidden_world)
    paths = _paths(hidden_world, user)
    assert {"/rankings/", "/api/v1/rankings/current/", "/oversight/data-quality/?format=csv&table=stale"} <= set(paths)
    answered = sweep(client, paths, lambda path: _needles(with_ids=not path.lstrip("/").startswith(AUDIT_LOG)),
                     who=requester)  # fmt: skip
    snapshot = f"/rankings/snapshots/{hidden_world['snapshots'][1]}/"
    assert {"/", "/rankings/", "/api/v1/rankings/current/", snapshot} <= answered  # read, not refused
    reports = {path for path in paths if path.startswith(("/oversight/data-quality/", "/api/v1/reports/"))}
    assert reports <= answered if requester != matrix.OFFICER else not reports & answered


@pytest.mark.parametrize("requester", WITHOUT_GRANT)
def test_the_ranks_of_others_keep_their_place_on_the_whole_list(requester, make_user, hidden_world):
    """He is first; without the grant the list starts at rank 2 (the gap the docs describe), the same
    number a cleared officer and the profile show for that offender."""
    client, _user = requester_client(requester, make_user, hidden_world)
    live = client.get("/api/v1/rankings/current/").json()
    assert live["count"] == 3 and [row["rank"] for row in live["results"]] == [2, 3, 4]
    snapshot = client.get(f"/api/v1/rankings/snapshots/{hidden_world['snapshots'][1]}/").json()
    assert snapshot["entry_count"] == 5  # a count may include them
    assert [row["rank"] for row in snapshot["entries"]] == [2, 3, 4]
    assert all(row["movement"] == 0 for row in snapshot["entries"])


def test_with_the_grant_an_officer_sees_him_first(make_user, hidden_world):
    client, _user = requester_client(matrix.OFFICER_R, make_user, hidden_world)
    live = client.get("/api/v1/rankings/current/").json()
    top = live["results"][0]
    assert live["count"] == 5 and top["rank"] == 1 and live["results"][-1]["offender"]["id"] == UNTASKED_ID
    assert top["offender"] == {"id": HIDDEN_ID, "reference": f"S-{HIDDEN_ID}", "display_name": "Ignatius Vexhollow"}
    page = _body(client.get("/rankings/"))
    assert f"s-{HIDDEN_ID}".encode() in page and b"vexhollow" in page and b'data-testid="restricted-tag"' in page
    snapshot = client.get(f"/api/v1/rankings/snapshots/{hidden_world['snapshots'][1]}/").json()
    assert snapshot["entries"][0]["offender"]["id"] == HIDDEN_ID


def test_with_the_grant_a_supervisor_finds_him_in_the_reports(make_user, hidden_world):
    """The control for the sweep: the same reports do carry him for a reader who may see him."""
    client, _user = requester_client(matrix.SUPERVISOR_R, make_user, hidden_world)
    stale = _body(client.get("/oversight/data-quality/?format=csv&table=stale"))
    assert str(OFFENCE_IDS[1]).encode() in stale and f"s-{HIDDEN_ID}".encode() in stale
    assert f"s-{HIDDEN_ID}".encode() in _body(client.get("/api/v1/reports/access/?format=csv&table=restricted"))
    assert f"s-{UNTASKED_ID}".encode() in _body(client.get("/"))  # new in the top N, not yet tasked


@pytest.mark.parametrize("requester", (matrix.ADMIN, matrix.OVERSIGHT))
def test_the_audit_log_shows_no_crime_reference_in_clear(requester, make_user, hidden_world):
    client, _user = requester_client(requester, make_user, hidden_world)
    events, url = [], "/api/v1/audit/events/?target_type=offenders.offence"
    while url:
        body = client.get(url).json()
        events += body["results"]
        url = body["next"]
    his = [event for event in events if event["target_id"] in {str(pk) for pk in OFFENCE_IDS}]
    assert {event["action"] for event in his} == {"offence.create", "offence.update"}
    assert {event["object_repr"] for event in his} == {f"offence {pk}" for pk in OFFENCE_IDS}
    renamed = next(event for event in his if event["action"] == "offence.update")
    assert renamed["changes"]["crime_ref"] == {"before": "(redacted)", "after": "(redacted)"}
    searched = next(event for event in events if event["action"] == "offence.list")
    assert searched["changes"]["query"]["crime_ref"] == "(redacted)"
    for path in (
        "/api/v1/audit/events/?page_size=500",
        "/oversight/audit/",
        "/oversight/audit/?target_type=offenders.offence",
    ):
        body = _body(client.get(path))
        for needle in _needles(with_ids=False):
            assert needle not in body, f"{requester} found {needle!r} in {path}"


def test_the_audit_log_still_stores_the_crime_references_in_full(hidden_world):
    """Redaction is on read: the stored, hash-chained events keep what happened, and the chain holds."""
    from portal.audit.models import AuditEvent
    from portal.audit.verify import audit_chain_verify

    renamed = AuditEvent.objects.get(action="offence.update", target_id=str(OFFENCE_IDS[0]))
    assert renamed.changes["crime_ref"] == {"before": CRIME_REFS[0], "after": RENAMED_CRIME_REF}
    assert renamed.object_repr == f"offence {OFFENCE_IDS[0]}"  # named by id; the reference is in the changes
    assert audit_chain_verify().ok
