"""Tests: the same stack as development; a file-backed SQLite test database so a real worker can share it."""

import os

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, REST_FRAMEWORK, VAR_DIR, cache_settings

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303 - speed; tests only
# locmem, except where a test hands a worker process a file backend (locmem is per process).
EMAIL_BACKEND = os.environ.get("PORTAL_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("PORTAL_TEST_EMAIL_FILE_PATH", str(VAR_DIR / "test-mail"))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_portal.sqlite3")}
AXES_ENABLED = True
# Rate limits out of the way: their tests set small rates in a fresh cache of their own, and run
# servers on the shared default (tests/portal/api/test_rate_limits.py). One cache per test process.
_high_rates = dict.fromkeys(("user", "address", "anon"), "100000/minute")
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": _high_rates}
if "CACHE_URL" not in os.environ:
    CACHES = cache_settings("locmem://portal-tests")
CELERY_TASK_ALWAYS_EAGER = False  # eager mode is not a test of Celery; worker tests start a real one
if CELERY_BROKER_URL.startswith("filesystem"):
    # Keep test tasks apart from a demo running on the same checkout.
    _test_queue = VAR_DIR / "celery-test"
    for _sub in ("queue", "processed", "results"):
        (_test_queue / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_test_queue / "queue"),
        "data_folder_out": str(_test_queue / "queue"),
        "processed_folder": str(_test_queue / "processed"),
        "control_folder": str(_test_queue / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{_test_queue / 'results'}"
