"""On the demo's random synthetic data nothing is disproportionate: no group-step whose interval reaches
into the 0.8 to 1.25 band may be flagged, and chance alone flags (almost) nothing."""

import io

from django.core.management import call_command

from portal.accounts.permissions import SYSTEM
from portal.oversight.selectors.base import Period
from portal.oversight.selectors.disproportionality import FLAGS, disproportionality_report
from scoring.models import RankingSnapshot
from scoring.services.runs import run_chunk_execute, run_plan, run_start


def test_random_demo_data_flags_no_group_step(db, make_user):
    call_command("seed_demo", "--offenders", "6000", "--seed", "3", stdout=io.StringIO())
    run, _created = run_start(by=SYSTEM, reason="test", dispatch=False)
    for chunk_id in run_plan(run_id=run.pk):
        run_chunk_execute(chunk_id=chunk_id)
    assert RankingSnapshot.objects.exists()
    report = disproportionality_report(user=make_user("oversight"), period=Period.default())
    rows = report.table("rri").preview()[0]
    assert len(rows) > 40  # every characteristic's groups at each step
    flagged = [row for row in rows if row["flag"] in FLAGS]
    # the interval decides: an index outside 0.8 to 1.25 whose interval reaches into the band is no flag
    assert all(row["ci_high"] < 0.8 or row["ci_low"] > 1.25 for row in flagged)
    outside = [row for row in rows if row["rri"] is not None and not 0.8 <= row["rri"] <= 1.25]
    assert len(outside) > 20  # what the old rule (the index alone) flagged on the same data
    assert len(flagged) <= 0.02 * len(rows)  # dozens of comparisons: a chance flag or two at most
    assert any(row["flag"] == "too few to tell" for row in rows)
    figure = next(f for f in report.figures if f.label.startswith("Group-steps flagged"))
    assert figure.value == len(flagged)
