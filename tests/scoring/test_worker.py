"""Through a REAL Celery worker (a separate process, not eager): the incremental path and the full run."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from portal.accounts.permissions import SYSTEM
from scoring.models import OffenderScore, RankingSnapshot, ScoringRun
from scoring.selectors import offender_rank
from scoring.services import offenders_rescore_later, run_start
from tests.conftest import wait_for

from .conftest import days_of

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_offence_saved_rescores_its_offender(reference_data, celery_worker, make_offender, make_offence):
    offender = make_offender()
    with transaction.atomic():
        make_offence(offender, code="19C", days_ago=3)
        make_offence(offender, code="002/00", days_ago=5, victim="V2")
        offenders_rescore_later([offender.pk])
        assert not OffenderScore.objects.filter(offender=offender).exists()  # nothing before commit
    expected = days_of("19C") + days_of("002/00")
    score = wait_for(lambda: OffenderScore.objects.filter(offender=offender, score=expected).first(), timeout=60)
    assert score.eligible and offender_rank(offender) == 1
    with transaction.atomic():
        offence = offender.offences.get(offence_type__code="002/00")
        offence.status = "cancelled"
        offence.save()
        offenders_rescore_later([offender.pk])
    wait_for(lambda: OffenderScore.objects.filter(offender=offender, score=days_of("19C"), eligible=False).exists())
    assert offender_rank(offender) is None


def test_many_offenders_are_rescored_in_batches(reference_data, celery_worker, make_offender, make_offence, settings):
    offenders = [make_offender() for _ in range(5)]
    for offender in offenders:
        make_offence(offender, code="19C", days_ago=1)
        make_offence(offender, code="19C", days_ago=2)
    offenders_rescore_later([o.pk for o in offenders])
    wait_for(lambda: OffenderScore.objects.filter(eligible=True).count() == 5, timeout=60)


def test_a_full_run_through_the_worker_publishes(reference_data, celery_worker, make_offender, make_offence):
    for index in range(6):
        offender = make_offender()
        make_offence(offender, code="19C", days_ago=1 + index)
        make_offence(offender, code="002/00", days_ago=30, victim=f"V{index}")
    out = io.StringIO()
    call_command("recompute", "--wait", "--timeout", "90", stdout=out)
    assert "succeeded" in out.getvalue() and "done: 6 offenders scored, 6 ranked" in out.getvalue()
    run = ScoringRun.objects.get()
    assert run.status == "succeeded" and run.progress == 1.0 and run.chunks_done == run.chunks_total >= 1
    snapshot = RankingSnapshot.objects.get(run=run)
    assert snapshot.entry_count == 6
    again, created = run_start(by=SYSTEM, reason="second")
    assert created
    wait_for(lambda: ScoringRun.objects.get(pk=again.pk).status == "succeeded", timeout=90)
    assert RankingSnapshot.objects.get(run=again).previous_id == snapshot.pk


def test_an_offence_posted_through_the_api_reaches_the_rank(
    reference_data, celery_worker, make_offender, make_offence, make_user, api_for, today
):
    offender = make_offender()
    make_offence(offender, code="19C", days_ago=10)
    api = api_for(make_user("officer"))
    body = {
        "crime_ref": "API-RANK-1", "offence_code": "002/00", "occurred_on": today.isoformat(),
        "reported_on": today.isoformat(), "status": "charged", "offender": offender.pk, "victim_ref": "API-V1",
    }  # fmt: skip
    response = api.post("/api/v1/offences/", body, format="json")
    assert response.status_code == 201, response.content
    wait_for(lambda: offender_rank(offender) == 1, timeout=60)
    assert OffenderScore.objects.get(offender=offender).score == days_of("19C") + days_of("002/00")
