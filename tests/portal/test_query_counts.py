"""Query counts pinned for the main pages and API endpoints, and the N+1 guard (docs/testing.md).

Every request below is measured for each role that may make it, on a world built through the services
(tests/portal/query_count_world.py), and again after the world has grown: a request's count must not
change with the rows it shows, and must equal its pin in tests/query_counts.json. Every URL the portal
serves is either pinned here or on ALLOWED_UNPINNED with the reason, so a new endpoint cannot slip in
unmeasured.
"""

import difflib
import json
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import get_resolver, resolve
from rest_framework.test import APIClient

from tests.conftest import mark_session_mfa_verified
from tests.portal.query_count_world import world_create, world_grow
from tests.portal.test_access_matrix import _route_patterns
from tests.query_counts import Baseline, count_queries, request_key, sql_shapes, updating

EVERYONE = ("officer", "supervisor", "admin", "oversight")
FRONT_LINE = ("officer", "supervisor")
ACCOUNTABILITY = ("supervisor", "admin", "oversight")
# The evaluation lists no records: estimates and group means over every cohort, whose rows are summed in
# one grouped query however many cohorts there are (docs/evaluation.md).
EVALUATION = "estimates and means, no records listed; one grouped query for every cohort"
AUDITORS = ("admin", "oversight")
REVIEWERS = ("supervisor", "admin")
PURPOSE = {"HTTP_X_ACCESS_PURPOSE": "investigation"}
API = "/api/v1"
REPORTS = ("outcomes", "disproportionality", "access", "governance", "data-quality")
SAMPLE_IDS = dict.fromkeys(("offender", "offence", "incident", "case", "action", "policy", "run", "snapshot"), 1)
pytestmark = pytest.mark.django_db  # so the test database is set up; `measured` builds in its own transaction


@dataclass(frozen=True)
class Pinned:
    """One request whose query count is pinned, for each role in `roles`."""

    path: str  # {offender}, {case}, ... filled from the world's ids
    roles: tuple[str, ...]
    variant: str = ""  # where one URL name serves several things
    headers: dict = field(default_factory=dict)
    method: str = "GET"
    fixed: str = ""  # why what it shows does not grow with the world (else the guard checks that it does)

    def key(self, role: str) -> str:
        return request_key(self.method, self.path.format(**SAMPLE_IDS), role, variant=self.variant)


