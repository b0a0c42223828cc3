"""An officer's "My work": every open action they own and every open case they lead or are on, with the
counts the dashboard shows (the same named querysets), and the dashboard's link to it."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import PlanAction
from cases.services.plan_actions import plan_action_add
from tests.factories import OffenderFactory


def _work(open_case, lead, teammate, supervisor, today, *, cases: int):
    for n in range(cases):
        case = open_case(OffenderFactory(), lead=lead if n % 2 == 0 else supervisor, team=[teammate] if n % 2 else [])
        for days in (1, 5):
            action = plan_action_add(case=case, strand="pursue", description=f"Action {n} {days}", owner=case.lead if n % 2 == 0 else teammate,
                                     due_on=today + dt.timedelta(days=days), by=supervisor)  # fmt: skip
            if days == 1:  # fell overdue since (the form refuses a date in the past)
                PlanAction.objects.filter(pk=action.pk).update(due_on=today - dt.timedelta(days=3))


def _dashboard_counts(page: str) -> tuple[str, str]:
    overdue = page.split("My overdue actions (")[1].split(")")[0]
    open_ = page.split("My open actions (")[1].split(")")[0]
    return overdue, open_


def test_my_work_lists_everything_with_the_dashboards_counts(web_for, open_case, lead, teammate, supervisor, today):

    _work(open_case, lead, teammate, supervisor, today, cases=2)
    web = web_for(lead)
    dashboard = web.get("/").content.decode()
    assert 'href="/my-work/"' in dashboard
    overdue, open_ = _dashboard_counts(dashboard)
    page = web.get("/my-work/").content.decode()
    assert f"{open_} open actions, of which <strong>{overdue} overdue</strong>" in page
    assert (overdue, open_) == ("1", "2")
    assert "1 open case you lead or are on" in page


def test_my_work_costs_the_same_however_much_work(web_for, open_case, lead, teammate, supervisor, today):
    _work(open_case, lead, teammate, supervisor, today, cases=2)
    web = web_for(lead)
    web.get("/my-work/")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert web.get("/my-work/").status_code == 200
        return len(captured)

    before = count()
    _work(open_case, lead, teammate, supervisor, today, cases=6)
    assert count() == before


def test_admin_is_refused_my_work(web_for, admin_user):
    assert web_for(admin_user).get("/my-work/").status_code == 403
