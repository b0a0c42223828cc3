"""How an API view answers a write whose service may find it conflicts with the record's current state
(an order not in force on the breach date, a record with an open case): 201 with what was written, or
409 with the service's reasons in `detail` and nothing changed. Field errors stay 400 (exceptions.py)."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.response import Response

Written = TypeVar("Written")


def created_or_conflict(
    write: Callable[[], Written], *, conflict: type[ValidationError], answer: Callable[[Written], Any]
) -> Response:
    """Run `write`; a `conflict` it raises is a 409, otherwise a 201 with `answer(what it wrote)`."""
    try:
        written = write()
    except conflict as refused:
        return Response({"detail": " ".join(refused.messages)}, status=status.HTTP_409_CONFLICT)
    return Response(answer(written), status=status.HTTP_201_CREATED)
