"""The impact preview of a draft policy (docs/scoring.md), checked against an independent computation on a
small data set: the scores, top N, overlap, entrants and leavers, Kendall's tau and the ethnic groups'
shares recomputed here in plain Python from the offences themselves, with no use of the formula."""

from datetime import timedelta
from decimal import Decimal
from itertools import combinations

import pytest

from offenders.choices import ethnicity_group
from offenders.models import DomesticIncident, Offence, Offender, offender_reference
from offenders.services.incidents import incident_record
from scoring.models import HarmEntry, ScoringPolicy
from scoring.preview import policy_preview
from scoring.services import policy_create_draft, scores_write

pytestmark = pytest.mark.django_db

COERCIVE = "008/67"
TOP_N = 4


def _world(make_offender, make_offence, make_user, today):
    """Eight offenders: violent ones near the top today, and one whose offences are mostly coercive control."""
    plans = [
        ("W1", [("008/06", d) for d in (5, 30, 60, 90, 120, 150)]),
        ("B1", [("008/01", 10), ("008/01", 50), ("008/01", 90), ("105/01", 40)]),
        ("A1", [("008/06", d) for d in (12, 24, 36, 48, 60)] + [("8L", 60)]),
        ("M1", [("008/01", 2), ("008/01", 20), ("8L", 200), ("8L", 220)]),
        ("W2", [(COERCIVE, 3), (COERCIVE, 33), ("105/01", 90)]),  # the controlling one: fifth today
        ("", [("008/06", 100), ("105/01", 101)]),
        ("W3", [("8L", 7), ("8L", 70)]),
        ("O2", [("008/06", 400), ("008/06", 15)]),  # one out of the window: not eligible
    ]
    offenders = []
    for ethnicity, offences in plans:
        offender = make_offender()
        Offender.objects.filter(pk=offender.pk).update(ethnicity=ethnicity)
        for n, (code, days_ago) in enumerate(offences):
            make_offence(offender, code=code, days_ago=days_ago, victim=f"V{offender.pk}-{n % 2}")
        offenders.append(offender)
    officer = make_user("officer")
    for n in range(3):  # non-crime incidents against the controlling one
        incident_record(data={"incident_ref": f"P{n}", "offender": offenders[4], "victim_ref": "VX",
                              "occurred_on": today - timedelta(days=10 * n + 1), "kind": "verbal"}, by=officer)  # fmt: skip
    return offenders


def _independent_scores(policy: ScoringPolicy, today) -> dict[int, tuple[Decimal, bool]]:
    """Each offender's (score, eligible) from the raw rows: days x multiplier x status factor over the
    window, plus incident days per incident; no decay, no uplift in these policies."""
    days = {e.code: e.days for e in HarmEntry.objects.filter(policy=policy)}
    start = today - timedelta(days=policy.window_days)
    scores: dict[int, Decimal] = {}
    counts: dict[int, int] = {}
    for offence in Offence.objects.select_related("offence_type"):
        factor = Decimal(str(policy.status_factors.get(offence.status, 1)))
        if not (start < offence.occurred_on <= today) or factor <= 0:
            continue
        multiplier = Decimal(str(policy.multipliers.get(offence.offence_type.code, 1)))
        contribution = days.get(offence.offence_type.code, Decimal(0)) * multiplier * factor
        scores[offence.offender_id] = scores.get(offence.offender_id, Decimal(0)) + contribution
        counts[offence.offender_id] = counts.get(offence.offender_id, 0) + 1
    for incident in DomesticIncident.objects.all():
        if start < incident.occurred_on <= today and policy.incident_days:
            scores[incident.offender_id] = scores.get(incident.offender_id, Decimal(0)) + policy.incident_days
    return {pk: (score, counts.get(pk, 0) >= policy.min_offences) for pk, score in scores.items()}


def _top(scores, n):
    eligible = [(pk, score) for pk, (score, ok) in scores.items() if ok]
    return [pk for pk, _score in sorted(eligible, key=lambda row: (-row[1], row[0]))[:n]]


def _tau_b(x, y):
    """Kendall's tau-b by counting pairs (no library)."""
    concordant = discordant = ties_x = ties_y = 0
    for i, j in combinations(range(len(x)), 2):
        dx, dy = x[i] - x[j], y[i] - y[j]
        if dx == 0 and dy == 0:
            continue
        if dx == 0:
            ties_x += 1
        elif dy == 0:
            ties_y += 1
        elif (dx > 0) == (dy > 0):
            concordant += 1
        else:
            discordant += 1
    return (concordant - discordant) / (
        ((concordant + discordant + ties_x) * (concordant + discordant + ties_y)) ** 0.5
    )


