"""Seeding step: open cases on the highest-harm offenders, with plans in every strand, notes and history.

Cases are history here (opened weeks ago, some actions overdue, some done with outcomes), so rows are
written directly with back-dated times rather than through the services, which rightly refuse past
due dates. The demo accounts `officer` and `supervisor` lead and manage some cases (made here without a usable
password if `demo_accounts` has not run yet); seeded colleagues `seed.officer1`... fill the rest.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Aggregate, Count, Sum
from django.utils import timezone

from offenders.models import Offence
from offenders.seeding import SeedContext
from scoring.selectors import active_policy

from .models import (
    ActionStatus,
    Case,
    CaseNote,
    CaseStage,
    CaseStageChange,
    ExitReason,
    Outcome,
    PlanAction,
    Strand,
)

CASES = 40
CLOSED_SHARE = 0.15
SEEDED_OFFICERS = 5
DEMO_OFFICER, DEMO_SUPERVISOR = "officer", "supervisor"
ACTIONS = {
    Strand.PURSUE: ["Arrest for outstanding offence", "Apply for a search warrant", "Review CCTV and phone data",
                    "Prepare charging file for CPS", "Disrupt: licence conditions check"],
    Strand.PREVENT: ["Refer to a perpetrator programme", "Drug and alcohol service referral",
                     "Joint visit with probation", "Housing referral away from victim"],
    Strand.PROTECT: ["Safeguarding visit to the victim", "Apply for a DAPO", "DVDS disclosure to new partner",
                     "Refer victim to an IDVA", "Apply for a stalking protection order"],
    Strand.PREPARE: ["Fill intelligence gap on current address", "Contingency plan for release from custody",
                     "Flag vehicles on ANPR", "Update risk assessment"],
}  # fmt: skip
OUTCOMES = {
    Strand.PURSUE: [Outcome.ARREST, Outcome.CHARGE, Outcome.REMAND, Outcome.CONVICTION],
    Strand.PREVENT: [Outcome.REFERRAL, Outcome.OTHER],
    Strand.PROTECT: [Outcome.SAFEGUARDING_VISIT, Outcome.DAPO, Outcome.DVDS_DISCLOSURE, Outcome.STALKING_ORDER,
                     Outcome.RESTRAINING_ORDER],
    Strand.PREPARE: [Outcome.OTHER, Outcome.REFERRAL],
}  # fmt: skip
MOTIVES = ["repeat partner abuse", "escalating stalking", "several victims", "serious sexual offences"]
NOTES = ["Briefed the team; plan agreed.", "Victim contacted; safety plan reviewed.",
         "Intelligence suggests new partner; DVDS considered.", "Suspect not at bail address; enquiries ongoing.",
         "Discussed at the daily management meeting."]  # fmt: skip


def highest_harm_offenders(*, anchor: dt.date, limit: int) -> list[tuple[int, float]]:
    """(offender id, harm days) of the highest-harm unrestricted offenders, by a plain SQL estimate:
    harm days of counted offences in the last year under the active policy, two offences at least
    (scores are computed later by the worker; this needs none)."""
    policy = active_policy()
    offences = Offence.objects.filter(
        occurred_on__gt=anchor - dt.timedelta(days=365),
        occurred_on__lte=anchor,
        offender__restricted=False,
        offender__status="active",
    ).exclude(status__in=["cancelled", "acquitted"])
    harm: Aggregate
    if policy is not None:
        offences = offences.filter(offence_type__harm_entries__policy=policy)
        harm = Sum("offence_type__harm_entries__days")
    else:
        harm = Count("id")
    rows = (
        offences.values("offender_id")
        .annotate(harm=harm, counted=Count("id"))
        .filter(counted__gte=2)
        .order_by("-harm", "offender_id")[:limit]
    )
    return [(row["offender_id"], float(row["harm"])) for row in rows]


def _person(username: str, role: str, first: str, last: str):
    """The account with this username (made with no usable password when missing); None when an existing
    account of that name is not active in that role, so nobody gets case work their role forbids."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@force.example"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
    elif not user.is_active or not user.groups.filter(name=role).exists():
        return None
    return user


