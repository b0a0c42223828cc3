"""Cases as the case app would leave them, opened at a chosen time."""

import datetime as dt

from cases.models import Case


def open_case(offender, *, lead, opened_at: dt.datetime, stage: str = "tasked", **fields) -> Case:
    """A case as the case app would leave it, opened at a chosen time (opened_at is auto_now_add)."""
    case = Case.objects.create(offender=offender, lead=lead, stage=stage, reason="tasking meeting", **fields)
    Case.objects.filter(pk=case.pk).update(opened_at=opened_at)
    case.refresh_from_db()
    return case
