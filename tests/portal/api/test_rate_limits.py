"""The API's rate limits apply: 429 with Retry-After and a JSON body after the configured number of
requests, per signed-in user, per address for signed-in traffic and per address for anonymous
callers; refused requests count too; every API view is covered; rates come from the environment; and
the count is shared by separate server processes (the production case a per-process cache broke)."""

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient
from rest_framework.views import APIView

from portal.accounts.permissions import SYSTEM
from portal.accounts.services import token_issue
from portal.api.throttling import AnonymousPerAddressRate, PerAddressRate, PerUserRate
from portal.audit.models import AuditEvent
from portal.settings.base import cache_settings
from tests.conftest import ROOT, _worker_env, wait_for

POLICIES = "/api/v1/scoring/policies/"
HIGH = "100000/minute"


@pytest.fixture
def rates(settings):
    """rates(user=..., address=..., anon=...) sets this test's API rates, counting from nothing."""

    def apply(**scoped: str) -> None:
        settings.CACHES = cache_settings(f"locmem://rates-{uuid.uuid4().hex}")  # never clears a real cache
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"user": HIGH, "address": HIGH, "anon": HIGH, **scoped},
        }

    return apply


def _token_client(make_user, role: str = "officer", address: str = "10.20.0.1") -> APIClient:
    _, key = token_issue(user=make_user(role), by=SYSTEM)
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _assert_throttled(response, *, at_most: int) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= at_most
    assert response["Content-Type"] == "application/json"
    assert "throttled" in response.json()["detail"]


def _rate_refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="access.refused", changes__reason__startswith="too many requests"))


def test_a_token_user_gets_429_with_retry_after_after_the_configured_rate(make_user, rates):
    rates(user="5/minute")
    api = _token_client(make_user)
    assert [api.get(POLICIES).status_code for _ in range(5)] == [200] * 5
    _assert_throttled(api.get(POLICIES), at_most=60)
    _assert_throttled(api.get(POLICIES), at_most=60)
    assert _token_client(make_user).get(POLICIES).status_code == 200, "another user has a count of their own"
    refusals = _rate_refusals()
    assert len(refusals) == 1, "the first refusal in the period is audited, not every one"
    assert refusals[0].changes["reason"] == "too many requests (5/minute per user)"
    assert refusals[0].actor_id is not None


def test_a_session_user_shares_the_count_of_their_tokens(make_user, rates, client):
    rates(user="4/minute")
    officer = make_user("officer")
    _, key = token_issue(user=officer, by=SYSTEM)
    client.force_login(officer)
    assert [client.get(POLICIES).status_code for _ in range(2)] == [200, 200]
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert [token.get(POLICIES).status_code for _ in range(2)] == [200, 200]
    _assert_throttled(client.get(POLICIES), at_most=60)


def test_anonymous_callers_are_limited_per_address(db, rates):
    rates(anon="3/minute")
    caller = APIClient(REMOTE_ADDR="10.21.0.1")
    assert [caller.get(POLICIES).status_code for _ in range(3)] == [401] * 3
    _assert_throttled(caller.get(POLICIES), at_most=60)
    forged = caller.get(POLICIES, HTTP_X_FORWARDED_FOR="192.0.2.55")  # no proxy configured: ignored
    _assert_throttled(forged, at_most=60)
    assert APIClient(REMOTE_ADDR="10.21.0.2").get(POLICIES).status_code == 401
    assert len(_rate_refusals()) == 1


def test_refused_requests_count_towards_the_rate_and_stop_being_audited(make_user, rates):
    rates(user="3/minute")
    api = _token_client(make_user)  # an officer may not read the audit log
    assert [api.get("/api/v1/audit/events/").status_code for _ in range(3)] == [403] * 3
    _assert_throttled(api.get("/api/v1/audit/events/"), at_most=60)
    _assert_throttled(api.get(POLICIES), at_most=60)
    assert AuditEvent.objects.filter(action="access.refused").count() == 3 + 1  # three 403s, one rate refusal


def test_signed_in_traffic_from_one_address_has_a_ceiling(make_user, rates):
    rates(address="4/minute")
    first, second = _token_client(make_user), _token_client(make_user)
    assert [first.get(POLICIES).status_code for _ in range(2)] == [200, 200]
    assert [second.get(POLICIES).status_code for _ in range(2)] == [200, 200]
    _assert_throttled(second.get(POLICIES), at_most=60)
    assert _token_client(make_user, address="10.20.0.2").get(POLICIES).status_code == 200


