"""createuser, issuetoken, demo_accounts and demo_totp (README.md)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.accounts.models import ApiToken
from portal.accounts.roles import has_restricted_access, user_role
from portal.accounts.totp import totp_code, totp_device_of, totp_secret_of
from portal.audit.models import AuditEvent

User = get_user_model()
GOOD = "a-long-enough-passphrase-77"


def _run(*args, **kwargs) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_createuser_officer_from_env(db, monkeypatch):
    monkeypatch.setenv("PORTAL_PASSWORD", GOOD)
    out = _run("createuser", "pc_one", "--role", "officer")
    user = User.objects.get(username="pc_one")
    assert user_role(user) == "officer" and user.check_password(GOOD)
    assert "totp-secret" not in out and totp_device_of(user) is None
    event = AuditEvent.objects.get(action="user.create", target_id=str(user.pk))
    assert event.channel == "command" and GOOD not in str(event.changes)


@pytest.mark.parametrize("role", ["admin", "oversight"])
def test_createuser_mfa_role_enrols_totp_and_prints_secret(db, monkeypatch, role):
    monkeypatch.setenv("PORTAL_PASSWORD", GOOD)
    out = _run("createuser", f"{role}_one", "--role", role)
    secret = out.strip().splitlines()[-1].removeprefix("totp-secret: ")
    assert out.strip().splitlines()[-1].startswith("totp-secret: ")
    user = User.objects.get(username=f"{role}_one")
    device = totp_device_of(user)
    assert device.confirmed and totp_secret_of(device) == secret
    assert device.verify_token(totp_code(secret))
    assert secret not in str(AuditEvent.objects.filter(action="user.create").values_list("changes", flat=True))


def test_createuser_restricted_access_for_supervisor(db, monkeypatch):
    monkeypatch.setenv("PORTAL_PASSWORD", GOOD)
    _run("createuser", "sgt", "--role", "supervisor", "--restricted-access")
    assert has_restricted_access(User.objects.get(username="sgt"))


@pytest.mark.parametrize(
    "args, password, message",
    [
        (["x1", "--role", "sheriff"], GOOD, "Unknown role"),
        (["x2", "--role", "officer"], "short", "too short"),
        (["x3", "--role", "officer"], "password1234", "too common"),
        (["x4", "--role", "admin", "--restricted-access"], GOOD, "Only officers and supervisors"),
    ],
)
def test_createuser_refuses_bad_input_with_a_clear_message(db, monkeypatch, args, password, message):
    monkeypatch.setenv("PORTAL_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        _run("createuser", *args)
    assert not User.objects.filter(username=args[0]).exists()


def test_createuser_prompts_when_no_env(db, monkeypatch):
    monkeypatch.delenv("PORTAL_PASSWORD", raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": GOOD)
    _run("createuser", "prompted", "--role", "supervisor")
    assert User.objects.get(username="prompted").check_password(GOOD)


def test_createuser_exit_code_in_a_real_process(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {"PATH": "/usr/bin:/bin", "PORTAL_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    env["PORTAL_PASSWORD"] = GOOD
    result = subprocess.run(
        [sys.executable, "manage.py", "createuser", "x", "--role", "nobody"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0 and "Unknown role 'nobody'" in result.stderr


def test_issuetoken_prints_a_working_token_alone_on_the_last_line(make_user):
    from rest_framework.test import APIClient

    user = make_user("oversight")
    out = _run("issuetoken", user.username, "--days", "3")
    key = out.strip().splitlines()[-1]
    assert " " not in key and len(key) == 40
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash
    assert 2.9 < (token.expires_at - token.created_at).total_seconds() / 86400 < 3.1
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/audit/verify/").status_code == 200
    event = AuditEvent.objects.get(action="token.issue")
    assert key not in str(event.changes) and event.changes["user"] == user.username


def test_issuetoken_defaults_to_thirty_days_and_refuses_unknown_users(make_user):
    user = make_user("officer")
    _run("issuetoken", user.username)
    token = ApiToken.objects.get(user=user)
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 30
    with pytest.raises(CommandError, match="No user"):
        _run("issuetoken", "ghost")
    with pytest.raises(CommandError, match="between 1 and 366"):
        _run("issuetoken", user.username, "--days", "0")


def test_demo_accounts_idempotent_and_usable(db, client):
    first = _run("demo_accounts")
    second = _run("demo_accounts")
    assert first == second
    assert (
        User.objects.filter(
            username__in=["officer", "supervisor", "supervisor_restricted", "admin", "admin2", "oversight"]
        ).count()
        == 6
    )
    assert "python -m portal.accounts.totp" in first
    admin = User.objects.get(username="admin")
    assert user_role(admin) == "admin" and admin.is_staff
    assert has_restricted_access(User.objects.get(username="supervisor_restricted"))
    line = next(line for line in first.splitlines() if line.startswith("admin "))
    password, secret = line.split()[2], line.split()[3]
    code = _run("demo_totp", "admin").strip()
    assert code == totp_code(secret)
    response = client.post("/accounts/login/", {"username": "admin", "password": password, "otp_token": code})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