ONE_RECORD = "one record"
ONE_RUN = "one run, in one chunk (a chunk is 25,000 offenders)"
FIXED_GROUPS = "counts in a fixed set of categories"
PAGES = [
    Pinned("/", FRONT_LINE),
    Pinned("/", AUDITORS, fixed="admin and oversight see counts only"),
    Pinned("/rankings/", EVERYONE),
    Pinned("/rankings/snapshots/{snapshot}/", EVERYONE),
    Pinned("/offenders/", FRONT_LINE),
    Pinned("/offenders/{offender}/", FRONT_LINE),  # the purpose is given when the client signs in
    Pinned("/cases/", FRONT_LINE),
    Pinned("/cases/{case}/", FRONT_LINE),
    Pinned("/scoring/policies/", EVERYONE),
    Pinned("/scoring/policies/{policy}/", EVERYONE),
    Pinned("/scoring/runs/", EVERYONE),
    Pinned("/scoring/runs/{run}/", EVERYONE, fixed=ONE_RUN),
    Pinned("/scoring/runs/{run}/progress/", EVERYONE),  # polled twice a second while a run goes
    Pinned("/reviews/", REVIEWERS),
    Pinned("/oversight/", ACCOUNTABILITY, fixed="the list of reports"),
    Pinned("/oversight/transparency/", ACCOUNTABILITY),
    *[Pinned(f"/oversight/{name}/", ACCOUNTABILITY) for name in REPORTS if name not in ("outcomes", "evaluation")],
    Pinned("/oversight/evaluation/", ACCOUNTABILITY, fixed=EVALUATION),
    Pinned("/oversight/outcomes/", ACCOUNTABILITY, fixed=FIXED_GROUPS),
    Pinned("/oversight/access/?format=csv", ACCOUNTABILITY, variant="csv"),
    Pinned("/oversight/audit/", AUDITORS, fixed="a full page of 50 events in both worlds (the filtered one grows)"),
    Pinned("/oversight/audit/?action=case.open", AUDITORS, variant="action=case.open"),
]
API_REQUESTS = [
    Pinned(f"{API}/rankings/current/", EVERYONE),
    Pinned(f"{API}/rankings/snapshots/", EVERYONE),
    Pinned(f"{API}/rankings/snapshots/{{snapshot}}/", EVERYONE),
    Pinned(f"{API}/offenders/", FRONT_LINE),
    Pinned(f"{API}/offenders/{{offender}}/", FRONT_LINE, headers=PURPOSE),
    Pinned(f"{API}/reviews/", REVIEWERS),
    Pinned(f"{API}/offences/", FRONT_LINE),
    Pinned(f"{API}/offences/{{offence}}/", FRONT_LINE, fixed=ONE_RECORD),
    Pinned(f"{API}/incidents/", FRONT_LINE),
    Pinned(f"{API}/incidents/{{incident}}/", FRONT_LINE, fixed=ONE_RECORD),
    Pinned(f"{API}/cases/", FRONT_LINE),
    Pinned(f"{API}/cases/{{case}}/", FRONT_LINE),
    Pinned(f"{API}/cases/{{case}}/notes/", FRONT_LINE),
    Pinned(f"{API}/cases/{{case}}/actions/", FRONT_LINE),
    Pinned(f"{API}/cases/{{case}}/actions/{{action}}/", FRONT_LINE, fixed=ONE_RECORD),
    Pinned(f"{API}/cases/{{case}}/victims/", FRONT_LINE),
    Pinned(f"{API}/cases/{{case}}/clares-law/", FRONT_LINE),
    Pinned(f"{API}/orders/", FRONT_LINE),
    Pinned(f"{API}/scoring/policies/", EVERYONE),
    Pinned(f"{API}/scoring/policies/{{policy}}/", EVERYONE),
    Pinned(
        f"{API}/scoring/policies/{{policy}}/preview/",
        AUDITORS,
        fixed="the top N under two policies: set-based statements, whatever the world's size",
    ),
    Pinned(f"{API}/scoring/runs/", EVERYONE),
    Pinned(f"{API}/scoring/runs/{{run}}/", EVERYONE, fixed=ONE_RUN),
    # page_size=500: the whole log on one page, so the guard sees the rows grow (a default page is full).
    Pinned(f"{API}/audit/events/?page_size=500", AUDITORS, variant="page_size=500"),
    # Verifying reads the whole chain in one streamed query (chunks of 2,000 from one cursor), so its
    # count stays flat while its time grows with the log: the count is pinned here, the time is not.
    Pinned(f"{API}/audit/verify/", AUDITORS, fixed="one answer about the whole chain"),
    *[
        Pinned(f"{API}/reports/{name}/", ACCOUNTABILITY, variant=name)
        for name in REPORTS
        if name not in ("outcomes", "evaluation")
    ],
    *[
        Pinned(f"{API}/reports/{name}/?format=csv", ACCOUNTABILITY, variant=f"{name}, csv")
        for name in REPORTS
        if name not in ("outcomes", "evaluation")
    ],
    Pinned(f"{API}/reports/evaluation/", ACCOUNTABILITY, fixed=EVALUATION),
    Pinned(f"{API}/reports/evaluation/?format=csv", ACCOUNTABILITY, variant="csv", fixed=EVALUATION),
    Pinned(f"{API}/reports/outcomes/", ACCOUNTABILITY, variant="outcomes", fixed=FIXED_GROUPS),
    Pinned(f"{API}/reports/outcomes/?format=csv", ACCOUNTABILITY, variant="outcomes, csv", fixed=FIXED_GROUPS),
]
PINNED = PAGES + API_REQUESTS
BY_KEY = {pinned.key(role): pinned for pinned in PINNED for role in pinned.roles}
KEYS = list(BY_KEY)

