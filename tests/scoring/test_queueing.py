"""How work reaches the workers: rescoring after commit in batches, beat schedules, the command."""

import io

import pytest
from django.core.management import call_command

from scoring import tasks
from scoring.models import ScoringRun
from scoring.tasks import offenders_rescore_later


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.rescore_offender, "delay", lambda offender_id: calls.append(("one", offender_id)))
    monkeypatch.setattr(tasks.rescore_offenders, "delay", lambda ids: calls.append(("many", ids)))
    return calls


def test_rescore_waits_for_commit_and_batches(db, sent, settings, django_capture_on_commit_callbacks):
    settings.SCORING_RESCORE_BATCH = 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        offenders_rescore_later([5, 3, 1, 3, None, 2])
        assert sent == []  # nothing queued before the transaction commits
    assert len(callbacks) == 1
    assert sent == [("many", [1, 2]), ("many", [3, 5])]


def test_one_offender_is_one_task(db, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        offenders_rescore_later([7])
        offenders_rescore_later([])
    assert sent == [("one", 7)]


def test_a_broker_outage_does_not_fail_the_write(db, monkeypatch, django_capture_on_commit_callbacks):
    def down(*args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.rescore_offender, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        offenders_rescore_later([1])  # logged, not raised: the nightly refresh catches up


def test_beat_schedules_are_configured(settings):
    nightly = settings.CELERY_BEAT_SCHEDULE["scoring-nightly-refresh"]
    weekly = settings.CELERY_BEAT_SCHEDULE["scoring-weekly-snapshot"]
    assert nightly["task"] == "scoring.tasks.nightly_refresh" and nightly["schedule"].hour == {2}
    assert weekly["task"] == "scoring.tasks.weekly_snapshot" and weekly["schedule"].day_of_week == {1}


def test_recompute_command_queues_one_run(db):
    out = io.StringIO()
    call_command("recompute", stdout=out)
    call_command("recompute", stdout=out)
    assert ScoringRun.objects.count() == 1
    assert "queued" in out.getvalue() and "already queued" in out.getvalue()


def test_tasks_and_the_command_leave_no_audit_context_behind(db, policy):
    """A task run in the same process (a worker's next task, an eager call) must not inherit the last
    task's "celery" actor: each task and the recompute command restore the context they found."""
    from portal.audit.context import current_context

    before = current_context()
    tasks.rescore_offender.apply(args=[1])
    tasks.nightly_refresh.apply()
    call_command("recompute", stdout=io.StringIO())
    after = current_context()
    assert (after.actor_username, after.channel) == (before.actor_username, before.channel) == ("", "system")
