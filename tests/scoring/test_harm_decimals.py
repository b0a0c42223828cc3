"""Harm days as exact decimals (docs/scoring.md): the official 2026 workbook read as it is, and every
fractional value kept from the workbook through the policy to the score and the breakdown."""

from decimal import Decimal

import pytest

from offenders.models import ImportBatch
from scoring.models import OffenderScore, ScoringPolicy
from scoring.selectors import offender_score_breakdown
from scoring.services import policy_activate, policy_approve, scores_write
from scoring.services.harm_index import harm_index_import
from tests.factories.imports import upload_of
from tests.factories.workbooks import official_2026_workbook

pytestmark = pytest.mark.django_db

VALUES = [
    ["ATH001", "Murder", "001/01", "Homicide", "Murder", "15 years", 5475],
    ["ATH002", "Assault occasioning actual bodily harm", "008/06", "Violence", "With injury", "26 weeks", 182.25],
    ["ATH003", "Common assault and battery", "105/01", "Violence", "Without injury", "Fine", "10.1"],
    ["ATH004", "Rape of a female aged 16 and over", "19C", "Sexual", "Rape", "5 years", 20.2],
    ["ATH005", "Controlling or coercive behaviour", "008/71", "Violence", "Domestic", "18 months", 547.5],
    ["ATH006", "EXPIRED Harassment (old classification)", "008/99", "Harassment", "Old", "", 30],
    ["ATH007", "EXPIRED Affray (old)", "065/99", "Public order", "Old", "", 45.75],
]
EXPIRED_SHEET = [["X1", "Assault occasioning actual bodily harm (2019)", "008/06", "", "", "", 999]]
UNCLEAR_SHEET = [["U1", "Controlling behaviour (unclear)", "008/71", "", "", "", 1]]


def _import(admin, content: bytes, name: str = "CCHI 2026"):
    return harm_index_import(upload=upload_of(content, "cchi-2026.xlsx"), name=name, by=admin)


def _activate(policy, approver):
    policy_approve(policy=policy, by=approver)
    policy_activate(policy=ScoringPolicy.objects.get(pk=policy.pk), by=approver)
    return ScoringPolicy.objects.get(pk=policy.pk)


def test_the_official_2026_layout_imports_with_fractions_kept(make_user):
    admin = make_user("admin")
    report = _import(admin, official_2026_workbook(VALUES, expired_rows=EXPIRED_SHEET, unclear_rows=UNCLEAR_SHEET))

    assert report.loaded, report.problems.as_texts()
    policy = ScoringPolicy.objects.get(name="CCHI 2026")
    assert policy.status == "draft"
    days = dict(policy.entries.values_list("code", "days"))
    assert days == {
        "001/01": Decimal("5475"), "008/06": Decimal("182.25"), "105/01": Decimal("10.1"),
        "19C": Decimal("20.2"), "008/71": Decimal("547.5"),
    }  # fmt: skip
    assert report.batch.details["sheet"] == "CCHI 2026 values sheet"  # not the expired or unclear sheet
    assert report.batch.details["expired_skipped"] == 2 and report.batch.rows_skipped == 2


def test_the_recomputed_score_sums_the_fractions_exactly(make_user, make_offender, make_offence, today, api_for):
    author, approver = make_user("admin"), make_user("admin")
    assert _import(author, official_2026_workbook(VALUES)).loaded
    policy = _activate(ScoringPolicy.objects.get(name="CCHI 2026"), approver)
    offender = make_offender()
    for code in ("008/06", "008/71", "105/01", "19C"):
        make_offence(offender, code=code)
    scores_write(policy=policy, as_of=today, offender_ids=[offender.pk])

    expected = Decimal("182.25") + Decimal("547.5") + Decimal("10.1") + Decimal("20.2")  # 760.05
    stored = OffenderScore.objects.get(offender=offender)
    assert Decimal(repr(stored.score)) == expected and Decimal(repr(stored.harm_days)) == expected
    summary = offender_score_breakdown(offender)
    assert sorted(row["days"] for row in summary["breakdown"]) == sorted(
        Decimal(v) for v in ("182.25", "547.5", "10.1", "20.2")
    )
    assert sum(Decimal(repr(row["contribution"])) for row in summary["breakdown"]) == expected
    assert Decimal(repr(summary["score"])) == expected

    detail = api_for(approver).get(f"/api/v1/scoring/policies/{policy.pk}/").json()
    assert {e["code"]: e["days"] for e in detail["entries"]}["008/06"] == 182.25  # a JSON number, not text


def test_a_value_with_more_than_two_places_is_refused_and_nothing_is_created(make_user):
    rows = [*VALUES[:2], ["ATH9", "Something", "19C", "", "", "", 12.345]]
    report = _import(make_user("admin"), official_2026_workbook(rows), name="Three places")
    assert not report.ok and report.batch.outcome == ImportBatch.Outcome.REJECTED
    problem = report.problems.kept[0]
    assert (problem.line, problem.column) == (6, "CCHI Score") and "more than 2 decimal places" in problem.message
    assert not ScoringPolicy.objects.filter(name="Three places").exists()


def test_a_workbook_with_no_values_sheet_is_refused(make_user):
    content = official_2026_workbook(VALUES, expired_rows=EXPIRED_SHEET, unclear_rows=UNCLEAR_SHEET, values_sheet=False)
    report = _import(make_user("admin"), content, name="No values")
    assert not report.ok and "no values sheet" in report.problems.kept[0].message  # expired sheet is never read
    assert not ScoringPolicy.objects.filter(name="No values").exists()


@pytest.mark.parametrize("days", ["12.345", -1, 36_501, "lots"])
def test_api_refuses_bad_days(make_user, api_for, days):
    response = api_for(make_user("admin")).post(
        "/api/v1/scoring/policies/", {"name": "x", "entries": [{"code": "19C", "days": days}]}, format="json"
    )
    assert response.status_code == 400 and "entry 1" in str(response.json())


def test_api_takes_two_places_exactly(make_user, api_for):
    response = api_for(make_user("admin")).post(
        "/api/v1/scoring/policies/", {"name": "x", "entries": [{"code": "19C", "days": 182.25}]}, format="json"
    )
    assert response.status_code == 201
    assert ScoringPolicy.objects.get(pk=response.json()["id"]).entries.get().days == Decimal("182.25")
