"""The rescore outbox: requests written with the change, sent after commit, resent while the broker was down.

A saved offence must reach its offender's score even when the broker is unreachable at that moment, and
the save must not wait for the broker to answer (docs/decisions/0820-rescore-outbox.md).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portal.queue import task_send

from ..models import RescoreRequest

log = logging.getLogger(__name__)
RESCORE_ONE = "scoring.tasks.rescore_offender"
RESCORE_MANY = "scoring.tasks.rescore_offenders"


def rescore_requests_record(*, offender_ids: list[int]) -> None:
    """Write one request per offender in the caller's transaction, and send them once it commits.

    Rolled back with the change, so there is never a request for an offence that was not saved; committed
    with it, so a broker that is down at commit loses nothing: the request waits for the resend.
    """
    RescoreRequest.objects.bulk_create([RescoreRequest(offender_id=pk) for pk in offender_ids], batch_size=1000)
    transaction.on_commit(lambda: rescore_requests_send(offender_ids=offender_ids), robust=True)


def _send_chunk(chunk: list[int]) -> None:
    """One task per chunk: one offender (a form or the API), or a batch in one statement (an import)."""
    if len(chunk) == 1:
        task_send(name=RESCORE_ONE, args=[chunk[0]])
    else:
        task_send(name=RESCORE_MANY, args=[chunk])


def rescore_requests_send(*, offender_ids: list[int]) -> int:
    """Ask the workers to re-score these offenders, SCORING_RESCORE_BATCH to a task; returns how many were sent.

    The requests of a chunk's offenders that are waiting when it is sent are marked sent with it: the task
    reads the offences when it runs, after every one of them committed. A chunk the broker refuses stays
    waiting with its attempt counted, and the chunks after it are left for the resend (the broker is down).
    Never raises for the broker: the change that asked is already saved.
    """
    size = settings.SCORING_RESCORE_BATCH
    sent = 0
    for start in range(0, len(offender_ids), size):
        chunk = offender_ids[start : start + size]
        waiting = RescoreRequest.objects.filter(offender_id__in=chunk, sent_at__isnull=True)
        waiting_ids = list(waiting.values_list("pk", flat=True))
        try:
            _send_chunk(chunk)
        except Exception as error:  # noqa: BLE001 - kombu, redis, amqp and socket errors alike: the broker is down
            RescoreRequest.objects.filter(pk__in=waiting_ids).update(attempts=F("attempts") + 1)
            log.warning("rescore of %d offender(s) not sent, left for the resend: %s", len(offender_ids) - sent, error)
            return sent
        RescoreRequest.objects.filter(pk__in=waiting_ids).update(sent_at=timezone.now())
        sent += len(chunk)
    return sent


def rescore_requests_resend() -> int:
    """Send what is still waiting (the broker was down when it was written); returns offenders sent.

    The oldest SCORING_RESEND_BATCH requests per run, each offender once however many saves asked for him;
    the rest wait for the next run. Sending twice is harmless (a re-score is idempotent), so two runs at
    once need no lock. Sent requests older than SCORING_RESCORE_KEEP_DAYS are then deleted.
    """
    oldest = RescoreRequest.objects.filter(sent_at__isnull=True).order_by("pk")[: settings.SCORING_RESEND_BATCH]
    offender_ids = sorted(set(oldest.values_list("offender_id", flat=True)))
    sent = rescore_requests_send(offender_ids=offender_ids)
    kept_since = timezone.now() - timedelta(days=settings.SCORING_RESCORE_KEEP_DAYS)
    RescoreRequest.objects.filter(sent_at__lt=kept_since).delete()
    return sent
