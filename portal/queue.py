"""Sending a task from a web request without waiting on the broker (shared infrastructure: any app may
use it; the Celery app itself is the composition root's, portal/celery.py)."""

from celery import current_app as app


def _fail_fast_options(url: str, timeout: float) -> dict:
    """Transport options for one connect attempt bounded by `timeout`, on whichever broker is configured."""
    options: dict = {"max_retries": 0}  # kombu's connect loop: one attempt, no reconnecting
    scheme = url.split(":", 1)[0]
    if scheme.startswith("redis"):
        options.update(socket_connect_timeout=timeout, socket_timeout=timeout)
    elif "amqp" in scheme:
        options.update(read_timeout=timeout, write_timeout=timeout)
    return options


def task_send(*, name: str, args: list) -> None:
    """Publish one task, giving up at once when the broker is unreachable (the error is raised).

    For work asked for by a web request: the pooled producer would retry for seconds, and a Redis result
    backend would block for about twenty more to subscribe to a result nobody reads. Here there is one
    connect attempt bounded by CELERY_BROKER_CONNECTION_TIMEOUT, no publish retry and no result, so a
    caller that keeps its own record of the work (the rescore outbox) can answer at once and resend later.
    """
    url = app.conf.broker_write_url
    timeout = app.conf.broker_connection_timeout
    options = _fail_fast_options(url, timeout)
    with app.connection_for_write(url, connect_timeout=timeout, transport_options=options) as connection:
        app.send_task(name, args=args, ignore_result=True, retry=False, connection=connection)
