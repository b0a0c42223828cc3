"""The access matrix of docs/roles.md, as data: every URL the portal serves, each method it
accepts, and what each kind of requester gets. tests/portal/test_access_matrix.py turns every cell
into its own test and fails when a URL pattern exists that no row here reaches.

Requesters: anonymous, each role, and officers and supervisors with the restricted_access grant.
Outcomes (checked against the status code; see test_access_matrix.outcome_of):
  OK     the request is let through: 2xx, a redirect that is not to the login page, or a 400/409/413
         answer about the (deliberately empty) input
  DENY   refused: 403 (the web's refusal page, the API's JSON)
  HIDE   a record this requester may not know exists: 403 or 404, never its content
  LOGIN  anonymous: a redirect to /accounts/login/ (or the admin's, which forwards there) on the web,
         401 on the API
Sample ids in {braces} are filled from the records the test builds (test_access_matrix.world).
"""

from dataclasses import dataclass, field

OK, DENY, HIDE, LOGIN = "ok", "deny", "hide", "login"
ANON, OFFICER, OFFICER_R, SUPERVISOR, SUPERVISOR_R, ADMIN, OVERSIGHT, PARTNER = (
    "anonymous", "officer", "officer+restricted", "supervisor", "supervisor+restricted", "admin", "oversight",
    "partner",
)  # fmt: skip
REQUESTERS = (ANON, OFFICER, OFFICER_R, SUPERVISOR, SUPERVISOR_R, ADMIN, OVERSIGHT, PARTNER)


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expect: dict[str, str]
    data: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    note: str = ""
    fmt: str = "json"  # API request body format


def roles(
    officer, supervisor, admin, oversight, *, partner=DENY, anonymous=LOGIN, restricted_target=False
) -> dict[str, str]:
    """Expand the role answers to every requester. On a restricted record the roles' OK turns
    into HIDE without the grant; the grant itself never opens anything to admin or oversight. A partner
    (on the sample case's team, with an agreement in force) is refused unless a row says otherwise."""
    hidden = (lambda outcome: HIDE if outcome == OK else outcome) if restricted_target else (lambda outcome: outcome)
    return {
        ANON: anonymous,
        OFFICER: hidden(officer),
        OFFICER_R: officer,
        SUPERVISOR: hidden(supervisor),
        SUPERVISOR_R: supervisor,
        ADMIN: admin,
        OVERSIGHT: oversight,
        PARTNER: partner,
    }


EVERYONE = roles(OK, OK, OK, OK)
FRONT_LINE = roles(OK, OK, DENY, DENY)  # officers and supervisors
FRONT_LINE_RESTRICTED = roles(OK, OK, DENY, DENY, restricted_target=True)
SUPERVISORS = roles(DENY, OK, DENY, DENY)
ADMINS = roles(DENY, DENY, OK, DENY)
AUDITORS = roles(DENY, DENY, OK, OK)  # admin and oversight
ACCOUNTABILITY = roles(DENY, OK, OK, OK)  # supervisor, admin, oversight
RECOMPUTE = roles(DENY, OK, OK, DENY)
MARK_RESTRICTED = {**roles(DENY, DENY, DENY, DENY), SUPERVISOR_R: OK}
PUBLIC = {requester: OK for requester in REQUESTERS}
REVIEWERS = roles(DENY, OK, OK, DENY)  # records review: supervisors and admins (disposal: admins, in the service)
ON_TEAM = roles(OK, OK, DENY, DENY, partner=OK)  # officers, supervisors and a partner on the case's team

PURPOSE = {"HTTP_X_ACCESS_PURPOSE": "investigation"}
API = "/api/v1"

