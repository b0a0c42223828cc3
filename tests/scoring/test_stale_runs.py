"""Runs that lose their worker: the heartbeat, the stale limit, the sweep, and late chunks of a failed run.

The worker itself is killed in test_worker_loss.py; here the loss is a heartbeat set in the past."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from portal.accounts.permissions import SYSTEM
from portal.audit.models import AuditEvent
from scoring import services, tasks
from scoring.models import OffenderScore, RankingSnapshot, RunChunk, ScoringRun
from scoring.services.runs import CHUNK_MAX_STARTS

from .conftest import at_once, run_synchronously

RUNS = "/api/v1/scoring/runs/"


@pytest.fixture
def offenders(make_offender, make_offence, settings):
    """Six offenders, each with two offences (all ranked); chunks of two offenders, so three chunks."""
    settings.SCORING_CHUNK_SIZE = 2
    people = [make_offender() for _ in range(6)]
    for index, person in enumerate(people):
        make_offence(person, code="19C", days_ago=1 + index)
        make_offence(person, code="002/00", days_ago=40 + index, victim=f"V{index}")
    return people


def make_silent(run: ScoringRun, *, seconds: float) -> None:
    """As if the run's worker was last heard from `seconds` ago."""
    ScoringRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=seconds))


def stale_by() -> int:
    return settings.PORTAL_RUN_STALE_AFTER_SECONDS + 5


def a_running_run(chunks_done: int = 1) -> tuple[ScoringRun, list[int]]:
    """A run planned and part done in process, as a worker would leave it."""
    run, _created = services.run_start(by=SYSTEM, reason="test")
    chunk_ids = services.run_plan(run_id=run.pk)
    for chunk_id in chunk_ids[:chunks_done]:
        assert services.run_chunk_execute(chunk_id=chunk_id)
    return ScoringRun.objects.get(pk=run.pk), chunk_ids


def test_every_scoring_task_is_acknowledged_late_and_redelivered_if_its_worker_is_lost():
    from portal.celery import app

    names = [name for name in app.tasks if name.startswith("scoring.tasks.")]
    assert {"scoring.tasks.recompute_plan", "scoring.tasks.recompute_chunk", "scoring.tasks.sweep_stale_runs"} <= set(
        names
    )
    for name in names:
        task = app.tasks[name]
        assert task.acks_late is True and task.reject_on_worker_lost is True, name
    assert settings.CELERY_TASK_ACKS_LATE is True and settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True


def test_the_sweep_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["scoring-sweep-stale-runs"]
    assert entry == {"task": "scoring.tasks.sweep_stale_runs", "schedule": settings.PORTAL_RUN_SWEEP_SECONDS}
    assert 0 < settings.PORTAL_RUN_SWEEP_SECONDS < settings.PORTAL_RUN_STALE_AFTER_SECONDS


def test_the_heartbeat_moves_when_the_run_is_planned_and_when_each_chunk_starts_and_finishes(offenders):
    run, _created = services.run_start(by=SYSTEM, reason="test")
    assert run.heartbeat_at is not None
    make_silent(run, seconds=100)
    chunk_ids = services.run_plan(run_id=run.pk)
    planned = ScoringRun.objects.get(pk=run.pk)
    assert timezone.now() - planned.heartbeat_at < timedelta(seconds=30)
    make_silent(run, seconds=100)
    assert services.run_chunk_execute(chunk_id=chunk_ids[0])
    after_chunk = ScoringRun.objects.get(pk=run.pk)
    assert timezone.now() - after_chunk.heartbeat_at < timedelta(seconds=30) and after_chunk.chunks_done == 1
    assert RunChunk.objects.get(pk=chunk_ids[0]).attempts == 1


def test_a_run_heard_from_within_the_limit_is_kept(offenders, make_user, api_for):
    run, _chunks = a_running_run()
    make_silent(run, seconds=settings.PORTAL_RUN_STALE_AFTER_SECONDS - 10)
    response = api_for(make_user("supervisor")).post(RUNS)
    assert response.status_code == 202 and response.json()["id"] == run.pk
    assert ScoringRun.objects.get(pk=run.pk).status == "running"
    assert services.runs_fail_stale() == [] and not AuditEvent.objects.filter(action="recompute.fail").exists()


