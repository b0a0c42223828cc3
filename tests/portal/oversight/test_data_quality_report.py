"""Data quality figures against records placed by hand; duplicate detection without revealing names."""

import datetime as dt

import pytest
from django.db.models import F
from django.utils import timezone

from offenders.models import Offence, OffenceType
from portal.oversight.selectors.data_quality import (
    _offences,
    data_quality_report,
    offenders_without_review,
    period_counts,
    stale_offences,
)
from portal.oversight.selectors.duplicates import Person, duplicate_pairs, match_reason, normalise, soundex
from tests.factories import OffenceFactory, OffenderFactory
from tests.factories.clock import days_ago, period


@pytest.mark.parametrize(
    ("word", "code"),
    [("Robert", "R163"), ("Rupert", "R163"), ("Ashcraft", "A261"), ("Tymczak", "T522"), ("Pfister", "P236"),
     ("Smith", "S530"), ("Smyth", "S530"), ("O'Brien", "O165"), ("", "")],
)  # fmt: skip
def test_soundex(word, code):
    assert soundex(word) == code


def test_normalise_strips_accents_and_punctuation():
    assert normalise("  Zoë O\u2019Brien-Smyth ") == "zoe obrien smyth"


def test_match_reasons():
    jonathan, jonathon = Person(1, "Smith", "Jonathan"), Person(2, "Smith", "Jonathon")
    assert match_reason(jonathan, jonathon)[0].startswith("similar names (0.93)")  # 2*13/28 = 0.929
    assert match_reason(Person(1, "Smith", "John"), Person(2, "Smyth", "Jon"))[0] in {
        "names sound alike", "similar names (0.89)"}  # fmt: skip
    assert match_reason(Person(1, "Brown", "Jo"), Person(2, "Smyth", "Jon")) is None
    assert match_reason(Person(1, "Okafor", "Grace"), Person(2, "Grace", "Okafor"))[1] == 1.0  # swapped names


@pytest.mark.django_db
def test_duplicate_pairs_only_within_a_date_of_birth():
    dob = dt.date(1980, 5, 17)
    one = OffenderFactory(surname="Whitcombe", forenames="Bartholomew", date_of_birth=dob)
    two = OffenderFactory(surname="Whitcomb", forenames="Bartholomew", date_of_birth=dob)
    OffenderFactory(surname="Whitcombe", forenames="Bartholomew", date_of_birth=dt.date(1980, 5, 18))
    OffenderFactory(surname="Nguyen", forenames="Linh", date_of_birth=dob)
    OffenderFactory(surname="Whitcombe", forenames="Bartholomew", date_of_birth=None)
    pairs = list(duplicate_pairs())
    assert pairs == [{"offender": one.reference, "possible_duplicate": two.reference,
                      "reason": "similar names (0.98)", "similarity": 0.98}]  # fmt: skip
    assert "Whitcomb" not in str(pairs) and "1980" not in str(pairs)


@pytest.fixture
def quality(db, make_user):
    old = days_ago(100)
    stale_reported = OffenceFactory(occurred_on=old, reported_on=old, status="reported")
    stale_untouched = OffenceFactory(occurred_on=old, reported_on=old, status="investigating")
    edited = OffenceFactory(occurred_on=old, reported_on=old, status="investigating")
    Offence.objects.filter(pk=edited.pk).update(updated_at=F("created_at") + dt.timedelta(days=2))
    OffenceFactory(occurred_on=old, reported_on=old, status="charged")  # moved on
    OffenceFactory(status="reported")  # reported 29 days ago: not stale yet
    unknown = OffenceType.objects.create(code="ZZZ/99", title="Not in any weight table")
    stray = OffenderFactory(review_due=timezone.localdate())
    OffenceFactory.create_batch(2, offender=stray, offence_type=unknown)
    archived = OffenderFactory(status="archived")
    OffenceFactory(offender=archived)
    report = data_quality_report(user=make_user("oversight"), period=period(days_ago(365)))
    return {"report": report, "stale": [stale_reported, stale_untouched], "stray": stray,
            "offenders": [o.offender for o in (stale_reported, stale_untouched, edited)]}  # fmt: skip


def test_stale_offences(quality):
    rows = quality["report"].table("stale").preview()[0]
    assert [row["offence"] for row in rows] == sorted(offence.pk for offence in quality["stale"])
    assert {row["days_since_reported"] for row in rows} == {100}
    assert rows[0]["offender"] == quality["stale"][0].offender.reference


def test_codes_not_in_the_active_policy(quality):
    rows = quality["report"].table("unknown-codes").preview()[0]
    assert rows == [{"code": "ZZZ/99", "title": "Not in any weight table", "offences": 2, "offenders": 1}]


def test_offenders_without_review_date(quality):
    listed = {row["offender"] for row in quality["report"].table("no-review").preview()[0]}
    # Five offences made five offenders without a review date; the stray has one, the archived one is left out.
    assert quality["stray"].reference not in listed
    assert len(listed) == 5
    assert {o.reference for o in quality["offenders"]} <= listed


def test_headline_figures(quality):
    figures = {figure.label: figure.value for figure in quality["report"].figures}
    assert figures["Offences reported in the period"] == 5 + 2 + 1
    assert figures["Reported over 90 days ago and never moved"] == 2
    assert figures["Offences with a code the active policy does not know"] == 2
    assert figures["Active offenders without a review date"] == 5


def test_empty_period_is_no_data(make_user):
    report = data_quality_report(user=make_user("oversight"), period=period(days_ago(900), days_ago(800)))
    assert [figure.value for figure in report.figures] == [None, None, None, None]
    assert report.table("stale").preview() == ([], False)


@pytest.mark.django_db
def test_counts_in_one_pass_match_the_lists_they_head(make_user):
    """The figures are counted in one pass over the period's offences and the first page is read with a
    LIMIT: both must agree with the lists streamed whole (an offender named twice counts once; a
    restricted offender, one outside the period and an edited open offence count nowhere)."""
    old = days_ago(120)
    twice = OffenderFactory(review_due=None)
    OffenceFactory.create_batch(3, offender=twice, occurred_on=old, reported_on=old, status="reported")
    OffenceFactory(offender=OffenderFactory(review_due=None, restricted=True), occurred_on=old, reported_on=old)
    OffenceFactory(offender=OffenderFactory(review_due=None), occurred_on=days_ago(500), reported_on=days_ago(500))
    edited = OffenceFactory(occurred_on=old, reported_on=old, status="investigating")
    Offence.objects.filter(pk=edited.pk).update(updated_at=F("created_at") + dt.timedelta(days=2))
    OffenceFactory.create_batch(4, occurred_on=old, reported_on=old, status="investigating")
    user, window = make_user("oversight"), period(days_ago(365))

    counts = period_counts(user=user, period=window)
    assert counts == {
        "offences": _offences(user=user, period=window).count(),
        "stale": stale_offences(user=user, period=window).count(),
        "no_review": offenders_without_review(user=user, period=window).count(),
    }
    assert counts == {"offences": 8, "stale": 7, "no_review": 6}
    report = data_quality_report(user=user, period=window)
    for key in ("stale", "no-review"):
        table = report.table(key)
        table.display_limit = 3
        assert table.preview() == (list(table.all_rows())[:3], True)
