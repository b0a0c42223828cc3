"""The columns of the offences CSV (docs/imports.md) and the rule that checks each one.

The rules are the portal's own field rules (offenders.rules), shared with the API and the forms; this
module only names them by the import's column names and makes them cheap to apply 100,000 times:
columns whose values repeat (codes, statuses, dates, flags) check each distinct value once.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError

from offenders import rules

REQUIRED_COLUMNS = (
    "crime_ref", "offence_code", "occurred_on", "reported_on", "status",
    "suspect_ref", "suspect_surname", "suspect_forenames", "victim_ref",
)  # fmt: skip
OPTIONAL_COLUMNS = ("suspect_dob", "suspect_sex", "suspect_ethnicity", "victim_relationship", "borough", "domestic")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
PERSON_COLUMNS = ("suspect_surname", "suspect_forenames", "suspect_dob", "suspect_sex", "suspect_ethnicity")
DATE_COLUMNS = ("occurred_on", "reported_on")
MEMO_LIMIT = 50_000

Outcome = tuple[bool, Any]  # (True, clean value) or (False, [messages])


class Column(NamedTuple):
    """One column as this file has it: its position (None when an optional column is absent)."""

    name: str
    position: int | None
    rule: Callable[[Any], Any]
    memo: dict[str, Outcome] | None


def evaluate(rule: Callable[[Any], Any], value: str) -> Outcome:
    """A cell through its rule. Cells are data (docs/imports.md): text that a spreadsheet would
    read as a formula (`=`, `+`, `-`, `@`...) is stored as the text it is and never evaluated; the
    CSV exports neutralise it on the way out (ADR 0602, 0703)."""
    try:
        return True, rule(value)
    except ValidationError as error:
        return False, error.messages


def column_rules(*, today: dt.date) -> dict[str, tuple[Callable[[Any], Any], bool]]:
    """Column -> (the portal's rule for it, whether its values repeat enough to remember)."""
    offence, offender = rules.OFFENCE_FIELD_RULES, rules.OFFENDER_FIELD_RULES

    def date_rule(label: str):
        return lambda value: rules.check_not_future(rules.parse_date(value, label=label), label=label, today=today)

    return {
        "crime_ref": (offence["crime_ref"], False),
        "offence_code": (offence["offence_code"], True),
        "occurred_on": (date_rule("date it occurred"), True),
        "reported_on": (date_rule("reported date"), True),
        "status": (offence["status"], True),
        "suspect_ref": (offender["suspect_ref"], False),
        "suspect_surname": (offender["surname"], False),
        "suspect_forenames": (offender["forenames"], False),
        "suspect_dob": (offender["date_of_birth"], True),
        "suspect_sex": (offender["sex"], True),
        "suspect_ethnicity": (offender["ethnicity"], True),
        "victim_ref": (offence["victim_ref"], False),
        "victim_relationship": (offence["victim_relationship"], True),
        "borough": (offence["borough"], True),
        "domestic": (offence["domestic"], True),
    }


def columns_of(positions: dict[str, int], *, today: dt.date) -> list[Column]:
    return [
        Column(name, positions.get(name), rule, {} if remember else None)
        for name, (rule, remember) in column_rules(today=today).items()
    ]


def check_cells(columns: list[Column], cells: list[str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(clean values, {column: [messages]}) for one row; the hot loop of a 100,000-row import."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, index, rule, memo in columns:
        value = "" if index is None else cells[index]
        if memo is None:
            ok, result = evaluate(rule, value)
        else:
            hit = memo.get(value)
            if hit is None:
                hit = evaluate(rule, value)
                if len(memo) < MEMO_LIMIT:
                    memo[value] = hit
            ok, result = hit
        if ok:
            clean[name] = result
        else:
            errors[name] = result
    return clean, errors
