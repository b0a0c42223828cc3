"""A real browser: the ranked list renders, and the runs page's progress bar fills as a REAL worker
runs a recompute (htmx polling a partial; no inline script)."""

import time

import pytest

from tests.conftest import browser_login
from tests.scoring.conftest import make_offence, make_offender, run_synchronously, today  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ranked(reference_data, make_offender, make_offence):  # noqa: F811 - fixtures imported above
    offenders = [make_offender(surname=f"Browser{i}") for i in range(12)]
    for index, offender in enumerate(offenders):
        make_offence(offender, code="19C", days_ago=1 + index)
        make_offence(offender, code="002/00" if index % 3 == 0 else "19C", days_ago=30 + index, victim=f"V{index}")
    return offenders


def test_ranked_list_renders_in_a_browser(ranked, page, make_user):
    run_synchronously()
    user = make_user("officer", username="pc_rankings")
    browser_login(page, user.username)
    page.goto("/rankings/")
    rows = page.locator("[data-testid=ranking-row]")
    assert rows.count() == 12
    assert "Browser0" in rows.first.inner_text() or "Browser3" in rows.first.inner_text()
    assert page.locator("[data-testid=illustrative-tag]").first.is_visible()
    page.select_option("#id_category", "sexual")
    page.click("form[data-testid=ranking-filters] button[type=submit]")
    page.wait_for_url(lambda url: "category=sexual" in url)
    assert page.locator("[data-testid=ranking-row]").count() == 12
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_progress_bar_fills_as_the_worker_runs(ranked, page, make_user, monkeypatch, request):
    monkeypatch.setenv("SCORING_CHUNK_SIZE", "1")  # twelve chunks, so the bar moves in steps
    request.getfixturevalue("celery_worker")
    user = make_user("supervisor", username="sgt_runs")
    browser_login(page, user.username)
    page.goto("/scoring/runs/")
    page.click("[data-testid=start-recompute]")
    page.wait_for_selector("[data-testid=run-progress]")
    seen, deadline = [], time.monotonic() + 90
    while time.monotonic() < deadline:
        status = page.get_attribute("[data-testid=run-progress]", "data-status")
        seen.append((status, float(page.get_attribute("[data-testid=run-progress-bar]", "value"))))
        if status in ("succeeded", "failed"):
            break
        time.sleep(0.2)
    assert seen[-1] == ("succeeded", 1.0), seen
    assert seen[0][1] < 1.0  # it started empty and was filled by polling, not by a reload
    values = [value for _status, value in seen]
    assert values == sorted(values)
    page.wait_for_function(  # the history table follows the poll (out-of-band swap), no reload needed
        "() => document.querySelector('[data-testid=run-history] tbody tr td:nth-child(2)').innerText === 'Succeeded'"
    )
    page.reload()
    assert "Succeeded" in page.locator("[data-testid=run-history]").inner_text()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
