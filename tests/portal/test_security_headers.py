"""Security headers on every page, and production settings that pass `check --deploy`."""

import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client, override_settings

from tests.conftest import ROOT


def _prod_env(tmp_path, **extra) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.prod", PORTAL_VAR_DIR=str(tmp_path), **extra)
    return env


def test_prod_settings_pass_check_deploy(tmp_path):
    env = _prod_env(tmp_path, SECRET_KEY=secrets.token_urlsafe(64))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("key", ["", "dev-only-insecure-key-never-use-in-production-0123456789", "short"])
def test_prod_settings_refuse_to_start_without_a_real_secret_key(tmp_path, key):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=_prod_env(tmp_path, SECRET_KEY=key),
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_prod_settings_values(tmp_path):
    script = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    env = _prod_env(tmp_path, SECRET_KEY=secrets.token_urlsafe(64))
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.stdout.strip().splitlines()[-1].split() == ["31536000", "True", "True", "True", "False"], (
        result.stderr
    )


def _assert_common_headers(response):
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_login_page_headers(client, db):
    response = client.get("/accounts/login/")
    _assert_common_headers(response)
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/oversight/audit/", "/api/v1/audit/events/"])
def test_personal_data_pages_are_not_cached(make_user, web_for, path):
    response = web_for(make_user("oversight")).get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    _assert_common_headers(response)


def test_no_inline_script_on_pages(make_user, web_for):
    web = web_for(make_user("oversight"))
    for path in ["/", "/oversight/audit/", "/accounts/login/"]:
        body = web.get(path).content.decode()
        assert "<script>" not in body and " onclick=" not in body and ' style="' not in body


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_on_https_when_configured(db):
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
