"""Reads for records review and subject access (docs/records.md): the review queue and the bundle.

Writes are in services/reviews.py, services/disposal.py and services/access.py (the disclosure's audit).
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from portal.accounts.permissions import restrict

from . import hooks
from .models import Offender, RecordReview, ReviewOutcome
from .selectors import record_exists

PERSONAL_LABELS = (
    ("force_reference", "Force reference"), ("surname", "Surname"), ("forenames", "Forenames"),
    ("date_of_birth", "Date of birth"), ("sex", "Sex"), ("ethnicity", "Ethnicity (self-defined code)"),
    ("review_due", "Next review of this record"),
)  # fmt: skip


def review_queue(*, user, today: datetime.date | None = None) -> QuerySet[Offender]:
    """The records whose review date has come (on or before `today`), oldest first, that this user may
    review: supervisors (restricted records only with the grant) and admins. A disposed record is in no
    queue (the rule in `restricted_q`)."""
    today = today or timezone.localdate()
    queryset = Offender.objects.filter(review_due__lte=today).only("pk", "review_due", "restricted", "status")
    return restrict(queryset, user, "records.review").order_by("review_due", "pk")


def record_for(*, user, pk: Any, capability: str) -> Offender:
    """The offender `user` may review, dispose of or disclose; a hidden one is refused (403, audited by the
    refusal handlers), a missing or disposed one is a 404 (his record no longer exists as his)."""
    offender = restrict(Offender.objects.filter(pk=_int(pk)), user, capability).first()
    if offender is not None:
        return offender
    if record_exists(model=Offender, pk=pk):
        raise PermissionDenied(f"offender not visible ({capability})")
    raise Http404("No such record.")


def _int(pk: Any) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404("No such record.") from None


def subject_access_bundle(*, offender: Offender) -> dict[str, Any]:
    """What a subject access request (Data Protection Act 2018, s.45) is answered with: his personal data,
    his offences (without any victim: no reference, no relationship), his live score and why, his
    tasking decisions and case stages, and his record's reviews. No case notes, no officer's free text,
    no staff names, no victim's identity (docs/records.md)."""
    summary = hooks.score_summary(offender=offender)
    offences = offender.offences.select_related("offence_type").order_by("occurred_on", "pk")
    return {
        "reference": offender.reference,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "personal_data": {
            "force_reference": offender.suspect_ref,
            "surname": offender.surname,
            "forenames": offender.forenames,
            "date_of_birth": offender.date_of_birth.isoformat() if offender.date_of_birth else None,
            "sex": offender.sex,
            "ethnicity": offender.ethnicity or None,
            "review_due": offender.review_due.isoformat() if offender.review_due else None,
        },
        "offences": [
            {
                "crime_reference": offence.crime_ref,
                "offence": f"{offence.offence_type.code} {offence.offence_type.title}",
                "occurred_on": offence.occurred_on.isoformat(),
                "reported_on": offence.reported_on.isoformat(),
                "status": offence.status,
                "borough": offence.borough,
                "domestic": offence.domestic,
            }
            for offence in offences
        ],
        "score": _score(summary),
        **hooks.subject_access_sections(offender=offender),
        "reviews": [
            {
                "outcome": review.outcome,
                "on": review.reviewed_at.date().isoformat(),
                "next_review_on": review.next_review_on.isoformat() if review.next_review_on else None,
            }
            for review in RecordReview.objects.filter(offender=offender, outcome=ReviewOutcome.RETAIN)
        ],  # fmt: skip
    }


def _score(summary: dict[str, Any]) -> dict[str, Any] | None:
    """The score and its explanation, minus anything that names a victim (the breakdown's rows are his
    offences by crime reference, type, date and days)."""
    if not summary:
        return None
    return _without_victims(summary)


VICTIM_KEYS = frozenset({"victim", "victim_ref", "victim_id", "victim_relationship"})


def _without_victims(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_victims(v) for k, v in value.items() if k not in VICTIM_KEYS}
    if isinstance(value, list):
        return [_without_victims(item) for item in value]
    return value
