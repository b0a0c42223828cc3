"""Harm days as exact decimals: the one rule for every way a value comes in (workbook, API, edit page).

The official Cambridge Crime Harm Index has fractional scores (182.25, 547.5 days): a value is kept
exactly as given, never rounded, and one with more than two decimal places is refused rather than
silently changed. Floats are read through their shortest text (182.25, not its binary expansion).
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

MAX_DAYS = 36_500
PLACES = 2


def exact_decimal(value: Any, *, what: str, low: Decimal, high: Decimal, places: int = PLACES) -> Decimal:
    """`value` (a number, or text that is one) as a Decimal within [low, high] with at most `places`
    decimal places; anything else is a ValidationError that says why."""
    shown = " ".join(str(value).split())[:20] if value is not None else ""
    if isinstance(value, bool) or value is None or shown == "":
        raise ValidationError(f"There is no {what}.")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError(f"'{shown}' is not a number ({what}).") from None
    if not number.is_finite() or not low <= number <= high:
        raise ValidationError(f"'{shown}' is not a {what} from {low:g} to {high:g}.")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise ValidationError(f"'{shown}' has more than {places} decimal places ({what}).")
    return number.quantize(Decimal(1).scaleb(-places))


def harm_days(value: Any) -> Decimal:
    """A harm entry's days: 0 to 36,500 with at most two decimal places, kept exactly."""
    return exact_decimal(value, what="number of days", low=Decimal(0), high=Decimal(MAX_DAYS))


def days_text(value: Any) -> str:
    """Days as a person reads them: 182.25, 547.5, 365 (no trailing zeros, never an exponent)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    text = format(number.normalize(), "f")
    return text
