"""The production path end to end: build the assets, collect them, serve `portal.settings.prod` with gunicorn.

Production runs behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto; the client here plays
that proxy's part by sending the header, so the settings run exactly as shipped (no plain-HTTP switch,
ADR 0830). gunicorn works on the test database, as the Celery worker of the `celery_worker` fixture does.
"""

import html
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
from http.client import HTTPConnection, HTTPResponse
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from portal.audit.models import AuditEvent
from tests.conftest import ROOT, TEST_PASSWORD, _worker_env

pytestmark = pytest.mark.production

OFFICER = "prod-officer"
STARTUP_SECONDS = 180  # a shared, busy machine: the first answer waits for gunicorn to boot
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class ProxiedClient:
    """HTTP to gunicorn as the TLS-terminating proxy sends it: X-Forwarded-Proto https, cookies kept
    (they are Secure, so a cookie jar would withhold them from a plain-HTTP address), no redirects followed."""

    def __init__(self, port: int, log_path: Path):
        self.port = port
        self.log_path = log_path  # gunicorn's output, shown when an answer is not the expected one
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.set_cookies = SimpleCookie()

    def request(self, method: str, path: str, *, form: dict | None = None, proxied: bool = True) -> HTTPResponse:
        headers = {"X-Forwarded-Proto": "https"} if proxied else {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin})
            headers["Referer"] = f"{self.origin}{path}"
        connection = HTTPConnection("127.0.0.1", self.port, timeout=STARTUP_SECONDS)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.text = response.read().decode("utf-8", "replace")
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookies.load(header)
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture
def prod_env(transactional_db, tmp_path) -> dict[str, str]:
    """A production environment on the test database, with a fresh STATIC_ROOT under tmp_path: only what
    an operator sets (SECRET_KEY, ALLOWED_HOSTS), none of the developer's shell that would change the
    shipped defaults."""
    env = _worker_env()
    for leftover in (
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "SECURE_SSL_REDIRECT",
        "CSRF_TRUSTED_ORIGINS",
        "PROXY_COUNT",
    ):
        env.pop(leftover, None)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        PORTAL_VAR_DIR=str(tmp_path / "var"),
    )
    return env


@pytest.fixture
def gunicorn(prod_env, tmp_path):
    """The README's production steps, then gunicorn on a free loopback port; yields a client for it.

    The test binds the listening socket itself and hands it to gunicorn (fd://), so the port cannot be
    taken between choosing and binding it, and requests queue until the worker is up.
    """
    result = subprocess.run(
        [sys.executable, "scripts/build_assets.py"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    _manage(prod_env, "check", "--deploy", "--fail-level", "WARNING")
    _manage(prod_env, "collectstatic", "--noinput", "-v", "0")
    _manage({**prod_env, "PORTAL_PASSWORD": TEST_PASSWORD}, "createuser", OFFICER, "--role", "officer")

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", f"--bind=fd://{listener.fileno()}",
             "--workers=1", "--timeout=300", "--no-control-socket", "--access-logfile=-"],
            cwd=ROOT, env=prod_env, stdout=log, stderr=subprocess.STDOUT, pass_fds=(listener.fileno(),),
        )  # fmt: skip
    port = listener.getsockname()[1]
    listener.close()  # gunicorn holds it now: if gunicorn dies, requests are refused rather than left waiting
    try:
        yield ProxiedClient(port, log_path)
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def _ok(response: HTTPResponse, client: ProxiedClient, status: int = 200) -> HTTPResponse:
    assert response.status == status, f"{response.status}\n{response.text[:2000]}\n{client.log_path.read_text()}"
    return response


def test_production_settings_serve_pages_and_static_files_through_gunicorn(gunicorn, prod_env):
    client = gunicorn
    login = _ok(client.request("GET", "/accounts/login/"), client)
    assert login.getheader("Strict-Transport-Security", "").startswith("max-age=31536000")
    assert client.set_cookies["csrftoken"]["secure"]
    token = html.unescape(CSRF_INPUT.search(login.text).group(1))

    signed_in = client.request(
        "POST", "/accounts/login/", form={"csrfmiddlewaretoken": token, "username": OFFICER, "password": TEST_PASSWORD}
    )
    _ok(signed_in, client, 302)
    assert signed_in.getheader("Location") == "/"
    assert client.set_cookies["sessionid"]["secure"] and client.set_cookies["sessionid"]["httponly"]
    assert AuditEvent.objects.filter(action="auth.login", actor_username=OFFICER).exists()  # the test database

    dashboard = _ok(client.request("GET", "/"), client)
    assert f"{OFFICER} (officer)" in dashboard.text
    rankings = _ok(client.request("GET", "/rankings/"), client)
    assert "Content-Security-Policy" in rankings.headers

    # The pages name the content-hashed files the manifest lists, and whitenoise serves them.
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', dashboard.text)
    assert stylesheet, dashboard.text[:2000]
    css = _ok(client.request("GET", stylesheet.group(1)), client)
    assert css.getheader("Content-Type").startswith("text/css") and "immutable" in css.getheader("Cache-Control")
    manifest = json.loads((Path(prod_env["PORTAL_VAR_DIR"]) / "static/staticfiles.json").read_text())["paths"]
    for name in ("chartjs/chart.umd.min.js", "chartjs/chart.umd.min.js.map", "portal/portal.js"):
        _ok(client.request("GET", f"/static/{manifest[name]}"), client)
    _ok(client.request("GET", "/static/govuk/govuk-frontend.min.js"), client)  # portal.js imports it by this name

    missing = _ok(client.request("GET", "/no-such-page/"), client, 404)
    assert "Page not found" in missing.text
    _ok(client.request("GET", "/static/no-such-file.js"), client, 404)

    # Without the proxy's X-Forwarded-Proto the request came over plain HTTP: redirected, never served.
    plain = _ok(client.request("GET", "/rankings/", proxied=False), client, 301)
    assert plain.getheader("Location") == f"{client.origin}/rankings/"


def test_server_error_page_needs_no_context_or_static_manifest(settings, tmp_path):
    """Django renders 500.html with an empty context; under production's strict manifest a {% static %}
    there could fail in turn and leave the bare 'Server Error (500)'."""
    settings.STATIC_ROOT = tmp_path  # no staticfiles.json
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
