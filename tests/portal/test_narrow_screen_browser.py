"""A real browser at phone width: wide tables scroll inside their own box, so the page itself never
scrolls sideways (the ranked list, offenders, cases, policies, runs, the audit log and a profile did)."""

import pytest

from tests.conftest import browser_login
from tests.scoring.conftest import make_offence, make_offender, run_synchronously, today  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _page_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture
def ranked(reference_data, make_offender, make_offence):  # noqa: F811 - fixtures imported above
    offenders = [make_offender(surname=f"Narrow{i}") for i in range(3)]
    for index, offender in enumerate(offenders):
        make_offence(offender, code="19C", days_ago=1 + index, borough="Kensington and Chelsea")
        make_offence(offender, code="002/00", days_ago=30 + index, victim=f"V{index}")
    run_synchronously()
    return offenders


def test_supervisor_pages_fit_a_phone_screen(ranked, page, make_user):
    user = make_user("supervisor", username="sgt_narrow")
    page.set_viewport_size(PHONE)
    browser_login(page, user.username)
    for address in ("/rankings/", "/offenders/", "/cases/", "/scoring/policies/", "/scoring/runs/"):
        page.goto(address)
        assert _page_overflow(page) <= 0, address
    page.goto(f"/offenders/{ranked[0].pk}/")
    page.locator("[data-testid=purpose-form] [name=purpose]").first.check()
    page.click("[data-testid=purpose-form] button[type=submit]")
    page.wait_for_selector("[data-testid=offence-timeline]")
    assert _page_overflow(page) <= 0


def test_the_audit_log_fits_a_phone_screen(ranked, page, make_user):
    user = make_user("oversight", username="oversight_narrow")
    page.set_viewport_size(PHONE)
    browser_login(page, user.username)
    page.goto("/oversight/audit/")
    assert _page_overflow(page) <= 0
