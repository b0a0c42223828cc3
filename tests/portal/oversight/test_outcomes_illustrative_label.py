"""The outcomes page shows harm scores copied onto cases; those computed under an illustrative policy must
carry the "illustrative" label there as everywhere else (found walking the pages as oversight)."""

import pytest
from django.db.models import Max

from cases.models import Case
from scoring.models import ScoringPolicy
from tests.factories import OffenderFactory
from tests.factories.cases import open_case
from tests.factories.clock import at_noon, days_ago

pytestmark = pytest.mark.django_db


def _closed_case(lead, *, policy_at_tasking: str, policy_at_exit: str):
    case = open_case(
        OffenderFactory(), lead=lead, opened_at=at_noon(days_ago(40)), score_at_tasking=900,
        policy_at_tasking=policy_at_tasking,
    )  # fmt: skip
    Case.objects.filter(pk=case.pk).update(
        stage="closed", exit_reason="convicted", closed_at=at_noon(days_ago(3)), score_at_exit=400,
        policy_at_exit=policy_at_exit,
    )  # fmt: skip


def _official_policy() -> ScoringPolicy:
    version = ScoringPolicy.objects.aggregate(v=Max("version"))["v"] + 1
    return ScoringPolicy.objects.create(name="Official CCHI", version=version, is_illustrative=False)


def test_scores_under_the_illustrative_policy_are_labelled(make_user, web_for, supervisor):
    illustrative = ScoringPolicy.objects.get(version=1)
    assert illustrative.is_illustrative
    official = _official_policy()
    _closed_case(supervisor, policy_at_tasking="v1", policy_at_exit=f"v{official.version}")
    body = web_for(make_user("oversight")).get("/oversight/outcomes/").content.decode()
    assert "Mean score at tasking" in body
    assert "Scores under policy v1 use illustrative harm values" in body


def test_scores_under_official_policies_carry_no_illustrative_note(make_user, web_for, supervisor):
    official = _official_policy()
    _closed_case(supervisor, policy_at_tasking=f"v{official.version}", policy_at_exit=f"v{official.version}")
    body = web_for(make_user("oversight")).get("/oversight/outcomes/").content.decode()
    assert "Mean score at tasking" in body and "use illustrative harm values" not in body