def test_the_preview_matches_an_independent_computation(policy, make_user, make_offender, make_offence, today):
    offenders = _world(make_offender, make_offence, make_user, today)
    scores_write(policy=policy, as_of=today, offender_ids=[o.pk for o in offenders])  # the live ranking
    draft = policy_create_draft(name="Coercive control x3", by=make_user("admin"), based_on=policy,
                                parameters={"multipliers": {COERCIVE: 3}, "incident_days": 25})  # fmt: skip
    published = ScoringPolicy.objects.count()

    preview = policy_preview(policy=draft, top_n=TOP_N, as_of=today)

    old, new = _independent_scores(policy, today), _independent_scores(draft, today)
    old_top, new_top = _top(old, TOP_N), _top(new, TOP_N)
    union = sorted(set(old_top) | set(new_top))
    assert preview["compared_with"] == policy.pk and preview["top_n"] == TOP_N
    assert preview["overlap"] == len(set(old_top) & set(new_top))
    assert preview["entered"] == [offender_reference(pk) for pk in new_top if pk not in old_top]
    assert preview["left"] == [offender_reference(pk) for pk in old_top if pk not in new_top]
    expected_tau = _tau_b(
        [float(old.get(pk, (0, 0))[0]) for pk in union], [float(new.get(pk, (0, 0))[0]) for pk in union]
    )
    assert preview["rank_correlation"] == pytest.approx(expected_tau, abs=1e-6)
    groups = {o.pk: ethnicity_group(Offender.objects.get(pk=o.pk).ethnicity) for o in offenders}
    for group, shares in preview["composition"].items():
        assert shares["active"] == pytest.approx(sum(groups[pk] == group for pk in old_top) / TOP_N)
        assert shares["draft"] == pytest.approx(sum(groups[pk] == group for pk in new_top) / TOP_N)
    assert sum(shares["draft"] for shares in preview["composition"].values()) == pytest.approx(1)

    controlling = offenders[4]
    assert controlling.pk not in old_top and controlling.pk in new_top  # he rises into the top N
    assert offender_reference(controlling.pk) in preview["entered"]
    assert ScoringPolicy.objects.count() == published and draft.status == "draft"  # nothing published


def test_the_approving_admin_sees_the_preview_and_it_is_kept_with_the_approval(
    policy, make_user, make_offender, make_offence, today, web_for, settings
):
    settings.PORTAL_TOP_N = TOP_N
    from portal.audit.models import AuditEvent
    from scoring.services import policy_approve

    offenders = _world(make_offender, make_offence, make_user, today)
    scores_write(policy=policy, as_of=today, offender_ids=[o.pk for o in offenders])
    author, approver = make_user("admin"), make_user("admin")
    draft = policy_create_draft(name="Coercive x3", by=author, based_on=policy,
                                parameters={"multipliers": {COERCIVE: 3}, "incident_days": 25})  # fmt: skip
    response = web_for(approver).get(f"/scoring/policies/{draft.pk}/")
    page = response.content.decode()
    assert 'data-testid="policy-preview"' in page and offender_reference(offenders[4].pk) in page
    assert offenders[4].surname not in page  # pseudonymised
    assert 'data-testid="policy-preview"' not in web_for(author).get(f"/scoring/policies/{draft.pk}/").content.decode()

    approved = policy_approve(policy=draft, by=approver)
    assert approved.approval_preview["compared_with"] == policy.pk
    assert offender_reference(offenders[4].pk) in approved.approval_preview["entered"]
    event = AuditEvent.objects.get(action="policy.approve", target_id=str(draft.pk))
    assert event.changes["preview"] == approved.approval_preview
    page = web_for(approver).get(f"/scoring/policies/{draft.pk}/").content.decode()
    assert "Impact preview seen at approval" in page


def test_the_preview_api_is_for_admin_and_oversight(policy, make_user, api_for):
    draft = policy_create_draft(name="Preview me", by=make_user("admin"), based_on=policy)
    url = f"/api/v1/scoring/policies/{draft.pk}/preview/"
    for role in ("admin", "oversight"):
        response = api_for(make_user(role)).get(url, {"top_n": 5})
        assert response.status_code == 200, response.content
        assert set(response.json()) >= {"compared_with", "top_n", "overlap", "entered", "left", "rank_correlation",
                                        "composition"}  # fmt: skip
        assert response.json()["top_n"] == 5
    assert api_for(make_user("officer")).get(url).status_code == 403
    assert api_for(make_user("admin")).get(url, {"top_n": 0}).status_code == 400