# Routes deliberately left unpinned, each with the reason. Everything else the URL conf serves is pinned.
FORM = "a form or a write for one record: no list to grow, and its queries are the service's (tested there)"
MEETINGS = "tasking meetings: their N+1 guard is tests/cases/test_meetings_api.py (more items, same count)"
ALLOWED_UNPINNED = {
    "accounts/login/": "sign-in: no list; its queries are the lockout's (tests/portal/test_login_and_sessions.py)",
    "accounts/logout/": "sign-out: no list",
    "accounts/login/authenticator/": "first sign-in: one person's authenticator, no list",
    "oversight/audit/export/": "the audit page's filter streamed as CSV (iterator): the audit page's pin covers it",
    "accounts/tokens/": "an administrator's token page: a form and at most 200 tokens, two queries",
    "offenders/new/": FORM,
    "offenders/<int:pk>/edit/": FORM,
    "offenders/<int:pk>/restricted/": FORM,
    "offenders/<int:pk>/offences/new/": FORM,
    "offences/<int:pk>/edit/": FORM,
    "offences/<int:pk>/delete/": FORM,
    "cases/new/": FORM,
    "cases/<int:pk>/edit/": FORM,
    "cases/<int:pk>/transition/": FORM,
    "cases/<int:pk>/notes/": FORM,
    "cases/<int:pk>/actions/": FORM,
    "cases/<int:pk>/actions/<int:action_id>/": FORM,
    "cases/<int:pk>/safety-checks/": FORM,
    "cases/<int:pk>/clares-law/": FORM,
    "cases/<int:pk>/orders/": FORM,
    "api/v1/cases/<int:case_id>/victims/<int:victim_id>/safety-checks/": FORM,
    "api/v1/orders/<int:order_id>/": FORM,
    "api/v1/orders/<int:order_id>/breaches/": FORM,
    "api/v1/organisations/": "admins' short list of partner organisations: no personal data, a handful of rows",
    "api/v1/sharing-agreements/": "admins' short list of sharing agreements: a handful of rows",
    "api/v1/sharing-agreements/<int:agreement_id>/": FORM,
    "scoring/policies/new/": FORM,
    "scoring/policies/<int:pk>/edit/": FORM,
    "scoring/policies/<int:pk>/approve/": FORM,
    "scoring/policies/<int:pk>/activate/": FORM,
    "api/v1/offenders/<int:pk>/review/": FORM,
    "offenders/<int:pk>/review/": FORM,
    "offenders/<int:pk>/subject-access/": "one record's bundle, as the API's (below)",
    "api/v1/offenders/<int:pk>/subject-access/": "one record's bundle (one offender); tests/offenders/records/test_subject_access.py",
    "api/v1/imports/offences/": "an upload: its queries are pinned by tests/offenders/imports/test_offences_load.py",
    "api/v1/imports/incidents/": "an upload, all or nothing (tests/scoring/test_incidents.py)",
    "api/v1/cases/<int:case_id>/transition/": FORM,
    "api/v1/scoring/policies/<int:pk>/approve/": FORM,
    "api/v1/scoring/policies/<int:pk>/activate/": FORM,
    "api/v1/meetings/<int:meeting_id>/items/<int:item_id>/decision/": FORM,
    "api/v1/meetings/<int:meeting_id>/close/": FORM,
    "api/v1/meetings/": MEETINGS,
    "meetings/": MEETINGS,
    "my-work/": "the dashboard's own-work querysets listed in full: N+1 guard in tests/cases/test_my_work.py",
    "meetings/<int:pk>/": MEETINGS,
    "meetings/<int:pk>/minutes/": MEETINGS,
    "meetings/<int:pk>/items/": FORM,
    "meetings/<int:pk>/items/<int:item_id>/decision/": FORM,
    "meetings/<int:pk>/close/": FORM,
    "api/v1/meetings/<int:meeting_id>/": MEETINGS,
    "api/v1/meetings/<int:meeting_id>/items/": MEETINGS,
    "api/schema/": "the OpenAPI document, generated from the code: no rows",
    "api/docs/": "a static page that loads the schema: no rows",
}
ALLOWED_PREFIXES = {"admin/": "Django's own admin (users and tokens), not the portal's pages"}


@dataclass
class Measure:
    count: int
    sql: list[str]
    status: int
    rows: int  # records shown (_rows_of)


def _records(value) -> int:
    if isinstance(value, dict):
        return 1 + sum(_records(item) for item in value.values())
    if isinstance(value, list):
        return sum(_records(item) for item in value)
    return 0


