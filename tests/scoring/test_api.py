"""API shapes of rankings, snapshots and runs (docs/api.md) and who sees identities."""

import pytest

from portal.audit.models import AuditEvent
from scoring.models import ScoringRun

from .conftest import run_synchronously

CURRENT = "/api/v1/rankings/current/"


@pytest.fixture
def ranked(make_offender, make_offence):
    offenders = [make_offender() for _ in range(4)] + [make_offender(restricted=True)]
    for index, offender in enumerate(offenders):
        make_offence(offender, code="19C", days_ago=1 + index, borough="Hackney" if index % 2 else "Camden")
        make_offence(
            offender,
            code="002/00" if index < 2 else "19C",
            days_ago=40 + index,
            victim=f"V{index}",
            domestic=index == 0,
        )
    run_synchronously()
    return offenders


def test_current_ranking_shape_for_an_officer(ranked, api_for, make_user):
    response = api_for(make_user("officer")).get(CURRENT)
    assert response.status_code == 200
    body = response.json()
    assert {"count", "next", "previous", "results"} <= set(body) and body["count"] == 4  # the restricted one absent
    top = body["results"][0]
    assert set(top) == {"rank", "offender", "score", "components", "movement"}
    assert set(top["offender"]) == {"id", "reference", "display_name"}
    assert set(top["components"]) == {"harm_days", "offence_count", "victim_count", "days_since_last"}
    assert top["rank"] == 1 and top["movement"] == 0
    assert top["offender"]["reference"].startswith("S-") and top["offender"]["display_name"]
    assert ranked[4].pk not in {r["offender"]["id"] for r in body["results"]}  # no restricted_access grant
    assert AuditEvent.objects.filter(action="ranking.list").exists()


def test_restricted_identity_with_the_grant(ranked, api_for, make_user):
    body = api_for(make_user("supervisor", restricted_access=True)).get(CURRENT).json()
    assert body["count"] == 5 and all(row["offender"]["display_name"] for row in body["results"])


@pytest.mark.parametrize("role", ["admin", "oversight"])
def test_admin_and_oversight_see_pseudonyms_only(ranked, api_for, make_user, role):
    response = api_for(make_user(role)).get(CURRENT)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows and all(row["offender"]["display_name"] is None for row in rows)
    text = response.content.decode()
    assert all(o.surname not in text and o.forenames not in text for o in ranked)


def test_limit_offset_and_filters(ranked, api_for, make_user):
    api = api_for(make_user("officer"))
    assert len(api.get(CURRENT, {"limit": 2}).json()["results"]) == 2
    assert api.get(CURRENT, {"limit": 2, "offset": 2}).json()["results"][0]["rank"] >= 2
    hackney = api.get(CURRENT, {"borough": "hackney"}).json()
    assert {r["offender"]["id"] for r in hackney["results"]} == {ranked[1].pk, ranked[3].pk}
    domestic = api.get(CURRENT, {"domestic": "true"}).json()["results"]
    assert [r["offender"]["id"] for r in domestic] == [ranked[0].pk] and domestic[0]["rank"] == 1
    high = api.get(CURRENT, {"min_score": 3000}).json()["results"]
    assert high and all(r["score"] >= 3000 for r in high)
    assert api.get(CURRENT, {"min_score": "lots"}).status_code == 400
    assert api.get(CURRENT, {"category": "nonsense"}).status_code == 400


def test_new_entrant_has_null_movement(ranked, api_for, make_user, make_offender, make_offence):
    from scoring.services import offenders_rescore

    newcomer = make_offender()
    make_offence(newcomer, code="001/01", days_ago=1)
    make_offence(newcomer, code="001/01", days_ago=2, victim="Z")
    offenders_rescore(offender_ids=[newcomer.pk])
    rows = api_for(make_user("officer")).get(CURRENT).json()["results"]
    assert rows[0]["offender"]["id"] == newcomer.pk and rows[0]["movement"] is None
    assert rows[1]["movement"] == -1


