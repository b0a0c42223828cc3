"""The records the query-count pins are measured on, built through the services the portal itself uses,
and grown round by round so a request whose query count follows its rows is caught.

Each round adds, for `new` offenders: three offences against two victims (one shared across the
round), a case opened by the supervisor (review due within the week) with the officer as lead and a
teammate, two plan actions (one done, one overdue), a note and a stage change; the round's last case
is closed. Everything already there grows too: each offender gains an offence; each open case a note,
an action the supervisor owns, two stage changes and a new team member; every other case goes idle.
A restricted offender (no case) and an untasked one (a new entrant) join each round. Then a draft
policy with a longer weight table than the last is written and a full recompute publishes a snapshot.
The audit log grows with all of it.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cases.models import Case, CaseStage, PlanAction
from cases.services.cases import case_note_add, case_open, case_transition, case_update
from cases.services.plan_actions import plan_action_add, plan_action_update
from cases.services.safety import clares_law_record
from offenders.models import DomesticIncident, OffenceType, Offender, Victim
from offenders.services.incidents import incident_record
from offenders.services.orders import order_create
from scoring.models import RankingSnapshot, ScoringPolicy, ScoringRun
from scoring.selectors import policy_entries
from scoring.services.policies import policy_create_draft
from tests.conftest import TEST_PASSWORD
from tests.factories import OffenceFactory, OffenderFactory, VictimFactory
from tests.scoring.conftest import run_synchronously

ROLES = ("officer", "supervisor", "admin", "oversight")


@dataclass
class World:
    people: dict  # role -> user; "teammate" and "author" besides
    offenders: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    rounds: int = 0

    def ids(self) -> dict[str, int]:
        """The sample ids request paths are filled from: the first offender and case (they grow every
        round), the newest draft policy (its table grows), the latest run and snapshot."""
        case = self.cases[0]
        return {
            "offender": self.offenders[0].pk,
            "offence": self.offenders[0].offences.order_by("pk").first().pk,
            "incident": self.offenders[0].incidents.order_by("pk").first().pk,
            "case": case.pk,
            "action": case.actions.order_by("pk").first().pk,
            "policy": ScoringPolicy.objects.filter(status="draft").order_by("-version")[0].pk,
            "run": ScoringRun.objects.order_by("-pk")[0].pk,
            "snapshot": RankingSnapshot.objects.order_by("-pk")[0].pk,
        }


def person(username: str, role: str):
    """A user with one role (the `make_user` fixture is per test; the world outlives one)."""
    user = get_user_model().objects.create_user(username=username, password=TEST_PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def world_create() -> World:
    people = {role: person(f"qc_{role}", role) for role in ROLES}
    people["teammate"] = person("qc_teammate", "officer")
    people["author"] = person("qc_author", "admin")
    return World(people=people)


def _offence_types() -> list[OffenceType]:
    """Three types of the active index, so a list shows several (each must come in the same query)."""
    codes = ScoringPolicy.objects.get(status="active").entries.order_by("code").values_list("code", flat=True)[:3]
    return list(OffenceType.objects.filter(code__in=list(codes)).order_by("code"))


def _offences(offender, *, victims, types, count: int) -> None:
    for n in range(count):
        OffenceFactory(
            offender=offender, victim=victims[n % len(victims)], offence_type=types[n % len(types)],
            occurred_on=timezone.localdate() - dt.timedelta(days=20 + 7 * n),
        )  # fmt: skip


def _incident(world: World, offender, *, today: dt.date) -> None:
    """A non-crime domestic incident recorded against the offender (the profile and the API list them)."""
    number = DomesticIncident.objects.count() + 1
    incident_record(data={"incident_ref": f"QC-INC-{number}", "offender": offender, "victim_ref": f"QC-V{number}",
                          "occurred_on": today - dt.timedelta(days=number), "kind": "verbal"},
                    by=world.people["officer"])  # fmt: skip


def _worked_case(world: World, offender, *, today: dt.date):
    """A case opened, planned, noted and moved on, as officers and supervisors would leave it."""
    supervisor, lead, teammate = world.people["supervisor"], world.people["officer"], world.people["teammate"]
    case = case_open(
        offender=offender, lead=lead, team=[teammate], reason="Ranked high; repeat abuse",
        review_due=today + dt.timedelta(days=3), by=supervisor,
    )  # fmt: skip
    done = plan_action_add(
        case=case, strand="pursue", description="Arrest enquiry", owner=lead, due_on=today, by=supervisor
    )
    plan_action_update(action=done, status="done", outcome="arrest", by=lead)
    late = plan_action_add(
        case=case, strand="protect", description="Safety visit", owner=teammate, due_on=today, by=lead
    )
    PlanAction.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=3))  # a service refuses a past date
    case_note_add(case=case, text="Victim contacted; refuge place offered.", by=teammate)
    return case_transition(case=case, to=CaseStage.ACTIVE, reason="Plan agreed", by=supervisor)


def _more_on_open_case(world: World, case, *, today: dt.date, newcomer):
    """A round's work on a case already open: a note, an action, a charge and back, a new team member."""
    supervisor, lead = world.people["supervisor"], world.people["officer"]
    case_note_add(case=case, text=f"Round {world.rounds + 1} review.", by=lead)
    clares_law_record(case=case, route="right_to_ask", decision="pending", decided_on=today, by=lead)
    plan_action_add(case=case, strand="prevent", description="Referral", owner=supervisor, due_on=today, by=lead)
    case = case_transition(case=case, to=CaseStage.CHARGED, reason="Charged with assault", by=supervisor)
    case = case_transition(case=case, to=CaseStage.ACTIVE, reason="Released on bail", by=supervisor)
    return case_update(case=case, team=[*case.team.all(), newcomer], by=supervisor)


