"""One read per page and its API twin (docs/decisions/0507): the ranking, the profile and the case detail
read through the same selector, the active policy is one named queryset, and panels read nothing while
they render."""

import pytest
from django.template.loader import render_to_string

from offenders.selectors import offender_profile
from scoring.models import ScoringPolicy
from scoring.selectors import active_policy, active_policy_codes, ranking_filter, ranking_rows_for
from scoring.services import policy_create_draft

from .conftest import run_synchronously

PURPOSE = {"HTTP_X_ACCESS_PURPOSE": "investigation"}


@pytest.fixture
def ranked(make_offender, make_offence):
    offenders = [make_offender(surname=f"Ranked{i}") for i in range(4)] + [make_offender(restricted=True)]
    for index, offender in enumerate(offenders):
        make_offence(offender, code="19C", days_ago=1 + index, borough="Hackney" if index % 2 else "Camden")
        make_offence(offender, code="002/00" if index < 2 else "19C", days_ago=30 + index, victim=f"V{index}")
    run_synchronously()
    return offenders


def test_active_is_the_policy_in_force_only(policy, make_user):
    draft = policy_create_draft(name="Next year's table", based_on=policy, by=make_user("admin"))
    assert list(ScoringPolicy.objects.active()) == [policy] and active_policy() == policy
    assert draft not in ScoringPolicy.objects.active()
    assert {code for code, _type, _title in active_policy_codes()} == set(policy.entries.values_list("code", flat=True))
    ScoringPolicy.objects.filter(pk=policy.pk).update(status="retired")
    assert not ScoringPolicy.objects.active().exists()
    assert active_policy() is None and active_policy_codes() is None


@pytest.mark.parametrize("params", [{}, {"borough": "hackney"}, {"domestic": "false", "min_score": "1"}])
def test_the_ranking_page_and_api_show_the_same_rows(ranked, make_user, api_for, web_for, params):
    officer = make_user("officer")
    rows = ranking_rows_for(user=officer, filters=ranking_filter(user=officer, params=params))
    api_rows = api_for(officer).get("/api/v1/rankings/current/", params).json()["results"]
    assert [(r["rank"], r["offender"], r["movement"]) for r in rows] == [
        (r["rank"], r["offender"], r["movement"]) for r in api_rows
    ]
    assert [r["score"] for r in rows] == [round(r["score"], 2) for r in api_rows]  # the page rounds, the API not
    page = web_for(officer).get("/rankings/", params).content.decode()
    assert [int(part.split('"')[0]) for part in page.split('data-offender="')[1:]] == [
        r["offender"]["id"] for r in api_rows
    ]


def test_an_invalid_filter_on_the_page_narrows_nothing(ranked, make_user):
    officer = make_user("officer")
    everyone = ranking_rows_for(user=officer)
    assert (
        ranking_rows_for(user=officer, filters=ranking_filter(user=officer, params={"min_score": "lots"})) == everyone
    )
    assert len(everyone) == 4  # the restricted offender is absent without the grant
    assert ranked[-1].pk not in {row["offender"]["id"] for row in everyone}
    assert ranking_rows_for(user=officer, limit=2, offset=1) == everyone[1:3]


def test_the_profile_page_and_api_show_the_same_score(ranked, make_user, api_for):
    officer = make_user("officer")
    offender = ranked[0]
    profile = offender_profile(user=officer, offender=offender)
    api = api_for(officer).get(f"/api/v1/offenders/{offender.pk}/", **PURPOSE).json()
    summary = profile.score_summary
    assert (api["score"], api["rank"], api["components"]) == (summary["score"], summary["rank"], summary["components"])
    assert [row["crime_ref"] for row in api["breakdown"]] == [row["crime_ref"] for row in summary["breakdown"]]
    assert [o["crime_ref"] for o in api["offences"]] == [o.crime_ref for o in profile.offences]
    assert set(profile.panels) == {"beside", "below"}
    [score_panel] = profile.panels["below"]  # full width, under the details and the cases beside them
    assert score_panel.data["summary"] is summary and score_panel.data["history"]["labels"]
    assert sum(entry["harm"] for entry in score_panel.data["by_type"]) == pytest.approx(summary["score"], abs=0.05)
    assert offender_profile(user=officer, offender=offender, panels=False).panels == {}


def test_profile_panels_read_nothing_while_they_render(ranked, make_user, django_assert_num_queries):
    officer = make_user("officer")
    profile = offender_profile(user=officer, offender=ranked[0])
    for slot in ("beside", "below"):
        for panel in profile.panels[slot]:
            context = {"offender": ranked[0], "data": panel.data}
            with django_assert_num_queries(0):
                html = render_to_string(panel.template, context)
            assert 'data-testid="score-panel"' in html or 'data-testid="offender-cases"' in html
