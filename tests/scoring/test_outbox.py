"""The rescore outbox: a request written with the change, sent after commit, resent while the broker was down."""

import socket
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from portal.celery import app
from portal.queue import task_send
from scoring.models import RescoreRequest
from scoring.services import offenders_rescore_later, rescore_requests_resend
from tests.conftest import BROKER_SCHEMES, broker_nowhere, loopback_broker_url

pytestmark = pytest.mark.django_db
QUICK = 2.0  # seconds: a save must never wait on the broker longer than this


def waiting(offender_id: int, *, count: int = 1) -> None:
    RescoreRequest.objects.bulk_create([RescoreRequest(offender_id=offender_id) for _ in range(count)])


def test_the_request_is_rolled_back_with_the_change(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        offenders_rescore_later([4])
        raise RuntimeError("the save failed")
    assert not RescoreRequest.objects.exists() and sent == []


def test_a_send_marks_every_waiting_request_of_the_offender(sent, django_capture_on_commit_callbacks):
    waiting(9, count=2)  # left by saves while the broker was down
    waiting(10)
    with django_capture_on_commit_callbacks(execute=True):
        offenders_rescore_later([9])
    assert sent == [("rescore_offender", [9])]
    assert not RescoreRequest.objects.filter(offender_id=9, sent_at__isnull=True).exists()
    assert RescoreRequest.objects.filter(offender_id=10, sent_at__isnull=True).count() == 1  # not asked for


@pytest.mark.parametrize("scheme", BROKER_SCHEMES)
def test_a_send_to_a_closed_port_fails_at_once(scheme):
    with broker_nowhere(scheme):
        started = time.monotonic()
        with pytest.raises(Exception):  # noqa: B017 - kombu's OperationalError, whichever transport
            task_send(name="portal.ping", args=[])
        assert time.monotonic() - started < QUICK


@pytest.mark.parametrize("scheme", BROKER_SCHEMES)
def test_a_send_to_a_broker_that_never_answers_gives_up_within_the_timeout(scheme, monkeypatch):
    """A port that accepts the connection and then says nothing (a hung broker): the socket timeouts end it."""
    monkeypatch.setitem(app.conf, "broker_connection_timeout", 0.5)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nothing ever answers
        port = silent.getsockname()[1]
        monkeypatch.setenv("CELERY_BROKER_WRITE_URL", loopback_broker_url(scheme, port))
        started = time.monotonic()
        with pytest.raises(Exception):  # noqa: B017 - a timeout, raised as kombu's OperationalError
            task_send(name="portal.ping", args=[])
        assert time.monotonic() - started < QUICK


def test_the_resend_sends_each_waiting_offender_once(sent, settings):
    settings.SCORING_RESCORE_BATCH = 10
    waiting(1, count=3)
    waiting(2)
    RescoreRequest.objects.create(offender_id=3, sent_at=timezone.now())
    assert rescore_requests_resend() == 2
    assert sent == [("rescore_offenders", [[1, 2]])]
    assert not RescoreRequest.objects.filter(sent_at__isnull=True).exists()
    assert rescore_requests_resend() == 0 and len(sent) == 1  # nothing left: a second run sends nothing


def test_the_resend_takes_a_bounded_batch_oldest_first(sent, settings):
    settings.SCORING_RESEND_BATCH = 2
    for offender_id in (7, 5, 6):
        waiting(offender_id)
    assert rescore_requests_resend() == 2
    assert sent == [("rescore_offenders", [[5, 7]])]
    assert list(RescoreRequest.objects.filter(sent_at__isnull=True).values_list("offender_id", flat=True)) == [6]
    assert rescore_requests_resend() == 1 and sent[-1] == ("rescore_offender", [6])


def test_the_resend_leaves_requests_waiting_while_the_broker_is_down():
    waiting(1)
    waiting(2)
    with broker_nowhere():
        assert rescore_requests_resend() == 0
        assert rescore_requests_resend() == 0
    assert list(RescoreRequest.objects.values_list("sent_at", "attempts")) == [(None, 2), (None, 2)]


def test_the_resend_deletes_requests_sent_long_ago(sent, settings):
    settings.SCORING_RESCORE_KEEP_DAYS = 7
    now = timezone.now()
    old = RescoreRequest.objects.create(offender_id=1, sent_at=now - timedelta(days=8))
    recent = RescoreRequest.objects.create(offender_id=2, sent_at=now - timedelta(days=6))
    rescore_requests_resend()
    assert set(RescoreRequest.objects.values_list("pk", flat=True)) == {recent.pk}
    assert not RescoreRequest.objects.filter(pk=old.pk).exists()