def test_a_stale_run_is_failed_by_the_next_post_and_a_new_run_starts(offenders, make_user, api_for):
    run, _chunks = a_running_run()
    make_silent(run, seconds=stale_by())
    supervisor = make_user("supervisor")
    api = api_for(supervisor)
    response = api.post(RUNS)
    assert response.status_code == 202, response.content
    new = response.json()
    assert new["id"] != run.pk and new["status"] == "queued" and new["error"] == ""
    assert "heartbeat_at" in new
    old = api.get(f"{RUNS}{run.pk}/").json()
    assert old["status"] == "failed" and old["error"].startswith("stale: no sign of life from a worker")
    assert f"more than {settings.PORTAL_RUN_STALE_AFTER_SECONDS} s" in old["error"]
    assert old["chunks_done"] == 1 and old["finished_at"] is not None and old["snapshot"] is None
    failure = AuditEvent.objects.get(action="recompute.fail")
    assert (failure.actor_username, failure.actor_id, failure.channel) == ("system", None, "system")
    assert failure.target_type == "scoring.scoringrun" and failure.target_id == str(run.pk)
    assert failure.changes["cause"] == "stale" and failure.changes["error"] == old["error"]
    started = AuditEvent.objects.get(action="recompute.start", target_id=str(new["id"]))
    assert started.actor_username == supervisor.username and started.request_id == failure.request_id
    assert ScoringRun.objects.filter(status__in=["queued", "running"]).get().pk == new["id"]


@pytest.mark.parametrize("entry_point", ["page", "command", "nightly", "weekly"])
def test_every_way_of_starting_a_run_starts_afresh_after_a_stale_one(offenders, make_user, web_for, entry_point):
    run, _chunks = a_running_run()
    make_silent(run, seconds=stale_by())
    if entry_point == "page":
        assert web_for(make_user("supervisor")).post("/scoring/runs/").status_code == 302
    elif entry_point == "command":
        out = io.StringIO()
        call_command("recompute", stdout=out)
        assert "queued" in out.getvalue() and "already" not in out.getvalue()
    else:
        {"nightly": tasks.nightly_refresh, "weekly": tasks.weekly_snapshot}[entry_point].run()
    assert ScoringRun.objects.get(pk=run.pk).status == "failed"
    fresh = ScoringRun.objects.get(status="queued")
    assert fresh.pk != run.pk


def test_the_sweep_fails_only_stale_runs_and_reports_them(offenders):
    run, _chunks = a_running_run()
    assert tasks.sweep_stale_runs.run() == []
    make_silent(run, seconds=stale_by())
    assert tasks.sweep_stale_runs.run() == [run.pk]
    assert tasks.sweep_stale_runs.run() == []  # once only
    assert AuditEvent.objects.filter(action="recompute.fail").count() == 1


def test_a_queued_run_no_worker_ever_took_is_failed_and_its_late_plan_does_nothing(offenders):
    run, _created = services.run_start(by=SYSTEM, reason="test")
    make_silent(run, seconds=stale_by())
    assert services.runs_fail_stale() == [run.pk]
    assert services.run_plan(run_id=run.pk) == []
    run.refresh_from_db()
    assert run.status == "failed" and run.chunks_total == 0 and not run.chunks.exists()