def case_people(fake) -> tuple[list, list]:
    """(officers, supervisors): the demo accounts first, then seeded colleagues.

    The demo `officer` and `supervisor` are made here (no usable password) when `demo_accounts` has not
    run yet; that command later finds them, sets their passwords and roles, so the order of the two
    does not matter and the demo officer always has work on the dashboard.
    """
    officers = [_person(DEMO_OFFICER, "officer", "Demo", "Officer")]
    supervisors = [_person(DEMO_SUPERVISOR, "supervisor", "Demo", "Supervisor")]
    for n in range(1, SEEDED_OFFICERS + 1):
        officers.append(_person(f"seed.officer{n}", "officer", fake.first_name(), fake.last_name()))
    supervisors.append(_person("seed.supervisor1", "supervisor", fake.first_name(), fake.last_name()))
    return [o for o in officers if o], [s for s in supervisors if s]


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    moment = dt.datetime.combine(day, dt.time(8 + rng.randint(0, 9), rng.randint(0, 59)))
    return timezone.make_aware(moment)


class CaseSeeder:
    """Builds one case at a time from its own random stream, so the same seed gives the same cases."""

    def __init__(self, context: SeedContext, officers: list, supervisors: list):
        self.rng = context.random("cases")
        self.anchor = context.anchor
        self.officers, self.supervisors = officers, supervisors
        self.counts = {"cases": 0, "plan actions": 0, "case notes": 0}

    def case(self, index: int, offender_id: int, harm: float, rank: int, policy: str) -> None:
        rng = self.rng
        lead = self.officers[index % len(self.officers)]
        others = [o for o in self.officers if o.pk != lead.pk]
        team = rng.sample(others, k=min(len(others), rng.randint(1, 2)))
        if index % 10 in (6, 7) and self.officers[0] not in team and self.officers[0].pk != lead.pk:
            team.append(self.officers[0])  # the first officer (the demo account if present) also works as team
        opened_on = self.anchor - dt.timedelta(days=rng.randint(3, 120))
        stages = self._stages(opened_on)
        supervisor = self.supervisors[index % len(self.supervisors)]
        motive = rng.choice(
            ["repeat partner abuse", "escalating stalking", "several victims", "serious sexual offences"]
        )
        case = Case.objects.create(
            offender_id=offender_id,
            lead=lead,
            stage=stages[-1][0],
            reason=f"Rank {rank} on the harm list at tasking; {motive}.",
            review_due=self.anchor + dt.timedelta(days=rng.randint(-10, 25)),  # some reviews already due
            exit_reason=stages[-1][2],
            score_at_tasking=harm,
            rank_at_tasking=rank,
            policy_at_tasking=policy,
            opened_by=supervisor,
            opened_by_username=supervisor.username,
        )
        case.team.set(team)
        self._history(case, stages)
        last = self._plan(case, [lead, *team], opened_on)
        notes = self._notes(case, [lead, *team], opened_on)
        idle = index % 9 == 4  # a few cases with no activity for weeks (the supervisor's idle panel)
        case.opened_at = _at(opened_on, rng)
        case.last_activity_at = case.opened_at if idle else max([case.opened_at, last, *notes])
        closed = not case.is_open
        case.closed_at = _at(stages[-1][1], rng) if closed else None
        Case.objects.filter(pk=case.pk).update(
            opened_at=case.opened_at,
            last_activity_at=case.last_activity_at,
            closed_at=case.closed_at,
            # synthetic: the data has no intervention effect, so the harm at exit is drawn below tasking's
            score_at_exit=round(harm * rng.uniform(0.2, 0.9), 1) if closed else None,
            policy_at_exit=policy if closed else "",
        )
        self.counts["cases"] += 1

    def _stages(self, opened_on: dt.date) -> list[tuple[str, dt.date, str]]:
        """(stage, day, exit reason) from tasking on: older cases have moved further."""
        rng, age = self.rng, (self.anchor - opened_on).days
        path: list[tuple[str, dt.date, str]] = [(CaseStage.TASKED, opened_on, "")]
        if age > 10:
            path.append((CaseStage.ACTIVE, opened_on + dt.timedelta(days=rng.randint(1, 7)), ""))
        if age > 45 and rng.random() < 0.35:
            path.append((CaseStage.CHARGED, opened_on + dt.timedelta(days=rng.randint(20, 40)), ""))
        if age > 60 and rng.random() < CLOSED_SHARE * 2:
            reason = rng.choice([ExitReason.IN_CUSTODY, ExitReason.CONVICTED, ExitReason.RISK_REDUCED])
            path.append((CaseStage.CLOSED, self.anchor - dt.timedelta(days=rng.randint(1, 10)), reason))
        return path

    def _history(self, case: Case, stages) -> None:
        changes = []
        for (before, _, _), (after, _day, exit_reason) in zip([("", None, ""), *stages[:-1]], stages, strict=True):
            reason = "Tasked at the tasking meeting" if after == CaseStage.TASKED else f"Reviewed: moved to {after}"
            changes.append(CaseStageChange(case=case, from_stage=before, to_stage=after, reason=reason,
                                           exit_reason=exit_reason, changed_by=case.opened_by,
                                           changed_by_username=case.opened_by_username))  # fmt: skip
        CaseStageChange.objects.bulk_create(changes)
        for change, (_, day, _) in zip(changes, stages, strict=True):
            change.changed_at = _at(day, self.rng)
        CaseStageChange.objects.bulk_update(changes, ["changed_at"])

    def _plan(self, case: Case, people: list, opened_on: dt.date) -> dt.datetime:
        """One or two actions per strand; those already due are mostly done, some still open (overdue)."""
        rng, actions = self.rng, []
        for strand in Strand:
            for description in rng.sample(ACTIONS[strand], k=rng.randint(1, 2)):
                due = opened_on + dt.timedelta(days=rng.randint(7, 70))
                action = PlanAction(case=case, strand=strand, description=description, owner=rng.choice(people),
                                    due_on=due, created_by=case.lead)  # fmt: skip
                if due < self.anchor or not case.is_open:
                    self._finish(action, strand, case)
                actions.append(action)
        PlanAction.objects.bulk_create(actions)
        for action in actions:
            action.created_at = action.updated_at = _at(opened_on, rng)
        PlanAction.objects.bulk_update(actions, ["created_at", "updated_at"])
        self.counts["plan actions"] += len(actions)
        return max([a.completed_at for a in actions if a.completed_at] or [_at(opened_on, rng)])

    def _finish(self, action: PlanAction, strand: Strand, case: Case) -> None:
        draw = self.rng.random()
        if not case.is_open or draw < 0.75:
            done = draw < 0.85 or case.is_open
            action.status = ActionStatus.DONE if done else ActionStatus.CANCELLED
            action.outcome = self.rng.choice(OUTCOMES[strand]) if done else ""
            completed = min(action.due_on, self.anchor)
            action.completed_at = _at(completed, self.rng)
        # else: left open, so it is overdue (the dashboards and the digest pick it up)

    def _notes(self, case: Case, people: list, opened_on: dt.date) -> list[dt.datetime]:
        rng, moments = self.rng, []
        for _ in range(rng.randint(1, 3)):
            author = rng.choice(people)
            note = CaseNote.objects.create(case=case, text=rng.choice(NOTES), author=author,
                                           author_username=author.username)  # fmt: skip
            moment = _at(opened_on + dt.timedelta(days=rng.randint(0, max(0, (self.anchor - opened_on).days))), rng)
            CaseNote.objects.filter(pk=note.pk).update(created_at=moment)
            moments.append(moment)
        self.counts["case notes"] += len(moments)
        return moments


def seed_cases(context: SeedContext) -> dict[str, int]:
    """Open cases on the highest-harm offenders (step two, after people)."""
    policy = active_policy()
    officers, supervisors = case_people(context.faker("cases"))
    seeder = CaseSeeder(context, officers, supervisors)
    already = set(Case.objects.open().values_list("offender_id", flat=True))
    # and those whose case in the seeded history (cases/history.py) ran into the months these cases start in
    recent = timezone.make_aware(dt.datetime.combine(context.anchor - dt.timedelta(days=120), dt.time.min))
    already |= set(Case.objects.filter(closed_at__gte=recent).values_list("offender_id", flat=True))
    top = highest_harm_offenders(anchor=context.anchor, limit=CASES)
    for index, (offender_id, harm) in enumerate(top):
        if offender_id not in already:
            seeder.case(index, offender_id, harm, index + 1, f"v{policy.version}" if policy else "")
    return seeder.counts
