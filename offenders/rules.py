"""The field rules for offenders and offences, written once for the API, the forms and the CSV importer.

Pure functions: each takes a raw value (usually text) and returns the clean value or raises a Django
``ValidationError`` whose message a person can act on. Forms and DRF both turn that exception into a
field error; the importer reports it as ``line N, column C: message``. Rules that need the database
(does this offence code exist? is this crime reference taken?) live in the services, not here.
"""

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from portal.dates import check_date_in_range

from .choices import ETHNICITY_CODES, OffenceStatus, OffenderStatus, Relationship, Sex


@dataclass(frozen=True)
class TextLimit:
    """The length limit of one free-text field, written once (docs/decisions/0850-limits-of-text-and-dates.md).

    The services refuse a longer value with `clean` (so pages, the API and the importer say the same
    words); serializers and forms add `validator()`, which also documents the limit as the OpenAPI
    schema's `maxLength`.
    """

    label: str
    max_length: int

    def validator(self) -> MaxLengthValidator:
        message = f"The {self.label} must be at most %(limit_value)d characters (it has %(show_value)d)."
        return MaxLengthValidator(self.max_length, message=message)

    def clean(self, value: Any, *, required: str = "") -> str:
        """The trimmed text; `required` is the message for a blank value (blank is allowed without it)."""
        text = _text(value)
        if not text and required:
            raise ValidationError(required, code="required")
        self.validator()(text)
        return text


BOROUGH_MAX_LENGTH = 64
REFERENCE_MAX_LENGTH = 64
SURNAME_MAX_LENGTH = 100
FORENAMES_MAX_LENGTH = 150

# Every free-text field a person can write, with its limit (each one written here only).
BOROUGH = TextLimit("borough", BOROUGH_MAX_LENGTH)
CRIME_REF = TextLimit("crime reference", REFERENCE_MAX_LENGTH)
SUSPECT_REF = TextLimit("suspect reference", REFERENCE_MAX_LENGTH)
VICTIM_REF = TextLimit("victim reference", REFERENCE_MAX_LENGTH)
SURNAME = TextLimit("surname", SURNAME_MAX_LENGTH)
FORENAMES = TextLimit("forenames", FORENAMES_MAX_LENGTH)
CASE_REASON = TextLimit("reason", 2000)  # why an offender is tasked, why a case changes stage
CASE_NOTE = TextLimit("note", 4000)
ACTION_DESCRIPTION = TextLimit("description", 1000)
RESTRICTION_REASON = TextLimit("reason", 500)  # why a record is hidden or revealed (audited)
REVIEW_REASON = TextLimit("reason", 2000)  # why a reviewed record is kept or disposed of (audited)
POLICY_NAME = TextLimit("policy name", 200)
POLICY_NOTES = TextLimit("policy notes", 2000)
HARM_ENTRY_TITLE = TextLimit("title", 200)
HARM_ENTRY_PROVENANCE = TextLimit("provenance", 300)

_CLASSIFICATION = re.compile(r"^(\d{1,3})/(\d{1,2})$")  # 008/67, 8/67
_CLASSIFICATION_DIGITS = re.compile(r"^(\d{3})(\d{2})$")  # 00867
_OFFENCE_CLASS = re.compile(r"^0*(\d{1,3})([A-Z])$")  # 19C, 8L, 019C
_TRUE = frozenset({"true"})
_FALSE = frozenset({"false", ""})


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def normalize_offence_code(value: Any) -> str:
    """A Home Office code in its canonical form: ``00867`` and ``8/67`` become ``008/67``, ``19c`` ``19C``.

    Forces export codes with and without the slash and with lost leading zeros (spreadsheets), so
    every writer must agree on one spelling before looking the type up.
    """
    code = re.sub(r"\s+", "", _text(value)).upper()
    if not code:
        raise ValidationError("Enter an offence code, for example 008/67.", code="required")
    if match := _CLASSIFICATION.match(code):
        return f"{int(match[1]):03d}/{int(match[2]):02d}"
    if match := _CLASSIFICATION_DIGITS.match(code):
        return f"{match[1]}/{match[2]}"
    if match := _OFFENCE_CLASS.match(code):
        return f"{int(match[1])}{match[2]}"
    raise ValidationError(
        f"'{_text(value)[:20]}' is not a Home Office offence code (expected e.g. 008/67, 00867 or 19C).",
        code="invalid",
    )


