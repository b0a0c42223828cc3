"""Shared fixtures: users per role, API clients, a real Celery worker and a real browser."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from tests.portal.flush import allow_audit_flush

ROOT = Path(__file__).resolve().parent.parent
allow_audit_flush()  # transactional tests may empty the append-only audit table (tests only)
# Playwright's sync API runs an event loop in the test thread; the ORM calls we make beside it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TEST_PASSWORD = "correct-horse-battery-42"


def pytest_collection_modifyitems(config, items):
    """Tests written for one database engine run only on that engine (CI runs the suite on both), so a
    run reports them as deselected rather than skipped. A test that starts a real worker or drives the
    browser is marked so by its fixtures, so `-m "not worker and not browser"` is a quick run."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & {"celery_worker"}:
            item.add_marker(pytest.mark.worker)
        if fixtures & {"page", "browser"}:
            item.add_marker(pytest.mark.browser)
    engine = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    other = "postgresql_only" if engine == "sqlite" else "sqlite_only"
    kept = [item for item in items if other not in item.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if other in item.keywords])
        items[:] = kept


@pytest.fixture
def make_user(db, django_user_model):
    """make_user(role, restricted_access=False, username=None) -> a user with that one role."""
    counter = {"n": 0}

    def factory(role: str = "officer", *, restricted_access: bool = False, username: str | None = None, **extra):
        counter["n"] += 1
        user = django_user_model.objects.create_user(
            username=username or f"{role}{counter['n']}", password=TEST_PASSWORD, **extra
        )
        user.groups.add(Group.objects.get_or_create(name=role)[0])  # a flush (live_server) drops migration rows
        if restricted_access:
            user.user_permissions.add(Permission.objects.get(codename="restricted_access"))
        return django_user_model.objects.get(pk=user.pk)  # fresh: no cached permissions

    return factory


