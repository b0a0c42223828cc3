"""Disproportionality against a population worked by hand: shares at each stage and every relative
rate index with its 95% interval (log method, z = 1.96)."""

import pytest

from portal.oversight.selectors.disproportionality import disproportionality_report
from tests.factories import OffenderFactory
from tests.factories.cases import open_case
from tests.factories.clock import at_noon, days_ago, period
from tests.factories.scores import give_score, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(settings, make_user, supervisor):
    """White 10 scored / 6 eligible; Black 5 / 4; not stated 5 / 0. A ranking of the 10 eligible
    (B B W W B B W W W W) with a top 4; tasked in the period: ranks 1 (B), 3 (W) and 7 (W)."""
    settings.PORTAL_TOP_N = 4
    white = [OffenderFactory(ethnicity="W1") for _ in range(10)]
    black = [OffenderFactory(ethnicity="B2") for _ in range(5)]
    unstated = [OffenderFactory(ethnicity="") for _ in range(5)]
    for offender in white[:6] + black[:4]:
        give_score(offender, score=100, eligible=True)
    for offender in white[6:] + black[4:] + unstated:
        give_score(offender, score=10, eligible=False)
    ranked = [black[0], black[1], white[0], white[1], black[2], black[3], white[2], white[3], white[4], white[5]]
    earlier = publish(white[:6], when=at_noon(days_ago(20)))  # an earlier, all-white top 4 (for the trend)
    publish(ranked, when=at_noon(days_ago(5)), previous=earlier)
    for offender in (ranked[0], ranked[2], ranked[6]):
        open_case(offender, lead=supervisor, opened_at=at_noon(days_ago(3)))
    return disproportionality_report(user=make_user("oversight"), period=period(days_ago(365)))


def rri(report, group, step):
    return next(r for r in report.table("rri").preview()[0] if r["group"] == group and r["step"] == step)


def test_shares_at_each_stage(scenario):
    rows = {row["group"]: row for row in scenario.table("shares-ethnicity").preview()[0]}
    assert list(rows) == ["Asian", "Black", "Mixed", "White", "Other", "Not stated"]
    assert (rows["White"]["scored_n"], rows["White"]["scored_share"]) == (10, 50.0)
    assert (rows["Black"]["eligible_n"], rows["Black"]["eligible_share"]) == (4, 40.0)
    assert (rows["Not stated"]["eligible_n"], rows["Not stated"]["eligible_share"]) == (0, 0.0)
    assert (rows["Black"]["top_n"], rows["Black"]["top_share"]) == (2, 50.0)
    assert (rows["White"]["tasked_n"], rows["White"]["tasked_share"]) == (2, 66.7)
    assert (rows["Asian"]["scored_n"], rows["Asian"]["scored_share"]) == (0, 0.0)


def test_eligible_of_scored(scenario):
    # Black: 4/5 against 6/15 others = 2.0; SE = sqrt(1/4 - 1/5 + 1/6 - 1/15) = 0.3873 -> 0.936 .. 4.273
    black = rri(scenario, "Black", "Eligible of scored")
    assert (black["rri"], black["ci_low"], black["ci_high"]) == (2.0, 0.936, 4.273)
    assert black["flag"] == "too few to tell" and black["significant"] is False and black["group_count"] == "4 of 5"
    # White: 6/10 against 4/10 = 1.5; SE = sqrt(1/6 - 1/10 + 1/4 - 1/10) = 0.4655 -> 0.602 .. 3.735
    white = rri(scenario, "White", "Eligible of scored")
    assert (white["rri"], white["ci_low"], white["ci_high"]) == (1.5, 0.602, 3.735)
    # Not stated: 0/5 against 10/15: index 0, no interval (log of zero): too few to tell, not flagged.
    unstated = rri(scenario, "Not stated", "Eligible of scored")
    assert (unstated["rri"], unstated["ci_low"], unstated["ci_high"], unstated["flag"]) == (
        0.0,
        None,
        None,
        "too few to tell",
    )


