"""Field errors the write services build alike, in the same words everywhere: a choice from a fixed
list, a date that must be given and not lie in the future, a text with a length limit.

Each adds its message to the service's `errors` (field name -> messages) rather than raising, so the
service raises one ValidationError with every bad field at once (a form's field errors, a 400 body).
Written here, below every app, so the offenders and cases services share them.
"""

import datetime as dt

from django.db.models import Choices
from django.utils import timezone

FieldErrors = dict[str, list[str]]


def check_choice(errors: FieldErrors, field: str, value, choices: type[Choices], *, what: str) -> None:
    """`value` must be one of `choices`; otherwise "Choose <what>: <the values>."."""
    if value not in choices.values:
        errors[field] = [f"Choose {what}: {', '.join(choices.values)}."]


def check_past_date(errors: FieldErrors, field: str, value: dt.date | None, *, missing: str, future: str) -> None:
    """A date that must be given (else `missing`) and be today or earlier (else `future`)."""
    if value is None:
        errors[field] = [missing]
    elif value > timezone.localdate():
        errors[field] = [future]


def check_length(errors: FieldErrors, field: str, value: str | None, *, limit: int) -> None:
    """A text of at most `limit` characters (an empty one passes)."""
    if len(value or "") > limit:
        errors[field] = [f"At most {limit} characters."]
