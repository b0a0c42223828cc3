"""The query-count helper itself (tests/query_counts.py): pins per engine only where the engines differ,
the update switch, and the context manager failing with the SQL that ran."""

import json

import pytest
from django.contrib.auth.models import Group

from tests import query_counts
from tests.query_counts import UPDATE_VARIABLE, Baseline, pinned_queries, request_key


@pytest.fixture
def baseline(tmp_path, monkeypatch):
    monkeypatch.delenv(UPDATE_VARIABLE, raising=False)
    return Baseline(tmp_path / "counts.json")


def on(monkeypatch, engine: str) -> None:
    monkeypatch.setattr(query_counts, "engine", lambda: engine)


def test_a_pin_is_a_plain_number_while_the_engines_agree(baseline, monkeypatch):
    on(monkeypatch, "sqlite")
    baseline.record("GET dashboard as officer", 12)
    on(monkeypatch, "postgresql")
    baseline.record("GET dashboard as officer", 12)
    assert json.loads(baseline.path.read_text()) == {"GET dashboard as officer": 12}
    assert baseline.check("GET dashboard as officer", 12) is None


def test_engines_that_differ_get_a_pin_each_and_agree_again_as_one(baseline, monkeypatch):
    on(monkeypatch, "sqlite")
    baseline.record("GET dashboard as officer", 12)
    on(monkeypatch, "postgresql")
    baseline.record("GET dashboard as officer", 11)
    assert Baseline(baseline.path).pins == {"GET dashboard as officer": {"postgresql": 11, "sqlite": 12}}
    assert baseline.check("GET dashboard as officer", 11) is None
    assert "pinned 11 (postgresql)" in baseline.check("GET dashboard as officer", 12)
    on(monkeypatch, "sqlite")
    assert baseline.check("GET dashboard as officer", 12) is None
    baseline.record("GET dashboard as officer", 11)
    assert Baseline(baseline.path).pins == {"GET dashboard as officer": 11}


def test_a_count_off_its_pin_is_reported_with_the_sql(baseline):
    baseline.record("GET dashboard as officer", 2)
    problem = baseline.check("GET dashboard as officer", 3, ["SELECT 1", "SELECT 2", "SELECT 3"])
    assert "3 queries, pinned 2" in problem
    assert "  3. SELECT 3" in problem
    assert UPDATE_VARIABLE in problem


def test_an_unpinned_key_says_how_to_pin_it(baseline):
    problem = baseline.check("GET scoring:rankings as officer", 7)
    assert "no pinned count" in problem and f"{UPDATE_VARIABLE}=1" in problem


def test_the_update_switch_pins_instead_of_failing(baseline, monkeypatch):
    """An update on one engine re-pins that engine only: the other keeps its pin until updated on it too."""
    on(monkeypatch, "sqlite")
    baseline.record("GET dashboard as officer", 2)
    baseline.record("GET offender-list as officer", 4)
    monkeypatch.setenv(UPDATE_VARIABLE, "1")
    assert baseline.check("GET dashboard as officer", 5) is None
    assert baseline.check("GET offender-list as officer", 4) is None
    assert Baseline(baseline.path).pins == {
        "GET dashboard as officer": {"postgresql": 2, "sqlite": 5},
        "GET offender-list as officer": 4,
    }


def test_forgotten_pins_leave_the_file(baseline):
    baseline.record("GET dashboard as officer", 2)
    baseline.record("GET gone as officer", 3)
    baseline.forget(["GET gone as officer"])
    assert Baseline(baseline.path).pins == {"GET dashboard as officer": 2}


@pytest.mark.django_db
def test_pinned_queries_counts_the_block_and_fails_off_its_pin(baseline):
    baseline.record("a block", 1)
    with pinned_queries("a block", baseline=baseline) as captured:
        Group.objects.count()
    assert len(captured) == 1
    with pytest.raises(AssertionError, match=r"2 queries, pinned 1"), pinned_queries("a block", baseline=baseline):
        Group.objects.count()
        Group.objects.exists()


def test_keys_name_the_url_and_never_the_ids():
    assert request_key("get", "/cases/17/", "officer") == request_key("GET", "/cases/4/", "officer")
    assert request_key("GET", "/api/v1/reports/access/?format=csv", "admin", variant="access, csv") == (
        "GET api-report[access, csv] as admin"
    )