WEB_ROWS = [
    Row("GET", "/accounts/login/", PUBLIC),
    Row("POST", "/accounts/login/", PUBLIC, note="an empty form: errors, no sign-in"),
    Row("GET", "/accounts/logout/", PUBLIC, note="a page with the sign-out button; changes nothing"),
    Row("POST", "/accounts/logout/", PUBLIC),
    Row(
        "GET",
        "/accounts/login/authenticator/",
        {**EVERYONE, PARTNER: OK},
        note="enrolment: only after a password, else to sign-in; a signed-in person is sent on",
    ),
    Row("GET", "/accounts/tokens/", ADMINS),
    Row("POST", "/accounts/tokens/", ADMINS, note="an empty form: errors, no token"),
    Row("GET", "/", {**EVERYONE, PARTNER: OK}, note="a partner is sent on to their cases"),
    # offenders and offences
    Row("GET", "/offenders/", FRONT_LINE),
    Row("GET", "/offenders/?q={restricted_surname}", FRONT_LINE),
    Row("GET", "/offenders/new/", FRONT_LINE, note="admin only through import"),
    Row("POST", "/offenders/new/", FRONT_LINE),
    Row("GET", "/offenders/{offender}/", FRONT_LINE),
    Row("POST", "/offenders/{offender}/", FRONT_LINE, data={"purpose": "investigation"}, note="the purpose form"),
    Row("GET", "/offenders/{restricted_offender}/", FRONT_LINE_RESTRICTED),
    Row("POST", "/offenders/{restricted_offender}/", FRONT_LINE_RESTRICTED, data={"purpose": "investigation"}),
    Row("GET", "/offenders/{offender}/edit/", FRONT_LINE),
    Row("POST", "/offenders/{offender}/edit/", FRONT_LINE),
    Row("GET", "/offenders/{restricted_offender}/edit/", FRONT_LINE_RESTRICTED),
    Row("GET", "/offenders/{offender}/subject-access/", ADMINS),
    Row("GET", "/reviews/", REVIEWERS),
    Row("GET", "/offenders/{offender}/review/", REVIEWERS),
    Row("POST", "/offenders/{offender}/review/", REVIEWERS, note="empty form: shown again with its errors"),
    Row("POST", "/offenders/{offender}/restricted/", MARK_RESTRICTED, data={"restricted": "true", "reason": "test"}),
    Row("GET", "/offenders/{offender}/offences/new/", FRONT_LINE),
    Row("POST", "/offenders/{offender}/offences/new/", FRONT_LINE),
    Row("GET", "/offenders/{restricted_offender}/offences/new/", FRONT_LINE_RESTRICTED),
    Row("GET", "/offences/{offence}/edit/", FRONT_LINE),
    Row("POST", "/offences/{offence}/edit/", FRONT_LINE),
    Row("GET", "/offences/{restricted_offence}/edit/", FRONT_LINE_RESTRICTED),
    Row("GET", "/offences/{offence}/delete/", FRONT_LINE),
    Row("POST", "/offences/{offence}/delete/", FRONT_LINE),
    Row("POST", "/offences/{restricted_offence}/delete/", FRONT_LINE_RESTRICTED),
    # cases (oversight sees aggregates only, in reports)
    Row("GET", "/my-work/", FRONT_LINE),
    Row("GET", "/meetings/", EVERYONE),
    Row("POST", "/meetings/", SUPERVISORS),
    Row("GET", "/meetings/{meeting}/", EVERYONE),
    Row("POST", "/meetings/{meeting}/items/", SUPERVISORS),
    Row("POST", "/meetings/{meeting}/items/{meeting_item}/decision/", SUPERVISORS),
    Row("POST", "/meetings/{meeting}/close/", SUPERVISORS, note="409: an item is undecided"),
    Row("GET", "/meetings/{meeting}/minutes/", EVERYONE),
    Row("GET", "/meetings/{meeting}/minutes/?format=csv", EVERYONE, note="admin and oversight pseudonymised"),
    Row("GET", "/cases/", ON_TEAM),
    Row("GET", "/cases/new/?offender={untasked_offender}", SUPERVISORS),
    Row("POST", "/cases/new/", SUPERVISORS, data={"offender": "{untasked_offender}"}),
    Row("GET", "/cases/{case}/", ON_TEAM, note="a partner: the redacted page"),
    Row("GET", "/cases/{restricted_case}/", FRONT_LINE_RESTRICTED),
    Row("GET", "/cases/{case}/edit/", SUPERVISORS),
    Row("POST", "/cases/{case}/edit/", SUPERVISORS),
    Row("POST", "/cases/{case}/transition/", SUPERVISORS, data={"to": "active", "reason": "matrix"}),
    Row("POST", "/cases/{case}/notes/", FRONT_LINE, data={"text": "matrix note"}, note="officer is on the team"),
    Row("POST", "/cases/{case}/actions/", ON_TEAM, note="a partner adds actions they own"),
    Row("POST", "/cases/{case}/actions/{action}/", ON_TEAM, note="empty form: errors; a partner's own only"),
    Row("POST", "/cases/{case}/safety-checks/", FRONT_LINE, note="the case team; empty form: errors"),
    Row("POST", "/cases/{case}/clares-law/", FRONT_LINE),
    Row("POST", "/cases/{case}/orders/", FRONT_LINE, note="an order against the case's offender; empty form: errors"),
    # rankings and scoring
    Row("GET", "/rankings/", EVERYONE, note="admin and oversight pseudonymised"),
    Row("GET", "/rankings/snapshots/{snapshot}/", EVERYONE),
    Row("GET", "/scoring/runs/", EVERYONE),
    Row("POST", "/scoring/runs/", RECOMPUTE),
    Row("GET", "/scoring/runs/{run}/", EVERYONE),
    Row("GET", "/scoring/runs/{run}/progress/", EVERYONE),
    Row("GET", "/scoring/policies/", EVERYONE),
    Row("POST", "/scoring/policies/new/", ADMINS, data={"name": "Matrix draft"}),
    Row("GET", "/scoring/policies/{policy_active}/", EVERYONE),
    Row("GET", "/scoring/policies/{policy_draft}/edit/", ADMINS),
    Row("POST", "/scoring/policies/{policy_draft}/edit/", ADMINS),
    Row("POST", "/scoring/policies/{policy_draft}/approve/", ADMINS, note="the draft's author is another admin"),
    Row("POST", "/scoring/policies/{policy_approved}/activate/", ADMINS),
    # oversight and audit
    Row("GET", "/oversight/", ACCOUNTABILITY),
    Row("GET", "/oversight/transparency/", ACCOUNTABILITY),
    *[
        Row("GET", f"/oversight/{name}/", ACCOUNTABILITY)
        for name in ("outcomes", "disproportionality", "access", "governance", "data-quality", "evaluation")
    ],  # fmt: skip
    Row("GET", "/oversight/access/?format=csv", ACCOUNTABILITY),
    Row("GET", "/oversight/audit/", AUDITORS),
    Row("GET", "/oversight/audit/export/", AUDITORS, note="CSV of the filtered events; recorded"),
    # the Django admin (users and tokens): every /admin/ URL is behind the same gate
    Row("GET", "/admin/", ADMINS),
    Row("GET", "/admin/accounts/user/", ADMINS),
    Row("GET", "/admin/accounts/user/{officer_user}/change/", ADMINS),
    Row("GET", "/admin/accounts/apitoken/", ADMINS),
    Row("GET", "/admin/offenders/offender/", {**ADMINS, ADMIN: DENY}, note="no personal data in the admin"),
]

