"""The score, hand-computed: window edges, status factors, the two-offence minimum, ties, decay, uplift.

The same tests run on SQLite and PostgreSQL (CI runs the suite on both), so the same data must give
the same scores on each.
"""

import pytest

from portal.accounts.permissions import SYSTEM
from scoring.models import OffenderScore
from scoring.selectors import offender_rank, offender_score_breakdown
from scoring.services import scores_write

from .conftest import days_of

RAPE, ATTEMPTED_MURDER = "19C", "002/00"


def score_all(policy, today):
    scores_write(policy=policy, as_of=today, first_id=1, last_id=10**9)
    return {s.offender_id: s for s in OffenderScore.objects.all()}


def test_sum_of_harm_days_in_the_window(policy, today, make_offender, make_offence):
    offender = make_offender()
    make_offence(offender, code=RAPE, days_ago=10)
    make_offence(offender, code=ATTEMPTED_MURDER, days_ago=100, victim="V2", status="charged")
    score = score_all(policy, today)[offender.pk]
    assert score.score == days_of(RAPE) + days_of(ATTEMPTED_MURDER)
    assert (score.offence_count, score.victim_count, score.days_since_last) == (2, 2, 10)
    assert score.eligible is True
    assert score.harm_days == score.score
    assert score.policy_id == policy.pk


@pytest.mark.parametrize(
    ("days_ago", "counted"),
    [(0, True), (364, True), (365, False), (366, False), (-1, False)],
    ids=["as-of-day", "last-day-in", "window-start-excluded", "before-window", "future"],
)
def test_window_edges(policy, today, make_offender, make_offence, days_ago, counted):
    """as_of - 365 < occurred_on <= as_of."""
    offender = make_offender()
    make_offence(offender, code=RAPE, days_ago=5)
    make_offence(offender, code=ATTEMPTED_MURDER, days_ago=days_ago)
    score = score_all(policy, today)[offender.pk]
    expected = days_of(RAPE) + (days_of(ATTEMPTED_MURDER) if counted else 0)
    assert score.score == expected
    assert score.offence_count == (2 if counted else 1)


@pytest.mark.parametrize(
    ("status", "counted"),
    [("reported", True), ("investigating", True), ("charged", True), ("convicted", True), ("nfa", True),
     ("acquitted", False), ("cancelled", False)],
)  # fmt: skip
def test_status_factors(policy, today, make_offender, make_offence, status, counted):
    offender = make_offender()
    make_offence(offender, code=RAPE, days_ago=5)
    make_offence(offender, code=ATTEMPTED_MURDER, days_ago=6, status=status, victim="V9")
    score = score_all(policy, today)[offender.pk]
    assert score.score == days_of(RAPE) + (days_of(ATTEMPTED_MURDER) if counted else 0)
    assert score.offence_count == (2 if counted else 1)
    assert score.victim_count == (2 if counted else 1)  # victims of counted offences only
    assert score.eligible is counted


def test_one_counted_offence_is_scored_but_not_ranked(policy, today, make_offender, make_offence):
    lone, pair, nothing = make_offender(), make_offender(), make_offender()
    make_offence(lone, code=ATTEMPTED_MURDER, days_ago=3)
    make_offence(pair, code=RAPE, days_ago=3)
    make_offence(pair, code=RAPE, days_ago=4)
    scores = score_all(policy, today)
    assert scores[lone.pk].score == days_of(ATTEMPTED_MURDER) and scores[lone.pk].eligible is False
    assert scores[nothing.pk].score == 0 and scores[nothing.pk].eligible is False
    assert offender_rank(lone) is None and offender_rank(nothing) is None
    assert offender_rank(pair) == 1


def test_ties_share_a_rank(policy, today, make_offender, make_offence):
    first, second, tied_a, tied_b = (make_offender() for _ in range(4))
    for offender, code in ((first, "001/01"), (second, ATTEMPTED_MURDER), (tied_a, RAPE), (tied_b, RAPE)):
        make_offence(offender, code=code, days_ago=1)
        make_offence(offender, code=code, days_ago=2)
    score_all(policy, today)
    assert [offender_rank(o) for o in (first, second, tied_a, tied_b)] == [1, 2, 3, 3]


def test_recency_decay_halves_at_the_half_life(policy, today, make_offender, make_offence):
    from scoring.services import policy_create_draft

    decayed = policy_create_draft(name="decay", by=SYSTEM, based_on=policy, parameters={"recency_half_life_days": 100})
    offender = make_offender()
    make_offence(offender, code=RAPE, days_ago=0)
    make_offence(offender, code=RAPE, days_ago=100, victim="V2")
    make_offence(offender, code=RAPE, days_ago=200, victim="V3")
    score = score_all(decayed, today)[offender.pk]
    assert score.score == pytest.approx(days_of(RAPE) * (1 + 0.5 + 0.25))


def test_victim_uplift_per_extra_distinct_victim(policy, today, make_offender, make_offence):
    from scoring.services import policy_create_draft

    uplifted = policy_create_draft(name="uplift", by=SYSTEM, based_on=policy, parameters={"victim_uplift": 0.5})
    offender = make_offender()
    make_offence(offender, code=RAPE, days_ago=1, victim="A")
    make_offence(offender, code=RAPE, days_ago=2, victim="A")
    make_offence(offender, code=RAPE, days_ago=3, victim="B")
    score = score_all(uplifted, today)[offender.pk]
    assert score.harm_days == 3 * days_of(RAPE)
    assert score.score == pytest.approx(3 * days_of(RAPE) * (1 + 0.5 * 1))  # two victims: one extra


