"""A worker lost in the middle of a full recompute, through REAL worker processes.

The worker runs with --pool=solo, so the process killed (SIGKILL by its PID) is the one doing the work:
no pool parent to notice and requeue. Its chunk is gone (the filesystem broker deleted the message on
delivery; Redis keeps it unacknowledged for an hour), so the run can only end by its heartbeat falling
silent: the sweep (sent here as celery beat sends it) or the next request fails it, and a new run starts.
"""

import io
import os
import signal
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.accounts.permissions import SYSTEM
from portal.audit.models import AuditEvent
from portal.celery import app
from scoring.models import RankingSnapshot, ScoringRun
from scoring.services import run_start
from tests.conftest import celery_worker_start, celery_worker_stop, wait_for

from .conftest import run_synchronously

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RUNS = "/api/v1/scoring/runs/"
STALE_SECONDS = 15  # the short limit these tests give the worker and the web side alike
SWEEP = "scoring.tasks.sweep_stale_runs"


class Workers:
    """Start real workers with small chunks and a short stale limit, kill one hard, stop the rest."""

    def __init__(self, chunk_size: int):
        self.env = {"SCORING_CHUNK_SIZE": str(chunk_size), "PORTAL_RUN_STALE_AFTER_SECONDS": str(STALE_SECONDS)}
        self.started: list = []

    def start(self, *, ready_timeout: float = 90):
        log_mode = "a" if self.started else "w"
        process = celery_worker_start(env=self.env, log_mode=log_mode, ready_timeout=ready_timeout)
        self.started.append(process)
        return process

    @staticmethod
    def kill(process) -> None:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL

    def stop_all(self) -> None:
        for process in self.started:
            celery_worker_stop(process)
        _forget_unacknowledged()
        app.control.purge()


def _forget_unacknowledged() -> None:
    """Redis gives a killed worker's unacknowledged message back after its visibility timeout (an hour):
    a later test session on this broker must not receive this test's lost chunk."""
    if not app.conf.broker_url.startswith("redis"):
        return  # the filesystem transport deleted it when it was delivered
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        channel.client.delete(channel.unacked_key, channel.unacked_index_key)


@pytest.fixture
def workers(transactional_db, settings):
    settings.PORTAL_RUN_STALE_AFTER_SECONDS = STALE_SECONDS
    app.control.purge()
    pool = Workers(chunk_size=20)
    yield pool
    pool.stop_all()


def ranking_rows(snapshot: RankingSnapshot) -> list[tuple]:
    return list(snapshot.entries.order_by("rank", "offender_id").values_list("offender_id", "rank", "score"))


def sweep_until_ended(run_id: int, *, timeout: float) -> ScoringRun:
    """Send the sweep every few seconds, as celery beat does, until the run has ended one way or the other."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = ScoringRun.objects.get(pk=run_id)
        if run.status in ("failed", "succeeded"):
            return run
        app.send_task(SWEEP)
        time.sleep(3)
    raise AssertionError(f"run {run_id} still {run.status} after {timeout} s")


def test_a_run_whose_worker_is_killed_hard_is_failed_and_a_new_run_succeeds(
    reference_data, workers, make_user, api_for
):
    call_command("seed_demo", offenders=3000, stdout=io.StringIO())
    published = RankingSnapshot.objects.get(run=run_synchronously(reason="before"))  # in process, one chunk
    published_rows = ranking_rows(published)
    api = api_for(make_user("supervisor"))
    worker = workers.start()
    response = api.post(RUNS)
    assert response.status_code == 202, response.content
    dead_id = response.json()["id"]
    wait_for(lambda: ScoringRun.objects.get(pk=dead_id).chunks_done >= 3, timeout=120, interval=0.05)
    workers.kill(worker)
    dead = ScoringRun.objects.get(pk=dead_id)
    assert dead.status == "running" and 3 <= dead.chunks_done < dead.chunks_total, (dead.status, dead.chunks_done)
    # Quiet for less than the limit, it still holds the one-run slot.
    assert api.post(RUNS).json()["id"] == dead_id

    workers.start(ready_timeout=300)  # the ping queues behind the chunks still waiting
    dead = sweep_until_ended(dead_id, timeout=300)
    if dead.status == "failed":  # the chunk in the killed worker's hands was lost (nearly always)
        assert dead.error.startswith("stale: no sign of life from a worker"), dead.error
        assert dead.chunks_done < dead.chunks_total and not RankingSnapshot.objects.filter(run=dead).exists()
        failure = AuditEvent.objects.get(action="recompute.fail", target_id=str(dead_id))
        assert (failure.actor_username, failure.changes["cause"]) == ("system", "stale")
        before_new = published
    else:  # killed between two chunks, nothing in hand: the new worker finished it
        assert dead.chunks_done == dead.chunks_total and dead.error == ""
        before_new = RankingSnapshot.objects.get(run=dead)
    assert ranking_rows(published) == published_rows  # the dead run never touched the published ranking

    response = api.post(RUNS)
    assert response.status_code == 202 and response.json()["id"] != dead_id
    new_id = response.json()["id"]
    wait_for(lambda: ScoringRun.objects.get(pk=new_id).status in ("succeeded", "failed"), timeout=300)
    new = ScoringRun.objects.get(pk=new_id)
    assert new.status == "succeeded", new.error
    assert new.chunks_done == new.chunks_total >= 100 and new.offenders_scored == 3000
    snapshot = RankingSnapshot.objects.get(run=new)
    assert snapshot.previous_id == before_new.pk and snapshot.entry_count == published.entry_count
    assert ranking_rows(snapshot) == published_rows  # the same data ranked the same way
    assert ScoringRun.objects.filter(status__in=["queued", "running"]).count() == 0


def test_the_sweep_through_a_real_worker_fails_a_stale_run_and_the_next_post_starts_afresh(
    reference_data, workers, make_user, make_offender, make_offence, api_for
):
    for index in range(4):
        offender = make_offender()
        make_offence(offender, code="19C", days_ago=1 + index)
        make_offence(offender, code="002/00", days_ago=30, victim=f"VS{index}")
    stuck, _created = run_start(by=SYSTEM, reason="lost", dispatch=False)  # its plan task never reaches a worker
    workers.start()
    assert app.send_task(SWEEP).get(timeout=90) == []  # heard from just now: kept
    assert ScoringRun.objects.get(pk=stuck.pk).status == "queued"
    silent_since = timezone.now() - timedelta(seconds=STALE_SECONDS + 5)
    ScoringRun.objects.filter(pk=stuck.pk).update(heartbeat_at=silent_since)
    assert app.send_task(SWEEP).get(timeout=90) == [stuck.pk]
    stuck.refresh_from_db()
    assert stuck.status == "failed" and stuck.error.startswith("stale: no sign of life")
    failure = AuditEvent.objects.get(action="recompute.fail")
    assert (failure.actor_username, failure.target_id) == ("system", str(stuck.pk))
    api = api_for(make_user("supervisor"))
    assert api.get(f"{RUNS}{stuck.pk}/").json()["error"] == stuck.error
    response = api.post(RUNS)
    assert response.status_code == 202 and response.json()["id"] != stuck.pk
    wait_for(lambda: ScoringRun.objects.get(pk=response.json()["id"]).status == "succeeded", timeout=90)
    assert RankingSnapshot.objects.get(run_id=response.json()["id"]).entry_count == 4
