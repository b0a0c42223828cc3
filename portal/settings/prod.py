"""Production: refuses to start without a real SECRET_KEY; HTTPS-only cookies and HSTS.

The portal runs under gunicorn behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto
(overwriting whatever a client sent). There is deliberately no plain-HTTP mode (ADR 0830): cookies are
Secure whatever the environment says; SECURE_SSL_REDIRECT=0 only leaves the redirect to a proxy that does
it itself, and `check --deploy` still warns about it.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, env_bool, env_list

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-", "django-insecure")):
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")
# The portal's host names; the loopback default only suits a trial on one machine (never the test client's).
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# Only needed when the proxy does not pass the browser's Host header on (e.g. "https://portal.force.example").
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# whitenoise serves what `collectstatic` gathered into STATIC_ROOT, under content-hashed names browsers may
# cache for ever. The manifest stays strict: a template naming a file collectstatic did not gather fails
# loudly rather than sending pages with a missing stylesheet or script; tests/portal/test_production.py
# builds the assets, collects them and serves every kind of page this way, so such a file fails CI first.
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Digests go out by SMTP: the development console backend would print them, case details and all, into the
# worker's log and record them as sent.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# gunicorn writes its own lines with a time stamp; the portal's carry one too, with the logger and process.
LOGGING = {
    **LOGGING,
    "formatters": {"timestamped": {"format": "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "timestamped"}},
}
