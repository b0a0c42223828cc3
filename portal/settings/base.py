"""Settings shared by every environment; each value an operator may change comes from the environment."""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Linear algebra (the evaluation's model fits, the policy preview) on one thread per process: a host runs
# several request workers, and BLAS threads on top of them fight for the same cores (on a busy two-core
# host the evaluation report took four times as long). Read when numpy loads, so set before any app
# imports it; an operator's own value wins (docs/decisions/1110).
for _blas_threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_blas_threads, "1")

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    """Read a true/false environment variable the way operators write them."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


def env_rate(name: str, default: str) -> str:
    """A request rate as `N/period` (second, minute, hour or day). A mistyped one stops the start-up
    here, rather than answering every API request with a 500."""
    value = os.environ.get(name, default).strip()
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f"{name} must read like 1200/minute (per second, minute, hour or day), not {value!r}."
        )
    return value


def env_positive(name: str, default: int) -> int:
    value = os.environ.get(name, str(default)).strip()
    if not value.isdigit() or int(value) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 1, not {value!r}.")
    return int(value)


def cache_settings(url: str) -> dict:
    """CACHES for CACHE_URL. The API's rate limits are counted in this cache, so every process that
    serves requests must share it (docs/decisions/0840): `redis://` across hosts, `file:///path`
    across the processes of one host, `locmem://` within one process only."""
    scheme, _, rest = url.partition("://")
    bounded = {"OPTIONS": {"MAX_ENTRIES": 5000}}  # beyond it a third are dropped at random
    if scheme in ("redis", "rediss"):
        cache: dict[str, object] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    elif scheme == "file" and rest:
        cache = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": rest, **bounded}
    elif scheme == "locmem":
        cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest, **bounded}
    else:
        raise ImproperlyConfigured(f"CACHE_URL must start redis://, rediss://, file:/// or locmem://, not {url!r}.")
    return {"default": {**cache, "KEY_PREFIX": "portal"}}


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-never-use-in-production-0123456789")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "portal.accounts",
    "portal.audit",
    "portal.oversight",
    "offenders",
    "scoring",
    "cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.api.middleware.ApiEdgeMiddleware",  # JSON errors and optional trailing slash under /api/v1/
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.FriendlyErrorPagesMiddleware",  # the portal's 404 and 500 pages under DEBUG too
    "django_otp.middleware.OTPMiddleware",
    "portal.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.accounts.middleware.SessionLimitMiddleware",
    "portal.accounts.middleware.MfaRequiredMiddleware",
    "portal.accounts.middleware.PartnerAgreementMiddleware",
    "portal.accounts.middleware.NoStoreMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "portal.middleware.RejectNulQueryMiddleware",  # last: refusals render with the user's page furniture
]

ROOT_URLCONF = "portal.urls"
# Django's own debug 404 and 500 pages instead of the portal's, for a developer with DEBUG on.
PORTAL_DEBUG_ERROR_PAGES = env_bool("PORTAL_DEBUG_ERROR_PAGES", False)
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.accounts.context_processors.role",
            ],
            "builtins": ["portal.templatetags.portal_format"],  # number, day, moment: one format everywhere
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Shared by every process on this host by default (like the embedded broker); Redis for several hosts.
CACHES = cache_settings(os.environ.get("CACHE_URL") or f"file://{VAR_DIR / 'cache'}")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.accounts.backends.PortalModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Sessions: 30 minutes idle, 12 hours absolute (see portal.accounts.middleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Lockout: 5 failures for one username from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # 15 minutes from the lock, not from the last try
AXES_LOCKOUT_CALLABLE = "portal.accounts.views.lockout_response"
AXES_HANDLER = "portal.accounts.lockout.PortalAxesHandler"  # adds the per-address limit below
# Per address across usernames: this many failed sign-ins (password, authenticator code or API token)
# from one address within the minutes below refuse every sign-in from it for those minutes.
PORTAL_SIGN_IN_ADDRESS_FAILURES = env_positive("PORTAL_SIGN_IN_ADDRESS_FAILURES", 20)
PORTAL_SIGN_IN_ADDRESS_MINUTES = env_positive("PORTAL_SIGN_IN_ADDRESS_MINUTES", 15)
# Behind N reverse proxies, set PROXY_COUNT=N: the client is the Nth X-Forwarded-For entry from the
# right (portal.accounts.network); with none, X-Forwarded-For is ignored so it cannot dodge the lockout.
PORTAL_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "portal.accounts.network.client_ip"
AXES_VERBOSE = False
# Axes keeps each attempt's form fields: never the code, the CSRF token or the username in that copy
# (the password it masks itself).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "static_build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes a missing or bad credential a 401, not a 403.
        "portal.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
    # Every API view: per signed-in user, per address for signed-in traffic, per address when anonymous.
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.api.throttling.PerUserRate",
        "portal.api.throttling.PerAddressRate",
        "portal.api.throttling.AnonymousPerAddressRate",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_rate("PORTAL_API_RATE_USER", "1200/minute"),
        "address": env_rate("PORTAL_API_RATE_ADDRESS", "6000/minute"),
        "anon": env_rate("PORTAL_API_RATE_ANONYMOUS", "60/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Harm-ranked case portal API",
    "DESCRIPTION": "Rankings, offenders, offences, cases, scoring policies, audit and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # deny by default: signed-in users only
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.add_error_responses",  # 400/401/403/404/... documented on every operation
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStageEnum": "cases.models.cases.CaseStage",
        "ExitReasonEnum": "cases.models.cases.ExitReason",
        "PlanActionStatusEnum": "cases.models.cases.ActionStatus",
        "PlanActionOutcomeEnum": "cases.models.cases.Outcome",
        "StrandEnum": "cases.models.cases.Strand",
        "OffenderStatusEnum": "offenders.choices.OffenderStatus",
        "OffenceStatusEnum": "offenders.choices.OffenceStatus",
        "PolicyStatusEnum": "scoring.models.policies.ScoringPolicy.Status",
        "ImportOutcomeEnum": "offenders.models.imports.ImportBatch.Outcome",
        "ImportKindEnum": "offenders.models.imports.ImportBatch.Kind",
        "OrderKindEnum": "offenders.choices.OrderKind",
        "IncidentKindEnum": "offenders.models.incidents.IncidentKind",
        "PlanActionKindEnum": "cases.models.cases.ActionKind",
        "MeetingItemKindEnum": "cases.models.meetings.MeetingItemKind",
        "MeetingDecisionEnum": "cases.models.meetings.DecisionKind",
        "DisclosureRouteEnum": "cases.models.protect.DisclosureRoute",
        "DisclosureDecisionEnum": "cases.models.protect.DisclosureDecision",
    },
}

# Celery: an embedded filesystem broker by default so `make demo` needs no server.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
_celery_dir = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem"):
    for sub in ("queue", "processed"):
        (_celery_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
    _default_backend = f"file://{_celery_dir / 'results'}"
    (_celery_dir / "results").mkdir(parents=True, exist_ok=True)
else:
    _default_backend = CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "rpc://"
# Give up on an unreachable broker within about a second rather than Celery's default retries: a web
# request queues its work after commit and must not hang (docs/decisions/0820-rescore-outbox.md).
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "1"))
if CELERY_BROKER_URL.startswith("redis"):
    # The worker's reads block for at most a second (kombu's BRPOP timeout), well inside socket_timeout.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
        "socket_timeout": 5,
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", _default_backend)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}

# Scoring (the scoring app): beat schedules as crontab fields "minute hour day_of_month month day_of_week".
SCORING_NIGHTLY_CRON = os.environ.get("SCORING_NIGHTLY_CRON", "30 2 * * *")  # refresh scores (recency moves daily)
SCORING_WEEKLY_CRON = os.environ.get("SCORING_WEEKLY_CRON", "0 5 * * 1")  # publish a ranking snapshot
SCORING_CHUNK_SIZE = int(os.environ.get("SCORING_CHUNK_SIZE", "25000"))  # offenders per recompute chunk
SCORING_RESCORE_BATCH = int(os.environ.get("SCORING_RESCORE_BATCH", "2000"))  # offenders per rescore task
SCORING_COUNT_CACHE_SECONDS = int(os.environ.get("SCORING_COUNT_CACHE_SECONDS", "300"))  # until a score changes
# The rescore outbox (scoring.models.RescoreRequest): how often requests the broker refused are resent,
# how many one resend takes (the rest wait for the next), and how long sent requests are kept.
SCORING_RESEND_SECONDS = float(os.environ.get("SCORING_RESEND_SECONDS", "60"))
SCORING_RESEND_BATCH = int(os.environ.get("SCORING_RESEND_BATCH", "20000"))
SCORING_RESCORE_KEEP_DAYS = int(os.environ.get("SCORING_RESCORE_KEEP_DAYS", "7"))


def _crontab(fields: str):
    from celery.schedules import crontab

    minute, hour, day_of_month, month_of_year, day_of_week = fields.split()
    return crontab(minute, hour, day_of_week, day_of_month, month_of_year)


CELERY_BEAT_SCHEDULE["scoring-nightly-refresh"] = {
    "task": "scoring.tasks.nightly_refresh",
    "schedule": _crontab(SCORING_NIGHTLY_CRON),
}
CELERY_BEAT_SCHEDULE["scoring-weekly-snapshot"] = {
    "task": "scoring.tasks.weekly_snapshot",
    "schedule": _crontab(SCORING_WEEKLY_CRON),
}
CELERY_BEAT_SCHEDULE["scoring-rescore-resend"] = {
    "task": "scoring.tasks.rescore_resend",
    "schedule": SCORING_RESEND_SECONDS,
}
# A run with no sign of life (planning, a chunk starting or finishing) for this long lost its worker: it is
# failed, so the next request or schedule starts afresh. Keep it well above the longest chunk (seconds at
# 25,000 offenders). The sweep fails such runs before anyone asks (docs/decisions/0821-stale-runs-and-heartbeat.md).
PORTAL_RUN_STALE_AFTER_SECONDS = int(os.environ.get("PORTAL_RUN_STALE_AFTER_SECONDS", "300"))
PORTAL_RUN_SWEEP_SECONDS = int(os.environ.get("PORTAL_RUN_SWEEP_SECONDS", "60"))
CELERY_BEAT_SCHEDULE["scoring-sweep-stale-runs"] = {
    "task": "scoring.tasks.sweep_stale_runs",
    "schedule": PORTAL_RUN_SWEEP_SECONDS,
}
# Cases: each morning mark overdue actions and due reviews and email each owner one digest (the task keeps
# the name it had before the cases app existed: cases/tasks.py).
CASES_MORNING_CRON = os.environ.get("CASES_MORNING_CRON", "0 7 * * *")
CELERY_BEAT_SCHEDULE["cases-morning-digest"] = {
    "task": "offenders.cases_morning_run",
    "schedule": _crontab(CASES_MORNING_CRON),
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "harm-portal@force.example")

# Portal policy, configurable per force.
PORTAL_NAME = os.environ.get("PORTAL_NAME", "Harm Portal")
PORTAL_ACCESS_PURPOSES = env_list("PORTAL_ACCESS_PURPOSES", ["investigation", "tasking", "safeguarding", "supervision"])
PORTAL_IMPORT_MAX_BYTES = int(os.environ.get("PORTAL_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
# An import still "running" after this long has lost its process (killed, server restarted): marked failed.
PORTAL_IMPORT_STALE_SECONDS = int(os.environ.get("PORTAL_IMPORT_STALE_SECONDS", str(60 * 60)))
PORTAL_TOP_N = int(os.environ.get("PORTAL_TOP_N", "100"))
PORTAL_TOKEN_DAYS = int(os.environ.get("PORTAL_TOKEN_DAYS", "30"))
# The safety gate: an enforcement action waits while a high-risk victim has had no check in this many days.
PORTAL_SAFETY_CHECK_DAYS = int(os.environ.get("PORTAL_SAFETY_CHECK_DAYS", "7"))
# Orders ending within this many days are listed in the morning digest.
PORTAL_ORDER_ENDING_DAYS = int(os.environ.get("PORTAL_ORDER_ENDING_DAYS", "14"))
# Key of the audit chain's HMAC-SHA256 (kept out of the database); empty: derived from SECRET_KEY
# (see docs/decisions/0304-keyed-audit-chain-and-head.md). Set it before the first migrate and never change it.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
# No inline script anywhere: data for charts travels in json_script blocks, code in static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Records review (offenders/review_rules.py, docs/records.md): an offender's record is due for review this
# many years after his last offence: the longer period when any of his offences has reached one of the
# serious statuses (charged or convicted), the shorter otherwise. A "retain" review keeps him until at
# least this many years after the review.
PORTAL_REVIEW_YEARS = env_positive("PORTAL_REVIEW_YEARS", 2)
PORTAL_REVIEW_YEARS_CHARGED = env_positive("PORTAL_REVIEW_YEARS_CHARGED", 6)
PORTAL_REVIEW_CHARGED_STATUSES = env_list("PORTAL_REVIEW_CHARGED_STATUSES", ["charged", "convicted"])
PORTAL_REVIEW_RETAIN_YEARS = env_positive("PORTAL_REVIEW_RETAIN_YEARS", 1)
# Retention (docs/records.md, docs/decisions/1200): audit events and import records older than these are
# removed each night; the audit log is cut at a sealed checkpoint so `verify_audit` still passes.
PORTAL_AUDIT_RETENTION_DAYS = env_positive("PORTAL_AUDIT_RETENTION_DAYS", 7 * 365)
PORTAL_IMPORT_RETENTION_DAYS = env_positive("PORTAL_IMPORT_RETENTION_DAYS", 2 * 365)
RECORDS_RETENTION_CRON = os.environ.get("RECORDS_RETENTION_CRON", "15 3 * * *")
CELERY_BEAT_SCHEDULE["records-retention"] = {
    "task": "offenders.records_retention",
    "schedule": _crontab(RECORDS_RETENTION_CRON),
}
