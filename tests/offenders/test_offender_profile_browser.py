"""A real browser: an officer searches for an offender, gives a purpose and reads the offences."""

import pytest

from tests.conftest import browser_login
from tests.factories import OffenceFactory, OffenderFactory

pytestmark = pytest.mark.browser


def test_officer_searches_opens_profile_and_sees_offences(page, make_user):
    user = make_user("officer", username="pc_profile")
    wanted = OffenderFactory(surname="Quellington", forenames="Marcus")
    OffenderFactory.create_batch(3)
    OffenceFactory(offender=wanted, crime_ref="CR-BROWSER-1", borough="Islington")
    OffenceFactory(offender=wanted, crime_ref="CR-BROWSER-2", offence_type__code="19C")

    browser_login(page, user.username)
    page.goto("/offenders/")
    page.fill("#id_q", "quell")
    page.click("[data-testid=offender-search] button[type=submit]")
    table = page.locator("[data-testid=offender-table]")
    assert "QUELLINGTON" in table.inner_text()
    table.get_by_role("link", name=wanted.reference).click()

    page.wait_for_selector("[data-testid=purpose-form]")
    page.get_by_label("Safeguarding").check()
    page.click("[data-testid=purpose-form] button[type=submit]")

    assert page.locator("[data-testid=offender-name]").inner_text() == "QUELLINGTON, Marcus"
    timeline = page.locator("[data-testid=offence-timeline]").inner_text()
    assert "CR-BROWSER-1" in timeline and "CR-BROWSER-2" in timeline and "Islington" in timeline
    assert "Rape of a female aged 16 and over" in timeline
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
