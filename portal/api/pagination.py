"""Pagination shared by every list endpoint: count, next, previous, results."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def whole_number_param(params, name: str, *, default: int, low: int, high: int | None = None) -> int:
    """A whole-number query parameter such as `?limit=`: absent or blank gives `default`; anything that
    is not a whole number of at least `low` is a 400 (DRF would silently fall back to the default, so
    `?limit=0` or `?limit=abc` would answer a hundred rows nobody asked for); above `high` is capped,
    as DRF caps a page size."""
    raw = params.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        number = int(raw.strip())
    except ValueError:
        raise ValidationError({name: [f"Must be a whole number, at least {low}."]}) from None
    if number < low:
        raise ValidationError({name: [f"Must be a whole number, at least {low}."]})
    return number if high is None else min(number, high)
