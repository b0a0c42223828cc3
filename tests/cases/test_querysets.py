"""What the named case querysets mean (docs/decisions/0507): "open", "overdue" and "review overdue" are
written once, and every page, API field and count shows the same answer."""

import datetime as dt

import pytest

from cases.models import ActionStatus, Case, CaseStage, PlanAction
from cases.services.cases import case_transition
from cases.services.plan_actions import plan_action_add


@pytest.fixture
def add_action(lead, today):
    """add_action(case, due=<days from today>, status="open") -> an action, its due date set directly."""
    made = []

    def factory(case, *, due: int, status: str = ActionStatus.OPEN) -> PlanAction:
        made.append(due)
        action = plan_action_add(case=case, strand="pursue", description=f"Action {len(made)} due {due:+d}",
                                 owner=lead, due_on=today, by=lead)  # fmt: skip
        outcome = "arrest" if status == ActionStatus.DONE else ""
        PlanAction.objects.filter(pk=action.pk).update(due_on=today + dt.timedelta(days=due), status=status,
                                                       outcome=outcome)  # fmt: skip
        return action

    return factory


def close(case, supervisor) -> Case:
    return case_transition(case=case, to=CaseStage.CLOSED, reason="Remanded", exit_reason="in_custody", by=supervisor)


def test_overdue_is_an_open_action_of_an_open_case_due_before_today(case, add_action, today):
    late = add_action(case, due=-1)
    add_action(case, due=0)  # due today: not overdue yet
    add_action(case, due=3)
    add_action(case, due=-5, status=ActionStatus.DONE)
    add_action(case, due=-5, status=ActionStatus.CANCELLED)
    assert list(PlanAction.objects.overdue(today=today)) == [late]
    assert list(PlanAction.objects.overdue()) == [late]  # today by default
    tomorrow = today + dt.timedelta(days=1)
    assert PlanAction.objects.overdue(today=tomorrow).count() == 2  # the one due today is late tomorrow
    flags = dict(PlanAction.objects.with_overdue_flag(today=today).values_list("pk", "is_overdue"))
    assert {pk for pk, flag in flags.items() if flag} == {late.pk} and len(flags) == 5


def test_an_action_left_open_on_a_closed_case_is_never_overdue(case, add_action, supervisor, today, api_for):
    late = add_action(case, due=-2)
    close(case, supervisor)
    PlanAction.objects.filter(pk=late.pk).update(status=ActionStatus.OPEN)  # however it got there
    assert not PlanAction.objects.overdue(today=today).exists()
    assert not PlanAction.objects.open().exists()
    answer = api_for(supervisor).get(f"/api/v1/cases/{case.pk}/actions/{late.pk}/").json()
    assert answer["status"] == "open" and answer["is_overdue"] is False  # the API's old rule said True
    listed = api_for(supervisor).get(f"/api/v1/cases/?offender={case.offender_id}").json()["results"]
    assert [(row["id"], row["open_action_count"], row["overdue_action_count"]) for row in listed] == [(case.pk, 0, 0)]


def test_open_and_closed_split_every_case(case, open_case, outsider, supervisor):
    other = close(open_case(lead=outsider), supervisor)
    assert list(Case.objects.open()) == [case] and list(Case.objects.closed()) == [other]
    assert case.is_open and not other.is_open


def test_review_overdue_and_review_due(case, open_case, outsider, supervisor, today):
    Case.objects.filter(pk=case.pk).update(review_due=today - dt.timedelta(days=1))
    due_today = open_case(lead=outsider, review_due=today)
    closed = close(open_case(lead=outsider), supervisor)
    Case.objects.filter(pk=closed.pk).update(review_due=today - dt.timedelta(days=9))
    assert list(Case.objects.review_overdue(today=today)) == [case]
    assert set(Case.objects.review_due_by(day=today)) == {case, due_today}
    flags = dict(Case.objects.with_list_figures(today=today).values_list("pk", "is_review_overdue"))
    assert flags[case.pk] and not flags[due_today.pk] and not flags[closed.pk]


def test_list_figures_count_by_the_same_meaning(case, add_action, today):
    add_action(case, due=-1)
    add_action(case, due=-3)
    add_action(case, due=2)
    add_action(case, due=-4, status=ActionStatus.DONE)
    row = Case.objects.with_list_figures(today=today).get(pk=case.pk)
    assert (row.open_action_count, row.overdue_action_count) == (3, 2)
    assert list(Case.objects.with_overdue_actions(today=today)) == [case]
    assert not Case.objects.without_overdue_actions(today=today).exists()
    assert Case.objects.with_overdue_actions(today=today - dt.timedelta(days=10)).count() == 0


def test_pages_show_what_the_querysets_decide(web_for, case, add_action, lead, today):
    late = add_action(case, due=-1)
    soon = add_action(case, due=2)
    Case.objects.filter(pk=case.pk).update(review_due=today - dt.timedelta(days=1))
    client = web_for(lead)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert page.count('data-testid="overdue"') == 1
    assert 'data-testid="overdue"' in page.split(f'data-testid="action-{late.pk}"')[1].split("</tr>")[0]
    listing = client.get("/cases/").content.decode()
    row = listing.split(f"Case {case.pk}<")[1].split("</tr>")[0]
    assert "Overdue" in row and 'govuk-tag--red">1<' in row
    dashboard = client.get("/").content.decode()
    overdue_panel = dashboard.split('data-testid="panel-overdue"')[1].split("</section>")[0]
    assert "My overdue actions (1)" in overdue_panel and late.description in overdue_panel
    assert soon.description not in overdue_panel
    open_panel = dashboard.split('data-testid="panel-actions"')[1].split("</section>")[0]
    rows = {action.description: row for row in open_panel.split("<tr")[2:] for action in (late, soon)
            if action.description in row}  # fmt: skip
    assert "Overdue" in rows[late.description] and "Overdue" not in rows[soon.description]
