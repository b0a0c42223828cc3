"""Per-offence multipliers on a policy (docs/scoring.md): the same single formula, the factor shown in the
breakdown, and the rows still summing exactly to the score."""

from decimal import Decimal

import pytest

from scoring.models import OffenderScore, ScoringPolicy
from scoring.selectors import offender_score_breakdown
from scoring.services import policy_activate, policy_approve, policy_create_draft, scores_write

pytestmark = pytest.mark.django_db

COERCIVE = "008/67"


def _activate(draft, approver):
    policy_approve(policy=draft, by=approver)
    policy, _run = policy_activate(policy=ScoringPolicy.objects.get(pk=draft.pk), by=approver)
    return policy


def test_a_multiplier_scales_its_offences_and_the_breakdown_shows_it(
    policy, make_user, make_offender, make_offence, today
):
    author, approver = make_user("admin"), make_user("admin")
    draft = policy_create_draft(
        name="Coercive x3", by=author, based_on=policy, parameters={"multipliers": {"00867": 3}}
    )
    assert draft.multipliers == {COERCIVE: 3.0}
    active = _activate(draft, approver)
    offender = make_offender()
    make_offence(offender, code=COERCIVE, victim="V1")
    make_offence(offender, code=COERCIVE, victim="V1", days_ago=40)
    make_offence(offender, code="008/06", victim="V1")
    scores_write(policy=active, as_of=today, offender_ids=[offender.pk])

    days = dict(active.entries.values_list("code", "days"))
    expected = 3 * 2 * days[COERCIVE] + days["008/06"]
    stored = OffenderScore.objects.get(offender=offender)
    assert Decimal(repr(stored.score)) == expected
    summary = offender_score_breakdown(offender)
    factors = sorted((row["code"], row["multiplier"]) for row in summary["breakdown"])
    assert factors == [("008/06", 1), (COERCIVE, 3), (COERCIVE, 3)]
    assert sum(Decimal(repr(row["contribution"])) for row in summary["breakdown"]) == Decimal(repr(summary["score"]))


@pytest.mark.parametrize("factor", [0, -1, 10.01, "x", 1.234])
def test_bad_multipliers_are_refused_and_nothing_changes(policy, make_user, api_for, factor):
    before = ScoringPolicy.objects.count()
    response = api_for(make_user("admin")).post(
        "/api/v1/scoring/policies/",
        {"name": "x", "based_on": policy.pk, "parameters": {"multipliers": {COERCIVE: factor}}},
        format="json",
    )
    assert response.status_code == 400 and "multipliers" in str(response.json())
    assert ScoringPolicy.objects.count() == before


def test_a_multiplier_of_ten_is_allowed_and_shown_on_the_policy_page(policy, make_user, web_for):
    admin = make_user("admin")
    draft = policy_create_draft(name="Stalking", by=admin, based_on=policy, parameters={"multipliers": {"008/65": 10}})
    page = web_for(admin).get(f"/scoring/policies/{draft.pk}/").content.decode()
    assert "008/65 ×10" in page


def test_the_edit_page_takes_multipliers_as_lines(policy, make_user, web_for):
    admin = make_user("admin")
    web = web_for(admin)
    draft = policy_create_draft(name="Edit me", by=admin, based_on=policy)
    form = web.get(f"/scoring/policies/{draft.pk}/edit/")
    data = {key: value for key, value in form.context["form"].initial.items() if value is not None}
    data.update({"multipliers": "008/67,3\n008/65,2", "incident_days": "0.5"})
    data.update({f"factor_{status}": factor for status, factor in policy.status_factors.items()})
    response = web.post(f"/scoring/policies/{draft.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.multipliers == {"008/65": 2.0, COERCIVE: 3.0} and draft.incident_days == Decimal("0.5")
    bad = web.post(f"/scoring/policies/{draft.pk}/edit/", {**data, "multipliers": "008/67,0"})
    assert bad.status_code == 400 and "multipliers" in bad.content.decode()
    draft.refresh_from_db()
    assert draft.multipliers == {"008/65": 2.0, COERCIVE: 3.0}