def test_late_chunks_of_a_failed_run_publish_nothing_and_change_no_score(offenders, make_offence):
    published = RankingSnapshot.objects.get(run=run_synchronously(reason="before"))
    entries = list(published.entries.order_by("rank", "offender_id").values_list("offender_id", "rank", "score"))
    run, chunk_ids = a_running_run(chunks_done=1)
    make_silent(run, seconds=stale_by())
    assert services.runs_fail_stale() == [run.pk]
    last = offenders[-1]  # in the last chunk, never scored by the dead run
    make_offence(last, code="001/01", days_ago=2, victim="VLATE")  # a late chunk would change this score
    before = OffenderScore.objects.get(offender=last)
    for chunk_id in chunk_ids[1:]:
        assert services.run_chunk_execute(chunk_id=chunk_id) is False  # redelivered after the failure
        tasks.recompute_chunk.run(chunk_id, run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and run.chunks_done == 1 and "stale" in run.error
    assert not RankingSnapshot.objects.filter(run=run).exists()
    assert RankingSnapshot.objects.order_by("-published_at", "-id").first() == published
    assert list(published.entries.order_by("rank", "offender_id").values_list("offender_id", "rank", "score")) == (
        entries
    )
    after = OffenderScore.objects.get(offender=last)
    assert (after.score, after.computed_at) == (before.score, before.computed_at)
    assert not RunChunk.objects.filter(pk__in=chunk_ids[1:], done_at__isnull=False).exists()
    assert set(RunChunk.objects.filter(pk__in=chunk_ids[1:]).values_list("attempts", flat=True)) == {0}


def test_a_chunk_that_keeps_losing_its_worker_fails_the_run_instead_of_looping(offenders):
    run, chunk_ids = a_running_run(chunks_done=1)
    RunChunk.objects.filter(pk=chunk_ids[1]).update(attempts=CHUNK_MAX_STARTS)  # started, never finished
    assert services.run_chunk_execute(chunk_id=chunk_ids[1]) is False
    run.refresh_from_db()
    assert run.status == "failed" and f"chunk {chunk_ids[1]} was started" in run.error
    assert AuditEvent.objects.get(action="recompute.fail").changes["cause"] == "error"
    assert (
        services.run_chunk_execute(chunk_id=chunk_ids[2]) is False
        and run.chunks.filter(done_at__isnull=False).count() == 1
    )


def test_the_runs_page_shows_why_a_run_failed_and_when_a_worker_was_last_heard(offenders, make_user, web_for):
    run, _chunks = a_running_run()
    web = web_for(make_user("officer"))
    progress = web.get(f"/scoring/runs/{run.pk}/progress/").content.decode()
    assert 'data-testid="run-heartbeat"' in progress
    assert f"a run silent for {settings.PORTAL_RUN_STALE_AFTER_SECONDS} s is failed" in progress
    make_silent(run, seconds=stale_by())
    services.runs_fail_stale()
    page = web.get("/scoring/runs/").content.decode()
    assert 'data-testid="run-failure"' in page and "stale: no sign of life from a worker" in page
    assert 'data-testid="run-heartbeat"' not in page
    detail = web.get(f"/scoring/runs/{run.pk}/").content.decode()
    assert 'data-testid="run-error"' in detail and "its worker was probably lost" in detail


def test_the_api_schema_documents_the_heartbeat_and_the_reason(make_user, api_for):
    schema = api_for(make_user("officer")).get("/api/schema/", {"format": "json"}).json()
    run = schema["components"]["schemas"]["Run"]["properties"]
    assert run["heartbeat_at"]["format"] == "date-time" and "sign of life" in run["heartbeat_at"]["description"]
    assert "stale" in run["error"]["description"] and "worker was lost" in run["error"]["description"]
    assert {"id", "status", "progress", "error", "snapshot", "chunks_done", "chunks_total"} <= set(run)


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_after_a_stale_run_make_one_new_run(reference_data, offenders):
    """Two threads, two connections, a barrier: one fails the stale run (one audit event), one new run."""
    stale, _chunks = a_running_run()
    make_silent(stale, seconds=stale_by())
    results = at_once(lambda: services.run_start(by=SYSTEM, reason="race", dispatch=False)[0].pk)
    assert len(set(results)) == 1 and results[0] != stale.pk
    assert ScoringRun.objects.get(pk=stale.pk).status == "failed"
    assert ScoringRun.objects.filter(status__in=["queued", "running"]).count() == 1
    assert AuditEvent.objects.filter(action="recompute.fail", target_id=str(stale.pk)).count() == 1


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_chunk_whose_run_is_failed_while_its_statement_runs_rolls_back(reference_data, offenders, monkeypatch):
    """The sweep (another connection) fails the run between a chunk's statement and its completion: the
    chunk's scores roll back and it is not counted. (On SQLite the chunk's write lock serialises the two.)"""
    from scoring.services import runs

    run, chunk_ids = a_running_run(chunks_done=1)
    before = dict(OffenderScore.objects.values_list("offender_id", "computed_at"))
    real_write = runs.scores_write

    def write_then_sweep(**kwargs):
        written = real_write(**kwargs)

        def sweep():  # on its own connection: the chunk's transaction has not locked the run yet
            make_silent(run, seconds=stale_by())
            return services.runs_fail_stale()

        assert at_once(sweep, times=1) == [[run.pk]]
        return written

    monkeypatch.setattr(runs, "scores_write", write_then_sweep)
    assert services.run_chunk_execute(chunk_id=chunk_ids[1]) is False
    run.refresh_from_db()
    assert run.status == "failed" and run.chunks_done == 1 and "stale" in run.error
    assert dict(OffenderScore.objects.values_list("offender_id", "computed_at")) == before
    assert RunChunk.objects.get(pk=chunk_ids[1]).done_at is None
    assert not RankingSnapshot.objects.filter(run=run).exists()
