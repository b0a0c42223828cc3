"""One generated test per cell of tests/portal/access_matrix.py, and a test that every URL pattern
of the portal is reached by some row (so a new endpoint cannot slip in unchecked)."""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import mark_session_mfa_verified
from tests.portal import access_matrix as matrix

CELLS = [
    pytest.param(row, requester, id=f"{row.method} {row.path} as {requester}")
    for row in matrix.ROWS
    for requester in matrix.REQUESTERS
]

ROLE_OF = {
    matrix.OFFICER: ("officer", False),
    matrix.OFFICER_R: ("officer", True),
    matrix.SUPERVISOR: ("supervisor", False),
    matrix.SUPERVISOR_R: ("supervisor", True),
    matrix.ADMIN: ("admin", False),
    matrix.OVERSIGHT: ("oversight", False),
    matrix.PARTNER: ("partner", False),
}


@pytest.fixture
def world(make_user):
    """The records the sample ids point at: an ordinary and a restricted offender with offences, a case
    on each, a plan action, a draft (by another admin), an approved and the active policy, a finished
    run and its published ranking."""
    from cases.services.cases import case_open
    from cases.services.plan_actions import plan_action_add
    from offenders.models import DomesticIncident
    from offenders.services.orders import order_create
    from scoring.models import ScoringPolicy
    from scoring.services.policies import policy_approve, policy_create_draft
    from tests.factories import OffenceFactory, OffenderFactory
    from tests.factories.partners import organisation_with_agreement
    from tests.scoring.conftest import run_synchronously

    soon = timezone.localdate() + timedelta(days=14)
    supervisor = make_user("supervisor", restricted_access=True, username="matrix_sup")
    lead = make_user("officer", username="matrix_lead")
    cleared_lead = make_user("officer", restricted_access=True, username="matrix_cleared_lead")
    author, approver = make_user("admin", username="matrix_author"), make_user("admin", username="matrix_approver")
    offender = OffenderFactory(surname="Openshaw")
    untasked = OffenderFactory(surname="Untasked")
    hidden = OffenderFactory(surname="Zzyzxhidden", forenames="Quorvalinde", restricted=True)
    offences = [OffenceFactory(offender=person) for person in (offender, offender, hidden, hidden)]
    case = case_open(offender=offender, lead=lead, team=[], reason="matrix", by=supervisor)
    hidden_case = case_open(offender=hidden, lead=cleared_lead, team=[], reason="matrix", by=supervisor)
    action = plan_action_add(case=case, strand="pursue", description="matrix", owner=lead, due_on=soon, by=supervisor)
    active = ScoringPolicy.objects.get(status="active")
    incident = DomesticIncident.objects.create(
        incident_ref="MATRIX-INC", offender=offender, victim=offences[0].victim, occurred_on=timezone.localdate()
    )
    draft = policy_create_draft(name="Matrix draft", by=author, based_on=active)
    approved = policy_approve(
        policy=policy_create_draft(name="Matrix approved", by=author, based_on=active), by=approver
    )
    run = run_synchronously(by=supervisor)
    from cases.services.meetings import meeting_open, meeting_refer

    meeting = meeting_open(held_on=timezone.localdate(), chair=supervisor, by=supervisor)
    referral = meeting_refer(meeting=meeting, offender=untasked, reason="matrix", by=supervisor)
    order = order_create(offender=offender, kind="dapo", starts_on=soon - timedelta(days=60), by=supervisor)
    hidden_order = order_create(offender=hidden, kind="dapo", starts_on=soon - timedelta(days=60), by=supervisor)
    organisation, agreement = organisation_with_agreement(
        "Matrix IDVA", starts_on=soon - timedelta(days=30), ends_on=soon
    )
    return {
        "offender": offender.pk, "untasked_offender": untasked.pk, "restricted_offender": hidden.pk, "restricted_surname": hidden.surname,
        "offence": offences[0].pk, "restricted_offence": offences[2].pk, "case": case.pk, "incident": incident.pk,
        "restricted_case": hidden_case.pk, "action": action.pk, "policy_active": active.pk,
        "policy_draft": draft.pk, "policy_approved": approved.pk, "run": run.pk,
        "snapshot": run.snapshot.pk if hasattr(run, "snapshot") else 0, "officer_user": lead.pk,
        "meeting": meeting.pk, "meeting_item": referral.pk,
        "agreement": agreement.pk, "victim": offences[0].victim_id, "order": order.pk,
        "restricted_order": hidden_order.pk, "_case": case, "_hidden_case": hidden_case, "_organisation": organisation,
    }  # fmt: skip