@pytest.fixture
def api_for():
    """api_for(user) -> a DRF test client authenticated as that user."""

    def factory(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return factory


@pytest.fixture
def web_for(client):
    """web_for(user) -> a Django test client logged in as that user (MFA marked as passed)."""

    def factory(user):
        client.force_login(user)
        mark_session_mfa_verified(client, user)
        return client

    return factory


def mark_session_mfa_verified(client, user) -> None:
    """For admin and oversight (MFA required): enrol TOTP if needed and mark the session OTP-verified,
    as django_otp.login does after a correct code."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from portal.accounts.roles import ROLES_NEEDING_MFA, user_role
    from portal.accounts.totp import totp_device_enrol, totp_device_of

    if user_role(user) not in ROLES_NEEDING_MFA:
        return
    device = totp_device_of(user) or totp_device_enrol(user=user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _worker_env() -> dict[str, str]:
    from django.conf import settings
    from django.db import connection

    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env["DATABASE_URL"] = f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    env["CELERY_RESULT_BACKEND"] = settings.CELERY_RESULT_BACKEND
    env["DATABASE_CONN_MAX_AGE"] = "0"
    return env


def celery_worker_start(
    *, env: dict[str, str] | None = None, log_mode: str = "w", ready_timeout: float = 90
) -> subprocess.Popen:
    """Start a real Celery worker process (--pool=solo: the process is the one doing the work) on the
    configured broker and test database, with `env` on top, and wait until it answers a round trip (which
    queues behind any task already waiting: `ready_timeout`)."""
    from django.conf import settings

    from portal.celery import app

    log_path = Path(settings.VAR_DIR) / "test-worker.log"
    log = open(log_path, log_mode)  # noqa: SIM115 - lives as long as the worker
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--concurrency=1",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", "test@%h"],
        cwd=ROOT, env={**_worker_env(), **(env or {})}, stdout=log, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    process.log = log
    # A round trip through Celery's built-in ping task proves the worker consumes from our broker
    # (the embedded filesystem transport has no broadcast, so control.ping cannot be used).
    probe = app.send_task("portal.ping")
    try:
        probe.get(timeout=ready_timeout)
    except Exception as error:
        process.kill()
        log.close()
        raise RuntimeError(f"Celery worker did not answer: {error}\n{log_path.read_text()}") from error
    return process


def celery_worker_stop(process: subprocess.Popen) -> None:
    """Stop a worker started by celery_worker_start (warm shutdown; killed if it hangs)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.log.close()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker process on the configured broker, sharing the test database.

    Tests that use it must commit their data (transactional_db) so the worker can see it.
    """
    from portal.celery import app

    app.control.purge()
    process = celery_worker_start()
    yield process
    celery_worker_stop(process)


@pytest.fixture
def reference_data(transactional_db):
    """Put back what the data migrations load (roles, offence types, the illustrative policy): a
    transactional test's flush empties every table, those rows included. Each loader is idempotent."""
    import importlib

    from django.apps import apps

    for module, function in (
        ("portal.accounts.migrations.0002_roles", "create_roles"),
        ("portal.accounts.migrations.0003_i13_partners", "create_partner_role"),
        ("offenders.migrations.0002_offence_types", "load_offence_types"),
        ("scoring.migrations.0002_illustrative_policy", "create_illustrative_policy"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    """pytest-django runs transactional tests (live server, real worker) last, and each one's flush empties
    the rows the data migrations loaded; every transactional test therefore starts by putting them back."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("reference_data")


BROKER_SCHEMES = ("redis", "amqp")


def loopback_broker_url(scheme: str, port: int) -> str:
    """A broker address on this machine: Redis or AMQP (RabbitMQ's guest account)."""
    return f"redis://127.0.0.1:{port}/0" if scheme == "redis" else f"amqp://guest:guest@127.0.0.1:{port}//"


@contextmanager
def broker_nowhere(scheme: str = "redis") -> Iterator[str]:
    """Inside the block this process publishes to a closed loopback port, as when the broker is down.

    Sends by any path are redirected: CELERY_BROKER_WRITE_URL (read at each new connection, the live
    server's thread included), with the app's cached connection and producer pools dropped, and a Redis
    result backend (down with the broker) pointed at the same port. A worker already started keeps the
    real broker; leaving the block puts everything back: the broker is back. `scheme`: redis or amqp.
    """
    from portal.celery import app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free a moment ago, and closed now
    url = loopback_broker_url(scheme, port)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELERY_BROKER_WRITE_URL", url)
        patch.setattr(app, "_pool", None)
        patch.setattr(app.amqp, "_producer_pool", None)
        if app.conf.result_backend.startswith("redis"):
            patch.setenv("CELERY_RESULT_BACKEND", loopback_broker_url("redis", port))
            patch.setattr(app, "_backend_cache", None)
            patch.setattr(app, "_local", threading.local())  # each thread's cached backend
        yield url


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.1):
    """Poll until predicate() is truthy (for work done by the real worker); fail loudly otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian chromium is not installed (apt-get install chromium); .ci/run installs it")
    return path


@pytest.fixture(scope="session")
def browser():
    """Playwright driving the Debian chromium package (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page; `page.portal_url` is the live server's address."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = console_errors
    yield page
    context.close()


def browser_login(page, username: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real form; admin and oversight also type a current TOTP code."""
    from django.contrib.auth import get_user_model

    from portal.accounts.roles import ROLES_NEEDING_MFA, user_role
    from portal.accounts.totp import totp_code, totp_device_enrol, totp_device_of, totp_secret_of

    user = get_user_model().objects.get(username=username)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    if user_role(user) in ROLES_NEEDING_MFA:
        device = totp_device_of(user) or totp_device_enrol(user=user)
        page.fill("#id_otp_token", totp_code(totp_secret_of(device)))
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def private_var_dir(settings, tmp_path):
    """Files waiting for confirmation go under this test's own folder."""
    settings.VAR_DIR = tmp_path


@pytest.fixture
def import_csv(admin_user, private_var_dir):
    """import_csv(content_bytes, dry_run=False, name=...) -> ImportReport, run as the admin."""

    from offenders.services.imports import offences_import as _offences_import
    from tests.factories.imports import upload_of as _upload_of

    def run(content: bytes, *, dry_run: bool = False, name: str = "offences.csv", by=admin_user):
        return _offences_import(upload=_upload_of(content, name), by=by, dry_run=dry_run)

    return run


@pytest.fixture
def import_workbook(admin_user, private_var_dir):
    """Each test directory that uses this names its own `admin_user`. import_workbook(content_bytes, name=...) -> ImportReport: the harm-index workbook import, as the admin."""

    from scoring.services.harm_index import harm_index_import as _harm_index_import
    from tests.factories.imports import upload_of as _upload_of

    def run(content: bytes, *, name: str = "Synthetic CCHI", file_name: str = "cchi.xlsx", by=admin_user):
        return _harm_index_import(upload=_upload_of(content, file_name), name=name, by=by)

    return run
