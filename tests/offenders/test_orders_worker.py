"""A breach of an order raises the offender's score through the normal re-score path: the offence is
written, the rescore outbox queues him, and a real Celery worker scores him (docs/offenders.md)."""

import datetime as dt

import pytest
from django.utils import timezone

from offenders.models import Offence
from offenders.services.orders import order_breach_record, order_create
from scoring.models import OffenderScore, RescoreRequest
from scoring.selectors import active_policy
from scoring.services.scores import offenders_rescore
from tests.conftest import wait_for
from tests.factories import OffenceFactory, OffenderFactory

pytestmark = pytest.mark.worker


def test_a_breach_raises_the_score_through_the_worker(reference_data, celery_worker, make_user):
    from offenders.models import OffenceType

    officer = make_user("officer")
    today = timezone.localdate()
    offender = OffenderFactory(surname="Breacher")
    stalking = OffenceType.objects.get(code="008/66")
    first = OffenceFactory(offender=offender, offence_type=stalking, occurred_on=today - dt.timedelta(days=40))
    second = OffenceFactory(
        offender=offender, offence_type=stalking, occurred_on=today - dt.timedelta(days=20), victim=first.victim
    )
    assert active_policy() is not None
    order = order_create(
        offender=offender, kind="restraining", starts_on=today - dt.timedelta(days=15),
        ends_on=today + dt.timedelta(days=365), protected_victims=[first.victim], by=officer,
    )  # fmt: skip
    # the two offences were made by the factory, outside the services: score him once, here, as the baseline
    offenders_rescore(offender_ids=[offender.pk])
    baseline = OffenderScore.objects.get(offender=offender)
    assert baseline.offence_count == 2 and baseline.score > 0
    before = baseline.score
    requests_before = RescoreRequest.objects.count()
    order_breach_record(order=order, occurred_on=today - dt.timedelta(days=3), crime_ref="CR/BREACH/W1", by=officer)
    assert RescoreRequest.objects.count() > requests_before  # queued through the outbox, not scored inline

    def scored_with_breach():
        score = OffenderScore.objects.filter(offender=offender).first()
        return score if score and score.offence_count == 3 else None

    score = wait_for(scored_with_breach, timeout=60)
    assert score.score > before
    assert Offence.objects.get(crime_ref="CR/BREACH/W1").offence_type.code == "008/31"
    _ = second
