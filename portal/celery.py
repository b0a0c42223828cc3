"""The Celery app: tasks live in each app's tasks.py as thin wrappers that call services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="portal.ping")
def ping() -> str:
    """A round trip that proves a worker is consuming from this broker (health checks and tests)."""
    return "pong"
