"""Sign-in with TOTP for admin and oversight, lockout, session limits and deactivation; all audited."""

import time

import pytest
from django.test import Client, override_settings

from portal.accounts.middleware import LAST_SEEN_KEY, LOGIN_STARTED_KEY
from portal.accounts.permissions import SYSTEM
from portal.accounts.services import token_issue, user_deactivate
from portal.accounts.totp import totp_code, totp_device_enrol, totp_secret_of
from portal.audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD


def _login(client, username, password=TEST_PASSWORD, otp="", address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, "otp_token": otp}, REMOTE_ADDR=address
    )


def _last(action):
    return AuditEvent.objects.filter(action=action).order_by("-sequence").first()


def test_officer_signs_in_with_password_and_it_is_audited(client, make_user):
    user = make_user("officer")
    response = _login(client, user.username)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    event = _last("auth.login")
    assert (event.actor_username, event.role, event.client_address, event.channel) == (
        user.username,
        "officer",
        "10.0.0.1",
        "web",
    )


@pytest.mark.parametrize("role", ["admin", "oversight"])
def test_mfa_roles_need_a_current_totp_code(client, make_user, role):
    user = make_user(role)
    secret = totp_secret_of(totp_device_enrol(user=user))
    response = _login(client, user.username)
    assert response.status_code == 200
    assert "Enter the six-digit code" in response.content.decode()
    assert client.get("/").status_code == 302  # not signed in
    response = _login(client, user.username, otp="000000" if totp_code(secret) != "000000" else "111111")
    assert "wrong or has expired" in response.content.decode()
    assert _last("auth.login_failed").changes == {"reason": "otp_invalid"}
    response = _login(client, user.username, otp=totp_code(secret))
    assert response.status_code == 200, "a correct code straight after a wrong one is throttled"
    user.totpdevice_set.get().throttle_reset()  # as if the throttle interval had passed
    response = _login(client, user.username, otp=totp_code(secret))
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_mfa_role_without_a_device_is_not_signed_in_but_sent_to_enrol_one(client, make_user):
    user = make_user("admin")
    response = _login(client, user.username)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/authenticator/"
    assert client.get("/").status_code == 302  # not signed in until the authenticator is confirmed


def test_officer_with_a_device_is_asked_for_the_code(client, make_user):
    user = make_user("officer")
    secret = totp_secret_of(totp_device_enrol(user=user))
    assert _login(client, user.username).status_code == 200
    assert _login(client, user.username, otp=totp_code(secret)).status_code == 302


def test_unverified_admin_session_is_refused_everything_but_login(client, make_user):
    """A session for an admin that never passed TOTP (force_login skips the form) is ended."""
    user = make_user("admin")
    client.force_login(user)
    response = client.get("/oversight/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/").status_code == 302  # the session was ended


def test_failed_login_is_audited_with_the_attempted_username(client, make_user):
    user = make_user("officer")
    response = _login(client, user.username, password="wrong-password-123")
    assert response.status_code == 200
    event = _last("auth.login_failed")
    assert (event.object_repr, event.target_id, event.actor_id) == (user.username, str(user.pk), None)
    assert "wrong-password" not in str(event.changes)


def test_lockout_after_five_failures_for_that_username_and_address(client, make_user):
    user = make_user("officer")
    for _ in range(5):
        _login(client, user.username, password="wrong-password-123")
    response = _login(client, user.username)  # even the right password is refused now
    assert response.status_code == 403
    assert "temporarily locked" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.login_failed", object_repr=user.username).count() == 5
    assert _last("auth.lockout_refused").object_repr == user.username
    # another address is not locked out, nor is another username from the same address
    assert _login(Client(), user.username, address="10.0.0.2").status_code == 302
    other = make_user("officer")
    assert _login(Client(), other.username).status_code == 302


def test_lockout_cools_off_after_fifteen_minutes(client, make_user):
    from datetime import timedelta

    from axes.models import AccessAttempt

    user = make_user("officer")
    for _ in range(5):
        _login(client, user.username, password="wrong-password-123")
    assert _login(client, user.username).status_code == 403
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))
    assert _login(client, user.username).status_code == 302


