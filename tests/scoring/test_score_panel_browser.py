"""The score panel on the offender profile at a common laptop width: the breakdown must not widen the page."""

import pytest

from tests.conftest import browser_login
from tests.factories import OffenceFactory, OffenderFactory

pytestmark = pytest.mark.browser

LONG_TITLE_CODES = ("19C", "002/00", "008/67", "037/01")  # long titles make the widest breakdown rows


def test_breakdown_fits_the_profile_at_1280px(page, make_user):
    user = make_user("officer", username="pc_panel")
    offender = OffenderFactory(surname="Widepanel", forenames="Tabitha")
    for index, code in enumerate(LONG_TITLE_CODES):
        OffenceFactory(
            offender=offender, crime_ref=f"CR/WIDE/2026/{index:08d}", offence_type__code=code, status="investigating"
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, user.username)
    page.goto(f"/offenders/{offender.pk}/")
    page.wait_for_selector("[data-testid=purpose-form]")
    page.get_by_label("Safeguarding").check()
    page.click("[data-testid=purpose-form] button[type=submit]")
    page.wait_for_selector("[data-testid=score-breakdown]")

    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # no sideways scroll of the page
    panel = page.locator("[data-testid=score-panel]").bounding_box()
    wrapper = page.locator("[data-testid=score-breakdown-scroll]").bounding_box()
    assert wrapper["x"] >= panel["x"] and wrapper["x"] + wrapper["width"] <= panel["x"] + panel["width"] + 1
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
