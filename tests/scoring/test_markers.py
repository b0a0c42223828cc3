"""Escalation markers beside the score (docs/scoring.md): flags from the offence type and from separation
recorded on an incident; never part of the score."""

from datetime import timedelta

import pytest

from offenders.services.incidents import incident_record
from scoring.models import OffenderScore
from scoring.selectors import offender_score_breakdown
from scoring.services import scores_write

pytestmark = pytest.mark.django_db


def test_markers_are_raised_by_offence_type_and_separation_and_never_scored(
    policy, make_user, make_offender, make_offence, today, web_for
):
    offender = make_offender()
    make_offence(offender, code="105/01")
    make_offence(offender, code="105/01", days_ago=30)
    scores_write(policy=policy, as_of=today, offender_ids=[offender.pk])
    plain = OffenderScore.objects.get(offender=offender).score
    assert offender_score_breakdown(offender)["markers"] == []

    make_offence(offender, code="008/77", days_ago=5)  # non-fatal strangulation
    make_offence(offender, code="008/65", days_ago=6)  # stalking
    make_offence(offender, code="003/01", days_ago=7)  # threats to kill
    make_offence(offender, code="066/39", days_ago=8)  # breach of a non-molestation order (an offence)
    officer = make_user("officer")
    incident_record(data={"incident_ref": "SEP1", "offender": offender, "victim_ref": "V1",
                          "occurred_on": today - timedelta(days=2), "kind": "verbal", "separation": True}, by=officer)  # fmt: skip
    summary = offender_score_breakdown(offender)
    assert [m["key"] for m in summary["markers"]] == [
        "strangulation", "stalking", "threats_to_kill", "order_breach", "separation",
    ]  # fmt: skip
    assert summary["markers"][-1]["last_on"] == today - timedelta(days=2)
    offence_days = sum(row["contribution"] for row in summary["breakdown"])
    assert summary["score"] == pytest.approx(offence_days)  # the markers add nothing (incidents not counted)
    assert summary["score"] > plain  # the offences themselves still count as offences

    web = web_for(officer)
    web.post(f"/offenders/{offender.pk}/", {"purpose": "safeguarding"})
    page = web.get(f"/offenders/{offender.pk}/").content.decode()
    assert 'data-testid="escalation-markers"' in page and 'data-marker="strangulation"' in page
    assert "Separation recorded" in page


def test_the_transparency_page_describes_multipliers_and_incident_weights(policy, make_user):
    from portal.oversight.selectors.transparency import method_rows
    from scoring.services import policy_create_draft

    draft = policy_create_draft(name="Explained", by=make_user("admin"), based_on=policy,
                                parameters={"multipliers": {"008/67": 3}, "incident_days": "7.5"})  # fmt: skip
    rows = dict(method_rows(draft))
    assert (
        "Controlling or coercive behaviour (008/67) counts 3 times its harm days"
        in rows["Weight given to some offences"]
    )
    assert "adds 7.5 days" in rows["Non-crime domestic incidents"]
    plain = dict(method_rows(policy))
    assert "not counted" in plain["Non-crime domestic incidents"] and plain["Weight given to some offences"].startswith(
        "none"
    )
