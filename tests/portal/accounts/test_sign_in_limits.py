"""Sign-in failures limited per address across usernames (password spraying), beside the username and
address lockout: the password form, the authenticator code and API tokens all count; refusals are
audited and never say whether a username exists; an office with a few typos is not locked out."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from portal.accounts.permissions import SYSTEM
from portal.accounts.selectors import sign_in_address_wait
from portal.accounts.services import token_issue
from portal.accounts.totp import totp_code, totp_device_enrol, totp_secret_of
from portal.audit.models import AuditEvent
from tests.portal.accounts.test_login_and_sessions import _last, _login


def _failures(address: str) -> int:
    return AuditEvent.objects.filter(action="auth.login_failed", client_address=address).count()


def test_the_default_allows_an_office_well_over_ten_typos_in_fifteen_minutes(settings):
    assert settings.PORTAL_SIGN_IN_ADDRESS_FAILURES == 20 and settings.PORTAL_SIGN_IN_ADDRESS_MINUTES == 15


def test_twenty_failures_across_usernames_refuse_the_address_but_not_another(make_user):
    officer = make_user("officer")
    for n in range(20):  # password spraying: a different username each time, none locked on its own
        response = _login(Client(), f"guess{n}", password="Summer2026!", address="10.4.0.1")
        assert response.status_code == 200 and "temporarily locked" not in response.content.decode()
    assert _failures("10.4.0.1") == 20

    refused = _login(Client(), officer.username, address="10.4.0.1")  # even the right password
    assert refused.status_code == 403
    assert "from your network address" in refused.content.decode()
    assert _last("auth.lockout_refused").changes == {"limit": "address", "method": "password"}
    assert _last("auth.lockout_refused").object_repr == officer.username
    unknown = _login(Client(), "nobody-by-this-name", address="10.4.0.1")
    assert unknown.content == refused.content, "the refusal must not tell whether a username exists"
    assert _failures("10.4.0.1") == 20, "a refused attempt is not a new failure"

    assert _login(Client(), officer.username, address="10.4.0.2").status_code == 302


def test_an_office_with_a_few_typos_each_is_not_locked_out(make_user):
    staff = [make_user("officer") for _ in range(9)]
    for person in staff:  # 18 failures from the office's one address, at most 2 per person
        for _ in range(2):
            assert _login(Client(), person.username, password="typo-typo-typo", address="10.5.0.1").status_code == 200
    assert sign_in_address_wait(address="10.5.0.1") == 0
    for person in staff:
        assert _login(Client(), person.username, address="10.5.0.1").status_code == 302


def test_the_username_and_address_lockout_is_audited_as_such(make_user):
    officer = make_user("officer")
    for _ in range(5):
        _login(Client(), officer.username, password="wrong-password-123", address="10.5.1.1")
    refused = _login(Client(), officer.username, address="10.5.1.1")
    assert refused.status_code == 403 and "for this username from this address" in refused.content.decode()
    assert _last("auth.lockout_refused").changes == {"limit": "username and address", "method": "password"}


def test_wrong_authenticator_codes_count_towards_the_address_limit(make_user, settings):
    settings.PORTAL_SIGN_IN_ADDRESS_FAILURES = 3
    admin = make_user("admin")
    secret = totp_secret_of(totp_device_enrol(user=admin))
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    for _ in range(3):  # the right password each time: only the code is wrong
        assert (
            "wrong or has expired" in _login(Client(), admin.username, otp=wrong, address="10.6.0.1").content.decode()
        )
    admin.totpdevice_set.get().throttle_reset()
    refused = _login(Client(), admin.username, otp=totp_code(secret), address="10.6.0.1")
    assert refused.status_code == 403 and "from your network address" in refused.content.decode()
    admin.totpdevice_set.get().throttle_reset()
    assert _login(Client(), admin.username, otp=totp_code(secret), address="10.6.0.2").status_code == 302


def test_bad_tokens_count_and_a_refused_address_gets_429_for_any_token(make_user, settings):
    settings.PORTAL_SIGN_IN_ADDRESS_FAILURES = 3
    officer = make_user("officer")
    _, key = token_issue(user=officer, by=SYSTEM)
    for n in range(3):
        bad = APIClient().get("/api/v1/scoring/policies/", HTTP_AUTHORIZATION=f"Token {n:040d}", REMOTE_ADDR="10.7.0.1")
        assert bad.status_code == 401
    assert _last("auth.login_failed").changes == {"reason": "Invalid or expired token.", "method": "token"}

    refused = APIClient().get("/api/v1/scoring/policies/", HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR="10.7.0.1")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 15 * 60
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["detail"].startswith("Too many failed sign-ins from this address.")
    assert _last("auth.lockout_refused").changes == {"limit": "address", "method": "token"}
    assert _failures("10.7.0.1") == 3

    elsewhere = APIClient().get("/api/v1/scoring/policies/", HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR="10.7.0.2")
    assert elsewhere.status_code == 200
    assert _login(Client(), officer.username, address="10.7.0.1").status_code == 403, "one budget for every way in"


def test_the_address_is_refused_for_the_configured_minutes_from_its_last_failure(db):
    for n in range(20):
        _login(Client(), f"sprayed{n}", password="Winter2026!", address="10.8.0.1")
    now = timezone.now()
    assert 14 * 60 < sign_in_address_wait(address="10.8.0.1", now=now) <= 15 * 60
    assert sign_in_address_wait(address="10.8.0.1", now=now + timedelta(minutes=14)) > 0
    assert sign_in_address_wait(address="10.8.0.1", now=now + timedelta(minutes=15, seconds=1)) == 0
    assert sign_in_address_wait(address="10.8.0.2", now=now) == 0
