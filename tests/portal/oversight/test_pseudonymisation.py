"""No report, page, API response or export ever carries a name, a date of birth or a force reference."""

import datetime as dt

import pytest

from portal.oversight.urls import REPORT_PAGES
from tests.factories import OffenceFactory, OffenderFactory
from tests.factories.audit import record_event
from tests.factories.cases import open_case
from tests.factories.clock import at_noon, days_ago
from tests.factories.scores import give_score, publish

SECRETS = ["Zebedee", "Quixotic", "Marmaduke", "Zebadee", "FORCE-REF-8472", "FORCE-REF-8473", "1971-02-03", "03/02/1971",
           "3 February 1971", "1971"]  # fmt: skip


@pytest.fixture
def exposed(make_user, supervisor):
    """One person recorded twice (a duplicate pair), restricted, scored, ranked, tasked and viewed."""
    dob = dt.date(1971, 2, 3)
    person = OffenderFactory(surname="Quixotic-Marmaduke", forenames="Zebedee", date_of_birth=dob,
                             suspect_ref="FORCE-REF-8472", restricted=True, ethnicity="M1")  # fmt: skip
    twin = OffenderFactory(surname="Quixotic-Marmaduke", forenames="Zebadee", date_of_birth=dob,
                           suspect_ref="FORCE-REF-8473")  # fmt: skip
    for offender in (person, twin):
        OffenceFactory(offender=offender, occurred_on=days_ago(150), reported_on=days_ago(150))
    OffenceFactory(offender=person)
    give_score(person, score=900, eligible=True)
    publish([person, twin], when=at_noon(days_ago(3)))
    open_case(person, lead=supervisor, opened_at=at_noon(days_ago(2)), score_at_tasking=900)
    record_event(user=supervisor, action="offender.view", when=at_noon(days_ago(1)), target=person,
                 purpose="investigation")  # fmt: skip
    return person, twin


def assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked in {where}"


@pytest.mark.parametrize("role, grant", [("supervisor", False), ("admin", False), ("oversight", False),
                                         ("supervisor", True)])  # fmt: skip
def test_no_identity_anywhere(exposed, make_user, web_for, api_for, role, grant):
    person, twin = exposed
    user = make_user(role, restricted_access=grant)
    web, api = web_for(user), api_for(user)
    seen = ""
    for name in REPORT_PAGES:
        for response, where in (
            (web.get(f"/oversight/{name}/"), f"page {name}"),
            (api.get(f"/api/v1/reports/{name}/"), f"API {name}"),
        ):
            assert response.status_code == 200
            assert_clean(response.content.decode(), where)
            seen += response.content.decode()
        for response, where in ((web.get(f"/oversight/{name}/", {"format": "csv"}), f"CSV {name}"),
                                (api.get(f"/api/v1/reports/{name}/", {"format": "csv"}), f"API CSV {name}")):  # fmt: skip
            text = b"".join(response.streaming_content).decode("utf-8-sig")
            assert_clean(text, where)
            seen += text
    for page in ("/oversight/", "/oversight/transparency/"):
        assert_clean(web.get(page).content.decode(), page)
    # The reports did cover these people, by reference only; the restricted one only for a reader with
    # the grant (without it he is absent, not pseudonymised: ADR 0831).
    assert twin.reference in seen
    assert (person.reference in seen) is grant