def parse_date(value: Any, *, label: str = "date") -> dt.date:
    """A date from ``YYYY-MM-DD`` text (or a date object), not before 1900, with a message that names the
    field. The latest date allowed is the field's own rule: `check_not_future`, or `check_date_in_range`."""
    if isinstance(value, dt.datetime):
        return check_date_in_range(value.date(), label=label, latest=None)
    if isinstance(value, dt.date):
        return check_date_in_range(value, label=label, latest=None)
    text = _text(value)
    if not text:
        raise ValidationError(f"Enter the {label} (YYYY-MM-DD).", code="required")
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else _bad_date(text, label)
    except ValueError:
        return _bad_date(text, label)
    return check_date_in_range(day, label=label, latest=None)


def _bad_date(text: str, label: str) -> dt.date:
    raise ValidationError(f"The {label} '{text[:20]}' is not a real date in the form YYYY-MM-DD.", code="invalid")


def parse_date_in_range(value: Any, *, label: str) -> dt.date:
    """A date that may lie ahead (a review date), from 1900-01-01 to 2100-12-31."""
    return check_date_in_range(parse_date(value, label=label), label=label)


def check_not_future(value: dt.date, *, label: str = "date", today: dt.date | None = None) -> dt.date:
    """Offences are reported after the fact; a future date is a keying error."""
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError(f"The {label} must not be in the future (it is {value.isoformat()}).", code="future")
    return value


def check_reported_not_before_occurred(*, occurred_on: dt.date, reported_on: dt.date) -> None:
    """The database holds this rule too; checking here gives a field error instead of a conflict."""
    if reported_on < occurred_on:
        raise ValidationError(
            f"The reported date ({reported_on.isoformat()}) must not be before the date it occurred "
            f"({occurred_on.isoformat()}).",
            code="reported_before_occurred",
        )


def _choice(value: Any, allowed: list[str], label: str, *, blank: str | None = None) -> str:
    text = _text(value).lower()
    if not text and blank is not None:
        return blank
    if text not in allowed:
        raise ValidationError(f"'{_text(value)[:20]}' is not a {label}; use one of: {', '.join(allowed)}.")
    return text


def normalize_status(value: Any) -> str:
    """An offence status from the contract's list (case-insensitive)."""
    return _choice(value, OffenceStatus.values, "known offence status")


def normalize_offender_status(value: Any) -> str:
    """Whether the offender record is active or archived; blank means active."""
    return _choice(value, OffenderStatus.values, "known record status", blank=OffenderStatus.ACTIVE)


def normalize_sex(value: Any) -> str:
    """Sex as recorded; blank means unknown."""
    return _choice(value, Sex.values, "recorded sex", blank=Sex.UNKNOWN)


def normalize_relationship(value: Any) -> str:
    """The victim's relationship to the suspect; blank means unknown."""
    return _choice(value, Relationship.values, "known relationship", blank=Relationship.UNKNOWN)


def normalize_ethnicity(value: Any) -> str:
    """An ONS 2021 18+1 code (``W1``, ``b2``...), or blank for not stated."""
    code = _text(value).upper()
    if code and code not in ETHNICITY_CODES:
        raise ValidationError(
            f"'{_text(value)[:20]}' is not an ONS 2021 ethnicity code (A1-A5, B1-B3, M1-M4, O1-O2, W1-W4) or blank."
        )
    return code


def normalize_borough(value: Any) -> str:
    """Free text, at most 64 characters; the column is that wide and a longer value is a mistake."""
    return BOROUGH.clean(value)


def normalize_reference(value: Any, *, label: str = "reference", max_length: int = REFERENCE_MAX_LENGTH) -> str:
    """A force reference (crime, suspect or victim): required, trimmed, at most 64 characters."""
    return TextLimit(label, max_length).clean(value, required=f"Enter the {label}.")


def normalize_name(value: Any, *, label: str, max_length: int) -> str:
    """A surname or forenames: required, trimmed, within the column width."""
    return normalize_reference(value, label=label, max_length=max_length)


def check_due_date(value: dt.date | None, *, label: str) -> dt.date | None:
    """A date something is due (a review, an action): not in the past, and within the portal's range."""
    if value is None:
        return None
    check_date_in_range(value, label=label)
    if value < timezone.localdate():
        raise ValidationError(f"The {label} cannot be in the past.", code="past")
    return value


def parse_bool(value: Any, *, label: str = "value") -> bool:
    """``true`` or ``false`` (any case) as docs/imports.md writes them; blank is false. Anything else
    (yes, 1, y) is refused rather than guessed: a flag that feeds filters and reports must mean one thing."""
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(f"The {label} must be true or false (it is '{_text(value)[:20]}').")


