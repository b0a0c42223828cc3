"""The morning job: overdue actions and due reviews are marked, and each owner gets ONE digest."""

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail

from cases.models import Case, CaseDigest, PlanAction
from cases.services.cases import case_transition
from cases.services.digests import cases_morning_run
from cases.services.plan_actions import plan_action_add
from tests.conftest import wait_for


def _late_action(case, owner, today, description, days_late=2, strand="pursue"):
    action = plan_action_add(case=case, strand=strand, description=description, owner=owner, due_on=today, by=owner)
    PlanAction.objects.filter(pk=action.pk).update(due_on=today - dt.timedelta(days=days_late))
    return action


@pytest.fixture
def due_work(case, open_case, lead, teammate, supervisor, today):
    """Lead: two overdue actions (two cases) and one review due; teammate: one overdue; one action not due."""
    second = open_case(lead=lead)
    a1 = _late_action(case, lead, today, "Arrest for breach of order")
    a2 = _late_action(second, lead, today, "Check bail address", strand="prepare")
    a3 = _late_action(case, teammate, today, "Safeguarding visit to victim", strand="protect")
    plan_action_add(case=case, strand="prevent", description="Not yet due", owner=lead, due_on=today, by=lead)
    Case.objects.filter(pk=case.pk).update(review_due=today)
    return {"actions": [a1, a2, a3], "cases": [case, second]}


def test_marks_and_sends_one_digest_per_person(due_work, lead, teammate, today):
    summary = cases_morning_run(today=today)
    assert summary == {"actions_marked": 3, "reviews_marked": 1, "people_due": 2, "digests_sent": 2}
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@force.example", "team@force.example"]
    to_lead = next(m for m in mail.outbox if m.to == ["lead@force.example"])
    assert "2 overdue actions, 1 reviews due" in to_lead.subject
    assert "Arrest for breach of order" in to_lead.body and "Check bail address" in to_lead.body
    assert "Safeguarding visit" not in to_lead.body and "Not yet due" not in to_lead.body
    assert due_work["cases"][0].offender.surname not in to_lead.body  # references only in email
    assert set(PlanAction.objects.exclude(overdue_marked_on=None).values_list("pk", flat=True)) == {
        a.pk for a in due_work["actions"]
    }
    assert Case.objects.get(pk=due_work["cases"][0].pk).review_flagged_on == today


def test_a_second_run_the_same_day_sends_nothing(due_work, today):
    cases_morning_run(today=today)
    assert cases_morning_run(today=today)["digests_sent"] == 0
    assert len(mail.outbox) == 2
    assert CaseDigest.objects.count() == 2


def test_nothing_due_means_no_email(case, lead, today):
    plan_action_add(case=case, strand="pursue", description="Tomorrow", owner=lead, due_on=today, by=lead)
    assert cases_morning_run(today=today)["digests_sent"] == 0
    assert mail.outbox == []


def test_closed_cases_are_left_out(due_work, supervisor, today):
    for case in due_work["cases"]:
        case_transition(case=case, to="closed", reason="Convicted", exit_reason="convicted", by=supervisor)
    assert cases_morning_run(today=today)["digests_sent"] == 0


def test_beat_runs_the_job_each_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["cases-morning-digest"]
    assert entry["task"] == "offenders.cases_morning_run"
    assert entry["schedule"].hour == {7}


@pytest.mark.worker
def test_digest_job_through_a_real_worker(
    transactional_db, request, monkeypatch, tmp_path, due_work, lead, teammate, today
):
    """The worker is another process: it writes mail to files we read, and the digests to the shared database."""
    mail_dir = tmp_path / "mail"
    monkeypatch.setenv("PORTAL_TEST_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("PORTAL_TEST_EMAIL_FILE_PATH", str(mail_dir))
    request.getfixturevalue("celery_worker")
    from cases.tasks import cases_morning_run as task

    result = task.delay()
    summary = result.get(timeout=60)
    assert summary["digests_sent"] == 2 and summary["actions_marked"] == 3
    assert set(CaseDigest.objects.values_list("recipient__username", flat=True)) == {"pc_lead", "pc_team"}
    messages = wait_for(lambda: [p.read_text() for p in Path(mail_dir).glob("*.log")] if mail_dir.exists() else None)
    text = "\n".join(messages)
    assert text.count("Subject: ") == 2
    assert "To: lead@force.example" in text and "To: team@force.example" in text
    assert "Arrest for breach of order" in text
    again = task.delay().get(timeout=60)
    assert again["digests_sent"] == 0
    assert PlanAction.objects.filter(overdue_marked_on=today).count() == 3
