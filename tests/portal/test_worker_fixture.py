"""The real-worker fixture itself: a Celery worker process on the configured broker answers."""

from portal.celery import app


def test_real_worker_answers_a_round_trip(celery_worker):
    assert celery_worker.poll() is None  # a separate, running process
    assert app.send_task("portal.ping").get(timeout=30) == "pong"