def requester_client(requester, make_user, world):
    """A client for this requester: web session (OTP-verified for MFA roles) and API session alike."""
    client = APIClient()
    if requester == matrix.ANON:
        return client, None
    role, grant = ROLE_OF[requester]
    extra = {"organisation": world["_organisation"]} if role == "partner" else {}
    user = make_user(role, restricted_access=grant, **extra)
    if role in ("officer", "partner"):  # officers and partners work the cases they are on
        world["_case"].team.add(user)
        if grant:
            world["_hidden_case"].team.add(user)
    client.force_login(user)
    mark_session_mfa_verified(client, user)
    return client, user


def outcome_of(response, *, api: bool) -> str:
    """Classify a response into the matrix's outcomes (see access_matrix's docstring)."""
    status = response.status_code
    location = response.get("Location", "")
    if status == 401 or (status == 302 and location.startswith(("/accounts/login/?", "/admin/login/?"))):
        return matrix.LOGIN
    if status == 403:
        return matrix.DENY
    if status == 404:
        return "not found"
    if status < 400 or status in (400, 409, 413):
        return matrix.OK
    return f"unexpected {status}"


def _send(client, row, path, world):
    method = getattr(client, row.method.lower())
    data = {name: value.format(**world) for name, value in row.data.items()}
    if path.startswith("/api/v1/"):
        return method(path, data, format=row.fmt, **row.headers)
    return method(path, data, **row.headers)


@pytest.mark.parametrize("row, requester", CELLS)
def test_access_matrix_cell(row, requester, make_user, world):
    client, _user = requester_client(requester, make_user, world)
    path = row.path.format(**world)
    response = _send(client, row, path, world)
    expected = row.expect[requester]
    got = outcome_of(response, api=path.startswith("/api/"))
    if expected == matrix.HIDE:
        assert got in (matrix.DENY, "not found"), f"{row.method} {path} as {requester}: {response.status_code}"
        assert world["restricted_surname"].encode() not in response.content
    else:
        assert got == expected, (
            f"{row.method} {path} as {requester}: {response.status_code} {response.get('Location', '')}"
        )


def _route_patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _route_patterns(pattern.url_patterns, URLResolver._join_route(prefix, str(pattern.pattern)))
        elif isinstance(pattern, URLPattern):
            yield URLResolver._join_route(prefix, str(pattern.pattern))


def test_every_url_pattern_is_in_the_matrix(db):
    sample = dict.fromkeys(
        ("offender", "untasked_offender", "restricted_offender", "offence", "restricted_offence", "incident", "case", "restricted_case", "action",
         "policy_active", "policy_draft", "policy_approved", "run", "snapshot", "officer_user", "meeting",
         "meeting_item", "agreement", "victim", "order", "restricted_order"), 1,
    )  # fmt: skip
    sample["restricted_surname"] = "x"
    reached = {resolve(row.path.format(**sample).split("?")[0]).route for row in matrix.ROWS}
    missing = [
        route
        for route in _route_patterns(get_resolver().url_patterns)
        if route not in reached and not route.startswith(matrix.COVERED_BY_GATE)
    ]
    assert not missing, f"URL patterns with no row in tests/portal/access_matrix.py: {missing}"


def test_matrix_rows_name_every_requester():
    for row in matrix.ROWS:
        assert set(row.expect) == set(matrix.REQUESTERS), row


def test_matrix_size():
    assert len(CELLS) >= 8 * 100