def test_snapshots_list_and_detail(ranked, api_for, make_user):
    api = api_for(make_user("oversight"))
    body = api.get("/api/v1/rankings/snapshots/").json()
    assert body["count"] == 1
    snapshot = body["results"][0]
    assert snapshot["policy"]["version"] == 1 and snapshot["policy"]["is_illustrative"] is True
    assert snapshot["entry_count"] == 5 and snapshot["data_cutoff"]  # a count may include the restricted one
    detail = api.get(f"/api/v1/rankings/snapshots/{snapshot['id']}/").json()
    assert len(detail["entries"]) == 4 and detail["entries"][0]["rank"] == 1  # his row absent
    assert ranked[4].pk not in {e["offender"]["id"] for e in detail["entries"]}
    assert all(e["offender"]["display_name"] is None for e in detail["entries"])
    assert api.get("/api/v1/rankings/snapshots/999999/").status_code == 404


def test_snapshot_detail_with_names_is_audited(ranked, api_for, make_user):
    """docs/access-and-audit.md: a published ranking listing offenders' names writes one audit event naming it."""
    from scoring.models import RankingSnapshot

    snapshot = RankingSnapshot.objects.get()
    officer = make_user("officer")
    response = api_for(officer).get(f"/api/v1/rankings/snapshots/{snapshot.pk}/")
    assert response.status_code == 200 and any(e["offender"]["display_name"] for e in response.json()["entries"])
    [event] = AuditEvent.objects.filter(action="ranking.snapshot_view")
    assert (event.target_type, event.target_id, event.actor_username) == (
        "scoring.rankingsnapshot",
        str(snapshot.pk),
        officer.username,
    )
    assert event.changes == {"rows": 4}  # the rows shown: the restricted one is absent without the grant


def test_runs_post_returns_202_and_the_same_run_twice(db, api_for, make_user):
    api = api_for(make_user("supervisor"))
    first = api.post("/api/v1/scoring/runs/")
    second = api.post("/api/v1/scoring/runs/")
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["status"] == "queued" and first.json()["progress"] == 0
    detail = api.get(f"/api/v1/scoring/runs/{first.json()['id']}/").json()
    assert {"status", "progress", "policy", "started_by_username", "chunks_total"} <= set(detail)
    assert ScoringRun.objects.count() == 1
    assert AuditEvent.objects.filter(action="recompute.start").count() == 1


@pytest.mark.parametrize(("role", "status"), [("officer", 403), ("oversight", 403), ("admin", 202)])
def test_who_may_start_a_recompute(db, api_for, make_user, role, status):
    api = api_for(make_user(role))
    assert api.post("/api/v1/scoring/runs/").status_code == status
    assert api.get("/api/v1/scoring/runs/").status_code == 200


def test_anonymous_is_refused(db, client):
    assert client.get(CURRENT).status_code in (401, 403)


def test_schema_includes_the_scoring_endpoints(db, api_for, make_user):
    response = api_for(make_user("admin")).get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/rankings/current/", "/api/v1/scoring/policies/{id}/approve/", "/api/v1/scoring/runs/{id}/"):
        assert path in text


def test_every_page_gives_each_offender_the_rank_his_profile_shows(make_offender, make_offence, api_for, make_user):
    """Ranks are places on the whole list (ties share one: competition ranking), whatever the page, the
    filter or the reader: the restricted first offender, withheld from a reader without the grant,
    leaves a gap (ADR 0831)."""
    from scoring.selectors import offender_rank

    codes = ["001/01", "002/00", "002/00", "19C", "19C", "19C"]  # tied scores across page boundaries
    people = [make_offender(restricted=index == 0) for index in range(len(codes))]
    for index, (person, code) in enumerate(zip(people, codes, strict=True)):
        borough = "Hackney" if index in (0, 3, 5) else "Camden"
        make_offence(person, code=code, days_ago=5, victim=f"A{index}", borough=borough)
        make_offence(person, code=code, days_ago=5, victim=f"B{index}")
    run_synchronously()
    expected = {person.pk: offender_rank(person) for person in people}
    assert [expected[person.pk] for person in people] == [1, 2, 2, 4, 4, 4]
    for grant, visible, hackney in ((False, 5, [4, 4]), (True, 6, [1, 4, 4])):
        api = api_for(make_user("officer", restricted_access=grant))
        for limit in (1, 2, 4):
            for offset in range(0, visible, limit):
                rows = api.get(CURRENT, {"limit": limit, "offset": offset}).json()["results"]
                assert rows and all(row["rank"] == expected[row["offender"]["id"]] for row in rows)
        assert [row["rank"] for row in api.get(CURRENT).json()["results"]][:2] == ([2, 2] if not grant else [1, 2])
        assert [row["rank"] for row in api.get(CURRENT, {"borough": "Hackney"}).json()["results"]] == hackney
