"""The shared field rules (offenders/rules.py): the API, the forms and the importer all rely on them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from offenders import rules

TODAY = dt.date(2025, 6, 30)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("008/67", "008/67"),
        ("00867", "008/67"),
        (" 008/67 ", "008/67"),
        ("8/67", "008/67"),
        ("10501", "105/01"),
        ("19C", "19C"),
        ("19c", "19C"),
        ("019C", "19C"),
        (" 8l ", "8L"),
        ("88E", "88E"),
    ],
)
def test_offence_codes_are_normalised(raw, expected):
    assert rules.normalize_offence_code(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", None, "abc", "0086", "008/678", "1234C", "C19", "008-67"])
def test_bad_offence_codes_are_refused_with_a_message(raw):
    with pytest.raises(ValidationError) as error:
        rules.normalize_offence_code(raw)
    assert "offence code" in error.value.messages[0]


def test_dates_parse_only_iso_calendar_dates():
    assert rules.parse_date("2024-02-29") == dt.date(2024, 2, 29)
    assert rules.parse_date(dt.date(2024, 1, 1)) == dt.date(2024, 1, 1)
    for bad in ["2023-02-29", "29/02/2024", "2024-1-5", "yesterday", "20240101"]:
        with pytest.raises(ValidationError, match="not a real date"):
            rules.parse_date(bad, label="date it occurred")
    with pytest.raises(ValidationError, match="Enter the reported date"):
        rules.parse_date("", label="reported date")


def test_future_dates_are_refused_and_today_is_allowed():
    assert rules.check_not_future(TODAY, today=TODAY) == TODAY
    with pytest.raises(ValidationError, match="must not be in the future"):
        rules.check_not_future(TODAY + dt.timedelta(days=1), today=TODAY)


def test_reported_before_occurred_is_refused_on_the_reported_field():
    with pytest.raises(ValidationError) as error:
        rules.clean_offence_dates("2025-01-10", "2025-01-09", today=TODAY)
    assert list(error.value.message_dict) == ["reported_on"]
    assert "must not be before" in error.value.message_dict["reported_on"][0]
    same_day = rules.clean_offence_dates("2025-01-10", "2025-01-10", today=TODAY)
    assert same_day == {"occurred_on": dt.date(2025, 1, 10), "reported_on": dt.date(2025, 1, 10)}


@pytest.mark.parametrize(
    ("rule", "good", "clean", "bad"),
    [
        (rules.normalize_status, "NFA", "nfa", "closed"),
        (rules.normalize_sex, "Female", "female", "f"),
        (rules.normalize_relationship, "ex_partner", "ex_partner", "ex-partner"),
        (rules.normalize_ethnicity, "w1", "W1", "W9"),
        (rules.normalize_offender_status, "archived", "archived", "deleted"),
    ],
)
def test_vocabularies(rule, good, clean, bad):
    assert rule(good) == clean
    with pytest.raises(ValidationError):
        rule(bad)


def test_blank_optional_vocabularies_have_defaults():
    assert rules.normalize_sex("") == "unknown"
    assert rules.normalize_relationship(None) == "unknown"
    assert rules.normalize_ethnicity(" ") == ""
    with pytest.raises(ValidationError):
        rules.normalize_status("")


def test_borough_is_at_most_64_characters():
    assert rules.normalize_borough("  Tower Hamlets ") == "Tower Hamlets"
    assert rules.normalize_borough("x" * 64) == "x" * 64
    with pytest.raises(ValidationError, match="at most 64 characters"):
        rules.normalize_borough("x" * 65)


def test_domestic_flag_accepts_true_false_and_blank():
    assert rules.parse_bool("true") is True
    assert rules.parse_bool("FALSE") is False
    assert rules.parse_bool("") is False
    with pytest.raises(ValidationError, match="true or false"):
        rules.parse_bool("perhaps", label="domestic flag")


@pytest.mark.parametrize("guess", ["yes", "1", "y", "no", "0"])
def test_domestic_flag_refuses_anything_but_true_or_false(guess):
    with pytest.raises(ValidationError, match="true or false"):
        rules.parse_bool(guess, label="domestic flag")


def test_clean_offence_fields_reports_every_bad_field_at_once():
    raw = {
        "crime_ref": "",
        "offence_code": "nonsense",
        "occurred_on": "2099-01-01",
        "reported_on": "2025-01-01",
        "status": "lost",
        "victim_ref": "V1",
        "borough": "b" * 65,
        "domestic": "maybe",
    }
    with pytest.raises(ValidationError) as error:
        rules.clean_offence_fields(raw, today=TODAY)
    assert set(error.value.message_dict) == {
        "crime_ref",
        "offence_code",
        "occurred_on",
        "status",
        "borough",
        "domestic",
    }


def test_clean_offence_fields_returns_clean_values():
    raw = {
        "crime_ref": " CR/1 ",
        "offence_code": "00867",
        "occurred_on": "2025-01-01",
        "reported_on": "2025-01-03",
        "status": "Charged",
        "victim_ref": "V1",
        "victim_relationship": "",
        "borough": "",
        "domestic": "true",
    }
    clean = rules.clean_offence_fields(raw, today=TODAY)
    assert clean == {
        "crime_ref": "CR/1",
        "offence_code": "008/67",
        "occurred_on": dt.date(2025, 1, 1),
        "reported_on": dt.date(2025, 1, 3),
        "status": "charged",
        "victim_ref": "V1",
        "victim_relationship": "unknown",
        "borough": "",
        "domestic": True,
    }


def test_offender_fields_partial_checks_only_what_is_given():
    assert rules.clean_offender_fields({"surname": " Smith "}, partial=True) == {"surname": "Smith"}
    with pytest.raises(ValidationError) as error:
        rules.clean_offender_fields({"surname": "x" * 101, "date_of_birth": "2999-01-01"}, partial=True)
    assert set(error.value.message_dict) == {"surname", "date_of_birth"}
