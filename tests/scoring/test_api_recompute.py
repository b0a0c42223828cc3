"""The score recomputed from nothing but what the API publishes (the active policy's parameters and
entries, each offender's offences) by docs/scoring.md, then compared with the ranked list and the
profile: a client checking the portal's arithmetic must find it agrees to the last digit."""

from datetime import date

import pytest
from django.utils import timezone

from .conftest import run_synchronously

POLICIES = "/api/v1/scoring/policies/"
PURPOSE = {"HTTP_X_ACCESS_PURPOSE": "investigation"}


def expected_score(policy: dict, offences: list[dict], as_of: date) -> dict:
    """docs/scoring.md, written independently of scoring.formula."""
    parameters = policy["parameters"]
    days = {entry["code"]: entry["days"] for entry in policy["entries"]}
    counted = []
    for offence in offences:
        occurred = date.fromisoformat(offence["occurred_on"])
        factor = parameters["status_factors"].get(offence["status"], 1.0)
        age = (as_of - occurred).days
        if not 0 <= age < parameters["window_days"] or factor <= 0:
            continue
        half_life = parameters["recency_half_life_days"]
        decay = 0.5 ** (age / half_life) if half_life else 1.0
        counted.append((offence, days.get(offence["offence_code"], 0) * factor * decay, occurred))
    victims = {offence["victim_ref"] for offence, _, _ in counted}
    uplift = 1 + (parameters["victim_uplift"] or 0) * max(len(victims) - 1, 0)
    return {
        "score": sum(contribution for _, contribution, _ in counted) * uplift,
        "offence_count": len(counted),
        "victim_count": len(victims),
        "days_since_last": (as_of - max(occurred for *_, occurred in counted)).days if counted else None,
        "eligible": len(counted) >= parameters["min_offences"],
        "crime_refs": sorted(offence["crime_ref"] for offence, _, _ in counted),
    }


@pytest.fixture
def decaying_policy(make_user, api_for, policy):
    """A policy with recency decay, a victim uplift and a part-weighted status, made active through the API
    by two admins (four eyes)."""
    author, approver = make_user("admin"), make_user("admin")
    parameters = {"recency_half_life_days": 90, "victim_uplift": 0.5, "status_factors": {"nfa": 0.5}}
    created = api_for(author).post(
        POLICIES, {"name": "Decaying", "based_on": policy.pk, "parameters": parameters}, format="json"
    )
    assert created.status_code == 201, created.content
    url = f"{POLICIES}{created.json()['id']}/"
    assert api_for(approver).post(url + "approve/").status_code == 200
    assert api_for(approver).post(url + "activate/").status_code == 200


@pytest.fixture
def offenders(make_offender, make_offence):
    first, second, single = make_offender(), make_offender(), make_offender()
    make_offence(first, code="19C", days_ago=10, victim="V1")
    make_offence(first, code="002/00", days_ago=100, victim="V2", status="nfa")
    make_offence(first, code="008/67", days_ago=5, victim="V3", status="cancelled")
    make_offence(first, code="19C", days_ago=400, victim="V4")  # outside the window
    make_offence(second, code="19C", days_ago=30, victim="V5")
    make_offence(second, code="008/67", days_ago=31, victim="V5", status="charged")
    make_offence(single, code="001/01", days_ago=3, victim="V6")
    return first, second, single


def test_the_published_score_is_what_an_independent_recomputation_gives(decaying_policy, offenders, make_user, api_for):
    run_synchronously()
    api = api_for(make_user("officer"))
    [active] = api.get(POLICIES, {"status": "active"}).json()["results"]
    policy = api.get(f"{POLICIES}{active['id']}/").json()
    assert policy["parameters"]["recency_half_life_days"] == 90
    ranking = {row["offender"]["id"]: row for row in api.get("/api/v1/rankings/current/").json()["results"]}
    for offender in offenders:
        offences = api.get("/api/v1/offences/", {"offender": offender.pk, "page_size": 500}).json()["results"]
        expected = expected_score(policy, offences, timezone.localdate())
        profile = api.get(f"/api/v1/offenders/{offender.pk}/", **PURPOSE).json()
        assert profile["score"] == pytest.approx(expected["score"], rel=1e-9)
        assert profile["eligible"] is expected["eligible"]
        components = {
            name: profile["components"][name] for name in ("offence_count", "victim_count", "days_since_last")
        }
        assert components == {name: expected[name] for name in components}
        assert sorted(row["crime_ref"] for row in profile["breakdown"]) == expected["crime_refs"]
        assert sum(row["contribution"] for row in profile["breakdown"]) == pytest.approx(profile["score"], rel=1e-9)
        if not expected["eligible"]:
            assert offender.pk not in ranking and profile["rank"] is None
            continue
        row = ranking[offender.pk]
        assert row["score"] == pytest.approx(expected["score"], rel=1e-9)  # not rounded away from the profile
        assert row["score"] == pytest.approx(profile["score"], rel=1e-12) and row["rank"] == profile["rank"]
        assert {name: row["components"][name] for name in components} == components
    assert [row["rank"] for row in ranking.values()] == [1, 2]