API_ROWS = [
    Row("GET", "/api/schema/", {**EVERYONE, PARTNER: OK}, note="the API's description is for signed-in users"),
    Row("GET", "/api/docs/", {**EVERYONE, PARTNER: OK}),
    Row("GET", f"{API}/rankings/current/", EVERYONE),
    Row("GET", f"{API}/rankings/snapshots/", EVERYONE),
    Row("GET", f"{API}/rankings/snapshots/{{snapshot}}/", EVERYONE),
    Row("GET", f"{API}/offenders/", FRONT_LINE),
    Row("GET", f"{API}/offenders/?q={{restricted_surname}}", FRONT_LINE),
    Row("POST", f"{API}/offenders/", FRONT_LINE),
    Row("GET", f"{API}/offenders/{{offender}}/", FRONT_LINE, headers=PURPOSE),
    Row("GET", f"{API}/offenders/{{restricted_offender}}/", FRONT_LINE_RESTRICTED, headers=PURPOSE),
    Row("PATCH", f"{API}/offenders/{{offender}}/", FRONT_LINE, headers=PURPOSE),
    Row("PATCH", f"{API}/offenders/{{restricted_offender}}/", FRONT_LINE_RESTRICTED, headers=PURPOSE),
    Row("GET", f"{API}/reviews/", REVIEWERS),
    Row("POST", f"{API}/offenders/{{offender}}/review/", REVIEWERS, note="empty body: 400 once let through"),
    Row("GET", f"{API}/offenders/{{offender}}/subject-access/", ADMINS),
    Row("GET", f"{API}/offences/", FRONT_LINE),
    Row("POST", f"{API}/offences/", FRONT_LINE),
    Row("GET", f"{API}/offences/{{offence}}/", FRONT_LINE),
    Row("GET", f"{API}/incidents/", FRONT_LINE),
    Row("GET", f"{API}/incidents/{{incident}}/", FRONT_LINE),
    Row("PATCH", f"{API}/incidents/{{incident}}/", FRONT_LINE),
    Row("GET", f"{API}/offences/{{restricted_offence}}/", FRONT_LINE_RESTRICTED),
    Row("PATCH", f"{API}/offences/{{offence}}/", FRONT_LINE),
    Row("DELETE", f"{API}/offences/{{offence}}/", FRONT_LINE),
    Row("DELETE", f"{API}/offences/{{restricted_offence}}/", FRONT_LINE_RESTRICTED),
    Row("GET", f"{API}/meetings/", EVERYONE, note="admin and oversight pseudonymised"),
    Row("POST", f"{API}/meetings/", SUPERVISORS),
    Row("GET", f"{API}/meetings/{{meeting}}/", EVERYONE),
    Row(
        "GET",
        f"{API}/meetings/{{meeting}}/?format=csv",
        EVERYONE,
        note="the minutes; admin and oversight pseudonymised",
    ),
    Row("GET", f"{API}/meetings/{{meeting}}/items/", EVERYONE),
    Row("POST", f"{API}/meetings/{{meeting}}/items/", SUPERVISORS),
    Row("POST", f"{API}/meetings/{{meeting}}/items/{{meeting_item}}/decision/", SUPERVISORS),
    Row("POST", f"{API}/meetings/{{meeting}}/close/", SUPERVISORS, note="409: an item is undecided"),
    Row("GET", f"{API}/cases/", ON_TEAM),
    Row("POST", f"{API}/cases/", SUPERVISORS),
    Row("GET", f"{API}/cases/{{case}}/", ON_TEAM),
    Row("GET", f"{API}/cases/{{restricted_case}}/", FRONT_LINE_RESTRICTED),
    Row("PATCH", f"{API}/cases/{{case}}/", SUPERVISORS),
    Row("POST", f"{API}/cases/{{case}}/transition/", SUPERVISORS),
    Row("GET", f"{API}/cases/{{case}}/actions/", ON_TEAM),
    Row("POST", f"{API}/cases/{{case}}/actions/", ON_TEAM),
    Row("GET", f"{API}/cases/{{case}}/actions/{{action}}/", ON_TEAM),
    Row("PATCH", f"{API}/cases/{{case}}/actions/{{action}}/", FRONT_LINE, note="a partner: not their action"),
    Row("GET", f"{API}/cases/{{case}}/notes/", ON_TEAM, note="a partner: the notes shared with partners"),
    Row("POST", f"{API}/cases/{{case}}/notes/", FRONT_LINE),
    Row("GET", f"{API}/cases/{{case}}/victims/", FRONT_LINE, note="the case team only; never a partner"),
    Row("POST", f"{API}/cases/{{case}}/victims/{{victim}}/safety-checks/", FRONT_LINE),
    Row("GET", f"{API}/cases/{{case}}/clares-law/", FRONT_LINE, note="the case team only; never a partner"),
    Row("POST", f"{API}/cases/{{case}}/clares-law/", FRONT_LINE, note="the case team; empty body: errors"),
    Row("GET", f"{API}/scoring/policies/", EVERYONE),
    Row("POST", f"{API}/scoring/policies/", ADMINS),
    Row("GET", f"{API}/scoring/policies/{{policy_active}}/", EVERYONE),
    Row("GET", f"{API}/scoring/policies/{{policy_draft}}/preview/", AUDITORS),
    Row("PATCH", f"{API}/scoring/policies/{{policy_draft}}/", ADMINS),
    Row("POST", f"{API}/scoring/policies/{{policy_draft}}/approve/", ADMINS),
    Row("POST", f"{API}/scoring/policies/{{policy_approved}}/activate/", ADMINS),
    Row("GET", f"{API}/scoring/runs/", EVERYONE),
    Row("POST", f"{API}/scoring/runs/", RECOMPUTE),
    Row("GET", f"{API}/scoring/runs/{{run}}/", EVERYONE),
    Row("GET", f"{API}/audit/events/", AUDITORS),
    Row("GET", f"{API}/audit/verify/", AUDITORS),
    *[
        Row("GET", f"{API}/reports/{name}/", ACCOUNTABILITY)
        for name in ("outcomes", "disproportionality", "access", "governance", "data-quality")
    ],  # fmt: skip
    Row("GET", f"{API}/reports/access/?format=csv", ACCOUNTABILITY),
    Row("GET", f"{API}/reports/evaluation/", ACCOUNTABILITY),
    Row("POST", f"{API}/imports/offences/", ADMINS, fmt="multipart", note="no file: 400"),
    Row("GET", f"{API}/orders/", FRONT_LINE),
    Row("POST", f"{API}/orders/", FRONT_LINE),
    Row("GET", f"{API}/orders/{{order}}/", FRONT_LINE),
    Row("PATCH", f"{API}/orders/{{order}}/", FRONT_LINE),
    Row("GET", f"{API}/orders/{{restricted_order}}/", FRONT_LINE_RESTRICTED),
    Row("POST", f"{API}/orders/{{order}}/breaches/", FRONT_LINE),
    Row("GET", f"{API}/organisations/", ADMINS),
    Row("POST", f"{API}/organisations/", ADMINS),
    Row("GET", f"{API}/sharing-agreements/", ADMINS),
    Row("POST", f"{API}/sharing-agreements/", ADMINS),
    Row("GET", f"{API}/sharing-agreements/{{agreement}}/", ADMINS),
    Row("PATCH", f"{API}/sharing-agreements/{{agreement}}/", ADMINS),
    Row("POST", f"{API}/imports/incidents/", ADMINS, fmt="multipart", note="no file: 400"),
]

ROWS = WEB_ROWS + API_ROWS
# URL prefixes whose every pattern is covered by the rows above through one shared gate.
COVERED_BY_GATE = ("admin/",)