def _api_views(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            yield route, getattr(pattern.callback, "cls", None)


def test_every_api_view_is_rate_limited():
    views = list(_api_views(get_resolver().url_patterns))
    assert len(views) >= 20
    for route, view in views:
        assert view is not None and issubclass(view, APIView), f"{route} is not a DRF view"
        applied = {type(throttle) for throttle in view().get_throttles()}
        assert applied == {PerUserRate, PerAddressRate, AnonymousPerAddressRate}, route


def test_429_and_its_retry_after_are_documented_on_every_operation(make_user):
    schema = _token_client(make_user).get("/api/schema/?format=json").json()
    operations = [op for path in schema["paths"].values() for method, op in path.items() if method != "parameters"]
    assert len(operations) >= 30
    for operation in operations:
        assert operation["responses"]["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"


# --- configuration, and the count shared between processes ---------------------------------------------


def _settings_of(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess:
    """Start the development settings in a fresh interpreter under `environment`; print what they made."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PORTAL_API_RATE_", "CACHE_URL", "DJANGO_SETTINGS_MODULE"))
    }
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.dev", PORTAL_VAR_DIR=str(tmp_path), **environment)
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']); print(s.CACHES['default']['BACKEND']); "
        "print(s.CACHES['default']['LOCATION'])"
    )
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)


def test_rates_and_the_cache_come_from_the_environment(tmp_path):
    defaults = _settings_of(tmp_path)
    assert defaults.returncode == 0, defaults.stderr
    rates, backend, location = defaults.stdout.splitlines()
    assert rates == "{'user': '1200/minute', 'address': '6000/minute', 'anon': '60/minute'}"
    assert backend.endswith("FileBasedCache") and location == str(tmp_path / "cache")

    chosen = _settings_of(
        tmp_path,
        PORTAL_API_RATE_USER="30/second",
        PORTAL_API_RATE_ANONYMOUS="10/hour",
        CACHE_URL="redis://127.0.0.1:6379/5",
    )
    assert chosen.returncode == 0, chosen.stderr
    rates, backend, location = chosen.stdout.splitlines()
    assert rates == "{'user': '30/second', 'address': '6000/minute', 'anon': '10/hour'}"
    assert backend.endswith("RedisCache") and location == "redis://127.0.0.1:6379/5"

    mistyped = _settings_of(tmp_path, PORTAL_API_RATE_USER="lots")
    assert mistyped.returncode != 0 and "PORTAL_API_RATE_USER must read like 1200/minute" in mistyped.stderr
    unknown_cache = _settings_of(tmp_path, CACHE_URL="memcached://127.0.0.1")
    assert unknown_cache.returncode != 0 and "CACHE_URL must start" in unknown_cache.stderr


def _free_ports(count: int) -> list[int]:
    ports = []
    for port in range(8121, 8140):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                ports.append(port)
        if len(ports) == count:
            return ports
    pytest.fail("no free port in 8121-8139")


def _status(port: int, path: str) -> tuple[int, str | None]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=20) as response:
            return response.status, response.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After")
    except OSError:
        return 0, None


@pytest.fixture
def two_servers(transactional_db, tmp_path):
    """Two production web servers (gunicorn) on the default settings, as two workers of one site."""
    env = {**_worker_env(), "DJANGO_SETTINGS_MODULE": "portal.settings.dev", "DEBUG": "false"}
    env.update(PORTAL_VAR_DIR=str(tmp_path), PORTAL_API_RATE_ANONYMOUS="4/minute")
    env.pop("CACHE_URL", None)
    ports, processes = _free_ports(2), []
    log = open(tmp_path / "servers.log", "w")  # noqa: SIM115 - closed below
    for port in ports:
        command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
                   "--workers", "1", "--timeout", "120"]  # fmt: skip
        processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
    try:
        for port in ports:
            wait_for(lambda port=port: _status(port, "/accounts/login/")[0] == 200, timeout=90)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        log.close()


def test_separate_server_processes_share_one_count(two_servers):
    first, second = two_servers
    answers = [_status(port, POLICIES) for port in (first, second, first, second)]
    assert [status for status, _ in answers] == [401] * 4, "four anonymous requests are within 4/minute"
    for port in (first, second):
        status, retry_after = _status(port, POLICIES)
        assert status == 429, "each process alone has seen only two: the count must be shared"
        assert 1 <= int(retry_after) <= 60