def test_offence_type_missing_from_the_policy_counts_with_no_harm(today, make_offender, make_offence, make_user):
    """docs/scoring.md: an offence counts when its status factor is above zero. A type the policy does not list
    adds 0 days but still counts towards offence_count, victim_count and eligibility, in the set-based
    recompute, the incremental rescore and the breakdown alike."""
    from scoring.models import OffenderScore
    from scoring.services import offenders_rescore, policy_activate, policy_approve, policy_create_draft

    author, approver = make_user("admin"), make_user("admin")
    without_rape = policy_create_draft(
        name="no rape", by=author, entries=[{"code": ATTEMPTED_MURDER, "days": 100, "title": "AM"}]
    )
    offender = make_offender()
    make_offence(offender, code=RAPE, days_ago=1, victim="A")
    make_offence(offender, code=ATTEMPTED_MURDER, days_ago=2, victim="B")
    make_offence(offender, code=RAPE, days_ago=3, victim="C", status="cancelled")  # factor 0: not counted
    expected = (100, 100, 2, 2, True)
    score = score_all(without_rape, today)[offender.pk]
    assert (score.score, score.harm_days, score.offence_count, score.victim_count, score.eligible) == expected

    policy_approve(policy=without_rape, by=approver)
    policy_activate(policy=without_rape, by=approver)
    OffenderScore.objects.filter(offender=offender).delete()
    assert offenders_rescore(offender_ids=[offender.pk], as_of=today) == 1
    score = OffenderScore.objects.get(offender=offender)
    assert (score.score, score.harm_days, score.offence_count, score.victim_count, score.eligible) == expected

    summary = offender_score_breakdown(offender)
    rows = {row["code"]: row for row in summary["breakdown"]}
    assert len(summary["breakdown"]) == 2 and set(rows) == {RAPE, ATTEMPTED_MURDER}
    assert (rows[RAPE]["days"], rows[RAPE]["contribution"]) == (0, 0)
    assert rows[ATTEMPTED_MURDER]["days"] == 100
    assert summary["components"]["offence_count"] == 2 and summary["eligible"] is True
    assert sum(row["contribution"] for row in summary["breakdown"]) == pytest.approx(summary["score"]) == 100


def test_breakdown_sums_to_the_score(policy, today, make_offender, make_offence):
    offender = make_offender()
    make_offence(offender, code=RAPE, days_ago=1, victim="A")
    make_offence(offender, code=ATTEMPTED_MURDER, days_ago=40, victim="B", status="convicted")
    make_offence(offender, code=RAPE, days_ago=300, victim="C", status="cancelled")
    make_offence(offender, code=RAPE, days_ago=500, victim="D")
    stored = score_all(policy, today)[offender.pk]
    summary = offender_score_breakdown(offender)
    assert len(summary["breakdown"]) == 2  # one row per counted offence
    assert sum(row["contribution"] for row in summary["breakdown"]) == pytest.approx(summary["score"])
    assert summary["score"] == pytest.approx(stored.score)
    assert summary["rank"] == 1 and summary["policy"]["is_illustrative"] is True
    row = summary["breakdown"][-1]
    assert {"crime_ref", "code", "title", "occurred_on", "status", "days", "factor", "decay", "contribution"} <= set(
        row
    )


def test_breakdown_sums_to_the_score_with_decay_and_uplift(today, make_offender, make_offence, make_user):
    from scoring.models import ScoringPolicy
    from scoring.services import policy_activate, policy_approve, policy_create_draft

    author, approver = make_user("admin"), make_user("admin")
    base = ScoringPolicy.objects.get(status="active")
    draft = policy_create_draft(
        name="both", by=author, based_on=base, parameters={"recency_half_life_days": 90, "victim_uplift": 0.25}
    )
    policy_approve(policy=draft, by=approver)
    policy_activate(policy=draft, by=approver)
    offender = make_offender()
    for days_ago, victim in ((3, "A"), (50, "B"), (170, "C"), (340, "A")):
        make_offence(offender, code=RAPE, days_ago=days_ago, victim=victim)
    stored = score_all(ScoringPolicy.objects.get(status="active"), today)[offender.pk]
    summary = offender_score_breakdown(offender)
    assert sum(row["contribution"] for row in summary["breakdown"]) == pytest.approx(summary["score"])
    assert summary["score"] == pytest.approx(stored.score)
    expected_harm = days_of(RAPE) * sum(0.5 ** (age / 90) for age in (3, 50, 170, 340))
    assert stored.harm_days == pytest.approx(expected_harm, rel=1e-9)
    assert stored.score == pytest.approx(expected_harm * 1.5, rel=1e-9)  # three victims: two extra


def test_protected_characteristics_do_not_change_the_score(policy, today, make_offender, make_offence):
    from offenders.models import Offender

    a, b = make_offender(), make_offender()
    for offender in (a, b):
        make_offence(offender, code=RAPE, days_ago=1)
        make_offence(offender, code=RAPE, days_ago=2)
    Offender.objects.filter(pk=a.pk).update(ethnicity="B1", sex="male")
    Offender.objects.filter(pk=b.pk).update(ethnicity="W1", sex="female")
    scores = score_all(policy, today)
    assert scores[a.pk].score == scores[b.pk].score