def world_grow(world: World, *, new: int) -> World:
    """One round: `new` offenders with worked cases, more on everything already there, a draft policy
    and a published snapshot."""
    today = timezone.localdate()
    types = _offence_types()
    supervisor = world.people["supervisor"]
    shared = cast(Victim, VictimFactory())
    newcomer = person(f"qc_officer_round{world.rounds + 1}", "officer")
    for offender in world.offenders:
        _offences(offender, victims=[VictimFactory()], types=types[1:], count=1)
    for offender in world.offenders[:1]:
        _incident(world, offender, today=today)
    world.cases = [
        _more_on_open_case(world, case, today=today, newcomer=newcomer) if case.stage != CaseStage.CLOSED else case
        for case in world.cases
    ]
    for _ in range(new):
        offender = cast(Offender, OffenderFactory())
        _offences(offender, victims=[VictimFactory(), shared], types=types, count=3)
        world.offenders.append(offender)
        _incident(world, offender, today=today)
        world.cases.append(_worked_case(world, offender, today=today))
        order_create(
            offender=offender, kind="dapo", starts_on=today - dt.timedelta(days=30), protected_victims=[shared],
            by=supervisor,
        )  # fmt: skip
        # due for review (after his offences set the date by the rules): the review queue grows too
        Offender.objects.filter(pk=offender.pk).update(review_due=today - dt.timedelta(days=1))
    world.cases[-1] = case_transition(
        case=world.cases[-1], to=CaseStage.CLOSED, reason="Convicted", exit_reason="convicted", by=supervisor
    )
    idle = [case.pk for case in world.cases[1::2]]
    Case.objects.filter(pk__in=idle).update(last_activity_at=timezone.now() - dt.timedelta(days=40))
    for restricted in (True, False):  # one hidden from those without the grant; one nobody has tasked
        _offences(OffenderFactory(restricted=restricted), victims=[VictimFactory()], types=types, count=2)
    active = ScoringPolicy.objects.get(status="active")
    policy_create_draft(
        name=f"Query-count draft {world.rounds + 1}", by=world.people["author"], based_on=active,
        entries=[{**entry, "days": entry["days"] + 1} for entry in policy_entries(policy=active)[: 6 * (world.rounds + 1)]],
    )  # fmt: skip
    run_synchronously(by=supervisor)
    world.rounds += 1
    return world
