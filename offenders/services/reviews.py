"""Records review (docs/records.md): a supervisor or an admin decides whether a record whose review date
has come is still necessary for a policing purpose. "Retain" needs a reason and sets the next review;
"dispose" (admins only) erases the record (services/disposal.py). Each outcome is a RecordReview row and
an audit event, in one transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.accounts.permissions import require
from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot

from .. import rules
from ..models import Offender, RecordReview, ReviewOutcome
from ..review_rules import retain_until, review_dates_set
from .disposal import offender_dispose

REVIEW_REFUSAL = "Only supervisors and admins may review records."
HIDDEN_REFUSAL = "You may not review this record (restricted)."
REASON_REQUIRED = "Give the reason for the outcome: it is recorded and audited."


def _clean(outcome: str, reason: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = [f"Choose the outcome: {' or '.join(ReviewOutcome.values)}."]
    reason = rules.check_field(errors, "reason", rules.REVIEW_REASON.clean, reason, required=REASON_REQUIRED)
    if errors:
        raise ValidationError(errors)
    return outcome, reason


def offender_review(*, offender: Offender, outcome: str, reason: str, by) -> RecordReview:
    """Record a review's outcome. `dispose` goes on to erase the record (admins only, refused while an app
    above still needs him: an open case). Bad input is a field error and nothing is written."""
    require(by, "records.review", refusal=REVIEW_REFUSAL)
    require(by, "records.review", offender, refusal=HIDDEN_REFUSAL)
    outcome, reason = _clean(outcome, reason)
    if outcome == ReviewOutcome.DISPOSE:
        return offender_dispose(offender=offender, reason=reason, by=by)
    with transaction.atomic():
        offender = Offender.objects.select_for_update().get(pk=offender.pk)
        review = RecordReview.objects.create(
            offender=offender,
            outcome=outcome,
            reason=reason,
            next_review_on=retain_until(today=timezone.localdate()),
            reviewed_by=by,
            reviewed_by_username=by.get_username(),
        )
        audit_record(action="offender.review", target=review, changes=model_changes({}, audit_snapshot(review)))
        before = offender.review_due
        review_dates_set(offender_ids=[offender.pk])
        offender.refresh_from_db(fields=["review_due"])
        if offender.review_due != before:
            audit_record(
                action="offender.update",
                target=offender,
                changes={"review_due": {"before": str(before) if before else None, "after": str(offender.review_due)}},
            )
    return review
