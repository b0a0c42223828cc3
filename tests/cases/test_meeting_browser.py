"""A tasking meeting in a real browser: a supervisor opens one, works through its agenda (tasks one,
defers one, declines one, each with a reason), closes it and reads the minutes."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, MeetingDecision, TaskingMeeting
from tests.cases.meeting_world import publish
from tests.conftest import browser_login
from tests.factories import OffenderFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def published(reference_data, settings):
    settings.PORTAL_TOP_N = 3
    people = [OffenderFactory(surname=name, forenames="Mark") for name in ("Ashdown", "Bellamy", "Corrigan")]
    publish(people)
    return people


def _item(page, reference):
    return page.locator(f"[data-testid=agenda-item][data-reference='{reference}']")


def test_a_supervisor_runs_the_monthly_meeting(published, page, make_user):
    make_user("supervisor", username="sgt_chair", first_name="Sam", last_name="Chair")
    officer = make_user("officer", username="pc_lead", first_name="Priya", last_name="Constable")
    make_user("officer", username="pc_team", first_name="Tom", last_name="Teammate")
    ashdown, bellamy, corrigan = published
    browser_login(page, "sgt_chair")
    page.goto("/meetings/")
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.click("[data-testid=meeting-open-form] button[type=submit]")
    page.wait_for_url("**/meetings/*/")
    assert page.locator("[data-testid=agenda-item]").count() == 3

    # Task the first, with a lead chosen by full name and a team member ticked.
    first = _item(page, ashdown.reference)
    assert "Rank 1" in first.inner_text() and "new to the ranking" in first.inner_text()
    first.get_by_label("Task", exact=True).check()
    first.locator("textarea").fill("Top of the ranking; repeat partner abuse")
    first.get_by_text("To task: lead, team, review date").click()
    first.locator("select[name$=lead]").select_option(label="Priya Constable (pc_lead)")
    first.get_by_label("Tom Teammate (pc_team)").check()
    first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Decision recorded" in page.content()

    # Defer the second: first without a reason (a form error), then properly.
    second = _item(page, bellamy.reference)
    second.get_by_label("Defer", exact=True).check()
    second.get_by_text("To defer: until when").click()
    until = (timezone.localdate() + dt.timedelta(days=35)).isoformat()
    second.locator("input[name$=until]").fill(until)
    second.locator("button[type=submit]").click()
    assert "Give the reason for this decision" in _item(page, bellamy.reference).inner_text()
    second = _item(page, bellamy.reference)
    second.get_by_label("Defer", exact=True).check()
    second.locator("textarea").fill("Awaiting the charging decision")
    second.get_by_text("To defer: until when").click()
    second.locator("input[name$=until]").fill(until)
    second.locator("button[type=submit]").click()
    page.wait_for_load_state()

    third = _item(page, corrigan.reference)
    third.get_by_label("Decline", exact=True).check()
    third.locator("textarea").fill("Managed by probation under MAPPA")
    third.locator("button[type=submit]").click()
    page.wait_for_load_state()

    page.click("[data-testid=close-form] button[type=submit]")
    page.wait_for_url("**/minutes/")
    minutes = page.locator("[data-testid=minutes-table]").inner_text()
    assert "Top of the ranking; repeat partner abuse" in minutes
    assert "Awaiting the charging decision" in minutes and "Managed by probation under MAPPA" in minutes
    case = Case.objects.get(offender=ashdown)
    assert case.lead == officer and [m.username for m in case.team.all()] == ["pc_team"]
    assert set(MeetingDecision.objects.values_list("decision", flat=True)) == {"task", "defer", "decline"}
    assert TaskingMeeting.objects.get().closed_at is not None
    # The one 400 is the refused decision without a reason (a form error answers 400).
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_an_officer_reads_my_work(reference_data, page, make_user):
    from cases.services.cases import case_open
    from cases.services.plan_actions import plan_action_add

    boss = make_user("supervisor", username="sgt_boss")
    officer = make_user("officer", username="pc_work", first_name="Priya", last_name="Constable")
    case = case_open(offender=OffenderFactory(surname="Worked"), lead=officer, reason="Tasked", by=boss)
    plan_action_add(case=case, strand="protect", description="Safety plan with the IDVA", owner=officer,
                    due_on=timezone.localdate() + dt.timedelta(days=3), by=boss)  # fmt: skip
    browser_login(page, "pc_work")
    page.click("[data-testid=my-work-link]")
    page.wait_for_url("**/my-work/")
    assert "1 open action, of which 0 overdue" in page.locator("[data-testid=my-work-counts]").inner_text()
    assert "Safety plan with the IDVA" in page.locator("[data-testid=my-work-actions]").inner_text()
    assert f"Case {case.pk}" in page.locator("[data-testid=my-work-cases]").inner_text()
