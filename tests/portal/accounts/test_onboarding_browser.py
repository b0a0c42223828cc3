"""Onboarding without a shell: an administrator creates an oversight user in the portal, the new user
sets up their authenticator from the QR page's key at their first sign-in and reaches the dashboard;
an administrator issues an API token in the portal (shown once, and it works) and revokes it."""

import time

import pytest
from rest_framework.test import APIClient

from portal.accounts.models import User
from portal.accounts.roles import user_role
from portal.accounts.totp import totp_code, totp_device_of
from portal.audit.models import AuditEvent
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSPHRASE = "a-long-enough-passphrase-77"


def test_new_oversight_user_enrols_an_authenticator_at_first_sign_in(page, browser, live_server, make_user):
    admin = make_user("admin", username="admin_onboards")
    browser_login(page, admin.username)
    page.goto("/admin/accounts/user/add/")
    page.fill("#id_username", "auditor_new")
    page.check("input[name=usable_password][value=true]")
    page.fill("#id_password1", PASSPHRASE)
    page.fill("#id_password2", PASSPHRASE)
    page.select_option("#id_role", "oversight")
    page.click("input[name=_save]")
    page.wait_for_url(lambda url: "/add/" not in url)
    created = User.objects.get(username="auditor_new")
    assert user_role(created) == "oversight" and totp_device_of(created) is None

    newcomer = browser.new_context(base_url=live_server.url).new_page()
    newcomer.goto("/accounts/login/")
    newcomer.fill("#id_username", "auditor_new")
    newcomer.fill("#id_password", PASSPHRASE)
    newcomer.click("button[type=submit]")
    newcomer.wait_for_selector("[data-testid=totp-qr] svg")
    assert "/accounts/login/authenticator/" in newcomer.url
    newcomer.goto("/")  # not signed in until the code is confirmed
    assert "/accounts/login/" in newcomer.url
    newcomer.go_back()
    newcomer.wait_for_selector("[data-testid=totp-secret]")
    secret = newcomer.locator("[data-testid=totp-secret]").inner_text().replace(" ", "")

    newcomer.fill("#id_otp_token", "000000" if totp_code(secret) != "000000" else "111111")
    newcomer.click("[data-testid=totp-enrol-form] button[type=submit]")
    assert newcomer.locator(".govuk-error-summary").is_visible()
    assert totp_device_of(created) is None
    time.sleep(1.2)  # django-otp throttles a device for a second after a wrong code

    newcomer.fill("#id_otp_token", totp_code(secret))
    newcomer.click("[data-testid=totp-enrol-form] button[type=submit]")
    newcomer.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert newcomer.locator("h1").inner_text() == "Dashboard"
    assert newcomer.locator("[data-testid=whoami]").inner_text().startswith("auditor_new")
    assert totp_device_of(created) is not None
    actions = set(AuditEvent.objects.filter(target_id=str(created.pk)).values_list("action", flat=True))
    assert {"user.create", "user.totp_enrol", "auth.login"} <= actions
    newcomer.context.close()


def test_admin_issues_and_revokes_an_api_token_in_the_portal(page, make_user):
    admin = make_user("admin", username="admin_tokens")
    officer = make_user("officer", username="pc_scripts")
    browser_login(page, admin.username)
    page.click("a[href='/accounts/tokens/']")
    page.select_option("#id_user", label="pc_scripts")
    page.fill("#id_days", "7")
    page.click("button[name=issue]")
    key = page.locator("[data-testid=token-key]").inner_text().strip()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/cases/").status_code == 200

    page.goto("/accounts/tokens/")  # the key is never shown again
    assert key not in page.content()
    row = page.locator(f"[data-testid=token-{key[:8]}]")
    assert "Live" in row.inner_text()
    row.locator("button[name=revoke]").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "Revoked" in page.locator(f"[data-testid=token-{key[:8]}]").inner_text()
    assert api.get("/api/v1/cases/").status_code == 401
    actions = list(AuditEvent.objects.filter(action__startswith="token.").values_list("action", flat=True))
    assert actions == ["token.issue", "token.revoke"]
    assert officer.api_tokens.get().revoked_at is not None
