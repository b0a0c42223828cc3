"""The scoring pages: rankings, runs with the progress partial, policies with the four-eyes buttons."""

import pytest

from scoring.models import ScoringPolicy, ScoringRun
from scoring.services import policy_approve, policy_create_draft

from .conftest import run_synchronously


@pytest.fixture
def ranked(make_offender, make_offence):
    offenders = [make_offender(surname=f"Ranked{i}") for i in range(3)] + [
        make_offender(restricted=True, surname="Hidden")
    ]
    for index, offender in enumerate(offenders):
        make_offence(offender, code="19C", days_ago=1 + index, borough="Hackney")
        make_offence(offender, code="002/00", days_ago=20 + index, victim=f"V{index}")
    run_synchronously()
    return offenders


@pytest.mark.parametrize("role", ["officer", "supervisor", "admin", "oversight"])
def test_rankings_page_for_each_role(ranked, web_for, make_user, role):
    response = web_for(make_user(role)).get("/rankings/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="ranking-row"') == 3  # the restricted one is absent without the grant
    assert "Illustrative" in body and "<script>" not in body
    if role in ("officer", "supervisor"):
        assert "Ranked0" in body.upper() or "Forename" in body
    else:
        assert "Forename" not in body and "Ranked0" not in body
    assert "Hidden" not in body and ranked[3].reference not in body and "Restricted</strong>" not in body


def test_rankings_page_with_the_grant_shows_the_restricted_offender_tagged(ranked, web_for, make_user):
    body = web_for(make_user("officer", restricted_access=True)).get("/rankings/").content.decode()
    assert body.count('data-testid="ranking-row"') == 4
    assert "Hidden" in body and ranked[3].reference in body and 'data-testid="restricted-tag"' in body


def test_rankings_page_filters_and_marks_new_entrants(ranked, web_for, make_user, make_offender, make_offence):
    from scoring.services import offenders_rescore

    newcomer = make_offender(surname="Newcomer")
    make_offence(newcomer, code="001/01", days_ago=1, borough="Camden")
    make_offence(newcomer, code="19C", days_ago=2, borough="Camden", victim="VN")
    offenders_rescore(offender_ids=[newcomer.pk])
    web = web_for(make_user("officer"))
    body = web.get("/rankings/").content.decode()
    assert "New</strong>" in body
    camden = web.get("/rankings/", {"borough": "Camden"}).content.decode()
    assert camden.count('data-testid="ranking-row"') == 1 and "Newcomer" in camden
    bad = web.get("/rankings/", {"min_score": "lots"})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()


def test_runs_page_shows_progress_and_a_start_button_for_supervisors(ranked, web_for, make_user):
    web = web_for(make_user("supervisor"))
    body = web.get("/scoring/runs/").content.decode()
    assert 'data-testid="start-recompute"' in body and 'data-testid="run-progress-bar"' in body
    assert body.count('data-testid="run-history"') == 1 and "hx-swap-oob" not in body
    response = web.post("/scoring/runs/")
    assert response.status_code == 302
    run = ScoringRun.objects.get(status="queued")
    partial = web.get(f"/scoring/runs/{run.pk}/progress/").content.decode()
    assert 'hx-trigger="every 500ms"' in partial and 'value="0.0000"' in partial
    history = partial.split('<div id="run-history"')[1]  # swapped in out of band: the table follows each poll
    assert history.startswith(' class="portal-table-scroll" hx-swap-oob="true"') and f">{run.pk}</a>" in history
    finished = ScoringRun.objects.filter(status="succeeded").first()
    done = web.get(f"/scoring/runs/{finished.pk}/progress/").content.decode()
    assert "hx-trigger" not in done and 'value="1.0000"' in done
    assert web.get(f"/scoring/runs/{finished.pk}/").status_code == 200


def test_officers_cannot_start_a_recompute(db, web_for, make_user):
    web = web_for(make_user("officer"))
    assert 'data-testid="start-recompute"' not in web.get("/scoring/runs/").content.decode()
    assert web.post("/scoring/runs/").status_code == 403
    assert not ScoringRun.objects.exists()


def test_policy_pages_four_eyes_and_diff(db, web_for, make_user, policy):
    author, approver = make_user("admin"), make_user("admin")
    web = web_for(author)
    listing = web.get("/scoring/policies/").content.decode()
    assert "Illustrative" in listing and 'data-testid="create-draft"' in listing
    response = web.post("/scoring/policies/new/", {"name": "Next", "based_on": policy.pk})
    draft = ScoringPolicy.objects.get(name="Next")
    assert response.status_code == 302 and response["Location"] == f"/scoring/policies/{draft.pk}/edit/"
    form = web.get(f"/scoring/policies/{draft.pk}/edit/").content.decode()
    assert "19C" in form
    data = {
        "name": "Next", "notes": "", "window_days": 180, "min_offences": 2, "recency_half_life_days": "",
        "victim_uplift": "", "entries": "19C,Rape,2000,test\n002/00,Attempted murder,2190,",
        **{f"factor_{s}": 1 for s in ("reported", "investigating", "charged", "convicted", "nfa")},
        "factor_acquitted": 0, "factor_cancelled": 0,
    }  # fmt: skip
    assert web.post(f"/scoring/policies/{draft.pk}/edit/", data).status_code == 302
    detail = web.get(f"/scoring/policies/{draft.pk}/").content.decode()
    assert "window_days: 365 → 180" in detail and "1,825 → 2,000 days" in detail and "Removed 001/01" in detail
    assert 'data-testid="approve-policy"' not in detail  # the author sees no approve button
    assert web.post(f"/scoring/policies/{draft.pk}/approve/").status_code == 403
    other = web_for(approver)
    assert 'data-testid="approve-policy"' in other.get(f"/scoring/policies/{draft.pk}/").content.decode()
    assert other.post(f"/scoring/policies/{draft.pk}/approve/").status_code == 302
    assert other.post(f"/scoring/policies/{draft.pk}/activate/").status_code == 302
    assert ScoringPolicy.objects.get(pk=draft.pk).status == "active"


def test_policy_edit_form_errors_and_frozen_policies(db, web_for, make_user, policy):
    web = web_for(make_user("admin"))
    draft = policy_create_draft(name="d", by=make_user("admin"), based_on=policy)
    bad = web.post(f"/scoring/policies/{draft.pk}/edit/", {"name": "", "window_days": "x", "entries": "19C,Rape,lots"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    before = sorted(draft.entries.values_list("code", "days"))
    data = {
        "name": "d", "notes": "", "window_days": 365, "min_offences": 2, "recency_half_life_days": "",
        "victim_uplift": "", "entries": "19C,Rape,2000,\nZZZ,Made up,5,",
        **{f"factor_{s}": 1 for s in ("reported", "investigating", "charged", "convicted", "nfa")},
        "factor_acquitted": 0, "factor_cancelled": 0,
    }  # fmt: skip
    unknown = web.post(f"/scoring/policies/{draft.pk}/edit/", data)
    assert unknown.status_code == 400 and "ZZZ" in unknown.content.decode()
    assert "not the code of a known offence type" in unknown.content.decode()
    assert sorted(draft.entries.values_list("code", "days")) == before
    assert web.get(f"/scoring/policies/{policy.pk}/edit/").status_code == 302  # active: no edit form
    policy_approve(policy=draft, by=make_user("admin"))
    assert web.get(f"/scoring/policies/{draft.pk}/edit/").status_code == 302


def test_snapshot_page_with_names_is_audited(ranked, web_for, make_user):
    from portal.audit.models import AuditEvent
    from scoring.models import RankingSnapshot

    snapshot = RankingSnapshot.objects.get()
    officer = make_user("officer")
    body = web_for(officer).get(f"/rankings/snapshots/{snapshot.pk}/").content.decode()
    assert "RANKED0" in body.upper()
    [event] = AuditEvent.objects.filter(action="ranking.snapshot_view")
    assert (event.target_id, event.actor_username, event.changes) == (str(snapshot.pk), officer.username, {"rows": 3})
    web_for(make_user("oversight")).get(f"/rankings/snapshots/{snapshot.pk}/")  # pseudonyms only: no event
    assert AuditEvent.objects.filter(action="ranking.snapshot_view").count() == 1


def test_officers_cannot_write_policies(db, web_for, make_user, policy):
    web = web_for(make_user("officer"))
    assert web.get("/scoring/policies/").status_code == 200
    assert web.post("/scoring/policies/new/", {"name": "x"}).status_code == 403
    assert web.post(f"/scoring/policies/{policy.pk}/approve/").status_code == 403


def test_offender_score_panel(ranked, make_user, rf):
    from django.template.loader import render_to_string

    from scoring.selectors import offender_score_breakdown, offender_score_panel

    summary = offender_score_breakdown(ranked[0])
    data = offender_score_panel(user=make_user("officer"), offender=ranked[0], score_summary=summary)
    html = render_to_string("scoring/offender_score_panel.html", {"offender": ranked[0], "data": data})
    assert 'data-testid="score-breakdown"' in html and "Policy v1" in html and "illustrative" in html
    assert 'id="harm-history-data"' in html and "harm_chart.js" in html
    assert "<script>" not in html  # data only in json_script blocks


def test_rankings_page_shows_movement_recorded_at_the_last_publication(ranked, web_for, make_user, make_offence):
    """After a run (e.g. a new policy) publishes, live movement is 0 but the list still shows how that
    publication moved each offender against the one before."""
    make_offence(ranked[2], code="001/01", days_ago=1, victim="VM")
    run_synchronously()
    body = web_for(make_user("officer")).get("/rankings/").content.decode()
    row = body.split(f'data-offender="{ranked[0].pk}"')[1].split("</tr>")[0]  # was tied first, now second
    assert 'data-testid="movement">no change' in row and 'data-testid="published-movement">down 1' in row