def test_top_n_of_ranked_and_tasked_of_top_n(scenario):
    # Black 2 of 4 ranked in the top 4 against 2 of 6 others = 1.5; interval 0.336 .. 6.702
    black = rri(scenario, "Black", "Top N of ranked")
    assert (black["rri"], black["ci_low"], black["ci_high"]) == (1.5, 0.336, 6.702)
    white = rri(scenario, "White", "Top N of ranked")
    assert (white["rri"], white["ci_low"], white["ci_high"], white["flag"]) == (0.667, 0.149, 2.979, "too few to tell")
    # Tasked of the top 4: 1 of 2 each: 1.0 with exp(+-1.96 * 1) -> 0.141 .. 7.099; the white offender
    # tasked from rank 7 is in the tasked share but not in this step.
    tasked = rri(scenario, "Black", "Tasked of top N")
    assert (tasked["rri"], tasked["ci_low"], tasked["ci_high"], tasked["flag"]) == (
        1.0,
        0.141,
        7.099,
        "too few to tell",
    )
    assert tasked["small_numbers"] is True
    steps = {(r["group"], r["step"]) for r in scenario.table("rri").preview()[0] if r["dimension"].startswith("Eth")}
    assert ("Not stated", "Top N of ranked") not in steps  # nobody not stated was ranked: no base, no index


def test_figures_trend_and_charts(scenario):
    figures = {figure.label: figure.value for figure in scenario.figures}
    assert figures["Offenders scored (now)"] == 20
    assert figures["Eligible for ranking (now)"] == 10
    assert figures["In the top 4"] == 4
    assert figures["Offenders tasked in the period"] == 3
    trend = scenario.table("trend").preview()[0]
    assert [(row["in_top_n"], row["White"], row["Black"], row["Asian"]) for row in trend] == [
        (4, 100.0, 0.0, 0.0),
        (4, 50.0, 50.0, 0.0),
    ]
    assert [chart.key for chart in scenario.charts] == ["ethnicity-shares", "ethnicity-rri", "trend"]
    sex = {row["group"]: row["scored_n"] for row in scenario.table("shares-sex").preview()[0]}
    assert sex["Male"] == 20 and sex["Female"] == 0


def test_no_scores_and_no_ranking_is_no_data(make_user):
    report = disproportionality_report(user=make_user("oversight"), period=period(days_ago(30)))
    assert all(figure.value is None for figure in report.figures)
    assert report.table("rri").preview()[0] == [] and report.table("shares-ethnicity").preview()[0] == []
    assert report.charts == []


def test_age_bands_at_the_end_of_the_period():
    import datetime as dt

    from offenders.models import Offender
    from portal.oversight.selectors.groups import group_counts, years_before

    as_of = dt.date(2025, 6, 30)
    OffenderFactory(date_of_birth=years_before(as_of, 18))  # 18 today
    OffenderFactory(date_of_birth=years_before(as_of, 18) + dt.timedelta(days=1))  # 17
    OffenderFactory(date_of_birth=years_before(as_of, 65))  # 65 today
    OffenderFactory(date_of_birth=years_before(as_of, 65) + dt.timedelta(days=1))  # 64
    OffenderFactory(date_of_birth=None)
    counts = group_counts(Offender.objects.all(), "age", as_of)
    assert counts == {"18 to 24": 1, "Under 18": 1, "65 and over": 1, "55 to 64": 1, "Not recorded": 1}
    assert years_before(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)


def test_borough_is_that_of_the_latest_offence():
    from offenders.models import Offender
    from portal.oversight.selectors.groups import group_counts
    from tests.factories import OffenceFactory

    mover = OffenderFactory()
    OffenceFactory(offender=mover, borough="Camden", occurred_on=days_ago(40), reported_on=days_ago(40))
    OffenceFactory(offender=mover, borough="Hackney", occurred_on=days_ago(20), reported_on=days_ago(20))
    OffenceFactory(borough="")
    counts = group_counts(Offender.objects.all(), "borough", days_ago(0))
    assert counts == {"Hackney": 1, "Not recorded": 1}
