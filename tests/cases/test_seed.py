"""The seeded cases: a plausible caseload on the highest-harm offenders, for the demo dashboards."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from cases.models import ActionStatus, Case, CaseStage, PlanAction, overdue_actions_q
from cases.seeding import highest_harm_offenders, seed_cases
from offenders.seeding import SeedContext


@pytest.fixture
def seeded(db, make_user, django_user_model):
    make_user("officer", username="officer")
    make_user("supervisor", username="supervisor")
    call_command("seed_demo", "--offenders", "1500", "--seed", "11", stdout=io.StringIO())


def test_seeded_caseload_is_plausible(seeded):
    cases = Case.objects.all()
    assert 20 <= cases.count() <= 40
    assert cases.exclude(stage=CaseStage.CLOSED).values("offender").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert not cases.filter(offender__restricted=True).exists()
    for case in cases:
        assert case.stage_changes.order_by("changed_at", "id").last().to_stage == case.stage
        assert set(case.actions.values_list("strand", flat=True)) == {"pursue", "prevent", "protect", "prepare"}
        assert (case.stage == CaseStage.CLOSED) == bool(case.exit_reason)
    assert PlanAction.objects.filter(overdue_actions_q()).exists()
    done = PlanAction.objects.filter(status=ActionStatus.DONE)
    assert done.exists() and not done.filter(outcome="").exists()
    assert Case.objects.filter(lead__username="officer").exists()
    assert Case.objects.filter(opened_by__username="supervisor").exists()
    assert PlanAction.objects.filter(overdue_actions_q(), owner__username="officer").exists()


def test_cases_are_on_the_highest_harm_offenders(seeded):
    from django.utils import timezone

    top = [pk for pk, _ in highest_harm_offenders(anchor=timezone.localdate(), limit=10)]
    assert set(top) <= set(Case.objects.values_list("offender_id", flat=True))
    first = Case.objects.get(offender_id=top[0], rank_at_tasking=1)
    assert first.score_at_tasking > 0 and first.policy_at_tasking.startswith("v")


def test_running_the_step_again_adds_no_second_open_case(seeded):
    from django.utils import timezone

    before = Case.objects.exclude(stage=CaseStage.CLOSED).count()
    seed_cases(SeedContext(seed=11, offenders=1500, anchor=timezone.localdate()))
    open_per_offender = Case.objects.exclude(stage=CaseStage.CLOSED).values("offender").annotate(n=Count("id"))
    assert not open_per_offender.filter(n__gt=1).exists()
    assert Case.objects.exclude(stage=CaseStage.CLOSED).count() >= before


def test_seeded_dashboards_show_work(seeded, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="officer"))
    body = client.get("/").content.decode()
    assert "My overdue actions (0)" not in body and "You lead or work on no open case." not in body


def test_seed_before_demo_accounts_still_gives_the_demo_officer_work(db, django_user_model):
    """make demo may seed before or after demo_accounts: either way the demo officer has cases."""
    call_command("seed_demo", "--offenders", "1200", "--seed", "12", stdout=io.StringIO())
    officer = django_user_model.objects.get(username="officer")
    assert not officer.has_usable_password()
    call_command("demo_accounts", stdout=io.StringIO())
    officer = django_user_model.objects.get(username="officer")
    assert officer.has_usable_password() and officer.groups.filter(name="officer").exists()
    assert Case.objects.filter(lead=officer).exists()


def test_an_account_in_another_role_gets_no_case_work(db, make_user):
    make_user("admin", username="officer")
    call_command("seed_demo", "--offenders", "1200", "--seed", "13", stdout=io.StringIO())
    assert Case.objects.exists()
    assert not Case.objects.filter(lead__username="officer").exists()
    assert not PlanAction.objects.filter(owner__username="officer").exists()
