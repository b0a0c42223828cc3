"""Without the restricted_access grant nobody learns a restricted offender's name: not from any page,
list, search, ranking, export or API answer (every GET of the access matrix plus targeted searches)."""

import pytest

from tests.portal import access_matrix as matrix
from tests.portal.test_access_matrix import requester_client, world  # noqa: F401 - the fixture

SECRET_NAMES = (b"zzyzxhidden", b"quorvalinde")

SEARCHES = [
    "/offenders/?q=Zzyzx",
    "/offenders/?q=Quorv",
    "/offenders/?restricted=true",
    "/offenders/?q={restricted_reference}",
    "/rankings/",
    "/rankings/?q=Zzyzx",
    "/rankings/snapshots/{snapshot}/",
    "/cases/",
    "/cases/?q=Zzyzx",
    "/api/v1/offenders/?q=Zzyzx",
    "/api/v1/offenders/?restricted=true",
    "/api/v1/offences/?offender={restricted_offender}",
    "/api/v1/offences/",
    "/api/v1/rankings/current/?limit=1000",
    "/api/v1/rankings/snapshots/{snapshot}/",
    "/api/v1/cases/",
    "/api/v1/cases/?offender={restricted_offender}",
    *[
        f"/api/v1/reports/{name}/?format=csv"
        for name in ("outcomes", "disproportionality", "access", "governance", "data-quality")
    ],
    *[
        f"/oversight/{name}/?format=csv"
        for name in ("outcomes", "disproportionality", "access", "governance", "data-quality")
    ],
]
# Searches for the full name echo it in the search box, so they are left to the prefix searches above.
GET_ROWS = sorted(
    {row.path for row in matrix.ROWS if row.method == "GET" and "{restricted_surname}" not in row.path} | set(SEARCHES)
)
WITHOUT_GRANT = (matrix.OFFICER, matrix.SUPERVISOR, matrix.ADMIN, matrix.OVERSIGHT)


def _body(response) -> bytes:
    """The whole body, lower-cased (a name may be shown in capitals)."""
    return (b"".join(response.streaming_content) if response.streaming else response.content).lower()


@pytest.mark.parametrize("requester", WITHOUT_GRANT)
def test_no_page_list_search_export_or_api_answer_names_a_restricted_offender(requester, make_user, world):  # noqa: F811
    from offenders.models import Offender

    world = {**world, "restricted_reference": Offender.objects.get(pk=world["restricted_offender"]).reference}
    client, _ = requester_client(requester, make_user, world)
    checked = 0
    for template in GET_ROWS:
        path = template.format(**world)
        response = client.get(path, HTTP_X_ACCESS_PURPOSE="investigation")
        assert response.status_code < 500, path
        body = _body(response)
        for name in SECRET_NAMES:
            assert name not in body, f"{requester} learned {name!r} from {path}"
        checked += 1
    assert checked == len(GET_ROWS)


@pytest.mark.parametrize("requester", (matrix.OFFICER_R, matrix.SUPERVISOR_R))
def test_with_the_grant_the_name_is_visible(requester, make_user, world):  # noqa: F811
    """The control: the searches above would find the name if it leaked."""
    client, _ = requester_client(requester, make_user, world)
    assert SECRET_NAMES[0] in _body(client.get("/offenders/?q=Zzyzx"))
    assert SECRET_NAMES[0] in _body(client.get("/rankings/"))
    assert SECRET_NAMES[0] in _body(client.get("/api/v1/rankings/current/?limit=1000"))
    detail = client.get(f"/api/v1/offenders/{world['restricted_offender']}/", HTTP_X_ACCESS_PURPOSE="investigation")
    assert SECRET_NAMES[0] in _body(detail)


def test_each_refused_look_at_a_restricted_profile_is_audited(make_user, world):  # noqa: F811
    from portal.audit.models import AuditEvent

    client, user = requester_client(matrix.OFFICER, make_user, world)
    before = AuditEvent.objects.filter(actor_id=user.pk).count()
    client.get(f"/offenders/{world['restricted_offender']}/")
    client.get(f"/api/v1/offenders/{world['restricted_offender']}/", HTTP_X_ACCESS_PURPOSE="investigation")
    events = AuditEvent.objects.filter(actor_id=user.pk).order_by("sequence")[before:]
    assert [(e.action, e.target_id) for e in events] == [
        ("access.refused", f"/offenders/{world['restricted_offender']}/"),
        ("access.refused", f"/api/v1/offenders/{world['restricted_offender']}/"),
    ]
