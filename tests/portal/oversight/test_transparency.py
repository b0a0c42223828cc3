"""The transparency record follows the live configuration, and what it says is never used is not used."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from scoring.models import ScoringPolicy

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_states_the_active_policy_and_its_thresholds(make_user, web_for, settings):
    settings.PORTAL_TOP_N = 37
    body = web_for(make_user("oversight")).get("/oversight/transparency/").content.decode()
    policy = ScoringPolicy.objects.get(status="active")
    assert f"version {policy.version}, {policy.name}" in body
    assert f"the last {policy.window_days} days" in body
    assert f"{policy.min_offences} counted offences" in body
    assert "count for nothing: Acquitted, Cancelled" in body or "count for nothing: Cancelled, Acquitted" in body
    assert "the top 37" in body
    assert "illustrative" in body  # the shipped policy is illustrative and says so
    for never in ("Ethnicity", "Sex", "Age and date of birth"):
        assert never in body


def test_follows_a_change_of_configuration(make_user, web_for):
    """Activate a new version (as the scoring app would) and the page reads it at once."""
    old = ScoringPolicy.objects.get(status="active")
    ScoringPolicy.objects.filter(pk=old.pk).update(status="retired", retired_at=timezone.now())
    ScoringPolicy.objects.create(name="Decaying", version=old.version + 1, status="active", window_days=730,
                                 recency_half_life_days=180, victim_uplift=0.5, author_username="admin_a",
                                 approved_by_username="admin_b", activated_at=timezone.now(), based_on=old)  # fmt: skip
    body = web_for(make_user("supervisor")).get("/oversight/transparency/").content.decode()
    assert "Decaying" in body and "the last 730 days" in body
    assert "halves every 180 days" in body and "1 + 0.5 for each distinct victim" in body
    assert "admin_a" in body and "admin_b" in body
    assert "window_days 365 -&gt; 730" in body  # the history says what changed


def test_no_active_policy_is_said_plainly(make_user, web_for):
    ScoringPolicy.objects.filter(status="active").update(status="retired", retired_at=timezone.now())
    body = web_for(make_user("admin")).get("/oversight/transparency/").content.decode()
    assert "No scoring policy is active" in body


def test_the_scoring_code_reads_no_protected_characteristic():
    """What the page promises: the score's code names neither ethnicity, sex nor date of birth."""
    sources = [ROOT / "scoring/formula.py", *sorted((ROOT / "scoring/services").glob("*.py"))]
    for source in sources:
        text = source.read_text()
        for field in ("ethnicity", "date_of_birth", "sex"):
            assert not re.search(rf"\b{field}\b", text), f"{source.name} mentions {field}"