def parse_optional_date(value: Any, *, label: str) -> dt.date | None:
    """A date that may be left blank (for example a suspect's date of birth)."""
    if _text(value) == "":
        return None
    return check_not_future(parse_date(value, label=label), label=label)


def clean_offence_dates(occurred_on: Any, reported_on: Any, *, today: dt.date | None = None) -> dict[str, dt.date]:
    """Both dates parsed and checked together; raises a ValidationError keyed by field name."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, dt.date] = {}
    for field, value, label in (
        ("occurred_on", occurred_on, "date it occurred"),
        ("reported_on", reported_on, "reported date"),
    ):
        try:
            clean[field] = check_not_future(parse_date(value, label=label), label=label, today=today)
        except ValidationError as error:
            errors[field] = error.messages
    if not errors:
        try:
            check_reported_not_before_occurred(**clean)
        except ValidationError as error:
            errors["reported_on"] = error.messages
    if errors:
        raise ValidationError(errors)
    return clean


FieldRules = dict[str, Callable[[Any], Any]]


def check_field(errors: dict[str, list[str]], field: str, rule: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`rule(*args, **kwargs)`, or None with its messages put under `field` in `errors`: how a service
    checks one value and goes on to report every problem of a record at once."""
    try:
        return rule(*args, **kwargs)
    except ValidationError as error:
        errors[field] = error.messages
        return None


OFFENCE_FIELD_RULES: FieldRules = {
    "crime_ref": lambda v: normalize_reference(v, label="crime reference"),
    "offence_code": normalize_offence_code,
    "status": normalize_status,
    "victim_ref": lambda v: normalize_reference(v, label="victim reference"),
    "victim_relationship": normalize_relationship,
    "borough": normalize_borough,
    "domestic": lambda v: parse_bool(v, label="domestic flag"),
}

OFFENDER_FIELD_RULES: FieldRules = {
    "suspect_ref": lambda v: normalize_reference(v, label="suspect reference"),
    "surname": lambda v: normalize_name(v, label="surname", max_length=SURNAME_MAX_LENGTH),
    "forenames": lambda v: normalize_name(v, label="forenames", max_length=FORENAMES_MAX_LENGTH),
    "date_of_birth": lambda v: parse_optional_date(v, label="date of birth"),
    "sex": normalize_sex,
    "ethnicity": normalize_ethnicity,
    "status": normalize_offender_status,
    "review_due": lambda v: None if _text(v) == "" else parse_date_in_range(v, label="review date"),
}


def collect_fields(raw: Mapping[str, Any], field_rules: FieldRules, *, partial: bool = False) -> tuple[dict, dict]:
    """Apply each rule to its field: (clean values, {field: [messages]}) so callers can go on checking
    the good fields against the database and report every problem of a record together.

    ``partial`` (a PATCH) checks only the fields present in ``raw``.
    """
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for field, rule in field_rules.items():
        if partial and field not in raw:
            continue
        try:
            clean[field] = rule(raw.get(field))
        except ValidationError as error:
            errors[field] = error.messages
    return clean, errors


def clean_fields(raw: Mapping[str, Any], field_rules: FieldRules, *, partial: bool = False) -> dict:
    """The clean values, or every problem raised at once as a ValidationError {field: [messages]}."""
    clean, errors = collect_fields(raw, field_rules, partial=partial)
    if errors:
        raise ValidationError(errors)
    return clean


def collect_offence_fields(raw: Mapping[str, Any], *, today: dt.date | None = None) -> tuple[dict, dict]:
    """Every offence field of a full record (named as the import columns), the dates checked as a pair."""
    clean, errors = collect_fields(raw, OFFENCE_FIELD_RULES)
    try:
        clean.update(clean_offence_dates(raw.get("occurred_on"), raw.get("reported_on"), today=today))
    except ValidationError as error:
        errors.update(error.message_dict)
    return clean, errors


def clean_offence_fields(raw: Mapping[str, Any], *, today: dt.date | None = None) -> dict:
    """As collect_offence_fields, raising every problem at once."""
    clean, errors = collect_offence_fields(raw, today=today)
    if errors:
        raise ValidationError(errors)
    return clean


def clean_offender_fields(raw: Mapping[str, Any], *, partial: bool = False) -> dict:
    """The offender's own fields (the import's suspect_* columns without the prefix)."""
    return clean_fields(raw, OFFENDER_FIELD_RULES, partial=partial)
