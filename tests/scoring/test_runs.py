"""Full recomputes: chunks, publication, one run at a time, idempotent chunks, failure leaves the ranking."""

import pytest

from portal.accounts.permissions import SYSTEM
from scoring import services
from scoring.models import OffenderScore, RankingEntry, RankingSnapshot, RunChunk, ScoringRun

from .conftest import at_once, run_synchronously


@pytest.fixture
def ranked(make_offender, make_offence, settings):
    """Seven offenders, five of them eligible, with distinct scores; chunks of three offenders."""
    settings.SCORING_CHUNK_SIZE = 3
    offenders = [make_offender() for _ in range(7)]
    codes = ["001/01", "002/00", "19C", "19C", "002/00", "19C", "19C"]
    for index, (offender, code) in enumerate(zip(offenders, codes, strict=True)):
        make_offence(offender, code=code, days_ago=1 + index)
        if index < 5:
            make_offence(offender, code="19C", days_ago=20 + index * 10)
    return offenders


def test_a_full_run_scores_every_offender_in_chunks_and_publishes(ranked, make_user):
    run = run_synchronously(by=make_user("supervisor"), reason="test")
    assert run.status == "succeeded" and run.progress == 1.0
    assert run.chunks_total == run.chunks_done == 3 and run.offenders_scored == 7
    assert OffenderScore.objects.count() == 7
    snapshot = RankingSnapshot.objects.get(run=run)
    assert snapshot.entry_count == run.ranked_count == 5
    ranks = list(snapshot.entries.order_by("rank").values_list("rank", "offender_id"))
    assert ranks[0] == (1, ranked[0].pk)
    assert all(entry.previous_rank is None for entry in snapshot.entries.all())
    assert snapshot.policy_id == run.policy_id and snapshot.data_cutoff == run.started_at


def test_movement_between_snapshots(ranked, make_offence):
    first = RankingSnapshot.objects.get(run=run_synchronously())
    mover = ranked[2]
    make_offence(mover, code="001/01", days_ago=3, victim="V77")  # murder: to the top
    second = RankingSnapshot.objects.get(run=run_synchronously())
    assert second.previous_id == first.pk
    entry = second.entries.get(offender=mover)
    assert entry.rank == 1 and entry.previous_rank == 4 and entry.movement == 3
    assert second.entries.get(offender=ranked[0]).movement == -1


def test_a_second_start_returns_the_running_run(ranked):
    run, created = services.run_start(by=SYSTEM, reason="one")
    again, created_again = services.run_start(by=SYSTEM, reason="two")
    assert created and not created_again and again.pk == run.pk
    assert ScoringRun.objects.filter(status__in=["queued", "running"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_run(reference_data, ranked):
    """Two threads, two connections, a barrier: the partial unique index lets exactly one run in."""
    results = at_once(lambda: services.run_start(by=SYSTEM, reason="race")[0].pk)
    assert len(set(results)) == 1
    assert ScoringRun.objects.count() == 1


def test_a_retried_chunk_does_nothing_twice(ranked):
    run, _ = services.run_start(by=SYSTEM)
    chunk_ids = services.run_plan(run_id=run.pk)
    assert services.run_chunk_execute(chunk_id=chunk_ids[0]) is True
    assert services.run_chunk_execute(chunk_id=chunk_ids[0]) is False
    run.refresh_from_db()
    assert run.chunks_done == 1 and run.status == "running"
    assert services.run_plan(run_id=run.pk) == chunk_ids[1:]  # re-planning is harmless too
    for chunk_id in chunk_ids[1:]:
        services.run_chunk_execute(chunk_id=chunk_id)
    run.refresh_from_db()
    assert run.status == "succeeded" and RankingSnapshot.objects.filter(run=run).count() == 1


def test_a_failing_chunk_fails_the_run_and_leaves_the_ranking(ranked, make_offence, monkeypatch):
    from scoring import tasks
    from scoring.services import runs

    first = RankingSnapshot.objects.get(run=run_synchronously())
    make_offence(ranked[6], code="001/01", days_ago=1, victim="VX")
    run, _ = services.run_start(by=SYSTEM)
    chunk_ids = services.run_plan(run_id=run.pk)
    tasks.recompute_chunk.run(chunk_ids[0], run.pk)
    real_write = runs.scores_write

    def broken(**kwargs):
        if kwargs["first_id"] == RunChunk.objects.get(pk=chunk_ids[1]).first_id:
            raise RuntimeError("disk on fire")
        return real_write(**kwargs)

    monkeypatch.setattr(runs, "scores_write", broken)
    with pytest.raises(RuntimeError):
        tasks.recompute_chunk.run(chunk_ids[1], run.pk)
    for chunk_id in chunk_ids[2:]:
        tasks.recompute_chunk.run(chunk_id, run.pk)  # later chunks see the failure and stop
    run.refresh_from_db()
    assert run.status == "failed" and "disk on fire" in run.error
    assert RankingSnapshot.objects.order_by("-published_at", "-id").first() == first
    assert RankingEntry.objects.filter(snapshot=first).count() == first.entry_count
    assert not RunChunk.objects.filter(pk=chunk_ids[2], done_at__isnull=False).exists()
    # The next run is free to start: a failed run holds no lock.
    assert services.run_start(by=SYSTEM)[1] is True


def test_a_run_without_publication_refreshes_scores_only(ranked):
    run = run_synchronously(reason="nightly", publish=False)
    assert run.status == "succeeded" and not RankingSnapshot.objects.exists()
    assert OffenderScore.objects.filter(eligible=True).count() == run.ranked_count == 5


def test_activation_supersedes_a_run_under_the_old_policy(ranked, make_user):
    from scoring.models import ScoringPolicy

    old_run, _ = services.run_start(by=SYSTEM)
    author, approver = make_user("admin"), make_user("admin")
    base = ScoringPolicy.objects.get(status="active")
    draft = services.policy_create_draft(name="next", by=author, based_on=base)
    services.policy_approve(policy=draft, by=approver)
    _, new_run = services.policy_activate(policy=draft, by=approver)
    old_run.refresh_from_db()
    assert old_run.status == "failed" and "superseded" in old_run.error
    assert new_run.pk != old_run.pk and new_run.policy_id == draft.pk
