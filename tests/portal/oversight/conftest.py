"""Builders for hand-computed oversight scenarios: audit events at chosen times, live scores,
published rankings and cases, written straight to the tables the reports read."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from cases.models import Case
from portal.audit.context import context_for_user, reset_context, set_context
from portal.audit.services import audit_record
from portal.oversight.selectors.base import Period
from scoring.models import OffenderScore, RankingEntry, RankingSnapshot, ScoringPolicy


def at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def period(start: dt.date, end: dt.date | None = None) -> Period:
    return Period(start=start, end=end or timezone.localdate())


def record_event(*, user=None, action: str, when: dt.datetime, channel: str = "web", **fields):
    """One audit event through the real chain, as if written at `when` by `user`."""
    token = set_context(context_for_user(user, channel=channel))
    try:
        with mock.patch("django.utils.timezone.now", return_value=when):
            return audit_record(action=action, **fields)
    finally:
        reset_context(token)


def active_policy() -> ScoringPolicy:
    return ScoringPolicy.objects.get(status="active")


def give_score(offender, *, score: float, eligible: bool) -> OffenderScore:
    return OffenderScore.objects.create(
        offender=offender, policy=active_policy(), score=score, harm_days=score, offence_count=2 if eligible else 1,
        victim_count=1, eligible=eligible, as_of=timezone.localdate(), computed_at=timezone.now(),
    )  # fmt: skip


def publish(ranked: list, *, when: dt.datetime, previous=None) -> RankingSnapshot:
    """A published ranking of `ranked` offenders, best first (rank 1, 2, ...)."""
    snapshot = RankingSnapshot.objects.create(
        policy=active_policy(), previous=previous, as_of=when.date(), data_cutoff=when, published_at=when,
        entry_count=len(ranked),
    )  # fmt: skip
    RankingEntry.objects.bulk_create(
        RankingEntry(snapshot=snapshot, offender=offender, rank=rank, score=1000 - rank, harm_days=1000 - rank,
                     offence_count=2, victim_count=1, days_since_last=1)
        for rank, offender in enumerate(ranked, start=1)
    )  # fmt: skip
    return snapshot


def open_case(offender, *, lead, opened_at: dt.datetime, stage: str = "tasked", **fields) -> Case:
    """A case as the case app would leave it, opened at a chosen time (opened_at is auto_now_add)."""
    case = Case.objects.create(offender=offender, lead=lead, stage=stage, reason="tasking meeting", **fields)
    Case.objects.filter(pk=case.pk).update(opened_at=opened_at)
    case.refresh_from_db()
    return case


@pytest.fixture
def supervisor(make_user):
    return make_user("supervisor", username="sgt_oversight_tests")
