"""A real browser opens every oversight report: the chart is drawn by Chart.js from json_script data,
with no Content-Security-Policy complaint, and the table and CSV link are there beside it."""

import datetime as dt

import pytest

from portal.oversight.urls import REPORT_PAGES
from tests.conftest import browser_login
from tests.factories import OffenceFactory, OffenderFactory
from tests.factories.audit import record_event
from tests.factories.cases import open_case
from tests.factories.clock import at_noon, days_ago
from tests.factories.scores import give_score, publish

pytestmark = pytest.mark.browser

CHART_DRAWN = """(canvas) => {
  const chart = window.Chart && window.Chart.getChart(canvas);
  if (!chart || canvas.dataset.chartReady !== "true" || canvas.width === 0) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) return chart.data.datasets.length; }
  return false;
}"""


def seed_every_report(supervisor):
    people = [OffenderFactory(ethnicity=code) for code in ("W1", "B1", "A2", "W2", "M1", "")]
    for index, offender in enumerate(people):
        OffenceFactory(offender=offender, occurred_on=days_ago(120), reported_on=days_ago(120), borough="Camden")
        give_score(offender, score=100 - index, eligible=index < 4)
    first = publish(people[:4], when=at_noon(days_ago(10)))
    publish([people[1], people[0], people[3], people[2]], when=at_noon(days_ago(3)), previous=first)
    case = open_case(people[0], lead=supervisor, opened_at=at_noon(days_ago(40)), score_at_tasking=100)
    open_case(people[1], lead=supervisor, opened_at=at_noon(days_ago(20)), review_due=days_ago(2))
    type(case).objects.filter(pk=case.pk).update(
        stage="closed", exit_reason="convicted", closed_at=at_noon(days_ago(1))
    )
    record_event(
        user=supervisor, action="offender.view", when=at_noon(days_ago(1)), target=people[0], purpose="tasking"
    )


def test_each_report_draws_its_chart(reference_data, page, make_user):
    supervisor = make_user("supervisor", username="sgt_reports_browser")
    seed_every_report(supervisor)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    browser_login(page, supervisor.username)
    for name in (name for name in REPORT_PAGES if name != "evaluation"):  # no history here: no chart (no data)
        page.goto(f"/oversight/{name}/?from={(dt.date.today() - dt.timedelta(days=365)).isoformat()}")
        canvases = page.locator("canvas[data-chart-source]")
        assert canvases.count() >= 1, f"{name} has no chart"
        for index in range(canvases.count()):
            handle = canvases.nth(index).element_handle()
            page.wait_for_function(f"(canvas) => ({CHART_DRAWN})(canvas)", arg=handle)
            assert page.evaluate(CHART_DRAWN, handle), f"{name} chart {index} not drawn"
        assert page.locator("table.govuk-table").count() >= 1
        assert page.locator("[data-testid=csv-export]").count() == 1
    csp_errors = [e for e in page.console_errors if "Content Security Policy" in e or "Refused" in e]
    assert not csp_errors, csp_errors
    assert not script_errors, script_errors
    # The only console error allowed is the browser asking for a favicon the portal does not serve.
    assert not [e for e in page.console_errors if not e.startswith("Failed to load resource")], page.console_errors


def test_period_form_and_print_layout(reference_data, page, make_user):
    supervisor = make_user("supervisor", username="sgt_print")
    seed_every_report(supervisor)
    browser_login(page, supervisor.username)
    page.goto("/oversight/outcomes/")
    page.fill("#id_from", "2001-01-01")
    page.fill("#id_to", "2001-12-31")
    page.click("[data-testid=apply-period]")
    page.wait_for_url("**/oversight/outcomes/?from=2001-01-01&to=2001-12-31")
    assert page.locator("canvas").count() == 0
    assert page.locator("text=No data for this period").count() >= 3
    page.goto("/oversight/governance/")
    page.emulate_media(media="print")
    assert not page.locator("form.portal-period-form").is_visible()
    assert page.locator(".portal-print-only").first.is_visible()
    assert page.locator("canvas").first.is_visible()


def test_the_evaluation_page_draws_its_charts(reference_data, page, make_user, settings):
    """With a seeded history the evaluation page draws both groups before and after, and the estimates."""
    import io

    from django.core.management import call_command

    settings.PORTAL_TOP_N = 40
    call_command("seed_demo", "--offenders", "4000", "--seed", "9", "--history-months", "10",
                 "--tasking-effect", "-0.4", stdout=io.StringIO())  # fmt: skip
    supervisor = make_user("supervisor", username="sgt_evaluation_browser")
    browser_login(page, supervisor.username)
    page.goto("/oversight/evaluation/")
    assert page.locator("[data-testid=report-title]").inner_text() == "Does tasking work?"
    canvases = page.locator("canvas[data-chart-source]")
    assert canvases.count() == 2
    for index in range(canvases.count()):
        handle = canvases.nth(index).element_handle()
        page.wait_for_function(f"(canvas) => ({CHART_DRAWN})(canvas)", arg=handle)
    assert page.locator("[data-testid=table-estimates]").count() == 1
    assert page.locator("[data-testid=csv-export]").count() == 1
