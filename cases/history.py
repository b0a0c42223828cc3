"""Seeding step: a history of monthly published rankings and the tasking meeting held on each.

`seed_demo --history-months M` goes back M months from the anchor. For each month, in order, it ranks
every offender on the offences recorded by then (the active policy's score, computed set-based by the
same expressions as a recompute, scoring/formula.py), publishes the top of that ranking as a snapshot,
and holds a tasking meeting on it a few days later, as the real loop does (docs/meetings.md): the agenda
is the top N not in a case nor deferred, each item gets one decision with a reason (most `task`, which
opens the case; some `decline` or `defer`), and the meeting is closed. Cases run for a few months, with
plan actions and outcomes, and then close. The evaluation's cohorts are these decisions (cases/cohorts.py).

`--tasking-effect E` plants a known answer for the evaluation (docs/evaluation.md): each offence a tasked
offender commits in the horizon after his tasking is kept with probability 1 + E (E < 0: fewer offences)
or repeated with probability E (E > 0), so his later harm changes by the proportion E on average and
nobody else's does. 0 (the default) plants nothing. The step runs before today's cases are seeded, so
those open on the offenders that are highest now, as before.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from offenders.models import Offence
from offenders.seeding import SeedContext
from offenders.seeding.bulk import insert_rows, next_id, reset_sequences
from scoring.formula import ScoreTerms, offender_aggregates
from scoring.models import RankingEntry, RankingSnapshot, ScoringPolicy
from scoring.selectors import active_policy

from .models import (
    ActionStatus,
    Case,
    CaseStage,
    CaseStageChange,
    DecisionKind,
    ExitReason,
    MeetingDecision,
    MeetingItem,
    MeetingItemKind,
    Outcome,
    PlanAction,
    Strand,
    TaskingMeeting,
)
from .seeding import case_people

MONTH_DAYS = 30
EFFECT_HORIZON_DAYS = 180  # how long a planted effect lasts after tasking (the evaluation's default horizon)
DEPTH = 3  # each published history ranking keeps its top DEPTH x N entries (enough for both comparison groups)
TASKING_SHARE = 0.85  # the tasking meeting takes on most, not all, of the top N (a person decides)
DEFER_SHARE = 0.3  # of those not tasked, deferred to a later meeting (the rest declined)
TASK_REASONS = ["Escalating abuse of a current partner; victim at high risk.", "Several victims in the last year.",
                "Breach of a protective order; pursue and protect.", "Serious sexual offences; intelligence gaps.",
                "Stalking escalating; victim fears for her safety."]  # fmt: skip
DECLINE_REASONS = ["Already managed under MAPPA; no added value from tasking.", "In custody on remand.",
                   "Victim safeguarded and offender moved out of the force area.",
                   "Offences are historic reports; no current risk identified."]  # fmt: skip
DEFER_REASONS = ["Awaiting the outcome of a charging decision.", "Intelligence check with the partner agency first.",
                 "Lead officer capacity: reconsider next month."]  # fmt: skip
HISTORY_ACTIONS = [
    (Strand.PURSUE, "Arrest for outstanding offence", [Outcome.ARREST, Outcome.CHARGE, Outcome.REMAND]),
    (Strand.PROTECT, "Safeguarding visit to the victim", [Outcome.SAFEGUARDING_VISIT, Outcome.DAPO]),
    (Strand.PREVENT, "Refer to a perpetrator programme", [Outcome.REFERRAL, Outcome.OTHER]),
]


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class HistorySeeder:
    """Month by month: rank, publish, task, then let the planted effect act on the tasked."""

    def __init__(self, context: SeedContext, policy: ScoringPolicy):
        self.context, self.rng = context, context.random("history")
        self.policy = policy
        self.top_n = settings.PORTAL_TOP_N
        self.busy_until: dict[int, dt.date] = {}  # offender -> the day his history case closes
        self.deferred_until: dict[int, dt.date] = {}  # offender -> the day a meeting deferred him to
        self.tasked_before: set[int] = set()
        self.counts = {"history rankings": 0, "history meetings": 0, "history cases": 0,
                       "offences changed by the planted effect": 0}  # fmt: skip
        officers, supervisors = case_people(context.faker("history"))
        self.officers, self.supervisor = officers, supervisors[0]
        self.previous: RankingSnapshot | None = None

    def month(self, as_of: dt.date) -> None:
        snapshot, ranked = self.publish(as_of)
        tasked = self.task(snapshot, ranked)
        self.plant(tasked)

    def publish(self, as_of: dt.date) -> tuple[RankingSnapshot, list[dict]]:
        """The ranking as it stood on `as_of`: offences occurred and reported by then, unrestricted people."""
        offences = Offence.objects.filter(reported_on__lte=as_of, offender__restricted=False)
        rows = list(
            offender_aggregates(ScoreTerms(self.policy, as_of), offences)
            .filter(eligible=True)
            .order_by("-score", "offender_id")[: DEPTH * self.top_n]
        )
        snapshot = RankingSnapshot.objects.create(
            policy=self.policy, previous=self.previous, as_of=as_of, data_cutoff=_at(as_of, 23),
            published_at=_at(as_of + dt.timedelta(days=1), 6), entry_count=len(rows),
        )  # fmt: skip
        previous_ranks = (
            dict(RankingEntry.objects.filter(snapshot=self.previous).values_list("offender_id", "rank"))
            if self.previous
            else {}
        )
        entries: list[RankingEntry] = []
        rank = 0
        for position, row in enumerate(rows, start=1):
            rank = rank if entries and row["score"] == entries[-1].score else position  # ties share a rank
            entries.append(RankingEntry(
                snapshot=snapshot, offender_id=row["offender_id"], rank=rank, score=row["score"],
                harm_days=row["harm_days"], offence_count=row["offence_count"], victim_count=row["victim_count"],
                days_since_last=row["days_since_last"], previous_rank=previous_ranks.get(row["offender_id"]),
            ))  # fmt: skip
        RankingEntry.objects.bulk_create(entries, batch_size=500)
        self.previous = snapshot
        self.counts["history rankings"] += 1
        return snapshot, [{"offender_id": e.offender_id, "rank": e.rank, "score": e.score} for e in entries]

    def task(self, snapshot: RankingSnapshot, ranked: list[dict]) -> list[Case]:
        """The meeting on this ranking: an item for each of the top N not in a case nor deferred, each
        decided (most tasked, which opens his case; the rest declined or deferred, with a reason), closed."""
        rng = self.rng
        held_on = snapshot.as_of + dt.timedelta(days=rng.randint(2, 7))
        meeting = TaskingMeeting.objects.create(
            held_on=held_on, chair=self.supervisor, chair_username=self.supervisor.username, snapshot=snapshot,
            top_n=self.top_n, opened_by_username=self.supervisor.username, closed_at=_at(held_on, 17),
            closed_by_username=self.supervisor.username,
        )  # fmt: skip
        TaskingMeeting.objects.filter(pk=meeting.pk).update(opened_at=_at(held_on, 10))
        cases: list[Case] = []
        agenda: list[tuple[MeetingItem, str, str, Case | None]] = []
        for row in ranked:
            if row["rank"] > self.top_n:
                break
            offender_id = row["offender_id"]
            if self.busy_until.get(offender_id, dt.date.min) >= snapshot.as_of:
                continue
            if self.deferred_until.get(offender_id, dt.date.min) > held_on:
                continue
            kind = MeetingItemKind.RE_ENTRANT if offender_id in self.tasked_before else MeetingItemKind.NEW_ENTRANT
            item = MeetingItem(meeting=meeting, kind=kind, offender_id=offender_id, rank=row["rank"],
                               score=row["score"], position=len(agenda) + 1, decided_at=_at(held_on, 11))  # fmt: skip
            if rng.random() > TASKING_SHARE:
                decision = DecisionKind.DEFER if rng.random() < DEFER_SHARE else DecisionKind.DECLINE
                reasons = DEFER_REASONS if decision == DecisionKind.DEFER else DECLINE_REASONS
                if decision == DecisionKind.DEFER:
                    self.deferred_until[offender_id] = held_on + dt.timedelta(days=rng.randint(25, 60))
                agenda.append((item, decision, rng.choice(reasons), None))
                continue
            opened_on = held_on
            closed_on = min(opened_on + dt.timedelta(days=rng.randint(60, 240)), self.context.anchor - dt.timedelta(1))
            self.busy_until[offender_id] = closed_on
            self.tasked_before.add(offender_id)
            lead = self.officers[len(cases) % len(self.officers)]
            reason = rng.choice(TASK_REASONS)
            cases.append(Case(
                offender_id=offender_id, lead=lead, stage=CaseStage.CLOSED,
                reason=f"Rank {row['rank']} on the ranking of {snapshot.as_of:%d %B %Y} (synthetic history). {reason}",
                exit_reason=rng.choice([ExitReason.RISK_REDUCED, ExitReason.IN_CUSTODY, ExitReason.CONVICTED]),
                score_at_tasking=row["score"], rank_at_tasking=row["rank"], policy_at_tasking=f"v{self.policy.version}",
                opened_by=self.supervisor, opened_by_username=self.supervisor.username,
                opened_at=_at(opened_on, 12), closed_at=_at(closed_on, 16), last_activity_at=_at(closed_on, 16),
            ))  # fmt: skip
            agenda.append((item, DecisionKind.TASK, reason, cases[-1]))
        times = [(case.opened_at, case.last_activity_at) for case in cases]
        Case.objects.bulk_create(cases)
        for case, (opened_at, closed_at) in zip(cases, times, strict=True):  # auto_now_add set them to now
            case.opened_at, case.closed_at, case.last_activity_at = opened_at, closed_at, closed_at
        Case.objects.bulk_update(cases, ["opened_at", "closed_at", "last_activity_at"])
        self.decide(meeting, agenda)
        self.history(cases)
        self.counts["history cases"] += len(cases)
        self.counts["history meetings"] += 1
        return cases

    def decide(self, meeting: TaskingMeeting, agenda: list[tuple[MeetingItem, str, str, Case | None]]) -> None:
        """The meeting's items and their one decision each, by the chair, at the meeting."""
        for item, _, _, case in agenda:
            item.case = case
        MeetingItem.objects.bulk_create([item for item, _, _, _ in agenda])
        deferred = self.deferred_until
        decisions = [
            MeetingDecision(item=item, decision=decision, reason=reason, case=case,
                            defer_until=deferred[item.offender_id] if decision == DecisionKind.DEFER else None,
                            decided_by=self.supervisor, decided_by_username=self.supervisor.username)
            for item, decision, reason, case in agenda
        ]  # fmt: skip
        MeetingDecision.objects.bulk_create(decisions)
        MeetingDecision.objects.filter(item__meeting=meeting).update(decided_at=_at(meeting.held_on, 11))

    def history(self, cases: list[Case]) -> None:
        """Each case's stage changes and a few plan actions, most done with an outcome."""
        rng, changes, actions = self.rng, [], []
        for case in cases:
            for before, after in (("", CaseStage.TASKED), (CaseStage.TASKED, CaseStage.CLOSED)):
                changes.append(CaseStageChange(case=case, from_stage=before, to_stage=after,
                                               reason="Tasked at the tasking meeting" if not before else "Exit",
                                               exit_reason=case.exit_reason if before else "",
                                               changed_by=self.supervisor,
                                               changed_by_username=self.supervisor.username))  # fmt: skip
            closed_at = case.last_activity_at  # the day it closed (closed_at, typed optional, is the same)
            for strand, description, outcomes in HISTORY_ACTIONS:
                done = rng.random() < 0.7
                completed = case.opened_at + dt.timedelta(days=rng.randint(3, 50))
                actions.append(PlanAction(
                    case=case, strand=strand, description=description, owner=case.lead,
                    due_on=(case.opened_at + dt.timedelta(days=60)).date(), created_by=case.lead,
                    status=ActionStatus.DONE if done else ActionStatus.CANCELLED,
                    outcome=rng.choice(outcomes) if done else "",
                    completed_at=min(completed, closed_at) if done else closed_at,
                ))  # fmt: skip
        CaseStageChange.objects.bulk_create(changes)
        for change in changes:
            case = change.case
            change.changed_at = case.opened_at if change.to_stage == CaseStage.TASKED else case.last_activity_at
        CaseStageChange.objects.bulk_update(changes, ["changed_at"])
        PlanAction.objects.bulk_create(actions)
        for action in actions:
            action.created_at = action.updated_at = action.case.opened_at
        PlanAction.objects.bulk_update(actions, ["created_at", "updated_at"])

    def plant(self, cases: list[Case]) -> None:
        """The planted effect on offences in the horizon after each tasking (nothing when E is 0)."""
        effect = self.context.tasking_effect
        if not effect or not cases:
            return
        windows = Q()
        for case in cases:
            start = timezone.localdate(case.opened_at)
            windows |= Q(offender_id=case.offender_id, occurred_on__gt=start,
                         occurred_on__lte=start + dt.timedelta(days=EFFECT_HORIZON_DAYS))  # fmt: skip
        affected = list(Offence.objects.filter(windows).order_by("id"))
        if effect < 0:
            dropped = [o.pk for o in affected if self.rng.random() < -effect]
            Offence.objects.filter(pk__in=dropped).delete()
            self.counts["offences changed by the planted effect"] += len(dropped)
            return
        copies, next_pk = [], next_id(Offence)
        for offence in affected:
            repeats = int(effect) + (1 if self.rng.random() < effect - int(effect) else 0)
            for n in range(repeats):
                copy = Offence(**{f.attname: getattr(offence, f.attname) for f in Offence._meta.concrete_fields})
                copy.pk, copy.crime_ref = next_pk, f"{offence.crime_ref}-R{n + 1}"
                copy.occurred_on = min(offence.occurred_on + dt.timedelta(days=self.rng.randint(0, 20)),
                                       self.context.anchor)  # fmt: skip
                copy.reported_on = max(copy.reported_on, copy.occurred_on)
                copies.append(copy)
                next_pk += 1
        insert_rows(Offence, copies)
        reset_sequences([Offence])
        self.counts["offences changed by the planted effect"] += len(copies)


def seed_history(context: SeedContext) -> dict[str, int]:
    """M months of published rankings and the tasking decided from each (after people, before cases)."""
    policy = active_policy()
    if context.history_months <= 0 or policy is None:
        return {}
    seeder = HistorySeeder(context, policy)
    for months_ago in range(context.history_months, 0, -1):
        seeder.month(context.anchor - dt.timedelta(days=MONTH_DAYS * months_ago))
    return seeder.counts