def test_forged_forwarded_for_does_not_dodge_the_lockout(client, make_user):
    user = make_user("officer")
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": user.username, "password": "wrong-password-123"},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )  # fmt: skip
    assert response.status_code == 403


@override_settings(PORTAL_PROXY_COUNT=1)
def test_behind_one_proxy_the_forwarded_client_is_locked_out_not_the_proxy(client, make_user):
    user = make_user("officer")
    for _ in range(5):
        client.post(
            "/accounts/login/", {"username": user.username, "password": "wrong-password-123"},
            REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7",
        )  # fmt: skip
    locked = client.post(
        "/accounts/login/", {"username": user.username, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.7",
    )  # fmt: skip
    assert locked.status_code == 403
    other_client = Client().post(
        "/accounts/login/", {"username": user.username, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.8",
    )  # fmt: skip
    assert other_client.status_code == 302
    assert _last("auth.login").client_address == "198.51.100.8"


def test_logout_is_audited(client, make_user):
    user = make_user("supervisor")
    _login(client, user.username)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert _last("auth.logout").actor_username == user.username
    assert client.get("/").status_code == 302


def _age_session(client, *, started_ago: float, seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[LOGIN_STARTED_KEY] = now - started_ago
    session[LAST_SEEN_KEY] = now - seen_ago
    session.save()


def test_idle_session_ends_after_thirty_minutes(client, make_user):
    user = make_user("officer")
    _login(client, user.username)
    _age_session(client, started_ago=3600, seen_ago=29 * 60)
    assert client.get("/").status_code == 200  # 29 idle minutes: still signed in (and the clock restarts)
    _age_session(client, started_ago=3600, seen_ago=31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert _last("auth.session_ended").changes == {"reason": "idle"}
    assert client.get("/").status_code == 302


def test_session_ends_twelve_hours_after_login_even_when_active(client, make_user):
    user = make_user("officer")
    _login(client, user.username)
    _age_session(client, started_ago=11.9 * 3600, seen_ago=60)
    assert client.get("/").status_code == 200
    _age_session(client, started_ago=12.1 * 3600, seen_ago=60)
    assert client.get("/").status_code == 302
    assert _last("auth.session_ended").changes == {"reason": "absolute limit"}


def test_idle_limit_is_also_the_cookie_age(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600


def test_deactivation_ends_sessions_and_revokes_tokens(client, make_user):
    from rest_framework.test import APIClient

    user = make_user("officer")
    _login(client, user.username)
    _, key = token_issue(user=user, by=SYSTEM)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/scoring/policies/").status_code != 401
    revoked = user_deactivate(user=user, by=make_user("admin"))
    assert revoked == 1
    assert client.get("/").status_code == 302
    assert api.get("/api/v1/scoring/policies/").status_code == 401
    event = _last("user.deactivate")
    assert event.target_id == str(user.pk) and event.changes["tokens_revoked"] == 1


def test_expired_token_is_refused(make_user):
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework.test import APIClient

    user = make_user("officer")
    token, key = token_issue(user=user, days=1, by=SYSTEM)
    type(token).objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/scoring/policies/").status_code == 401


def test_logout_by_get_changes_nothing(client, make_user):
    user = make_user("officer")
    _login(client, user.username)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200 and b"confirm-logout" in response.content
    assert client.get("/").status_code == 200  # still signed in


def test_admin_action_deactivates_and_is_audited(make_user, web_for):
    from django.test import Client

    officer = make_user("officer")
    officer_client = Client()
    _login(officer_client, officer.username)
    _, key = token_issue(user=officer, by=SYSTEM)
    admin_client = web_for(make_user("admin"))
    response = admin_client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [officer.pk]}, follow=True
    )
    assert response.status_code == 200
    officer.refresh_from_db()
    assert not officer.is_active
    assert officer.api_tokens.get().revoked_at is not None
    assert officer_client.get("/").status_code == 302
    assert _last("user.deactivate").actor_username.startswith("admin")


@pytest.mark.parametrize("role", ["officer", "supervisor", "oversight"])
def test_django_admin_is_for_the_admin_role_only(make_user, web_for, role):
    assert web_for(make_user(role)).get("/admin/accounts/user/").status_code == 403


def test_django_admin_login_page_sends_people_to_the_portal_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
