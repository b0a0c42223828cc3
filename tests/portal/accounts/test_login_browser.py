"""A real browser (Debian chromium via Playwright) signs in."""

import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_officer_signs_in_and_sees_dashboard(page, make_user):
    user = make_user("officer", username="pc_browser")
    browser_login(page, user.username)
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.locator("[data-testid=whoami]").inner_text().startswith("pc_browser")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
