"""Tasking cohorts (cases/cohorts.py) come from recorded meeting decisions: the tasked are the top N
decided `task` at a meeting built from the ranking; the comparison is the next ranks, not tasked from it;
a case opened without a meeting is no tasking decision (docs/decisions/1120)."""

import datetime as dt

import pytest

from cases.cohorts import tasking_cohorts
from cases.models import MeetingItem
from cases.services.meetings import meeting_close, meeting_decide, meeting_open
from offenders.models import Offender
from tests.factories import OffenderFactory

from .meeting_world import publish


@pytest.fixture
def ranked(db, settings):
    settings.PORTAL_TOP_N = 2
    return [OffenderFactory() for _ in range(6)]  # a..f: top 2 = a, b; comparison ranks 3-4 = c, d


def _meeting_on(ranked, decisions: dict, *, days_ago: int, lead, by, today):
    """Publish `ranked`, hold a meeting on it deciding each item as `decisions` says, close it."""
    snapshot = publish(ranked, days_ago=days_ago)
    meeting = meeting_open(held_on=today, chair=by, by=by)
    for item in MeetingItem.objects.filter(meeting=meeting).select_related("offender"):
        kind = decisions[item.offender_id]
        until = meeting.held_on + dt.timedelta(days=30) if kind == "defer" else None
        meeting_decide(item=item, decision=kind, reason=f"{kind}: synthetic", lead=lead, until=until, by=by)
    meeting_close(meeting=meeting, by=by)
    return snapshot, meeting


def test_the_tasked_are_the_meetings_task_decisions_and_the_comparison_the_next_ranks(
    ranked, supervisor, lead, open_case, today
):
    a, b, c, d, e, f = ranked
    decisions = {a.pk: "task", b.pk: "decline"}
    snapshot, meeting = _meeting_on(ranked, decisions, days_ago=1, lead=lead, by=supervisor, today=today)
    open_case(c, lead=lead)  # opened from his profile, not at the meeting: not tasked, not a comparison either
    [cohort] = tasking_cohorts(top_n=2, offenders=Offender.objects.all())
    assert cohort.snapshot_id == snapshot.pk
    assert set(cohort.tasked) == {a.pk}
    assert set(cohort.untasked_top) == {b.pk}  # considered and declined: above the cutoff, not tasked
    assert set(cohort.comparison) == {d.pk}
    assert cohort.case_ids == [meeting.items.get(offender=a).decision.case_id]
    assert cohort.cutoff_score == 900


def test_a_case_opened_without_a_meeting_is_no_tasking_and_the_already_tasked_are_in_neither_group(
    ranked, supervisor, lead, open_case, today
):
    a, b, c, d, e, f = ranked
    first, _ = _meeting_on(ranked, {a.pk: "task", b.pk: "task"}, days_ago=2, lead=lead, by=supervisor, today=today)
    second = publish([a, c, b, d, e, f], previous=first)  # no meeting on this one
    open_case(c, lead=lead)
    cohorts = {cohort.snapshot_id: cohort for cohort in tasking_cohorts(top_n=2, offenders=Offender.objects.all())}
    assert set(cohorts[first.pk].tasked) == {a.pk, b.pk}
    later = cohorts[second.pk]
    assert later.tasked == {} and later.case_ids == []  # no meeting decided on it: nobody tasked from it
    assert set(later.untasked_top) == {c.pk}  # a is already in a case; c's case had no meeting
    assert set(later.comparison) == {d.pk}  # b (rank 3) is already in a case


def test_cohorts_count_only_the_offenders_given(ranked, supervisor, lead, today):
    a, b, *_ = ranked
    _meeting_on(ranked, {a.pk: "task", b.pk: "defer"}, days_ago=1, lead=lead, by=supervisor, today=today)
    [cohort] = tasking_cohorts(top_n=2, offenders=Offender.objects.exclude(pk=a.pk))
    assert cohort.tasked == {} and set(cohort.untasked_top) == {b.pk}