def _rows_of(response) -> int:
    """How many records the answer shows: JSON objects, CSV lines, or an HTML page's table rows and list
    items (the guard is only worth something where this grows between the two worlds)."""
    content = response.content_read if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "json" in kind:
        return _records(json.loads(content))
    if "csv" in kind:
        return content.count(b"\n")
    return content.count(b"<tr") + content.count(b"<li")


def _signed_in(user, *, offender_id: int) -> APIClient:
    """A session for the role (OTP-verified where MFA is required), with a purpose given for the profile."""
    client = APIClient()
    client.force_login(user)
    mark_session_mfa_verified(client, user)
    if user.groups.filter(name__in=FRONT_LINE).exists():
        client.post(f"/offenders/{offender_id}/", {"purpose": "investigation"})
    return client


def _measure_round(world, clients, results: dict[str, list[Measure]]) -> None:
    ids = world.ids()
    for pinned in PINNED:
        for role in pinned.roles:
            path = pinned.path.format(**ids)
            try:
                with transaction.atomic():  # a failing request rolls back alone; the others still measure
                    count, sql, response = count_queries(clients[role], pinned.method, path, pinned.headers)
                measure = Measure(count, sql, response.status_code, _rows_of(response))
            except Exception as error:  # noqa: BLE001 - that key's tests fail with it
                measure = Measure(0, [repr(error)], 500, 0)
            results.setdefault(pinned.key(role), []).append(measure)


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker) -> dict[str, list[Measure]]:
    """Each key's measures: [the first world, the grown world]. Built and measured in one transaction
    that is rolled back, so nothing is left for other tests."""
    results: dict[str, list[Measure]] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        world = world_grow(world_grow(world_create(), new=2), new=2)  # a previous snapshot, draft, closed case...
        offender_id = world.offenders[0].pk
        clients = {role: _signed_in(user, offender_id=offender_id) for role, user in world.people.items()}
        _measure_round(world, clients, results)
        _measure_round(world_grow(world, new=3), clients, results)
        transaction.set_rollback(True)
    return results


@pytest.mark.parametrize("key", KEYS)
def test_query_count_is_pinned(measured, key):
    first, _grown = measured[key]
    assert first.status == 200, f"{key}: answered {first.status}; a pin must measure a real answer {first.sql[-1:]}"
    problem = Baseline().check(key, first.count, first.sql)
    assert problem is None, problem


@pytest.mark.parametrize("key", KEYS)
def test_query_count_does_not_grow_with_rows(measured, key):
    first, grown = measured[key]
    assert grown.status == 200, f"{key}: answered {grown.status} on the grown world {grown.sql[-1:]}"
    if not BY_KEY[key].fixed:  # the guard is worth something only where the answer grew
        assert grown.rows > first.rows, f"{key}: shows {first.rows} records, then {grown.rows}: the world must grow"
    extra = "\n".join(difflib.unified_diff(sql_shapes(first.sql), sql_shapes(grown.sql), lineterm="", n=0))
    assert grown.count == first.count, f"{key}: {first.count} queries, then {grown.count} with more rows\n{extra}"


def test_every_route_is_pinned_or_allowed_unpinned():
    pinned = {resolve(pinned.path.format(**SAMPLE_IDS).split("?")[0]).route for pinned in PINNED}
    routes = set(_route_patterns(get_resolver().url_patterns))
    missing = sorted(
        route
        for route in routes - pinned
        if route not in ALLOWED_UNPINNED and not route.startswith(tuple(ALLOWED_PREFIXES))
    )
    assert not missing, f"routes with no query-count pin (pin them, or allow them unpinned with a reason): {missing}"
    assert not pinned & set(ALLOWED_UNPINNED), "a route is both pinned and allowed unpinned"
    assert set(ALLOWED_UNPINNED) <= routes, f"allowed routes that no longer exist: {set(ALLOWED_UNPINNED) - routes}"


def test_every_pin_belongs_to_a_measured_request():
    assert len(KEYS) == sum(len(pinned.roles) for pinned in PINNED), "two requests share a key: give one a variant"
    baseline = Baseline()
    stale = sorted(set(baseline.pins) - set(KEYS))
    if updating():  # an update run drops them
        baseline.forget(stale)
        stale = sorted(set(Baseline().pins) - set(KEYS))
    assert not stale, f"pins in tests/query_counts.json that no request here measures: {stale}"
