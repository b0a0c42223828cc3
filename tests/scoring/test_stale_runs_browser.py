"""A real browser on the runs page while a run's worker is lost: the page says when a worker was last heard
from, the start button replaces the stale run, and the history says why it failed."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from portal.accounts.permissions import SYSTEM
from scoring.models import ScoringRun
from scoring.services import run_start
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_start_button_replaces_a_stale_run_and_the_history_says_why(reference_data, page, make_user):
    stuck, _created = run_start(by=SYSTEM, reason="lost", dispatch=False)  # as a worker lost after planning leaves it
    ScoringRun.objects.filter(pk=stuck.pk).update(status="running", started_at=timezone.now(), chunks_total=3)
    user = make_user("supervisor", username="sgt_stale")
    browser_login(page, user.username)
    page.goto("/scoring/runs/")
    assert page.get_attribute("[data-testid=run-progress]", "data-status") == "running"
    assert "Last sign of life from a worker" in page.inner_text("[data-testid=run-heartbeat]")
    silent = timezone.now() - timedelta(seconds=settings.PORTAL_RUN_STALE_AFTER_SECONDS + 5)
    ScoringRun.objects.filter(pk=stuck.pk).update(heartbeat_at=silent)
    page.click("[data-testid=start-recompute]")
    page.wait_for_url(lambda url: url.endswith("/scoring/runs/"))
    fresh = ScoringRun.objects.get(status__in=["queued", "running"])
    assert fresh.pk != stuck.pk and f"Recompute {fresh.pk} queued." in page.inner_text("main")
    row = page.locator("[data-testid=run-history] tbody tr", has=page.locator(f"a:text-is('{stuck.pk}')"))
    assert "Failed" in row.inner_text()
    assert "stale: no sign of life from a worker" in row.locator("[data-testid=run-failure]").inner_text()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
